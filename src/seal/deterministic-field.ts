/**
 * Deterministic sealing of one field (or shared token domain) under one data key:
 * AES-SIV (RFC 5297) with a 512-bit subkey; the associated data is header ‖ domain, so the
 * S2V state over it is computed once per value type. The row is never bound: equal values
 * must give equal tokens across rows, which is the point of this mode.
 *
 * @module
 */
import { fieldCipher } from './field-ciphers.js';
import { AesSiv, type SivAssociatedData } from '../crypto/aes-siv.js';
import { Algorithm, HEADER_BYTES, headerOf, writeHeader } from '../format/envelope.js';
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

  /** Opens many envelopes at once (`length` bytes at `start` of `data`, header included), batched (see {@link AesSiv.decryptMany}); `undefined` where one fails authentication. */
  openMany(items: readonly { readonly data: Buffer; readonly start: number; readonly length: number }[]): (Buffer | undefined)[] {
    return this.#siv.decryptMany(
      items.map(({ data, start, length }) => {
        const valueType = (data[start] as number) & 0x0f;
        // The header is this key's, as the key was found by the envelope's key id.
        const header = this.#header(valueType);
        return { input: data, start: start + HEADER_BYTES, length: length - HEADER_BYTES, ad: this.#ad(header, valueType) };
      }),
    );
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
    ? fieldCipher(key, 'siv-domain', '', ctx.domain, () => new DeterministicField(key, tokenDomain(ctx)))
    : fieldCipher(key, 'siv-field', ctx.model, ctx.field, () => new DeterministicField(key, tokenDomain(ctx)));
}
