/**
 * FPE presets: the named token formats configuration offers (Prisma fields and annotations,
 * TypeORM `@FpeColumn`), each with the options it takes. The one place where flat options,
 * as configuration writes them (`keepLast: 4`), become the tokenizer's format
 * (`keep: { last: 4 }`), so that both adapters accept and refuse the same things.
 *
 * @module
 */
import type { FpeFormat } from './fpe.js';

/** The FPE presets configuration accepts. */
export type FpePreset = 'card' | 'ssn' | 'phone' | 'numeric' | 'alphanumeric';

/** The options each preset takes, in the order error messages list them. */
const PRESET_OPTIONS: Readonly<Record<FpePreset, ReadonlySet<string>>> = {
  card: new Set(['keepFirst', 'keepLast', 'luhn']),
  ssn: new Set(),
  phone: new Set(['keepFirst', 'keepLast']),
  numeric: new Set(['keepFirst', 'keepLast']),
  alphanumeric: new Set(['keepFirst', 'keepLast', 'letterCase']),
};
const LUHN = new Set(['valid', 'invalid']);
const LETTER_CASES = new Set(['upper', 'lower', 'mixed']);

/**
 * The tokenizer format of `preset` with its `options` (an object of flat options; undefined
 * ones count as absent). Every mistake (an unknown preset, options that are not an object, an
 * option the preset does not take, an option of the wrong type) goes to `bad`, which throws
 * an error naming the field: the message names the option, never its value.
 */
export function fpePresetFormat(preset: unknown, options: unknown, bad: (why: string) => never): FpeFormat {
  if (typeof preset !== 'string' || !Object.hasOwn(PRESET_OPTIONS, preset)) bad(`unknown fpe preset '${String(preset)}' (use ${Object.keys(PRESET_OPTIONS).join(', ')})`);
  const takes = PRESET_OPTIONS[preset as FpePreset];
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) bad('fpe options must be an object');
  const opts = (options ?? {}) as Readonly<Record<string, unknown>>;
  for (const [name, value] of Object.entries(opts)) {
    if (value !== undefined && !takes.has(name)) bad(`fpe option '${name}' does not apply to preset ${preset} (it takes ${[...takes].join(', ') || 'no options'})`);
  }
  const count = (name: 'keepFirst' | 'keepLast'): number | undefined => {
    const v = opts[name];
    if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)) bad(`fpe option ${name} must be a non-negative integer`);
    return v as number | undefined;
  };
  const first = count('keepFirst');
  const last = count('keepLast');
  const keep = first === undefined && last === undefined ? {} : { keep: { ...(first !== undefined ? { first } : {}), ...(last !== undefined ? { last } : {}) } };
  switch (preset as FpePreset) {
    case 'card': {
      const luhn = opts.luhn;
      if (luhn !== undefined && !LUHN.has(luhn as string)) bad("fpe option luhn must be 'valid' or 'invalid'");
      return { kind: 'card', ...keep, ...(luhn !== undefined ? { luhn: luhn as 'valid' | 'invalid' } : {}) };
    }
    case 'ssn':
      return { kind: 'ssn' };
    case 'phone':
      return { kind: 'phone', ...keep };
    case 'numeric':
      return { kind: 'numeric', ...keep };
    case 'alphanumeric': {
      const letterCase = opts.letterCase;
      if (letterCase !== undefined && !LETTER_CASES.has(letterCase as string)) bad("fpe option letterCase must be 'upper', 'lower' or 'mixed'");
      return { kind: 'alphanumeric', ...keep, ...(letterCase !== undefined ? { letterCase: letterCase as 'upper' | 'lower' | 'mixed' } : {}) };
    }
  }
}
