/**
 * An unwrapped data key held in memory by the keyring's cache. It never prints its bytes,
 * and it memoises what is derived from it (per-field subkeys and the cipher objects built
 * on them) so that the hot path does no key derivation.
 *
 * Leases: the cache retires a key (eviction, expiry, destruction) while operations that
 * fetched it before an `await` may still be about to use it. A retired key is wiped only
 * when the last operation holding it releases it, and a wiped key throws
 * {@link KeyWipedError} on any use: it never derives anything from zeroed bytes.
 *
 * @module
 */
import { KeyWipedError } from '../errors.js';
import { deriveSubkey, type SubkeyPurpose } from './subkey.js';

/** Default bound on derived objects memoised per data key (one per field and purpose). */
export const DEFAULT_MAX_DERIVED = 4096;

/** An unwrapped data key. Obtain one from a `Keyring`; do not construct it yourself. */
export class DataKey {
  /** 8-hex-digit id. */
  readonly id: string;
  /** The id as the u32 written into headers. */
  readonly numericId: number;
  readonly scope: string;
  /** When it was unwrapped (ms since epoch); the cache expires it after its max age. */
  readonly loadedAt: number;
  readonly #bytes: Uint8Array;
  readonly #maxDerived: number;
  /** Operations holding the key (see {@link retain}). */
  #holds = 0;
  /** Dropped by the cache: wiped as soon as no operation holds it. */
  #retired = false;
  #wiped = false;

  /** @internal */
  constructor(id: string, scope: string, bytes: Uint8Array, maxDerived = DEFAULT_MAX_DERIVED) {
    this.id = id;
    this.numericId = Number.parseInt(id, 16);
    this.scope = scope;
    this.#bytes = bytes;
    this.loadedAt = Date.now();
    this.#maxDerived = maxDerived;
  }

  /** The subkey for `purpose` and `domain` (HKDF-SHA256, see subkey.ts). Fresh buffer; not memoised. */
  subkey(purpose: SubkeyPurpose, domain: readonly string[]): Buffer {
    if (this.#wiped) throw new KeyWipedError(this.id);
    return deriveSubkey(this.#bytes, purpose, domain);
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
    if (this.#holds <= 0) throw new Error(`data key ${this.id} released more often than it was retained`);
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

  /**
   * Memoises `build()` per (kind, model, field) in nested maps: on the hot path this is
   * three lookups of strings the caller already holds, with no key string built per call.
   */
  fieldObject<T>(kind: string, model: string, field: string, build: () => T): T {
    if (this.#wiped) throw new KeyWipedError(this.id);
    let byModel = this.#fields.get(kind);
    if (byModel === undefined) this.#fields.set(kind, (byModel = new Map()));
    let byField = byModel.get(model);
    if (byField === undefined) byModel.set(model, (byField = new Map()));
    let value = byField.get(field) as T | undefined;
    if (value === undefined) {
      if (this.#fieldCount >= this.#maxDerived) {
        this.#fields.clear();
        this.#fieldCount = 0;
        return this.fieldObject(kind, model, field, build);
      }
      value = build();
      byField.set(field, value);
      this.#fieldCount++;
    }
    return value;
  }

  readonly #fields = new Map<string, Map<string, Map<string, unknown>>>();
  #fieldCount = 0;

  /** How many derived objects are memoised. */
  get derivedCount(): number {
    return this.#fieldCount;
  }

  #wipe(): void {
    this.#wiped = true;
    this.#bytes.fill(0);
    this.#fields.clear();
    this.#fieldCount = 0;
  }

  toJSON(): { id: string; scope: string } {
    return { id: this.id, scope: this.scope };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `DataKey(${this.id}, scope=${this.scope}, [redacted])`;
  }
}
