/**
 * XAES-256-GCM (C2SP XAES-256-GCM, https://c2sp.org/XAES-256-GCM): AES-256-GCM with a
 * 192-bit nonce. The first 96 nonce bits select a key derived from the main key with
 * NIST SP 800-108r1 KDF in counter mode over AES-CMAC; the last 96 are the GCM nonce.
 *
 * Why: with plain AES-GCM and random 96-bit nonces one key may seal only about 2^32
 * values (SP 800-38D §8.3). Deriving the key per nonce prefix lifts that bound far beyond
 * what a database will ever hold; docs/format.md gives the numbers for fieldseal's nonces.
 *
 * @module
 */
import { InvalidInputError } from '../errors.js';
import { AesBlockCipher, BLOCK, dbl } from './aes-block.js';
import { gcmOpen, gcmSeal } from './aes-gcm.js';

/** XAES-256-GCM nonce length in bytes. */
export const XAES_NONCE_BYTES = 24;

/** XAES-256-GCM under one 32-byte key; the CMAC subkey K1 is computed once. */
export class Xaes256Gcm {
  readonly #block: AesBlockCipher;
  readonly #k1: Buffer;
  /** M1 ⊕ K1 ‖ M2 ⊕ K1 without the nonce bytes: only the nonce part changes per derivation. */
  readonly #template: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new InvalidInputError(`XAES-256-GCM key must be 32 bytes, got ${key.length}`);
    this.#block = new AesBlockCipher(key);
    this.#k1 = dbl(this.#block.encrypt(new Uint8Array(BLOCK)));
    const m = Buffer.from([0, 1, 0x58, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0x58, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    for (let i = 0; i < 32; i++) m[i] = (m[i] as number) ^ (this.#k1[i % BLOCK] as number);
    this.#template = m;
  }

  /** The derived AES-256 key for the first 12 bytes of a nonce: Kx = AES(M1 ⊕ K1) ‖ AES(M2 ⊕ K1). */
  deriveKey(noncePrefix: Uint8Array): Buffer {
    if (noncePrefix.length < 12) throw new InvalidInputError('XAES-256-GCM nonce prefix must be 12 bytes');
    const m = Buffer.from(this.#template);
    for (let i = 0; i < 12; i++) {
      const n = noncePrefix[i] as number;
      m[4 + i] = (m[4 + i] as number) ^ n;
      m[20 + i] = (m[20 + i] as number) ^ n;
    }
    return this.#block.encrypt(m);
  }

  /** Encrypts; returns ciphertext‖tag. */
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Buffer {
    checkNonce(nonce);
    return gcmSeal(this.deriveKey(nonce), nonce.subarray(12), plaintext, aad);
  }

  /** Opens ciphertext‖tag; throws DecryptionError when authentication fails. */
  open(nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Buffer {
    checkNonce(nonce);
    return gcmOpen(this.deriveKey(nonce), nonce.subarray(12), sealed, aad);
  }

  toJSON(): string {
    return '[Xaes256Gcm]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[Xaes256Gcm]';
  }
}

function checkNonce(nonce: Uint8Array): void {
  if (nonce.length !== XAES_NONCE_BYTES) throw new InvalidInputError(`XAES-256-GCM nonce must be 24 bytes, got ${nonce.length}`);
}
