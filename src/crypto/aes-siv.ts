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
import { AesBlockCipher, BLOCK, dbl, dblInto } from './aes-block.js';
import { copyBytes, equalBytesAt, wipe, xorInto } from './bytes.js';
import { Cmac } from './cmac.js';

const CTR_BY_KEY_LENGTH: Record<number, string> = { 16: 'aes-128-ctr', 24: 'aes-192-ctr', 32: 'aes-256-ctr' };
const ZERO_BLOCK = new Uint8Array(BLOCK);
/** Up to this many blocks the keystream is made with one cached-ECB call instead of a new CTR cipher (measured, bench/). */
const ECB_CTR_MAX_BLOCKS = 64;

/** Inputs of a batch longer than this (bytes) go through the one-value path, so that one long value does not add lockstep rounds for all the others. */
const BATCH_MAX_BYTES = 256;
/**
 * Batches smaller than this go through the one-value path: a batch costs one AES call per
 * block round whatever its size, which only pays off beyond a few values (measured, bench/).
 */
const BATCH_MIN_VALUES = 4;

/**
 * One value of a batch: the input (plaintext to encrypt, or SIV‖C to decrypt) and its
 * associated data. For decryption the input may be a range of a larger buffer (`start`,
 * `length`), so that many values can be decoded into one buffer without a view each.
 */
export interface SivBatchItem {
  readonly input: Uint8Array;
  readonly ad: SivAssociatedData | readonly Uint8Array[];
  readonly start?: number;
  readonly length?: number;
}

/**
 * The S2V state after the associated-data components (RFC 5297 §2.4, the loop over S1..Sn-1).
 * Fields encrypt many values under the same associated data, so it is computed once.
 */
export interface SivAssociatedData {
  /** @internal */
  readonly d: Buffer;
}

/**
 * Plaintexts opened in a batch, without a view per value: value j is bytes
 * [starts[j], ends[j]) of `buffers[j]` (one buffer for the whole batch, or one of its own),
 * or failed authentication where `buffers[j]` is undefined.
 */
export interface OpenedBatch {
  readonly buffers: (Buffer | undefined)[];
  readonly starts: number[];
  readonly ends: number[];
}

/** AES-SIV under one key (RFC 5297 §2.6, §2.7). */
export class AesSiv {
  readonly #mac: Cmac;
  readonly #ctrKey: Uint8Array;
  readonly #ctrBlock: AesBlockCipher;
  readonly #d0: Buffer;
  /** dbl(D0): where S2V continues from for a single associated-data component ({@link associatedDataOf}). */
  readonly #d0Doubled: Buffer;

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
    this.#d0Doubled = dbl(this.#d0);
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

  /**
   * {@link associatedData} of a single component given as parts (the component is their
   * concatenation), without joining them first: the associated data of a row-bound value
   * differs per value, so this runs on every one.
   */
  associatedDataOf(parts: readonly Uint8Array[]): SivAssociatedData {
    let length = 0;
    for (const part of parts) length += part.length;
    const message = macInput(Math.max(1, Math.ceil(length / BLOCK)));
    let mac: Buffer;
    try {
      let at = 0;
      for (const part of parts) {
        message.set(part, at);
        at += part.length;
      }
      mac = this.#mac.macPadded(message, length);
    } finally {
      wipe(message);
    }
    // D = dbl(D0) ⊕ CMAC(S1)
    const d = Buffer.allocUnsafe(BLOCK);
    const d0Doubled = this.#d0Doubled;
    for (let i = 0; i < BLOCK; i++) d[i] = (d0Doubled[i] as number) ^ (mac[i] as number);
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
    this.#ctr(v, 0, plaintext, 0, plaintext.length, out, offset + BLOCK);
  }

