/**
 * AES-CMAC (NIST SP 800-38B, RFC 4493).
 *
 * CMAC is CBC-MAC with a masked last block (SP 800-38B §6.2), so it is computed with one
 * call to a node:crypto CBC cipher that is created once per key and never finalised. Such a
 * cipher keeps chaining from its previous output block C; XORing C into the first block of
 * the next message cancels it (E(C ⊕ (M1 ⊕ C)) = E(M1)), so every message starts from the
 * zero IV as CMAC requires, without a new cipher (and key schedule) per message.
 *
 * @module
 */
import { createCipheriv, type Cipher } from 'node:crypto';
import { AesBlockCipher, BLOCK, dbl } from './aes-block.js';

const CBC_BY_KEY_LENGTH: Record<number, string> = { 16: 'aes-128-cbc', 24: 'aes-192-cbc', 32: 'aes-256-cbc' };

/** AES-CMAC under one key, with the subkeys K1, K2 precomputed. */
export class Cmac {
  readonly #k1: Buffer;
  readonly #k2: Buffer;
  readonly #cbc: Cipher;
  /** The CBC cipher's current chaining value (its last output block). */
  #chain: Buffer = Buffer.alloc(BLOCK);

  constructor(key: Uint8Array) {
    const name = CBC_BY_KEY_LENGTH[key.length];
    // AesBlockCipher validates the key length with a typed error.
    const block = new AesBlockCipher(key);
    // SP 800-38B §6.1: L = CIPH_K(0^128), K1 = dbl(L), K2 = dbl(K1).
    this.#k1 = dbl(block.encrypt(new Uint8Array(BLOCK)));
    this.#k2 = dbl(this.#k1);
    this.#cbc = createCipheriv(name as string, key, Buffer.alloc(BLOCK));
    this.#cbc.setAutoPadding(false);
  }

  /** CMAC of `message` (any length, including empty): 16 bytes. Read-only: it is also the chaining state. */
  mac(message: Uint8Array): Buffer {
    const blocks = message.length === 0 ? 1 : Math.ceil(message.length / BLOCK);
    const buf = Buffer.alloc(blocks * BLOCK);
    buf.set(message);
    return this.macPadded(buf, message.length);
  }

  /**
   * CMAC of the first `length` bytes of `buf`, where `buf` is writable, zero beyond
   * `length`, and exactly max(1, ⌈length/16⌉) blocks long. Consumes `buf`. Lets callers
   * that build the message anyway (S2V) skip a copy.
   */
  macPadded(buf: Buffer, length: number): Buffer {
    const lastStart = buf.length - BLOCK;
    const complete = length !== 0 && length % BLOCK === 0;
    if (!complete) buf[length] = (buf[length] as number) ^ 0x80;
    const sub = complete ? this.#k1 : this.#k2;
    const chain = this.#chain;
    for (let i = 0; i < BLOCK; i++) {
      buf[lastStart + i] = (buf[lastStart + i] as number) ^ (sub[i] as number);
      buf[i] = (buf[i] as number) ^ (chain[i] as number);
    }
    const out = this.#cbc.update(buf);
    // The tag doubles as the next chaining value; `out` is ours alone, so a view suffices.
    const tag = out.subarray(out.length - BLOCK);
    this.#chain = tag;
    return tag;
  }

  toJSON(): string {
    return '[Cmac]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[Cmac]';
  }
}
