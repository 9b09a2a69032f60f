/**
 * Parser of fieldseal's triple-slash annotations in schema.prisma:
 *
 * ```prisma
 * /// @fieldseal.encrypt
 * /// @fieldseal.encrypt(mode: deterministic, type: Int)
 * /// @fieldseal.encrypt(row: id, migrating: true)
 * /// @fieldseal.blindIndex(of: email, normalize: email, bits: 64)
 * /// @fieldseal.blindIndex(of: name, normalize: fold)
 * /// @fieldseal.fpe(preset: card, keepLast: 4)
 * /// @fieldseal.blindIndex(of: email, normalize: email, unique: true)   (the column must be @unique)
 * /// @fieldseal.encrypt(subject: customerId)                           (sealed under the row's data subject)
 * /// @fieldseal.blindIndex(of: email, normalize: email, version: 2, reindexing: true)
 * /// @fieldseal.encrypt(mode: deterministic, version: 2, shadowOf: ssn, reindexing: true)
 * ```
 *
 * @module
 */
import { NORMALIZER_NAMES } from '../../../tokenize/normalize.js';
import { MAX_LOOKUP_VERSION } from '../../../keys/key-scope.js';
import { LOGICAL_TYPES, type FieldConfig } from '../config.js';

/** An invalid annotation; the message names the model and field. */
export class AnnotationError extends Error {
  constructor(model: string, field: string, message: string) {
    super(`fieldseal: ${model}.${field}: ${message}`);
    this.name = 'AnnotationError';
  }
}

type Arg = string | number | boolean;

const ALLOWED: Record<string, ReadonlySet<string>> = {
  encrypt: new Set(['mode', 'type', 'row', 'subject', 'migrating', 'domain', 'scope', 'unique', 'version', 'shadowOf', 'reindexing']),
  blindIndex: new Set(['of', 'normalize', 'bits', 'domain', 'scope', 'unique', 'version', 'reindexing']),
  // The options besides these are FpeFieldOptions, emitted under the same names.
  fpe: new Set(['preset', 'scope', 'version', 'shadowOf', 'reindexing', 'keepFirst', 'keepLast', 'luhn', 'letterCase']),
};
/** Arguments of @fieldseal.fpe that are not the preset's options. */
const FPE_FIELD_ARGS = new Set(['preset', 'scope', 'version', 'shadowOf', 'reindexing']);
const NORMALIZERS = new Set<string>(NORMALIZER_NAMES);
const PRESETS = new Set(['card', 'ssn', 'phone', 'numeric', 'alphanumeric']);

/** Parses `key: value, ...`; values are identifiers, numbers, booleans or double-quoted strings. */
function parseArgs(text: string, fail: (why: string) => never): Record<string, Arg> {
  const out: Record<string, Arg> = {};
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*("(?:[^"\\]|\\.)*"|[^,\s)]+)\s*(?:,|$)/y;
  let pos = 0;
  const body = text.trim();
  while (pos < body.length) {
    re.lastIndex = pos;
    const m = re.exec(body);
    if (!m) fail(`cannot parse annotation arguments '${body}' (expected key: value, ...)`);
    const [, key, raw] = m!;
    if (key! in out) fail(`argument '${key!}' is given twice`);
    let value: Arg;
    if (raw!.startsWith('"')) value = JSON.parse(raw!) as string;
    else if (raw === 'true' || raw === 'false') value = raw === 'true';
    else if (/^-?\d+$/.test(raw!)) value = Number(raw);
    else value = raw!;
    out[key!] = value;
    pos = re.lastIndex;
  }
  return out;
}

/**
 * Reads the fieldseal annotation of one field from its documentation comment. Returns
 * undefined when there is none; throws AnnotationError when it is invalid.
 */
export function parseFieldAnnotation(model: string, field: string, documentation: string | undefined): FieldConfig | undefined {
  return parseAnnotation(model, field, documentation)?.config;
}

/**
 * Checks a protected field against its column's unique index (`@unique`, `@id`, or a
 * one-field `@@unique`), which the generator reads from the DMMF:
 * - `unique: true` (the field is meant as a unique lookup: findUnique, upsert, connect by
 *   it) needs a unique index on the column, or the database would keep duplicates and
 *   Prisma refuse the unique where;
 * - a unique index on a randomized column enforces nothing (no two ciphertexts are equal)
 *   and makes the field look like a unique key that it is not.
 * Throws AnnotationError naming the model and field.
 */
export function checkUniqueIndex(model: string, field: string, documentation: string | undefined, uniqueIndex: boolean): void {
  const parsed = parseAnnotation(model, field, documentation);
  if (parsed === undefined) return;
  const { config, unique } = parsed;
  if (unique && !uniqueIndex) {
    throw new AnnotationError(model, field, `unique: true, but the column has no unique index; add @unique to ${model}.${field} (or drop unique: true)`);
  }
  if (uniqueIndex && (config.mode ?? 'randomized') === 'randomized') {
    const hint = 'randomized ciphertexts are all distinct, so the unique index enforces nothing; put @unique on its blind index column (@fieldseal.blindIndex(of: ' + field + ', unique: true)) or use mode: deterministic';
    throw new AnnotationError(model, field, `has a unique index, but ${hint}`);
  }
}

