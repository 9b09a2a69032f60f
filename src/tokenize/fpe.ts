/**
 * Format-preserving tokens on FF1 (NIST SP 800-38G Rev. 1 §5.1): a card number stays 16
 * digits, an SSN stays AAA-GG-SSSS, a phone number keeps its punctuation. Reversible with the
 * key; deterministic (equal value + key + context give equal tokens, so equality lookups and
 * joins work, and equality leaks). No integrity: any well-formed string detokenizes to
 * something. See docs/tokenization.md for what each format leaks and how to rotate.
 *
 * The tweak binds each token to its use: the caller's field context (model, field, optional
 * tenant or row), the format and its parameters, and the characters kept in clear. So equal
 * middle digits under another BIN or last four, another field, or another format give
 * unrelated tokens. Formatting characters (spaces, dashes, parentheses) are not part of the
 * tweak: "4111 1111 1111 1111" and "4111111111111111" tokenize to the same digits.
 *
 * Keys come from the caller (the Sealer derives a per-field FPE subkey with HKDF): no key
 * management here.
 *
 * @module
 */
import { Ff1 } from '../crypto/ff1.js';
import { InvalidInputError } from '../errors.js';
import { setLuhnDigit, luhnSum } from './luhn.js';
import { assertText, checkCount, toBytes } from './text.js';

/** How many alphabet characters at each end stay in clear (formatting characters do not count). */
export interface FpeKeep {
  readonly first?: number;
  readonly last?: number;
}

/**
 * Payment card number (12–19 digits; spaces and dashes kept in place).
 * `luhn: 'valid'` makes every token pass the Luhn check, `'invalid'` makes every token fail
 * it (PCI tokenization guidance: tokens that can never be mistaken for a PAN); both need a
 * Luhn-valid input and fix one tokenized digit, so they cost one digit of token space.
 */
export interface CardFormat {
  readonly kind: 'card';
  readonly keep?: FpeKeep;
  readonly luhn?: 'valid' | 'invalid';
}
/** US Social Security number: 9 digits, optionally written AAA-GG-SSSS; all 9 are tokenized. */
export interface SsnFormat {
  readonly kind: 'ssn';
}
/** Phone number: digits tokenized; `+`, spaces, dashes, dots, slashes and parentheses kept in place. */
export interface PhoneFormat {
  readonly kind: 'phone';
  readonly keep?: FpeKeep;
}
/** Numeric identifier: ASCII digits only, leading zeros and length preserved. */
export interface NumericFormat {
  readonly kind: 'numeric';
  readonly keep?: FpeKeep;
}
/** Alphanumeric code over 0-9A-Z (`upper`, default), 0-9a-z (`lower`) or 0-9A-Za-z (`mixed`). */
export interface AlphanumericFormat {
  readonly kind: 'alphanumeric';
  readonly letterCase?: 'upper' | 'lower' | 'mixed';
  readonly keep?: FpeKeep;
}
/**
 * Any alphabet of 2..65536 distinct code points; `passthrough` code points are kept in place
 * and not encrypted. Every other code point in a value is refused.
 */
export interface AlphabetFormat {
  readonly kind: 'alphabet';
  readonly alphabet: string;
  readonly passthrough?: string;
  readonly keep?: FpeKeep;
}

/** A token format: plain data, so a Sealer or a config file can pass it through. */
export type FpeFormat = CardFormat | SsnFormat | PhoneFormat | NumericFormat | AlphanumericFormat | AlphabetFormat;

/** Constructors for the preset formats. */
export const fpeFormats = {
  card: (options: Omit<CardFormat, 'kind'> = {}): CardFormat => ({ kind: 'card', ...options }),
  ssn: (): SsnFormat => ({ kind: 'ssn' }),
  phone: (options: Omit<PhoneFormat, 'kind'> = {}): PhoneFormat => ({ kind: 'phone', ...options }),
  numeric: (options: Omit<NumericFormat, 'kind'> = {}): NumericFormat => ({ kind: 'numeric', ...options }),
  alphanumeric: (options: Omit<AlphanumericFormat, 'kind'> = {}): AlphanumericFormat => ({ kind: 'alphanumeric', ...options }),
  alphabet: (alphabet: string, options: Omit<AlphabetFormat, 'kind' | 'alphabet'> = {}): AlphabetFormat => ({
    kind: 'alphabet',
    alphabet,
    ...options,
  }),
} as const;

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const TWEAK_LABEL = 'fieldseal/fpe/v1';

/** A format resolved to an alphabet, passthrough set and layout rules. */
interface Plan {
  readonly id: string;
  readonly alphabet: string;
  readonly passthrough: ReadonlySet<string>;
  readonly keepFirst: number;
  readonly keepLast: number;
  readonly luhnTarget: number | undefined;
  readonly minSymbols: number;
  readonly maxSymbols: number;
  readonly name: string;
}

