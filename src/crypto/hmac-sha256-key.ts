/**
 * HMAC-SHA256 (RFC 2104, FIPS 198-1) under one key, for many short messages: blind
 * indexes, computed on every lookup.
 *
 * RFC 2104 §4 notes that the compression function's state after the key blocks
 * (K ⊕ ipad and K ⊕ opad) can be computed once per key. With those two states kept, the
 * HMAC of a message under 56 bytes is two compressions, done here in JS
 * ({@link compress}); `createHmac` would set up an OpenSSL context per call, which costs
 * several times the hashing (bench/). Messages longer than {@link SHORT_MESSAGE_BYTES} go to
 * node:crypto, whose per-byte speed wins there.
 *
 * @module
 */
import { createHash, createHmac } from 'node:crypto';
import { compress, initialState, pad, paddedLength, SHA256_BLOCK, writeState } from './sha256.js';

/** Longest message (prefix included, in bytes) hashed in JS; longer ones go to node:crypto. */
export const SHORT_MESSAGE_BYTES = 247;

/** Room for a short message and its padding; module-level because every call is synchronous. Wiped after each use. */
const scratch = Buffer.alloc(paddedLength(SHORT_MESSAGE_BYTES));
const work = new Int32Array(8);

/** HMAC-SHA256 under one key, with its inner and outer states precomputed. */
export class HmacSha256Key {
  readonly #key: Buffer;
  readonly #inner: Int32Array;
  readonly #outer: Int32Array;

  /** @param key Any length (RFC 2104 §2: a key longer than the block is hashed first). */
  constructor(key: Uint8Array) {
    this.#key = Buffer.from(key);
    const block = Buffer.alloc(SHA256_BLOCK);
    if (key.length > SHA256_BLOCK) createHash('sha256').update(key).digest().copy(block);
    else block.set(key);
    for (let i = 0; i < SHA256_BLOCK; i++) block[i] = (block[i] as number) ^ 0x36;
    this.#inner = initialState();
    compress(this.#inner, block, 0, 1);
    // (K ⊕ ipad) ⊕ (0x36 ⊕ 0x5c) = K ⊕ opad.
    for (let i = 0; i < SHA256_BLOCK; i++) block[i] = (block[i] as number) ^ 0x6a;
    this.#outer = initialState();
    compress(this.#outer, block, 0, 1);
    block.fill(0);
  }

  /** HMAC-SHA256 of `prefix ‖ message` (a string is hashed as its UTF-8): 32 bytes. */
  mac(prefix: Uint8Array, message: string | Uint8Array): Buffer {
    // A string's UTF-8 is at most three bytes per UTF-16 unit: decided before encoding.
    const bound = prefix.length + (typeof message === 'string' ? 3 * message.length : message.length);
    if (bound > SHORT_MESSAGE_BYTES) return createHmac('sha256', this.#key).update(prefix).update(message).digest();
    scratch.set(prefix, 0);
    const length = prefix.length + (typeof message === 'string' ? scratch.write(message, prefix.length, 'utf8') : (scratch.set(message, prefix.length), message.length));
    work.set(this.#inner);
    compress(work, scratch, 0, pad(scratch, length, SHA256_BLOCK + length));
    scratch.fill(0, 0, paddedLength(length));
    // Outer hash: the inner digest, padded (64 + 32 bytes hashed in all), one block.
    writeState(work, scratch, 0);
    work.set(this.#outer);
    compress(work, scratch, 0, pad(scratch, 32, SHA256_BLOCK + 32));
    scratch.fill(0, 0, SHA256_BLOCK);
    const out = Buffer.allocUnsafe(32);
    writeState(work, out, 0);
    work.fill(0);
    return out;
  }

  toJSON(): string {
    return '[HmacSha256Key]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[HmacSha256Key]';
  }
}
