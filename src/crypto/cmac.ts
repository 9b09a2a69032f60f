/**
 * AES-CMAC (NIST SP 800-38B, RFC 4493) on a cached {@link AesBlockCipher}.
 *
 * Short messages are chained block by block through the cached ECB object; long ones go
 * through node:crypto's CBC mode in one call (CMAC is CBC-MAC with a masked last block,
 * SP 800-38B §6.2), which lets OpenSSL pipeline the blocks.
 *
 * @module
 */
import { createCipheriv } from 'node:crypto';
import { AesBlockCipher, BLOCK, dbl } from './aes-block.js';
import { xorInto } from './bytes.js';

const ZERO_BLOCK = new Uint8Array(BLOCK);
const ZERO_IV = Buffer.alloc(BLOCK);
const CBC_BY_KEY_LENGTH: Record<number, string> = { 16: 'aes-128-cbc', 24: 'aes-192-cbc', 32: 'aes-256-cbc' };
/** Above this many blocks one CBC call beats chained ECB calls (measured on Node 20). */
const CBC_THRESHOLD_BLOCKS = 4;

/** AES-CMAC under one key, with the subkeys K1, K2 precomputed. */
export class Cmac {
  readonly block: AesBlockCipher;
  readonly #key: Uint8Array;
  readonly #k1: Buffer;
  readonly #k2: Buffer;

  constructor(key: Uint8Array) {
    this.#key = Uint8Array.from(key);
    this.block = new AesBlockCipher(key);
    // SP 800-38B §6.1: L = CIPH_K(0^128), K1 = dbl(L), K2 = dbl(K1).
    this.#k1 = dbl(this.block.encrypt(ZERO_BLOCK));
    this.#k2 = dbl(this.#k1);
  }

  /** CMAC of `message` (any length, including empty): 16 bytes. */
  mac(message: Uint8Array): Buffer {
    if (message.length <= BLOCK) {
      const block = Buffer.alloc(BLOCK);
      block.set(message);
      return this.macLastBlock(block, message.length);
    }
    const n = Math.ceil(message.length / BLOCK);
    const lastStart = (n - 1) * BLOCK;
    const tail = message.subarray(lastStart);
    const last = Buffer.alloc(BLOCK);
    last.set(tail);
    let state: Buffer;
    if (n - 1 > CBC_THRESHOLD_BLOCKS) {
      const cbc = createCipheriv(CBC_BY_KEY_LENGTH[this.#key.length] as string, this.#key, ZERO_IV);
      cbc.setAutoPadding(false);
      const out = cbc.update(message.subarray(0, lastStart));
      state = out.subarray(out.length - BLOCK);
    } else {
      state = this.block.encrypt(message.subarray(0, BLOCK));
      for (let off = BLOCK; off < lastStart; off += BLOCK) state = this.block.encrypt(xorInto(state, message, off));
    }
    xorInto(last, state);
    return this.macLastBlock(last, tail.length);
  }

  /**
   * CMAC of a message that is one block or shorter, given as a writable 16-byte buffer
   * `block` holding its `length` bytes (for longer messages: the last block already XORed
   * with the chaining state). Consumes `block`. The single-block case is the hot one in S2V.
   */
  macLastBlock(block: Buffer, length: number): Buffer {
    const sub = length === BLOCK ? this.#k1 : this.#k2;
    if (length !== BLOCK) {
      block[length] = (block[length] as number) ^ 0x80;
    }
    for (let i = 0; i < BLOCK; i++) block[i] = (block[i] as number) ^ (sub[i] as number);
    return this.block.encrypt(block);
  }

  toJSON(): string {
    return '[Cmac]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[Cmac]';
  }
}
