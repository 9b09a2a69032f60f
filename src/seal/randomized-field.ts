/**
 * Randomized sealing of one field under one data key (docs/format.md §Randomized). Two
 * standard AEADs, chosen by plaintext length (which the ciphertext reveals anyway):
 *
 * - short values (≤ {@link SHORT_VALUE_MAX_BYTES}): AES-SIV (RFC 5297) of N ‖ P, where N is
 *   128 random bits. SIV is a deterministic AEAD; a fresh random prefix makes every
 *   plaintext distinct, hence the ciphertexts unlinkable (RFC 5297 §1.3.2 leaves the choice
 *   of where randomness goes to the user). N is stored encrypted. Every AES call runs on
 *   cipher objects cached per key (two native calls for a short value), so a short field
 *   seals in a fraction of one `createCipheriv` + GCM. SIV is misuse-resistant: a repeated
 *   N reveals only that the same value was sealed twice; docs/format.md gives the bounds.
 * - longer values: key-committing AES-256-GCM (crypto/committing-gcm.ts, after the AWS
 *   Encryption SDK's committing suites): R (96 random bits) selects a GCM key and a 256-bit
 *   commitment to it, both HKDF-SHA256 outputs of the field subkey; the GCM nonce is
 *   C ‖ 0^8, C a 32-bit counter from a random start. R is redrawn every
 *   {@link VALUES_PER_DERIVED_KEY} values, so the derivation is amortised and the hot path
 *   is one AES-GCM call; opening compares the stored commitment in constant time first.
 *
 * Associated data in both: header ‖ length-prefixed (model, field) ‖ optional row.
 *
 * @module
 */
import { fieldCipher } from './field-ciphers.js';
import { createCipheriv, randomBytes, randomInt } from 'node:crypto';
import { gcmOpen } from '../crypto/aes-gcm.js';
import { AesSiv, type OpenedBatch, type SivAssociatedData } from '../crypto/aes-siv.js';
import { commitmentMatches, deriveCommittedKey, KEY_NONCE_BYTES, type CommittedKey } from '../crypto/committing-gcm.js';
import { RandomPool } from '../crypto/random-pool.js';
import { DecryptionError } from '../errors.js';
import { Algorithm, COMMITMENT_BYTES, envelopeBodies, HEADER_BYTES, headerOf, NONCE_BYTES, SHORT_VALUE_MAX_BYTES, TAG_BYTES, writeHeader } from '../format/envelope.js';
import { encodeParts, encodeRow, rowPartBytes, writeRowPart } from '../format/context.js';
import { BLOCK } from '../crypto/aes-block.js';
import { copyBytes } from '../crypto/bytes.js';
import type { DataKey } from '../keys/data-key.js';

export { SHORT_VALUE_MAX_BYTES };
/** Long values sealed under one derived key before a fresh 96-bit R is drawn. */
export const VALUES_PER_DERIVED_KEY = 1 << 20;
/** How many derived keys of other writers' R values are remembered for decryption. */
const OPENED_KEYS_CACHE = 256;
/** Where the ciphertext starts in an algorithm-4 body: after R ‖ C and the commitment. */
const LONG_CIPHERTEXT_AT = NONCE_BYTES + COMMITMENT_BYTES;
/** The row part of a value bound to no row. */
const NO_ROW = encodeRow(undefined);

const pool = new RandomPool();

/** A value to seal: its value-type code, encoded bytes, and encoded row (empty when none). */
export interface PlaintextToSeal {
  readonly valueType: number;
  readonly plaintext: Uint8Array;
  readonly row: Buffer;
}

/** The per-(data key, model, field) randomized cipher. Obtain with {@link randomizedField}. */
export class RandomizedField {
  readonly #key: DataKey;
  readonly #model: string;
  readonly #field: string;
  readonly #keyId: number;
  readonly #context: Buffer;
  /** Associated data per value type when no row is bound: header ‖ context. */
  readonly #aadByType: (Buffer | undefined)[] = [];
  readonly #sivAdByType: (SivAssociatedData | undefined)[] = [];
  /** Short-value (algorithm 3) headers by value type. */
  readonly #headers: (Buffer | undefined)[] = [];
  #siv: AesSiv | undefined;
  #gcmKey: Buffer | undefined;
  #r: Buffer = Buffer.alloc(KEY_NONCE_BYTES);
  #derived: CommittedKey | undefined;
  #counter = 0;
  #remaining = 0;
  readonly #iv = Buffer.alloc(12);
  readonly #openIv = Buffer.alloc(12);
  readonly #opened = new Map<string, CommittedKey>();

