/**
 * An unwrapped data key held in memory by the keyring's cache. It never prints its bytes,
 * and it memoises what is derived from it (per-field subkeys and the cipher objects built
 * on them) so that the hot path does no key derivation.
 *
 * @module
 */
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
  /** Values sealed with this key since it was loaded (for stats and use limits). */
  encryptions = 0;
  readonly #bytes: Uint8Array;
  readonly #maxDerived: number;

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
    return deriveSubkey(this.#bytes, purpose, domain);
  }

  /**
   * Memoises `build()` per (kind, model, field) in nested maps: on the hot path this is
   * three lookups of strings the caller already holds, with no key string built per call.
   */
  fieldObject<T>(kind: string, model: string, field: string, build: () => T): T {
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

  /** Overwrites the key bytes and forgets derived objects (called on eviction and destruction). */
  dispose(): void {
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
