/**
 * Normalizers for blind indexes: equal-meaning inputs must give equal indexes
 * ("Alice@Example.com " and "alice@example.com"). Applied before the keyed HMAC.
 *
 * @module
 */
import { InvalidInputError } from '../errors.js';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** Nonspacing combining marks (accents, diaeresis, cedilla, ...), as left by NFKD. */
const NONSPACING_MARKS = /\p{Mn}/gu;

/** The built-in normalizers, by name. */
export type NormalizerName = 'none' | 'trim' | 'lowercase' | 'email' | 'digits' | 'phone' | 'fold';

/**
 * Every built-in normalizer's name: what configuration (Prisma annotations and typed config,
 * rotation job columns) accepts besides a function. One list, so none of them lags behind.
 */
export const NORMALIZER_NAMES: readonly NormalizerName[] = Object.freeze(['none', 'trim', 'lowercase', 'email', 'digits', 'phone', 'fold']);

/** A named normalizer or a custom function. */
export type Normalizer = NormalizerName | ((value: string) => string);

/**
 * Applies a normalizer.
 * - `trim`: strips surrounding white space;
 * - `lowercase`: trim + locale-independent lower case;
 * - `email`: Unicode NFKC, trim, lower case (whole address);
 * - `digits`: keeps ASCII digits only (card numbers, national ids);
 * - `phone`: E.164-ish: digits only, with a leading `+` kept and `00` read as `+`;
 * - `fold`: accents and case folded away, for names: Unicode NFKD, nonspacing combining
 *   marks removed, lower case, trim (` François` and `francois` are equal; so are `ﬁ` and
 *   `fi`). Spacing marks (vowel signs of Indic scripts) are kept: they are letters there.
 */
export function normalize(value: string, normalizer: Normalizer = 'none'): string {
  if (typeof normalizer === 'function') {
    const out = normalizer(value);
    if (typeof out !== 'string') throw new InvalidInputError('a custom normalizer must return a string');
    return out;
  }
  switch (normalizer) {
    case 'none':
      return value;
    case 'trim':
      return value.trim();
    case 'lowercase':
      return value.trim().toLowerCase();
    case 'email':
      // NFKC is the identity on printable ASCII, and skipping it there is most of this normalizer's cost.
      return (PRINTABLE_ASCII.test(value) ? value : value.normalize('NFKC')).trim().toLowerCase();
    case 'digits':
      return value.replace(/[^0-9]/g, '');
    case 'fold':
      return foldDiacritics(value);
    case 'phone': {
      const t = value.trim();
      const digits = t.replace(/[^0-9]/g, '');
      if (t.startsWith('+')) return `+${digits}`;
      if (digits.startsWith('00')) return `+${digits.slice(2)}`;
      return digits;
    }
    default:
      throw new InvalidInputError(`unknown normalizer '${String(normalizer)}'`);
  }
}

/**
 * The `fold` normalizer. NFKD splits accented letters into letter + mark; lower-casing runs
 * after it (compatibility forms such as `ℌ` decompose to capitals) and before the marks are
 * removed (`İ` lower-cases to `i` + a combining dot). The result is a fixed point: folding
 * it again changes nothing.
 */
function foldDiacritics(value: string): string {
  if (PRINTABLE_ASCII.test(value)) return value.trim().toLowerCase();
  return value.normalize('NFKD').toLowerCase().normalize('NFKD').replace(NONSPACING_MARKS, '').trim();
}
