/**
 * The bounded cache of unwrapped data keys: least-recently-used
 * eviction past `maxEntries`, expiry after `maxAgeMs` (after which the next use unwraps
 * through the provider again), and counters that users and tests read through `stats()`.
 *
 * The max age is the blast-radius/availability trade-off: a shorter age limits how long a
 * revoked KEK keeps working in a running process; a longer one rides out KMS outages.
 *
 * @module
 */
import { ConfigurationError } from '../errors.js';
import type { DataKey } from './data-key.js';

/** Cache limits. */
export interface KeyCacheOptions {
  /** How long an unwrapped key may be used before it is unwrapped again (default 15 min). */
  readonly maxAgeMs?: number;
  /**
   * How many unwrapped keys to hold (default 1000). More keys may be in use at once: a key
   * an operation holds is wiped only when that operation releases it.
   */
  readonly maxEntries?: number;
}

/** Cache counters. */
export interface KeyCacheStats {
  hits: number;
  misses: number;
  evictions: number;
  expirations: number;
  size: number;
}

/** LRU + max-age cache of {@link DataKey}s by numeric id. */
export class KeyCache {
  readonly maxAgeMs: number;
  readonly maxEntries: number;
  readonly #entries = new Map<number, DataKey>();
  readonly #stats: KeyCacheStats = { hits: 0, misses: 0, evictions: 0, expirations: 0, size: 0 };

  constructor(options: KeyCacheOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? 15 * 60_000;
    this.maxEntries = options.maxEntries ?? 1000;
    if ((options as { maxEncryptions?: unknown }).maxEncryptions !== undefined) {
      throw new ConfigurationError('cache.maxEncryptions was replaced by maxEncryptionsPerKey (a limit per data key, not per cache entry)');
    }
    if (!(this.maxAgeMs > 0)) throw new ConfigurationError('cache.maxAgeMs must be positive');
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new ConfigurationError('cache.maxEntries must be a positive integer');
  }

  /** The cached key, or undefined if absent or expired (expired keys are retired). */
  get(id: number, now = Date.now()): DataKey | undefined {
    const key = this.#entries.get(id);
    if (key === undefined) {
      this.#stats.misses++;
      return undefined;
    }
    if (now - key.loadedAt >= this.maxAgeMs) {
      this.#entries.delete(id);
      key.retire();
      this.#stats.expirations++;
      this.#stats.misses++;
      return undefined;
    }
    this.#stats.hits++;
    // Refresh recency; skipped when already the newest entry, the common case in a hot loop.
    if (this.#last !== id) {
      this.#entries.delete(id);
      this.#entries.set(id, key);
      this.#last = id;
    }
    return key;
  }

  #last = -1;

  /** Inserts a freshly unwrapped key, evicting the least recently used past the bound. */
  set(key: DataKey): void {
    const previous = this.#entries.get(key.numericId);
    if (previous !== undefined && previous !== key) previous.retire();
    this.#entries.delete(key.numericId);
    this.#entries.set(key.numericId, key);
    this.#last = key.numericId;
    while (this.#entries.size > this.maxEntries) {
      const [oldestId, oldest] = this.#entries.entries().next().value as [number, DataKey];
      this.#entries.delete(oldestId);
      oldest.retire();
      this.#stats.evictions++;
    }
  }

  /** Whether a key is cached (no recency or counter change). */
  has(id: number): boolean {
    return this.#entries.has(id);
  }

  /** Drops a key (destroyed or rewrapped); it is wiped once no operation holds it. */
  delete(id: number): void {
    const key = this.#entries.get(id);
    if (key !== undefined) {
      this.#entries.delete(id);
      key.retire();
    }
  }

  /** Drops every key. */
  clear(): void {
    for (const key of this.#entries.values()) key.retire();
    this.#entries.clear();
  }

  /** A snapshot of the counters. */
  stats(): KeyCacheStats {
    return { ...this.#stats, size: this.#entries.size };
  }

  /** Every cached key (for per-key stats). */
  keys(): IterableIterator<DataKey> {
    return this.#entries.values();
  }
}