function resolve(format: FpeFormat): Plan {
  if (format === null || typeof format !== 'object') throw new InvalidInputError('FPE format must be an object');
  const keep = 'keep' in format && format.keep !== undefined ? format.keep : {};
  const keepFirst = checkCount(keep.first, 'keep.first');
  const keepLast = checkCount(keep.last, 'keep.last');
  const base = { keepFirst, keepLast, luhnTarget: undefined, minSymbols: 1, maxSymbols: 4096 };
  switch (format.kind) {
    case 'card': {
      if (format.luhn !== undefined && format.luhn !== 'valid' && format.luhn !== 'invalid') {
        throw new InvalidInputError("card luhn must be 'valid' or 'invalid'");
      }
      const luhnTarget = format.luhn === undefined ? undefined : format.luhn === 'valid' ? 0 : 1;
      return {
        ...base,
        id: `card;f=${keepFirst};l=${keepLast};luhn=${format.luhn ?? 'none'}`,
        name: 'card number',
        alphabet: DIGITS,
        passthrough: new Set([' ', '-']),
        luhnTarget,
        minSymbols: 12,
        maxSymbols: 19,
      };
    }
    case 'ssn':
      return { ...base, id: 'ssn', name: 'SSN', alphabet: DIGITS, passthrough: new Set(['-', ' ']), minSymbols: 9, maxSymbols: 9 };
    case 'phone':
      return {
        ...base,
        id: `phone;f=${keepFirst};l=${keepLast}`,
        name: 'phone number',
        alphabet: DIGITS,
        passthrough: new Set(['+', ' ', '-', '.', '/', '(', ')']),
        maxSymbols: 20,
      };
    case 'numeric':
      return { ...base, id: `numeric;f=${keepFirst};l=${keepLast}`, name: 'numeric id', alphabet: DIGITS, passthrough: new Set() };
    case 'alphanumeric': {
      const letterCase = format.letterCase ?? 'upper';
      const alphabet = letterCase === 'upper' ? DIGITS + UPPER : letterCase === 'lower' ? DIGITS + LOWER : letterCase === 'mixed' ? DIGITS + UPPER + LOWER : undefined;
      if (alphabet === undefined) throw new InvalidInputError("alphanumeric letterCase must be 'upper', 'lower' or 'mixed'");
      return { ...base, id: `alnum;${letterCase};f=${keepFirst};l=${keepLast}`, name: 'alphanumeric code', alphabet, passthrough: new Set() };
    }
    case 'alphabet': {
      assertText(format.alphabet, 'FPE alphabet');
      const passthrough = new Set(Array.from(format.passthrough ?? ''));
      for (const ch of format.alphabet) {
        if (passthrough.has(ch)) throw new InvalidInputError('FPE passthrough characters must not be in the alphabet');
      }
      // The alphabet itself is part of the tweak: the same value under two alphabets is unrelated.
      const alphabetId = Buffer.from(format.alphabet, 'utf8').toString('base64');
      return {
        ...base,
        id: `alphabet;${alphabetId};f=${keepFirst};l=${keepLast}`,
        name: 'value',
        alphabet: format.alphabet,
        passthrough,
      };
    }
    default:
      throw new InvalidInputError(`unknown FPE format kind '${String((format as { kind?: unknown }).kind)}'`);
  }
}

/** A value split into alphabet numerals and their positions among the code points. */
interface Parsed {
  readonly chars: string[];
  readonly positions: number[];
  readonly numerals: number[];
}

/**
 * FF1 tokens of one format under one key (SP 800-38G §5.1). Reuse an instance per field:
 * it caches the AES key schedule and FF1's per-length state.
 */
export class FpeTokenizer {
  readonly #plan: Plan;
  readonly #ff1: Ff1;
  readonly #index: Map<string, number>;
  readonly #symbols: string[];

  /** @param key 16, 24 or 32 bytes: the per-field FPE subkey. */
  constructor(key: Uint8Array, format: FpeFormat) {
    this.#plan = resolve(format);
    this.#ff1 = new Ff1(key, this.#plan.alphabet);
    this.#symbols = Array.from(this.#plan.alphabet);
    this.#index = new Map(this.#symbols.map((s, i) => [s, i]));
  }

  /** The fewest characters FF1 must encrypt for this alphabet (radix^n ≥ 1,000,000). */
  get minTokenizedSymbols(): number {
    return this.#ff1.minLength;
  }

  /** Tokenizes `value`. `context` is the field context (bytes, or a well-formed string) and goes into the tweak. */
  tokenize(value: string, context: Uint8Array | string = ''): string {
    return this.#apply(value, context, true);
  }

  /** Reverses {@link tokenize} under the same key, format and context. */
  detokenize(token: string, context: Uint8Array | string = ''): string {
    return this.#apply(token, context, false);
  }

