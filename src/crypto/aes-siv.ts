/**
 * AES-SIV (RFC 5297): deterministic authenticated encryption, used for equality-searchable
 * fields. Equal (key, associated data, plaintext) give equal ciphertexts; anything else
 * is indistinguishable from random, and a misuse of nonces cannot leak more than equality.
 *
 * Built on cached AES block ciphers (see {@link AesBlockCipher}); measured faster here than
 * a pure-JS implementation (bench/). Key is K1‖K2: 32, 48 or 64 bytes (AES-128/192/256).
 *
 * @module
 */
import { createCipheriv } from 'node:crypto';
import { DecryptionError, InvalidInputError } from '../errors.js';
import { AesBlockCipher, BLOCK, dbl } from './aes-block.js';
import { equalBytes, xorInto } from './bytes.js';
import { Cmac } from './cmac.js';

const CTR_BY_KEY_LENGTH: Record<number, string> = { 16: 'aes-128-ctr', 24: 'aes-192-ctr', 32: 'aes-256-ctr' };
const ZERO_BLOCK = new Uint8Array(BLOCK);
/** Up to this many blocks the keystream is made with one cached-ECB call instead of a new CTR cipher (measured, bench/). */
const ECB_CTR_MAX_BLOCKS = 64;

/**
 * The S2V state after the associated-data components (RFC 5297 §2.4, the loop over S1..Sn-1).
 * Fields encrypt many values under the same associated data, so it is computed once.
 */
export interface SivAssociatedData {
  /** @internal */
  readonly d: Buffer;
}

/** AES-SIV under one key (RFC 5297 §2.6, §2.7). */
export class AesSiv {
  readonly #mac: Cmac;
  readonly #ctrKey: Uint8Array;
  readonly #ctrBlock: AesBlockCipher;
  readonly #d0: Buffer;

  /** @param key K1‖K2, 32, 48 or 64 bytes. */
  constructor(key: Uint8Array) {
    if (key.length !== 32 && key.length !== 48 && key.length !== 64) {
      throw new InvalidInputError(`AES-SIV key must be 32, 48 or 64 bytes, got ${key.length}`);
    }
    const half = key.length / 2;
    this.#mac = new Cmac(key.subarray(0, half));
    this.#ctrKey = Uint8Array.from(key.subarray(half));
    this.#ctrBlock = new AesBlockCipher(this.#ctrKey);
    this.#d0 = this.#mac.mac(ZERO_BLOCK);
  }

  /**
   * Runs S2V over the associated-data components once, for reuse across many values;
   * `after` continues from an earlier state (e.g. fixed context first, then a nonce).
   */
  associatedData(components: readonly Uint8Array[], after?: SivAssociatedData): SivAssociatedData {
    let d = after?.d ?? this.#d0;
    for (const s of components) d = xorInto(dbl(d), this.#mac.mac(s)) as Buffer;
    return { d };
  }

  /** Returns SIV‖C (16 + plaintext.length bytes). */
  encrypt(plaintext: Uint8Array, ad: SivAssociatedData | readonly Uint8Array[]): Buffer {
    const out = Buffer.allocUnsafe(BLOCK + plaintext.length);
    this.encryptInto(plaintext, ad, out, 0);
    return out;
  }

  /** Writes SIV‖C into `out` at `offset` (which must have room for 16 + plaintext.length bytes). */
  encryptInto(plaintext: Uint8Array, ad: SivAssociatedData | readonly Uint8Array[], out: Uint8Array, offset: number): void {
    const v = this.#s2v(plaintext, ad);
    out.set(v, offset);
    this.#ctr(v, plaintext, out.subarray(offset + BLOCK, offset + BLOCK + plaintext.length));
  }

  /** Opens SIV‖C; throws {@link DecryptionError} on any mismatch. */
  decrypt(ciphertext: Uint8Array, ad: SivAssociatedData | readonly Uint8Array[]): Buffer {
    if (ciphertext.length < BLOCK) throw new DecryptionError();
    const v = ciphertext.subarray(0, BLOCK);
    const plaintext = Buffer.allocUnsafe(ciphertext.length - BLOCK);
    this.#ctr(v, ciphertext.subarray(BLOCK), plaintext);
    const t = this.#s2v(plaintext, ad);
    if (!equalBytes(t, v)) {
      plaintext.fill(0);
      throw new DecryptionError();
    }
    return plaintext;
  }

  /** RFC 5297 §2.4 S2V, with the associated-data part possibly precomputed. */
  #s2v(plaintext: Uint8Array, ad: SivAssociatedData | readonly Uint8Array[]): Buffer {
    const d = 'd' in ad ? (ad as SivAssociatedData).d : this.associatedData(ad as readonly Uint8Array[]).d;
    if (plaintext.length >= BLOCK) {
      // T = Sn xorend D
      const t = Buffer.alloc(Math.ceil(plaintext.length / BLOCK) * BLOCK);
      t.set(plaintext);
      const off = plaintext.length - BLOCK;
      for (let i = 0; i < BLOCK; i++) t[off + i] = (t[off + i] as number) ^ (d[i] as number);
      return this.#mac.macPadded(t, plaintext.length);
    }
    // T = dbl(D) xor pad(Sn): one full block.
    const t = dbl(d);
    for (let i = 0; i < plaintext.length; i++) t[i] = (t[i] as number) ^ (plaintext[i] as number);
    t[plaintext.length] = (t[plaintext.length] as number) ^ 0x80;
    return this.#mac.macPadded(t, BLOCK);
  }

  /** RFC 5297 §2.6: CTR mode from Q = V with bits 63 and 31 (of the last 64) cleared. */
  #ctr(v: Uint8Array, input: Uint8Array, output: Uint8Array): void {
    if (input.length === 0) return;
    const blocks = Math.ceil(input.length / BLOCK);
    if (blocks <= ECB_CTR_MAX_BLOCKS) {
      // Counter blocks through the cached ECB cipher: no cipher object per value.
      const counters = Buffer.allocUnsafe(blocks * BLOCK);
      counters.set(v, 0);
      counters[8] = (counters[8] as number) & 0x7f;
      counters[12] = (counters[12] as number) & 0x7f;
      for (let b = 1; b < blocks; b++) {
        counters.copy(counters, b * BLOCK, (b - 1) * BLOCK, b * BLOCK);
        increment128(counters, b * BLOCK);
      }
      const stream = this.#ctrBlock.encrypt(counters);
      for (let i = 0; i < input.length; i++) output[i] = (input[i] as number) ^ (stream[i] as number);
      return;
    }
    const q = Buffer.from(v);
    q[8] = (q[8] as number) & 0x7f;
    q[12] = (q[12] as number) & 0x7f;
    const ctr = createCipheriv(CTR_BY_KEY_LENGTH[this.#ctrKey.length] as string, this.#ctrKey, q);
    output.set(ctr.update(input));
  }

  toJSON(): string {
    return '[AesSiv]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[AesSiv]';
  }
}

/** Big-endian increment of the 128-bit counter at `offset`, in place (matches OpenSSL's CTR128). */
function increment128(block: Buffer, offset: number): void {
  for (let i = offset + BLOCK - 1; i >= offset; i--) {
    const next = ((block[i] as number) + 1) & 0xff;
    block[i] = next;
    if (next !== 0) return;
  }
}
