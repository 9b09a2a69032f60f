/**
 * Keyed blind indexes: HMAC-SHA256 (RFC 2104) of the normalized value under a per-field
 * subkey, optionally truncated. Stored beside a randomized field, an index lets the
 * column be looked up by equality while revealing only equality (less when truncated:
 * truncation adds false positives on purpose, see {@link blindIndexFalsePositiveRate}).
 *
 * Never an unkeyed hash: an unkeyed SHA-256 of an email is reversed by a dictionary.
 *
 * @module
 */
import { createHmac } from 'node:crypto';
import { InvalidInputError } from '../errors.js';

/** Bits kept by default: the full HMAC. */
export const BLIND_INDEX_DEFAULT_BITS = 256;

/** Checks a truncation length: 16..256 bits. */
export function checkBlindIndexBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 16 || bits > 256) throw new InvalidInputError('blind index bits must be an integer from 16 to 256');
}

/** HMAC-SHA256 of `value` (UTF-8) under `key`, truncated to `bits`, as base64url. */
export function blindIndexValue(key: Uint8Array, value: string | Uint8Array, bits: number = BLIND_INDEX_DEFAULT_BITS): string {
  const mac = createHmac('sha256', key).update(value).digest();
  if (bits === 256) return mac.toString('base64url');
  const bytes = Math.ceil(bits / 8);
  const out = mac.subarray(0, bytes);
  const spare = bytes * 8 - bits;
  if (spare !== 0) out[bytes - 1] = (out[bytes - 1] as number) & (0xff << spare) & 0xff;
  return out.toString('base64url');
}

/**
 * Expected number of unrelated rows matching one lookup, in a table of `rows` distinct
 * values with `bits`-bit indexes: (rows - 1) / 2^bits. Choose bits so that this is small
 * for lookups (e.g. < 0.01) but large enough for the privacy you want (k-anonymity ≈ rows / 2^bits).
 */
export function blindIndexFalsePositiveRate(bits: number, rows: number): number {
  checkBlindIndexBits(bits);
  if (!(rows >= 0)) throw new InvalidInputError('rows must be a non-negative number');
  return Math.max(0, rows - 1) / 2 ** bits;
}
