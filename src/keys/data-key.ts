/**
 * An unwrapped key held in memory: a scope's data or lookup key, or a root key. It never
 * prints its bytes, and the only thing it computes is what is derived from it (HKDF
 * subkeys, and for a root key the per-record wrapping of the keys below it). Cipher
 * objects built on subkeys are memoised by the seal layer, not here.
 *
 * Leases: the cache retires a key (eviction, expiry, destruction) while operations that
 * fetched it before an `await` may still be about to use it. A retired key is wiped only
 * when the last operation holding it releases it, and a wiped key throws
 * {@link KeyWipedError} on any use: it never derives anything from zeroed bytes.
 *
 * @module
 */
import { BoundKeyWrap } from '../crypto/bound-key-wrap.js';
import { KeyWipedError } from '../errors.js';
import type { KeyPurpose } from './store/key-store.js';
import { deriveSubkey, type SubkeyPurpose } from './subkey.js';

/** An unwrapped key. Obtain one from a `Keyring`, leased; do not construct it yourself. */
export class DataKey {
  /** 8-hex-digit id. */
  readonly id: string;
  /** The id as the u32 written into headers. */
  readonly numericId: number;
  /** The record's scope: a scope, or `scope#subject` for a subject's data keys. */
  readonly scope: string;
  /** `data` (randomized values), `lookup` (tokens and indexes) or `root` (wraps the others). */
  readonly purpose: KeyPurpose;
  /** When it was unwrapped (ms since epoch); the cache expires it after its max age. */
  readonly loadedAt: number;
  /** Values this object has sealed (for stats; the keyring counts limits per key id). */
  sealed = 0;
  readonly #bytes: Uint8Array;
  /** Operations holding the key (see {@link retain}). */
  #holds = 0;
  /** Dropped by the cache: wiped as soon as no operation holds it. */
  #retired = false;
  #wiped = false;

  /** @internal */
  constructor(id: string, scope: string, purpose: KeyPurpose, bytes: Uint8Array) {
    this.id = id;
    this.numericId = Number.parseInt(id, 16);
    this.scope = scope;
    this.purpose = purpose;
    this.#bytes = bytes;
    this.loadedAt = Date.now();
  }

  /** The subkey for `purpose` and `domain` (HKDF-SHA256, see subkey.ts). Fresh buffer; not memoised. */
  subkey(purpose: SubkeyPurpose, domain: readonly string[]): Buffer {
    if (this.#wiped) throw new KeyWipedError(this.id);
    return deriveSubkey(this.#bytes, purpose, domain);
  }

  /**
   * For a root key: wraps a key of the hierarchy below it for the record named by
   * `identity` (AES-KWP under a per-record key, crypto/bound-key-wrap.ts).
   * @internal
   */
  wrapBelow(key: Uint8Array, identity: Uint8Array): Buffer {
    return this.#wrapper().wrap(key, identity);
  }

  /** For a root key: reverses {@link wrapBelow}; DecryptionError if the record's identity or bytes changed. @internal */
  unwrapBelow(wrapped: Uint8Array, identity: Uint8Array): Buffer {
    return this.#wrapper().unwrap(wrapped, identity);
  }

  #wrap: BoundKeyWrap | undefined;

  #wrapper(): BoundKeyWrap {
    if (this.#wiped) throw new KeyWipedError(this.id);
    if (this.purpose !== 'root') throw new Error(`key ${this.id} is not a root key`);
    this.#wrap ??= new BoundKeyWrap(this.#bytes);
    return this.#wrap;
  }

  /**
   * Takes a hold on the key for an operation: it will not be wiped until the hold is
   * released, even if the cache drops it meanwhile. Returns the key, for chaining.
   * @internal
   */
  retain(count = 1): this {
    if (this.#wiped) throw new KeyWipedError(this.id);
    this.#holds += count;
    return this;
  }

  /** Releases one hold; the last release of a retired key wipes it. @internal */
  release(): void {
    if (this.#holds <= 0) throw new Error(`key ${this.id} released more often than it was retained`);
    if (--this.#holds === 0 && this.#retired) this.#wipe();
  }

  /** Called by the cache when it drops the key: wiped now if unheld, else on the last release. @internal */
  retire(): void {
    this.#retired = true;
    if (this.#holds === 0) this.#wipe();
  }

  /** Whether the key has been wiped (retired and released by every holder). */
  get wiped(): boolean {
    return this.#wiped;
  }

  #wipe(): void {
    this.#wiped = true;
    this.#bytes.fill(0);
    this.#wrap?.wipe();
    this.#wrap = undefined;
  }

  toJSON(): { id: string; scope: string; purpose: KeyPurpose } {
    return { id: this.id, scope: this.scope, purpose: this.purpose };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `DataKey(${this.id}, ${this.purpose}, scope=${this.scope}, [redacted])`;
  }
}