/** A parsed annotation: the field's config, and whether it declares a unique lookup (`unique: true`, checked against the schema, not emitted). */
function parseAnnotation(model: string, field: string, documentation: string | undefined): { config: FieldConfig; unique: boolean } | undefined {
  if (!documentation || !documentation.includes('@fieldseal')) return undefined;
  const fail = (why: string): never => {
    throw new AnnotationError(model, field, why);
  };
  const found = [...documentation.matchAll(/@fieldseal\.?([A-Za-z]*)\s*(\(([^)]*)\))?/g)];
  if (found.length > 1) fail('more than one @fieldseal annotation');
  const [, kind, parens, argText] = found[0]!;
  if (!kind || !(kind in ALLOWED)) fail(`unknown annotation '@fieldseal.${kind ?? ''}' (use encrypt, blindIndex or fpe)`);
  const after = documentation.slice(found[0]!.index! + found[0]![0].length);
  if (!parens && /^\s*\(/.test(after)) fail('unterminated argument list');
  const args = argText === undefined ? {} : parseArgs(argText, fail);
  for (const key of Object.keys(args)) if (!ALLOWED[kind!]!.has(key)) fail(`unknown argument '${key}' for @fieldseal.${kind!}`);
  const str = (key: string): string | undefined => {
    const v = args[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') fail(`'${key}' must be a name`);
    return v as string;
  };
  const bool = (key: string): boolean | undefined => {
    const v = args[key];
    if (v !== undefined && typeof v !== 'boolean') fail(`'${key}' must be true or false`);
    return v as boolean | undefined;
  };
  const scope = str('scope');
  const unique = bool('unique') === true;
  /** `version`, `shadowOf` and `reindexing`: a lookup column's place in a lookup key replacement. */
  const lookupVersion = (): { version?: number; shadowOf?: string; reindexing?: true } => {
    const version = args.version;
    if (version !== undefined && (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > MAX_LOOKUP_VERSION)) {
      fail(`version must be an integer from 1 to ${MAX_LOOKUP_VERSION}`);
    }
    const shadowOf = str('shadowOf');
    const reindexing = bool('reindexing');
    return { ...(version !== undefined ? { version: version as number } : {}), ...(shadowOf ? { shadowOf } : {}), ...(reindexing ? { reindexing: true as const } : {}) };
  };
  return { config: parseConfig(), unique };

  function parseConfig(): FieldConfig {
    switch (kind) {
      case 'encrypt': {
        const mode = str('mode') ?? 'randomized';
        if (mode !== 'randomized' && mode !== 'deterministic') fail(`mode must be randomized or deterministic, not '${mode}'`);
        const type = str('type');
        if (type !== undefined && !(LOGICAL_TYPES as readonly string[]).includes(type)) fail(`type must be one of ${LOGICAL_TYPES.join(', ')}, not '${type}'`);
        const common = { ...(type ? { type: type as (typeof LOGICAL_TYPES)[number] } : {}), ...(bool('migrating') ? { migrating: true } : {}), ...(scope ? { scope } : {}) };
        if (mode === 'deterministic') {
          if (args.row !== undefined) fail('row binding applies to randomized fields only');
          if (args.subject !== undefined) fail("subject applies to randomized fields only (deterministic values are sealed under the scope's lookup key)");
          const domain = str('domain');
          return { mode: 'deterministic', ...common, ...(domain ? { domain } : {}), ...lookupVersion() };
        }
        if (args.domain !== undefined) fail('domain applies to deterministic fields only');
        for (const key of ['version', 'shadowOf', 'reindexing']) {
          if (args[key] !== undefined) fail(`${key} applies to lookup columns (deterministic and FPE fields, blind indexes): a randomized field has no lookup tokens of its own`);
        }
        if (unique) fail('unique applies to deterministic fields and blind indexes: no two randomized ciphertexts are equal');
        const row = str('row');
        const subject = str('subject');
        return { mode: 'randomized', ...common, ...(row ? { row } : {}), ...(subject ? { subject } : {}) };
      }
      case 'blindIndex': {
        const of = str('of');
        if (!of) fail('@fieldseal.blindIndex needs of: <field>');
        const normalize = str('normalize');
        if (normalize !== undefined && !NORMALIZERS.has(normalize)) fail(`normalize must be one of ${[...NORMALIZERS].join(', ')}, not '${normalize}'`);
        const bits = args.bits;
        if (bits !== undefined && (typeof bits !== 'number' || bits < 16 || bits > 256)) fail('bits must be a number from 16 to 256');
        const domain = str('domain');
        const { version, reindexing } = lookupVersion();
        return {
          mode: 'blindIndex',
          of: of!,
          ...(normalize ? { normalize: normalize as 'email' } : {}),
          ...(bits !== undefined ? { bits: bits as number } : {}),
          ...(domain ? { domain } : {}),
          ...(scope ? { scope } : {}),
          ...(version !== undefined ? { version } : {}),
          ...(reindexing ? { reindexing } : {}),
        };
      }
      default: {
        const preset = str('preset');
        if (!preset || !PRESETS.has(preset)) fail(`@fieldseal.fpe needs preset: one of ${[...PRESETS].join(', ')}`);
        const options: Record<string, Arg> = {};
        for (const [k, v] of Object.entries(args)) if (!FPE_FIELD_ARGS.has(k)) options[k] = v;
        return {
          mode: 'fpe',
          preset: preset as 'card',
          ...(Object.keys(options).length > 0 ? { options } : {}),
          ...(scope ? { scope } : {}),
          ...lookupVersion(),
        };
      }
    }
  }
}
