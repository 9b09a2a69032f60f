/**
 * HMAC-SHA256 (RFC 2104, FIPS 198-1) and HKDF-SHA256 (RFC 5869) through node:crypto.
 *
 * @module
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { InvalidInputError } from '../errors.js';
import { equalBytes } from './bytes.js';

/** HMAC-SHA256 of `message` under `key`: 32 bytes. */
export function hmacSha256(key: Uint8Array, message: Uint8Array | string): Buffer {
  return createHmac('sha256', key).update(message).digest();
}

/** Constant-time check of a (possibly truncated, at least 16-byte) HMAC-SHA256 tag. */
export function verifyHmacSha256(key: Uint8Array, message: Uint8Array | string, tag: Uint8Array): boolean {
  if (tag.length < 16 || tag.length > 32) return false;
  return equalBytes(hmacSha256(key, message).subarray(0, tag.length), tag);
}

/** Maximum HKDF-SHA256 output (RFC 5869 §2.3: L <= 255 * HashLen). */
export const HKDF_SHA256_MAX = 255 * 32;

/** HKDF-SHA256 extract-and-expand (RFC 5869 §2.2, §2.3). */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Buffer {
  if (!Number.isInteger(length) || length < 1 || length > HKDF_SHA256_MAX) {
    throw new InvalidInputError(`HKDF-SHA256 output length must be 1..${HKDF_SHA256_MAX}, got ${length}`);
  }
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
}