  #apply(value: string, context: Uint8Array | string, forward: boolean): string {
    const plan = this.#plan;
    assertText(value, `${plan.name}`);
    // The context goes into the tweak as UTF-8, which would merge contexts that differ only in lone surrogates.
    if (typeof context === 'string') assertText(context, 'FPE context');
    else if (!(context instanceof Uint8Array)) throw new InvalidInputError('FPE context must be a string or bytes');
    const parsed = this.#parse(value);
    const n = parsed.numerals.length;
    if (n < plan.minSymbols || n > plan.maxSymbols) {
      throw new InvalidInputError(
        plan.minSymbols === plan.maxSymbols
          ? `a ${plan.name} must have ${plan.minSymbols} characters from its alphabet, got ${n}`
          : `a ${plan.name} must have ${plan.minSymbols}..${plan.maxSymbols} characters from its alphabet, got ${n}`,
      );
    }
    const freeStart = plan.keepFirst;
    const freeEnd = n - plan.keepLast;
    // With a Luhn target one free digit is not encrypted but recomputed: the check digit when
    // the last digit is tokenized, else the last tokenized digit.
    const adjuster = plan.luhnTarget === undefined ? -1 : freeEnd - 1;
    const encrypted = freeEnd - freeStart - (adjuster >= 0 ? 1 : 0);
    if (encrypted < this.#ff1.minLength) {
      throw new InvalidInputError(
        `this ${plan.name} format leaves ${Math.max(0, encrypted)} characters to tokenize (radix ${this.#ff1.radix}); ` +
          `FF1 needs at least ${this.#ff1.minLength} (SP 800-38G: at least 1,000,000 possible values): keep fewer characters in clear` +
          (adjuster >= 0 ? ' or drop the Luhn option' : ''),
      );
    }
    const digits = parsed.numerals;
    if (plan.luhnTarget !== undefined) {
      // Tokenize needs a Luhn-valid card (the recomputed digit must be recoverable);
      // detokenize needs the token's own checksum, which doubles as a format check.
      const expected = forward ? 0 : plan.luhnTarget;
      if (luhnSum(digits) !== expected) {
        throw new InvalidInputError(forward ? 'card number fails the Luhn check' : 'value is not a card token of this format (Luhn checksum)');
      }
    }
    const tweak = this.#tweak(context, digits, freeStart, freeEnd);
    const middle = digits.slice(freeStart, freeStart + encrypted);
    const out = forward ? this.#ff1.encryptNumerals(middle, tweak) : this.#ff1.decryptNumerals(middle, tweak);
    for (let i = 0; i < encrypted; i++) digits[freeStart + i] = out[i] as number;
    if (adjuster >= 0) setLuhnDigit(digits, adjuster, forward ? (plan.luhnTarget as number) : 0);
    const chars = parsed.chars;
    for (let i = 0; i < n; i++) chars[parsed.positions[i] as number] = this.#symbols[digits[i] as number] as string;
    return chars.join('');
  }

  #parse(value: string): Parsed {
    const chars = Array.from(value);
    const positions: number[] = [];
    const numerals: number[] = [];
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i] as string;
      const numeral = this.#index.get(ch);
      if (numeral !== undefined) {
        positions.push(i);
        numerals.push(numeral);
      } else if (!this.#plan.passthrough.has(ch)) {
        throw new InvalidInputError(`${this.#plan.name} contains a character outside its alphabet (position ${i})`);
      }
    }
    return { chars, positions, numerals };
  }

  /** TWEAK_LABEL ‖ lp(format id) ‖ lp(context) ‖ lp(kept prefix) ‖ lp(kept suffix), lp = 4-byte length prefix. */
  #tweak(context: Uint8Array | string, numerals: number[], freeStart: number, freeEnd: number): Uint8Array {
    const kept = (from: number, to: number) => numerals.slice(from, to).map((d) => this.#symbols[d] as string).join('');
    const parts = [TWEAK_LABEL, this.#plan.id, toBytes(context), kept(0, freeStart), kept(freeEnd, numerals.length)].map(toBytes);
    const out = Buffer.allocUnsafe(parts.reduce((sum, p) => sum + 4 + p.length, 0));
    let off = 0;
    for (const p of parts) {
      out.writeUInt32BE(p.length, off);
      out.set(p, off + 4);
      off += 4 + p.length;
    }
    return out;
  }

  toJSON(): string {
    return '[FpeTokenizer]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[FpeTokenizer]';
  }
}

/** One-shot {@link FpeTokenizer.tokenize}. Prefer a reused FpeTokenizer on hot paths. */
export function fpeTokenize(key: Uint8Array, value: string, format: FpeFormat, context: Uint8Array | string = ''): string {
  return new FpeTokenizer(key, format).tokenize(value, context);
}

/** One-shot {@link FpeTokenizer.detokenize}. */
export function fpeDetokenize(key: Uint8Array, token: string, format: FpeFormat, context: Uint8Array | string = ''): string {
  return new FpeTokenizer(key, format).detokenize(token, context);
}