  /** Opens SIV‖C; throws {@link DecryptionError} on any mismatch. */
  decrypt(ciphertext: Uint8Array, ad: SivAssociatedData | readonly Uint8Array[]): Buffer {
    if (ciphertext.length < BLOCK) throw new DecryptionError();
    const plaintext = Buffer.allocUnsafe(ciphertext.length - BLOCK);
    this.#ctr(ciphertext, 0, ciphertext, BLOCK, plaintext.length, plaintext, 0);
    const t = this.#s2v(plaintext, ad);
    if (!equalBytesAt(t, 0, ciphertext, 0, BLOCK)) {
      plaintext.fill(0);
      throw new DecryptionError();
    }
    return plaintext;
  }

  /**
   * Encrypts many values; the same bytes as {@link encrypt} for each, with a handful of AES
   * calls for the whole batch (one per block of the longest S2V input, one for all CTR
   * keystreams) instead of two or more per value. Values are independent: batching changes
   * how the work is grouped, not what is computed (RFC 5297 §2.4, §2.6 per value). The
   * results are views into one buffer; each starts with `prefix` bytes left unwritten for
   * the caller (an envelope header), then SIV ‖ C.
   */
  encryptMany(items: readonly SivBatchItem[], prefix = 0): Buffer[] {
    const out = new Array<Buffer>(items.length);
    const batch: number[] = [];
    const batching = items.length >= BATCH_MIN_VALUES;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as SivBatchItem;
      if (batching && item.input.length <= BATCH_MAX_BYTES) {
        batch.push(i);
        continue;
      }
      const sealed = Buffer.allocUnsafe(prefix + BLOCK + item.input.length);
      this.encryptInto(item.input, item.ad, sealed, prefix);
      out[i] = sealed;
    }
    if (batch.length === 0) return out;
    const m = batch.length;
    // The plaintexts end to end (wiped once sealed), and where SIV ‖ C of each goes.
    const inputAt = new Array<number>(m);
    const lengths = new Array<number>(m);
    const starts = new Array<number>(m);
    const cAt = new Array<number>(m);
    let inputTotal = 0;
    let total = 0;
    for (let k = 0; k < m; k++) {
      const length = (items[batch[k] as number] as SivBatchItem).input.length;
      inputAt[k] = inputTotal;
      lengths[k] = length;
      starts[k] = total + prefix;
      cAt[k] = total + prefix + BLOCK;
      inputTotal += length;
      total += prefix + BLOCK + length;
    }
    const inputs = Buffer.allocUnsafe(inputTotal);
    const sealed = Buffer.allocUnsafe(total);
    try {
      for (let k = 0; k < m; k++) inputs.set((items[batch[k] as number] as SivBatchItem).input, inputAt[k] as number);
      const tags = this.#s2vMany(inputs, inputAt, lengths, this.#associatedDataMany(batch.map((i) => (items[i] as SivBatchItem).ad)));
      for (let k = 0; k < m; k++) copyBytes(sealed, starts[k] as number, tags, k * BLOCK, BLOCK);
      this.#ctrMany(sealed, starts, inputs, inputAt, lengths, sealed, cAt);
    } finally {
      wipe(inputs);
    }
    for (let k = 0; k < m; k++) {
      const at = starts[k] as number;
      out[batch[k] as number] = sealed.subarray(at - prefix, at + BLOCK + (lengths[k] as number));
    }
    return out;
  }

  /**
   * Opens many SIV‖C values, batched as in {@link encryptMany}. Returns each plaintext in
   * order (a view into one buffer, without its first `skip` bytes), or `undefined` where
   * that value fails authentication (its plaintext is wiped); one bad value does not
   * affect the others.
   */
  decryptMany(items: readonly SivBatchItem[], skip = 0): (Buffer | undefined)[] {
    // The inputs end to end (ciphertexts: nothing to wipe), as decryptPacked takes them.
    const starts: number[] = [];
    const lengths: number[] = [];
    let total = 0;
    for (const item of items) {
      const length = item.length ?? item.input.length - (item.start ?? 0);
      starts.push(total);
      lengths.push(length);
      total += length;
    }
    const data = Buffer.allocUnsafe(total);
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as SivBatchItem;
      copyBytes(data, starts[i] as number, item.input, item.start ?? 0, lengths[i] as number);
    }
    const opened = this.decryptPacked(data, starts, lengths, this.#associatedDataMany(items.map((item) => item.ad)), skip);
    // Every index set (a failed value's buffer is a hole in `buffers`).
    return Array.from({ length: items.length }, (_, j) => opened.buffers[j]?.subarray(opened.starts[j], opened.ends[j]));
  }

  /**
   * {@link decryptMany} of values that lie in one buffer, as a chunk of decoded envelopes
   * does: value j is SIV‖C, `lengths[j]` bytes at `starts[j]` in `data`, and its S2V state
   * after the associated data is the block at 16j in `states` (from
   * {@link associatedDataStates} or a precomputed {@link SivAssociatedData}). The
   * plaintexts come back as ranges of one buffer, without their first `skip` bytes: no
   * object per value.
   */
  decryptPacked(data: Uint8Array, starts: readonly number[], lengths: readonly number[], states: Uint8Array, skip = 0): OpenedBatch {
    const n = starts.length;
    const plainAt = new Array<number>(n);
    let total = 0;
    for (let j = 0; j < n; j++) {
      plainAt[j] = total;
      total += Math.max(0, (lengths[j] as number) - BLOCK);
    }
    // Every plaintext end to end in one buffer.
    const plaintext = Buffer.allocUnsafe(total);
    const opened: OpenedBatch = { buffers: new Array<Buffer | undefined>(n), starts: plainAt, ends: new Array<number>(n) };
    const batch: number[] = [];
    const batching = n >= BATCH_MIN_VALUES;
    for (let j = 0; j < n; j++) {
      const at = starts[j] as number;
      const length = (lengths[j] as number) - BLOCK;
      const to = plainAt[j] as number;
      opened.ends[j] = to + Math.max(0, length);
      if (length < 0) continue;
      if (batching && length <= BATCH_MAX_BYTES) {
        batch.push(j);
        continue;
      }
      // One by one: the same steps as decrypt, into this value's range.
      this.#ctr(data, at, data, at + BLOCK, length, plaintext, to);
      const tag = this.#s2v(plaintext.subarray(to, to + length), { d: Buffer.from(states.buffer, states.byteOffset + j * BLOCK, BLOCK) });
      this.#accept(opened, plaintext, j, equalBytesAt(tag, 0, data, at, BLOCK), skip);
    }
    if (batch.length === 0) return opened;
    const m = batch.length;
    // The batch in batch order: the caller's arrays and states when it holds every value.
    const all = m === n;
    const vAt = all ? starts : batch.map((j) => starts[j] as number);
    // (plainAt is read here before #accept moves any start past `skip`.)
    const pAt = all ? plainAt : batch.map((j) => plainAt[j] as number);
    const cAt = batch.map((j) => (starts[j] as number) + BLOCK);
    const pLengths = batch.map((j) => (lengths[j] as number) - BLOCK);
    const d = all ? states : Buffer.allocUnsafe(m * BLOCK);
    if (!all) for (let k = 0; k < m; k++) copyBytes(d, k * BLOCK, states, (batch[k] as number) * BLOCK, BLOCK);
    this.#ctrMany(data, vAt, data, cAt, pLengths, plaintext, pAt);
    const tags = this.#s2vMany(plaintext, pAt, pLengths, d);
    for (let k = 0; k < m; k++) this.#accept(opened, plaintext, batch[k] as number, equalBytesAt(tags, k * BLOCK, data, vAt[k] as number, BLOCK), skip);
    return opened;
  }

  /** Records value j of `opened` as opened (its range, without `skip` bytes) when its tag matched, else wipes its plaintext. */
  #accept(opened: OpenedBatch, plaintext: Buffer, j: number, tagMatches: boolean, skip: number): void {
    const at = opened.starts[j] as number;
    const end = opened.ends[j] as number;
    if (tagMatches) {
      opened.buffers[j] = plaintext;
      opened.starts[j] = Math.min(at + skip, end);
    } else plaintext.fill(0, at, end);
  }

  /**
   * S2V states after one associated-data component per value (RFC 5297 §2.4, one
   * component S1 before the plaintext: D = dbl(CMAC(0)) ⊕ CMAC(S1)), all values' CMACs
   * batched. Component j is `lengths[j]` bytes at `starts[j]` in `components`, laid out as
   * the batched CMAC takes messages (whole blocks each, zero beyond the
   * component; consumed). Returns the states end to end, as {@link decryptPacked} takes them.
   */
  associatedDataStates(components: Buffer, starts: readonly number[], lengths: readonly number[]): Buffer {
    const states = this.#mac.macPaddedMany(components, starts, lengths);
    const d0Doubled = this.#d0Doubled;
    for (let j = 0; j < starts.length; j++) {
      for (let i = 0; i < BLOCK; i++) states[j * BLOCK + i] = (states[j * BLOCK + i] as number) ^ (d0Doubled[i] as number);
    }
    return states;
  }

  /** RFC 5297 §2.4 S2V, with the associated-data part possibly precomputed. */
  #s2v(plaintext: Uint8Array, ad: SivAssociatedData | readonly Uint8Array[]): Buffer {
    const d = 'd' in ad ? (ad as SivAssociatedData).d : this.associatedData(ad as readonly Uint8Array[]).d;
    const t = macInput(Math.max(1, Math.ceil(plaintext.length / BLOCK)));
    try {
      s2vFinalInput(t, 0, plaintext, 0, plaintext.length, d, 0);
      return this.#mac.macPadded(t, Math.max(plaintext.length, BLOCK));
    } finally {
      // T holds the plaintext (XORed with D in its last block).
      wipe(t);
    }
  }

  /**
   * S2V's last step for many values at once: value j is `lengths[j]` bytes at
   * `offsets[j]` in `source`, after its associated-data state at 16j in `d`. One
   * batched CMAC; the tags end to end.
   */
  #s2vMany(source: Uint8Array, offsets: readonly number[], lengths: readonly number[], d: Uint8Array): Buffer {
    const n = offsets.length;
    const starts = new Array<number>(n);
    const macLengths = new Array<number>(n);
    let total = 0;
    for (let j = 0; j < n; j++) {
      const length = lengths[j] as number;
      starts[j] = total;
      macLengths[j] = Math.max(length, BLOCK);
      total += Math.max(1, Math.ceil(length / BLOCK)) * BLOCK;
    }
    const t = Buffer.alloc(total);
    try {
      for (let j = 0; j < n; j++) s2vFinalInput(t, starts[j] as number, source, offsets[j] as number, lengths[j] as number, d, j * BLOCK);
      return this.#mac.macPaddedMany(t, starts, macLengths);
    } finally {
      // T holds the plaintexts (the last block of each XORed with D).
      t.fill(0);
    }
  }

  /**
   * The S2V state after each item's associated data, end to end (16j for item j):
   * precomputed, or run here component by component, all items together.
   */
  #associatedDataMany(ads: readonly (SivAssociatedData | readonly Uint8Array[])[]): Buffer {
    const d = Buffer.allocUnsafe(ads.length * BLOCK);
    let pending: number[] = [];
    for (let i = 0; i < ads.length; i++) {
      const ad = ads[i] as SivAssociatedData | readonly Uint8Array[];
      if ('d' in ad) (ad as SivAssociatedData).d.copy(d, i * BLOCK);
      else {
        this.#d0.copy(d, i * BLOCK);
        if ((ad as readonly Uint8Array[]).length > 0) pending.push(i);
      }
    }
    for (let k = 0; pending.length > 0; k++) {
      const components = pending.map((i) => (ads[i] as readonly Uint8Array[])[k] as Uint8Array);
      const starts: number[] = [];
      let total = 0;
      for (const c of components) {
        starts.push(total);
        total += Math.max(1, Math.ceil(c.length / BLOCK)) * BLOCK;
      }
      const packed = Buffer.alloc(total);
      for (let j = 0; j < components.length; j++) packed.set(components[j] as Uint8Array, starts[j] as number);
      const macs = this.#mac.macPaddedMany(
        packed,
        starts,
        components.map((c) => c.length),
      );
      // D = dbl(D) ⊕ CMAC(S_k)
      for (let j = 0; j < pending.length; j++) {
        const at = (pending[j] as number) * BLOCK;
        dblInto(d, at, d, at);
        for (let b = 0; b < BLOCK; b++) d[at + b] = (d[at + b] as number) ^ (macs[j * BLOCK + b] as number);
      }
      pending = pending.filter((i) => (ads[i] as readonly Uint8Array[]).length > k + 1);
    }
    return d;
  }

  /**
   * {@link #ctr} for many short values with one keystream call. Value j: V is the 16 bytes
   * at `vOffsets[j]` in `v`, the input is `lengths[j]` bytes at `inputOffsets[j]` in
   * `input`, the output goes to `output` at `outputOffsets[j]`.
   */
  #ctrMany(
    v: Uint8Array,
    vOffsets: readonly number[],
    input: Uint8Array,
    inputOffsets: readonly number[],
    lengths: readonly number[],
    output: Uint8Array,
    outputOffsets: readonly number[],
  ): void {
    let total = 0;
    for (const length of lengths) total += Math.ceil(length / BLOCK);
    if (total === 0) return;
    const counters = Buffer.allocUnsafe(total * BLOCK);
    let at = 0;
    for (let j = 0; j < lengths.length; j++) {
      const blocks = Math.ceil((lengths[j] as number) / BLOCK);
      if (blocks === 0) continue;
      writeCounters(counters, at, v, vOffsets[j] as number, blocks);
      at += blocks * BLOCK;
    }
    const stream = this.#ctrBlock.encrypt(counters);
    at = 0;
    for (let j = 0; j < lengths.length; j++) {
      const from = inputOffsets[j] as number;
      const to = outputOffsets[j] as number;
      const length = lengths[j] as number;
      for (let i = 0; i < length; i++) output[to + i] = (input[from + i] as number) ^ (stream[at + i] as number);
      at += Math.ceil(length / BLOCK) * BLOCK;
    }
    // The keystream XORed with the stored ciphertext is the plaintext: not left behind.
    stream.fill(0);
  }

  /**
   * RFC 5297 §2.6: CTR mode from Q = V with bits 63 and 31 (of the last 64) cleared. V is
   * the block at `v[vOff]`; `length` bytes of `input` from `inOff` go to `output` at `outOff`.
   */
  #ctr(v: Uint8Array, vOff: number, input: Uint8Array, inOff: number, length: number, output: Uint8Array, outOff: number): void {
    if (length === 0) return;
    const blocks = Math.ceil(length / BLOCK);
    if (blocks <= ECB_CTR_MAX_BLOCKS) {
      // Counter blocks through the cached ECB cipher: no cipher object per value. The
      // counters come from V, which the ciphertext holds: the scratch needs no wiping.
      const counters = counterBlocks(blocks);
      writeCounters(counters, 0, v, vOff, blocks);
      const stream = this.#ctrBlock.encrypt(counters);
      for (let i = 0; i < length; i++) output[outOff + i] = (input[inOff + i] as number) ^ (stream[i] as number);
      // The keystream XORed with the stored ciphertext is the plaintext: not left behind.
      stream.fill(0);
      return;
    }
    const q = Buffer.from(v.subarray(vOff, vOff + BLOCK));
    q[8] = (q[8] as number) & 0x7f;
    q[12] = (q[12] as number) & 0x7f;
    const ctr = createCipheriv(CTR_BY_KEY_LENGTH[this.#ctrKey.length] as string, this.#ctrKey, q);
    const out = ctr.update(input.subarray(inOff, inOff + length));
    output.set(out, outOff);
    // On opening this is the plaintext; the caller's output is the one copy kept.
    out.fill(0);
  }

  toJSON(): string {
    return '[AesSiv]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[AesSiv]';
  }
}

