/**
 * Normalizers for blind indexes: equal-meaning inputs must give equal indexes
 * ("Alice@Example.com " and "alice@example.com"). Applied before the keyed HMAC.
 *
 * @module
 */
import { InvalidInputError } from '../errors.js';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** A named normalizer or a custom function. */
export type Normalizer = 'none' | 'trim' | 'lowercase' | 'email' | 'digits' | 'phone' | ((value: string) => string);

/**
 * Applies a normalizer.
 * - `trim`: strips surrounding white space;
 * - `lowercase`: trim + locale-independent lower case;
 * - `email`: Unicode NFKC, trim, lower case (whole address);
 * - `digits`: keeps ASCII digits only (card numbers, national ids);
 * - `phone`: E.164-ish: digits only, with a leading `+` kept and `00` read as `+`.
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
