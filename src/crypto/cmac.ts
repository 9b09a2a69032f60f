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
  readonly #block: AesBlockCipher;
  /** The CBC cipher's current chaining value (its last output block). */
  #chain: Buffer = Buffer.alloc(BLOCK);

  constructor(key: Uint8Array) {
    const name = CBC_BY_KEY_LENGTH[key.length];
    // AesBlockCipher validates the key length with a typed error.
    const block = new AesBlockCipher(key);
    this.#block = block;
    // SP 800-38B §6.1: L = CIPH_K(0^128), K1 = dbl(L), K2 = dbl(K1).
    this.#k1 = dbl(block.encrypt(new Uint8Array(BLOCK)));
    this.#k2 = dbl(this.#k1);
    this.#cbc = createCipheriv(name as string, key, Buffer.alloc(BLOCK));
    this.#cbc.setAutoPadding(false);
  }

  /** CMAC of `message` (any length, including empty): 16 bytes. Read-only: it is also the chaining state. */
  mac(message: Uint8Array): Buffer {
    return this.macPadded(padded(message), message.length);
  }

  /** CMAC of each message (any lengths), computed together; see {@link macPaddedMany}. */
  macMany(messages: readonly Uint8Array[]): Buffer[] {
    return this.macPaddedMany(messages.map(padded), messages.map((m) => m.length));
  }

  /**
   * CMAC of the first `length` bytes of `buf`, where `buf` is writable, zero beyond
   * `length`, and exactly max(1, ⌈length/16⌉) blocks long. Consumes `buf`. Lets callers
   * that build the message anyway (S2V) skip a copy.
   */
  macPadded(buf: Buffer, length: number): Buffer {
    this.#maskLast(buf, length);
    const chain = this.#chain;
    for (let i = 0; i < BLOCK; i++) buf[i] = (buf[i] as number) ^ (chain[i] as number);
    const out = this.#cbc.update(buf);
    const tag = out.subarray(out.length - BLOCK);
    this.#chain = tag;
    return tag;
  }

  /**
   * CMAC of many messages at once, each given as for {@link macPadded} (`bufs[i]` holds
   * `lengths[i]` bytes; consumed). CBC-MAC is a chain within a message but independent
   * across messages, so round r encrypts block r of every message still running in one
   * ECB call: max ⌈length/16⌉ native calls for the whole batch instead of one per message.
   * Meant for batches of short messages (callers send long ones to {@link macPadded}).
   */
  macPaddedMany(bufs: readonly Buffer[], lengths: readonly number[]): Buffer[] {
    const n = bufs.length;
    let rounds = 0;
    for (let i = 0; i < n; i++) {
      const buf = bufs[i] as Buffer;
      this.#maskLast(buf, lengths[i] as number);
      rounds = Math.max(rounds, buf.length / BLOCK);
    }
    // state[i]: the CBC-MAC chaining value of message i so far (zero IV at the start).
    const state = Buffer.alloc(n * BLOCK);
    const running: number[] = [];
    const input = Buffer.allocUnsafe(n * BLOCK);
    for (let r = 0; r < rounds; r++) {
      running.length = 0;
      for (let i = 0; i < n; i++) if ((bufs[i] as Buffer).length > r * BLOCK) running.push(i);
      for (let j = 0; j < running.length; j++) {
        const i = running[j] as number;
        const buf = bufs[i] as Buffer;
        const src = r * BLOCK;
        const at = i * BLOCK;
        const to = j * BLOCK;
        for (let k = 0; k < BLOCK; k++) input[to + k] = (buf[src + k] as number) ^ (state[at + k] as number);
      }
      const out = this.#block.encrypt(input.subarray(0, running.length * BLOCK));
      for (let j = 0; j < running.length; j++) out.copy(state, (running[j] as number) * BLOCK, j * BLOCK, (j + 1) * BLOCK);
    }
    const tags: Buffer[] = new Array<Buffer>(n);
    for (let i = 0; i < n; i++) tags[i] = state.subarray(i * BLOCK, (i + 1) * BLOCK);
    return tags;
  }

  /** SP 800-38B §6.2: pad an incomplete last block with 10*, then XOR K1 (complete) or K2 into it. */
  #maskLast(buf: Buffer, length: number): void {
    const lastStart = buf.length - BLOCK;
    const complete = length !== 0 && length % BLOCK === 0;
    if (!complete) buf[length] = (buf[length] as number) ^ 0x80;
    const sub = complete ? this.#k1 : this.#k2;
    for (let i = 0; i < BLOCK; i++) buf[lastStart + i] = (buf[lastStart + i] as number) ^ (sub[i] as number);
  }

  toJSON(): string {
    return '[Cmac]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[Cmac]';
  }
}

/** A zeroed copy of `message` in max(1, ⌈length/16⌉) whole blocks, as {@link Cmac.macPadded} takes it. */
function padded(message: Uint8Array): Buffer {
  const blocks = message.length === 0 ? 1 : Math.ceil(message.length / BLOCK);
  const buf = Buffer.alloc(blocks * BLOCK);
  buf.set(message);
  return buf;
}