/**
 * S2V's last step (RFC 5297 §2.4): T = Sn xorend D for |Sn| ≥ 16, else dbl(D) ⊕ pad(Sn).
 * Sn is `length` bytes at `source[from]`, D the block at `d[dOff]`; T is written at
 * `t[at]` into a zeroed region of max(1, ⌈length/16⌉) blocks, as Cmac.macPadded takes it.
 */
function s2vFinalInput(t: Buffer, at: number, source: Uint8Array, from: number, length: number, d: Uint8Array, dOff: number): void {
  if (length >= BLOCK) {
    for (let i = 0; i < length; i++) t[at + i] = source[from + i] as number;
    const end = at + length - BLOCK;
    for (let i = 0; i < BLOCK; i++) t[end + i] = (t[end + i] as number) ^ (d[dOff + i] as number);
    return;
  }
  // pad() appends 10*; Cmac.macPadded with length 16 then treats the block as complete (K1).
  dblInto(t, at, d, dOff);
  for (let i = 0; i < length; i++) t[at + i] = (t[at + i] as number) ^ (source[from + i] as number);
  t[at + length] = (t[at + length] as number) ^ 0x80;
}

/** `blocks` CTR counter blocks from Q = V with bits 63 and 31 cleared (RFC 5297 §2.6), V at `v[vOff]`, written at `counters[at]`. */
function writeCounters(counters: Buffer, at: number, v: Uint8Array, vOff: number, blocks: number): void {
  for (let i = 0; i < BLOCK; i++) counters[at + i] = v[vOff + i] as number;
  counters[at + 8] = (counters[at + 8] as number) & 0x7f;
  counters[at + 12] = (counters[at + 12] as number) & 0x7f;
  for (let b = 1; b < blocks; b++) {
    copyBytes(counters, at + b * BLOCK, counters, at + (b - 1) * BLOCK, BLOCK);
    increment128(counters, at + b * BLOCK);
  }
}

