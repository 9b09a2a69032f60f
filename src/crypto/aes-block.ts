/**
 * A raw AES block cipher (FIPS 197) over node:crypto's ECB mode.
 *
 * Node has no "encrypt one block" call, but an ECB cipher without padding that is never
 * finalised is exactly that: every `update` encrypts whole blocks with the expanded key
 * that OpenSSL kept. Reusing one such object per key avoids a key schedule per block, which
 * is what makes CMAC (AES-SIV), FF1 and the XAES-256-GCM key derivation fast here.
 *
 * Never use this as an encryption mode: it is the building block of the modes in this folder.
 *
 * @module
 */
import { createCipheriv, type Cipher } from 'node:crypto';
import { InvalidInputError } from '../errors.js';

/** The AES block size in bytes. */
export const BLOCK = 16;

/** AES-128/192/256 encryption of whole 16-byte blocks under one key. */
export class AesBlockCipher {
  readonly #ecb: Cipher;

  /** @param key 16, 24 or 32 bytes. */
  constructor(key: Uint8Array) {
    const name = AES_ECB_BY_KEY_LENGTH[key.length];
    if (name === undefined) throw new InvalidInputError(`AES key must be 16, 24 or 32 bytes, got ${key.length}`);
    this.#ecb = createCipheriv(name, key, null);
    this.#ecb.setAutoPadding(false);
  }

  /** Encrypts `blocks` (a multiple of 16 bytes) independently, block by block. */
  encrypt(blocks: Uint8Array): Buffer {
    return this.#ecb.update(blocks);
  }

  /** Redacts itself: the expanded key lives inside OpenSSL, never in printable state. */
  toJSON(): string {
    return '[AesBlockCipher]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[AesBlockCipher]';
  }
}

const AES_ECB_BY_KEY_LENGTH: Record<number, string> = { 16: 'aes-128-ecb', 24: 'aes-192-ecb', 32: 'aes-256-ecb' };

/**
 * Doubling in GF(2^128) with the CMAC polynomial x^128 + x^7 + x^2 + x + 1
 * (NIST SP 800-38B §6.1, RFC 5297 §2.3 "dbl"). Returns a new buffer.
 */
export function dbl(block: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(BLOCK);
  dblInto(out, 0, block, 0);
  return out;
}

/** {@link dbl} of the block at `from[fromOff]`, written at `out[outOff]` (the two may be the same place). */
export function dblInto(out: Uint8Array, outOff: number, from: Uint8Array, fromOff: number): void {
  let carry = 0;
  for (let i = BLOCK - 1; i >= 0; i--) {
    const b = from[fromOff + i] as number;
    out[outOff + i] = ((b << 1) | carry) & 0xff;
    carry = b >>> 7;
  }
  // Constant time: the reduction is applied by mask, not by branch on the secret top bit.
  out[outOff + BLOCK - 1] = (out[outOff + BLOCK - 1] as number) ^ (0x87 & -carry);
}
