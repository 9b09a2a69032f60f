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
import { copyBytes } from './bytes.js';

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
    const l = block.encrypt(new Uint8Array(BLOCK));
    this.#k1 = dbl(l);
    l.fill(0);
    this.#k2 = dbl(this.#k1);
    this.#cbc = createCipheriv(name as string, key, Buffer.alloc(BLOCK));
    this.#cbc.setAutoPadding(false);
  }

  /** CMAC of `message` (any length, including empty): 16 bytes. Read-only: it is also the chaining state. */
  mac(message: Uint8Array): Buffer {
    return this.macPadded(padded(message), message.length);
  }

  /**
   * CMAC of the first `length` bytes of `buf`, where `buf` is writable, zero beyond
   * `length`, and exactly max(1, ⌈length/16⌉) blocks long. Consumes `buf`. Lets callers
   * that build the message anyway (S2V) skip a copy.
   */
  macPadded(buf: Buffer, length: number): Buffer {
    this.#maskLast(buf, buf.length - BLOCK, length);
    const chain = this.#chain;
    for (let i = 0; i < BLOCK; i++) buf[i] = (buf[i] as number) ^ (chain[i] as number);
    const out = this.#cbc.update(buf);
    // The tag doubles as the next chaining value; `out` is ours alone, so a view suffices.
    const tag = out.length === BLOCK ? out : out.subarray(out.length - BLOCK);
    this.#chain = tag;
    return tag;
  }

  /**
   * CMAC of many messages at once. Message i is `lengths[i]` bytes at `starts[i]` in
   * `data`, in a region of max(1, ⌈length/16⌉) whole blocks that is zero beyond the
   * message (as {@link macPadded} takes one message); the regions are consumed. Returns the
   * tags end to end: tag i is bytes [16i, 16i + 16).
   *
   * CBC-MAC is a chain within a message but independent across messages, so round r
   * encrypts block r of every message still running in one ECB call: max ⌈length/16⌉
   * native calls for the whole batch instead of one per message. Meant for batches of
   * short messages (callers send long ones to {@link macPadded}).
   */
  macPaddedMany(data: Buffer, starts: readonly number[], lengths: readonly number[]): Buffer {
    const n = starts.length;
    const tags = Buffer.allocUnsafe(n * BLOCK);
    if (n === 0) return tags;
    const blocks = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const length = lengths[i] as number;
      blocks[i] = length === 0 ? 1 : Math.ceil(length / BLOCK);
      this.#maskLast(data, (starts[i] as number) + ((blocks[i] as number) - 1) * BLOCK, length);
    }
    // Longest first: the messages still running in round r are then a prefix of `order`,
    // and message order[j] keeps slot j of every round's input and output.
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => (blocks[b] as number) - (blocks[a] as number));
    const input = Buffer.allocUnsafe(n * BLOCK);
    let chain: Buffer = Buffer.alloc(n * BLOCK); // the zero IV
    let running = n;
    for (let r = 0; running > 0; r++) {
      for (let j = 0; j < running; j++) {
        const src = (starts[order[j] as number] as number) + r * BLOCK;
        const at = j * BLOCK;
        for (let k = 0; k < BLOCK; k++) input[at + k] = (data[src + k] as number) ^ (chain[at + k] as number);
      }
      const next = this.#block.encrypt(input.subarray(0, running * BLOCK));
      chain.fill(0);
      chain = next;
      // Messages whose last block was this round leave the prefix; their chain value is the tag.
      while (running > 0 && blocks[order[running - 1] as number] === r + 1) {
        running--;
        copyBytes(tags, (order[running] as number) * BLOCK, chain, running * BLOCK, BLOCK);
      }
    }
    // The first round's input is the messages' first blocks (S2V's are plaintext).
    input.fill(0);
    chain.fill(0);
    return tags;
  }

  /**
   * SP 800-38B §6.2 on a message of `length` bytes whose last block starts at `lastStart`:
   * pad an incomplete last block with 10*, then XOR K1 (complete) or K2 into it.
   */
  #maskLast(buf: Buffer, lastStart: number, length: number): void {
    const complete = length !== 0 && length % BLOCK === 0;
    if (!complete) buf[lastStart + (length % BLOCK)] = (buf[lastStart + (length % BLOCK)] as number) ^ 0x80;
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