  constructor(key: DataKey, model: string, field: string) {
    this.#key = key;
    this.#model = model;
    this.#field = field;
    this.#keyId = key.numericId;
    this.#context = encodeParts([model, field]);
  }

  /** Seals `plaintext` as a full envelope. `row` is the encoded row part of the context (may be empty). */
  seal(valueType: number, plaintext: Uint8Array, row: Buffer): Buffer {
    if (plaintext.length <= SHORT_VALUE_MAX_BYTES) {
      const out = Buffer.allocUnsafe(HEADER_BYTES + NONCE_BYTES + TAG_BYTES + plaintext.length);
      writeHeader(out, Algorithm.aesSivRandom, valueType, this.#keyId);
      const input = Buffer.allocUnsafe(NONCE_BYTES + plaintext.length);
      pool.fill(input, 0, NONCE_BYTES);
      input.set(plaintext, NONCE_BYTES);
      const siv = this.#sivCipher();
      siv.encryptInto(input, this.#sivAd(siv, out, valueType, row), out, HEADER_BYTES);
      for (let i = 0; i < input.length; i++) input[i] = 0;
      return out;
    }
    const out = Buffer.allocUnsafe(HEADER_BYTES + LONG_CIPHERTEXT_AT + plaintext.length + TAG_BYTES);
    writeHeader(out, Algorithm.aesGcmCommit, valueType, this.#keyId);
    const derived = this.#remaining !== 0 && this.#derived !== undefined ? this.#derived : this.#refresh();
    this.#remaining--;
    const counter = this.#counter;
    this.#counter = (counter + 1) >>> 0;
    this.#r.copy(out, HEADER_BYTES);
    out.writeUInt32BE(counter, HEADER_BYTES + KEY_NONCE_BYTES);
    derived.commitment.copy(out, HEADER_BYTES + NONCE_BYTES);
    this.#iv.writeUInt32BE(counter, 0);
    const cipher = createCipheriv('aes-256-gcm', derived.key, this.#iv);
    cipher.setAAD(this.#aad(out, valueType, row));
    let off = HEADER_BYTES + LONG_CIPHERTEXT_AT;
    off += cipher.update(plaintext).copy(out, off);
    off += cipher.final().copy(out, off);
    cipher.getAuthTag().copy(out, off);
    return out;
  }

  /**
   * Seals many values of this field at once: the same envelopes as {@link seal} (fresh
   * randomness for each), with the AES-SIV work of all short values batched (a few AES
   * calls in all). Long values are sealed one by one.
   */
  sealMany(items: readonly PlaintextToSeal[]): Buffer[] {
    const out = new Array<Buffer>(items.length);
    const short: number[] = [];
    let total = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as PlaintextToSeal;
      if (item.plaintext.length > SHORT_VALUE_MAX_BYTES) out[i] = this.seal(item.valueType, item.plaintext, item.row);
      else {
        short.push(i);
        total += NONCE_BYTES + item.plaintext.length;
      }
    }
    if (short.length === 0) return out;
    // N ‖ P of every short value end to end, wiped once sealed.
    const inputs = Buffer.allocUnsafe(total);
    const siv = this.#sivCipher();
    let at = 0;
    const batch = short.map((i) => {
      const item = items[i] as PlaintextToSeal;
      const header = this.#shortHeader(item.valueType);
      pool.fill(inputs, at, NONCE_BYTES);
      inputs.set(item.plaintext, at + NONCE_BYTES);
      const input = inputs.subarray(at, at + NONCE_BYTES + item.plaintext.length);
      at += input.length;
      const ad = item.row.length !== 0 ? [this.#aad(header, item.valueType, item.row)] : this.#sivAd(siv, header, item.valueType, item.row);
      return { input, ad };
    });
    const sealed = siv.encryptMany(batch, HEADER_BYTES);
    inputs.fill(0);
    for (let j = 0; j < short.length; j++) {
      const envelope = sealed[j] as Buffer;
      writeHeader(envelope, Algorithm.aesSivRandom, (items[short[j] as number] as PlaintextToSeal).valueType, this.#keyId);
      out[short[j] as number] = envelope;
    }
    return out;
  }

  /**
   * Opens the body of an envelope whose header was already parsed (algorithm 3 or 4). For
   * algorithm 4 the stored key commitment is checked, in constant time, before GCM runs:
   * a body whose GCM tag would verify under this key too, but that was sealed under
   * another one, is refused.
   */
  open(algorithm: number, header: Buffer, valueType: number, body: Buffer, row: Buffer): Buffer {
    if (algorithm === Algorithm.aesSivRandom) {
      const siv = this.#sivCipher();
      return siv.decrypt(body, this.#sivAd(siv, header, valueType, row)).subarray(NONCE_BYTES);
    }
    if (algorithm !== Algorithm.aesGcmCommit || body.length < LONG_CIPHERTEXT_AT + TAG_BYTES) throw new DecryptionError();
    const derived = this.#keyFor(body.subarray(0, KEY_NONCE_BYTES));
    if (!commitmentMatches(derived.commitment, body.subarray(NONCE_BYTES, LONG_CIPHERTEXT_AT))) throw new DecryptionError();
    // The GCM nonce is C ‖ 0^8; the decipher copies it, so one scratch buffer serves.
    const iv = this.#openIv;
    body.copy(iv, 0, KEY_NONCE_BYTES, NONCE_BYTES);
    return gcmOpen(derived.key, iv, body.subarray(LONG_CIPHERTEXT_AT), this.#aad(header, valueType, row));
  }

  /**
   * Opens many envelopes of this field at once (the same checks as {@link open}): envelope
   * j is `lengths[j]` bytes at `starts[j]` in `data`, bound to the row `rows[j]` (a
   * {@link rowText}, or undefined). AES-SIV values in one batch (a few AES calls in all,
   * the row-bound associated data's CMACs batched too), long (GCM) values one by one.
   * Returns the plaintexts as ranges (of one buffer for the short values); none where a
   * value fails authentication.
   */
  openMany(data: Buffer, starts: readonly number[], lengths: readonly number[], rows: readonly (string | undefined)[]): OpenedBatch {
    const siv = this.#sivCipher();
    const n = starts.length;
    let long = 0;
    for (let j = 0; j < n; j++) if ((data[starts[j] as number] as number) >>> 4 !== Algorithm.aesSivRandom) long++;
    if (long === 0) {
      const bodies = envelopeBodies(starts, lengths);
      return siv.decryptPacked(data, bodies.starts, bodies.lengths, this.#sivStates(siv, data, starts, rows), NONCE_BYTES);
    }
    // Some long (GCM) values: each opened into a buffer of its own, the short ones batched.
    const opened: OpenedBatch = { buffers: new Array<Buffer | undefined>(n), starts: new Array<number>(n).fill(0), ends: new Array<number>(n).fill(0) };
    const short: number[] = [];
    for (let j = 0; j < n; j++) {
      const start = starts[j] as number;
      const algorithm = (data[start] as number) >>> 4;
      if (algorithm === Algorithm.aesSivRandom) {
        short.push(j);
        continue;
      }
      try {
        const envelope = data.subarray(start, start + (lengths[j] as number));
        const plaintext = this.open(algorithm, envelope, (data[start] as number) & 0x0f, envelope.subarray(HEADER_BYTES), encodeRow(rows[j]));
        opened.buffers[j] = plaintext;
        opened.ends[j] = plaintext.length;
      } catch (error) {
        if (!(error instanceof DecryptionError)) throw error;
      }
    }
    const shortStarts = short.map((j) => starts[j] as number);
    const bodies = envelopeBodies(
      shortStarts,
      short.map((j) => lengths[j] as number),
    );
    const batch = siv.decryptPacked(
      data,
      bodies.starts,
      bodies.lengths,
      this.#sivStates(
        siv,
        data,
        shortStarts,
        short.map((j) => rows[j]),
      ),
      NONCE_BYTES,
    );
    for (let k = 0; k < short.length; k++) {
      const j = short[k] as number;
      opened.buffers[j] = batch.buffers[k];
      opened.starts[j] = batch.starts[k] as number;
      opened.ends[j] = batch.ends[k] as number;
    }
    return opened;
  }

  /**
   * The S2V states after each algorithm-3 envelope's associated data, end to end: the
   * cached state of its value type when no row is bound; else header ‖ context ‖ row, the
   * row-bound values' CMACs batched over one buffer (no buffer per value).
   */
  #sivStates(siv: AesSiv, data: Buffer, starts: readonly number[], rows: readonly (string | undefined)[]): Buffer {
    const n = starts.length;
    const states = Buffer.allocUnsafe(n * BLOCK);
    const bound: number[] = [];
    const adStarts: number[] = [];
    const adLengths: number[] = [];
    let total = 0;
    for (let j = 0; j < n; j++) {
      const valueType = (data[starts[j] as number] as number) & 0x0f;
      const row = rows[j];
      if (row === undefined) {
        copyBytes(states, j * BLOCK, this.#sivAd(siv, this.#shortHeader(valueType), valueType, NO_ROW).d, 0, BLOCK);
        continue;
      }
      const length = HEADER_BYTES + this.#context.length + rowPartBytes(row);
      bound.push(j);
      adStarts.push(total);
      adLengths.push(length);
      total += Math.max(1, Math.ceil(length / BLOCK)) * BLOCK;
    }
    if (bound.length === 0) return states;
    // Zero beyond each component, whole blocks each: as the batched CMAC takes messages.
    const components = Buffer.alloc(total);
    for (let k = 0; k < bound.length; k++) {
      const j = bound[k] as number;
      const at = adStarts[k] as number;
      // The header is this key's, as the key was found by the envelope's key id.
      copyBytes(components, at, this.#shortHeader((data[starts[j] as number] as number) & 0x0f), 0, HEADER_BYTES);
      copyBytes(components, at + HEADER_BYTES, this.#context, 0, this.#context.length);
      writeRowPart(components, at + HEADER_BYTES + this.#context.length, rows[j] as string);
    }
    const boundStates = siv.associatedDataStates(components, adStarts, adLengths);
    for (let k = 0; k < bound.length; k++) copyBytes(states, (bound[k] as number) * BLOCK, boundStates, k * BLOCK, BLOCK);
    return states;
  }

  /** This key's algorithm-3 header for a value type (batches use it as associated data before the envelope exists). */
  #shortHeader(valueType: number): Buffer {
    return (this.#headers[valueType] ??= headerOf(Algorithm.aesSivRandom, valueType, this.#keyId));
  }

  #sivCipher(): AesSiv {
    this.#siv ??= new AesSiv(this.#key.subkey('aead-siv', [this.#model, this.#field]));
    return this.#siv;
  }

  #sivAd(siv: AesSiv, header: Buffer, valueType: number, row: Buffer): SivAssociatedData {
    if (row.length !== 0) return siv.associatedDataOf([header.length === HEADER_BYTES ? header : header.subarray(0, HEADER_BYTES), this.#context, row]);
    let ad = this.#sivAdByType[valueType];
    if (ad === undefined) {
      ad = siv.associatedData([this.#aad(header, valueType, row)]);
      this.#sivAdByType[valueType] = ad;
    }
    return ad;
  }

  #aad(header: Buffer, valueType: number, row: Buffer): Buffer {
    if (row.length !== 0) return Buffer.concat([header.subarray(0, HEADER_BYTES), this.#context, row]);
    // Cached per (algorithm, type): the header's first byte is part of the key.
    const slot = header[0] as number;
    let aad = this.#aadByType[slot];
    if (aad === undefined) {
      aad = Buffer.concat([header.subarray(0, HEADER_BYTES), this.#context]);
      this.#aadByType[slot] = aad;
    }
    return aad;
  }

  /** The field's 256-bit subkey from which long values' keys and commitments are derived. */
  #longValueKey(): Buffer {
    this.#gcmKey ??= this.#key.subkey('aead', [this.#model, this.#field]);
    return this.#gcmKey;
  }

  #keyFor(r: Buffer): CommittedKey {
    if (this.#remaining !== 0 && this.#derived !== undefined && r.equals(this.#r)) return this.#derived;
    const id = r.toString('latin1');
    let derived = this.#opened.get(id);
    if (derived === undefined) {
      derived = deriveCommittedKey(this.#longValueKey(), r);
      if (this.#opened.size >= OPENED_KEYS_CACHE) this.#opened.delete(this.#opened.keys().next().value as string);
      this.#opened.set(id, derived);
    }
    return derived;
  }

  #refresh(): CommittedKey {
    this.#r = randomBytes(KEY_NONCE_BYTES);
    this.#derived = deriveCommittedKey(this.#longValueKey(), this.#r);
    this.#counter = randomInt(0, 0xffff_ffff) >>> 0;
    this.#remaining = VALUES_PER_DERIVED_KEY;
    return this.#derived;
  }

  toJSON(): string {
    return '[RandomizedField]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[RandomizedField]';
  }
}

/** The memoised randomized cipher of (key, model, field). */
export function randomizedField(key: DataKey, model: string, field: string): RandomizedField {
  return fieldCipher(key, 'aead', model, field, newRandomizedField);
}

function newRandomizedField(key: DataKey, model: string, field: string): RandomizedField {
  return new RandomizedField(key, model, field);
}
