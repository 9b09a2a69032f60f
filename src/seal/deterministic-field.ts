/**
 * Deterministic sealing of one field (or shared token domain) under one data key:
 * AES-SIV (RFC 5297) with a 512-bit subkey; the associated data is header ‖ domain, so the
 * S2V state over it is computed once per value type. The row is never bound: equal values
 * must give equal tokens across rows, which is the point of this mode.
 *
 * @module
 */
import { fieldCipher } from './field-ciphers.js';
import { AesSiv, type OpenedBatch, type SivAssociatedData } from '../crypto/aes-siv.js';
import { Algorithm, envelopeBodies, HEADER_BYTES, headerOf, writeHeader } from '../format/envelope.js';
import { BLOCK } from '../crypto/aes-block.js';
import { copyBytes } from '../crypto/bytes.js';
import { encodeParts } from '../format/context.js';
import type { DataKey } from '../keys/data-key.js';

/** The per-(data key, domain) deterministic cipher. Obtain with {@link deterministicField}. */
export class DeterministicField {
  readonly #siv: AesSiv;
  readonly #keyId: number;
  readonly #domain: Buffer;
  readonly #adByType: (SivAssociatedData | undefined)[] = [];
  readonly #headers: (Buffer | undefined)[] = [];

  constructor(key: DataKey, domain: readonly string[]) {
    this.#siv = new AesSiv(key.subkey('siv', domain));
    this.#keyId = key.numericId;
    this.#domain = encodeParts(domain);
  }

  /** Seals `plaintext` as a full envelope. */
  seal(valueType: number, plaintext: Uint8Array): Buffer {
    const header = this.#header(valueType);
    return Buffer.concat([header, this.#siv.encrypt(plaintext, this.#ad(header, valueType))]);
  }

  /** Seals many values at once, batched (see {@link AesSiv.encryptMany}): the same envelopes as {@link seal}. */
  sealMany(items: readonly { readonly valueType: number; readonly plaintext: Uint8Array }[]): Buffer[] {
    const sealed = this.#siv.encryptMany(
      items.map((item) => {
        const header = this.#header(item.valueType);
        return { input: item.plaintext, ad: this.#ad(header, item.valueType) };
      }),
      HEADER_BYTES,
    );
    sealed.forEach((envelope, j) => writeHeader(envelope, Algorithm.aesSiv, (items[j] as { valueType: number }).valueType, this.#keyId));
    return sealed;
  }

  /** Opens the body (SIV ‖ ciphertext) of an envelope whose header was parsed. */
  open(header: Buffer, valueType: number, body: Buffer): Buffer {
    return this.#siv.decrypt(body, this.#ad(header, valueType));
  }

  /**
   * Opens many envelopes at once, batched (see {@link AesSiv.decryptPacked}): envelope j is
   * `lengths[j]` bytes at `starts[j]` in `data`, header included. The plaintexts as ranges
   * of one buffer; none where a value fails authentication.
   */
  openMany(data: Buffer, starts: readonly number[], lengths: readonly number[]): OpenedBatch {
    const n = starts.length;
    const states = Buffer.allocUnsafe(n * BLOCK);
    for (let j = 0; j < n; j++) {
      const valueType = (data[starts[j] as number] as number) & 0x0f;
      // The header is this key's, as the key was found by the envelope's key id.
      copyBytes(states, j * BLOCK, this.#ad(this.#header(valueType), valueType).d, 0, BLOCK);
    }
    const bodies = envelopeBodies(starts, lengths);
    return this.#siv.decryptPacked(data, bodies.starts, bodies.lengths, states);
  }

  /** This key's header for a value type (batches use it as associated data before the envelope exists). */
  #header(valueType: number): Buffer {
    return (this.#headers[valueType] ??= headerOf(Algorithm.aesSiv, valueType, this.#keyId));
  }

  #ad(header: Buffer, valueType: number): SivAssociatedData {
    let ad = this.#adByType[valueType];
    if (ad === undefined) {
      ad = this.#siv.associatedData([Buffer.concat([header.subarray(0, HEADER_BYTES), this.#domain])]);
      this.#adByType[valueType] = ad;
    }
    return ad;
  }

  toJSON(): string {
    return '[DeterministicField]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[DeterministicField]';
  }
}

/** Where deterministic tokens of a context live: its own field, or a shared token domain. */
export function tokenDomain(ctx: { readonly model: string; readonly field: string; readonly domain?: string }): string[] {
  return ctx.domain !== undefined ? ['domain', ctx.domain] : ['field', ctx.model, ctx.field];
}

/** The memoised deterministic cipher of (key, token domain of `ctx`). */
export function deterministicField(key: DataKey, ctx: { readonly model: string; readonly field: string; readonly domain?: string }): DeterministicField {
  return ctx.domain !== undefined
    ? fieldCipher(key, 'siv-domain', '', ctx.domain, newDomainField)
    : fieldCipher(key, 'siv-field', ctx.model, ctx.field, newFieldField);
}

/** A token domain's cipher: `domain` is fieldCipher's field part (see {@link tokenDomain}). */
function newDomainField(key: DataKey, _model: string, domain: string): DeterministicField {
  return new DeterministicField(key, tokenDomain({ model: '', field: '', domain }));
}

function newFieldField(key: DataKey, model: string, field: string): DeterministicField {
  return new DeterministicField(key, tokenDomain({ model, field }));
}
