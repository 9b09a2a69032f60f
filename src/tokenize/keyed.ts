/**
 * The keyed pseudorandom function behind every pseudonym: HMAC-SHA256 (RFC 2104) over an
 * unambiguous encoding of (purpose, pseudonym domain, value). Never an unkeyed hash: an
 * unkeyed SHA-256 of an e-mail address is reversed by a dictionary in seconds.
 *
 * @module
 */
import { createHmac } from 'node:crypto';
import { InvalidInputError } from '../errors.js';
import { assertText } from './text.js';

const LABEL = 'fieldseal/pseudonym/v1';
/** Shortest pseudonym key accepted (128 bits). */
export const MIN_PSEUDONYM_KEY_BYTES = 16;

/** Throws unless `key` is a byte string of at least 16 bytes. */
export function checkPseudonymKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length < MIN_PSEUDONYM_KEY_BYTES) {
    throw new InvalidInputError(`pseudonym key must be at least ${MIN_PSEUDONYM_KEY_BYTES} bytes`);
  }
}

/**
 * HMAC-SHA256(key, lp(LABEL) ‖ lp(purpose) ‖ lp(domain) ‖ lp(value)) with lp = 4-byte big-endian
 * length prefix, so no two (purpose, domain, value) triples share an input. Domain and value
 * must be well-formed strings ({@link assertText}).
 */
export function keyedDigest(key: Uint8Array, purpose: string, domain: string, value: string): Buffer {
  checkPseudonymKey(key);
  // UTF-8 turns a lone surrogate into U+FFFD: two domains or values would share one digest.
  assertText(domain, 'pseudonym domain');
  assertText(value, 'pseudonymized value');
  const h = createHmac('sha256', key);
  for (const part of [LABEL, purpose, domain, value]) {
    const bytes = Buffer.from(part, 'utf8');
    const len = Buffer.allocUnsafe(4);
    len.writeUInt32BE(bytes.length, 0);
    h.update(len).update(bytes);
  }
  return h.digest();
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lower case, no padding: the first `chars` characters (≤ 51 for 32 bytes). */
export function base32(bytes: Uint8Array, chars: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length && out.length < chars; i++) {
    buffer = ((buffer << 8) | (bytes[i] as number)) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** A uniform-enough index in 0..n−1 from 48 digest bits (bias < n / 2^48). */
export function pick(digest: Buffer, n: number, offset = 0): number {
  return digest.readUIntBE(offset, 6) % n;
}