/** Scratch for one value's counter blocks, and a view of each length (made once: the single-value path runs per field read). */
const COUNTERS = Buffer.alloc(ECB_CTR_MAX_BLOCKS * BLOCK);
const COUNTER_VIEWS: Buffer[] = [];

/** The first `blocks` blocks of the counter scratch (1 ≤ blocks ≤ ECB_CTR_MAX_BLOCKS). */
function counterBlocks(blocks: number): Buffer {
  return (COUNTER_VIEWS[blocks] ??= COUNTERS.subarray(0, blocks * BLOCK));
}

/** Blocks of CMAC input kept as scratch: a row's associated data and the last S2V input of most values fit. */
const MAC_SCRATCH_BLOCKS = 16;
/** Zero between uses: every user wipes its region once the MAC is computed. */
const MAC_SCRATCH = Buffer.alloc(MAC_SCRATCH_BLOCKS * BLOCK);
const MAC_VIEWS: Buffer[] = [];

/**
 * A zeroed region of `blocks` blocks for one CMAC input, to be wiped with `wipe` once
 * the MAC is computed: the scratch when it fits (no buffer per value: a zero-filled buffer
 * is a separate allocation with its own backing store), else a new buffer. Safe to share:
 * every user fills, MACs and wipes it synchronously.
 */
function macInput(blocks: number): Buffer {
  if (blocks > MAC_SCRATCH_BLOCKS) return Buffer.alloc(blocks * BLOCK);
  return (MAC_VIEWS[blocks] ??= MAC_SCRATCH.subarray(0, blocks * BLOCK));
}

/** Big-endian increment of the 128-bit counter at `offset`, in place (matches OpenSSL's CTR128). */
function increment128(block: Buffer, offset: number): void {
  for (let i = offset + BLOCK - 1; i >= offset; i--) {
    const next = ((block[i] as number) + 1) & 0xff;
    block[i] = next;
    if (next !== 0) return;
  }
}
