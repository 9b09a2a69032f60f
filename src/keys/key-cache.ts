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

/** A cached key and when it was last used (a tick of the cache's own clock). */
interface Entry {
  readonly key: DataKey;
  used: number;
}

/**
 * LRU + max-age cache of {@link DataKey}s by numeric id. Recency is a stamp per entry,
 * so a hit writes one number (moving the entry in the Map on every hit, as keys of a read
 * alternate, churned the Map's table); eviction, which follows a key load, scans for the
 * oldest stamp.
 */
export class KeyCache {
  readonly maxAgeMs: number;
  readonly maxEntries: number;
  readonly #entries = new Map<number, Entry>();
  #clock = 0;
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
    const entry = this.#entries.get(id);
    if (entry === undefined) {
      this.#stats.misses++;
      return undefined;
    }
    if (now - entry.key.loadedAt >= this.maxAgeMs) {
      this.#entries.delete(id);
      entry.key.retire();
      this.#stats.expirations++;
      this.#stats.misses++;
      return undefined;
    }
    this.#stats.hits++;
    entry.used = ++this.#clock;
    return entry.key;
  }

  /** Inserts a freshly unwrapped key, evicting the least recently used past the bound. */
  set(key: DataKey): void {
    const previous = this.#entries.get(key.numericId)?.key;
    if (previous !== undefined && previous !== key) previous.retire();
    this.#entries.set(key.numericId, { key, used: ++this.#clock });
    while (this.#entries.size > this.maxEntries) {
      let oldest: Entry | undefined;
      for (const entry of this.#entries.values()) if (oldest === undefined || entry.used < oldest.used) oldest = entry;
      const evicted = (oldest as Entry).key;
      this.#entries.delete(evicted.numericId);
      evicted.retire();
      this.#stats.evictions++;
    }
  }

  /** Whether a key is cached (no recency or counter change). */
  has(id: number): boolean {
    return this.#entries.has(id);
  }

  /** Drops a key (destroyed or rewrapped); it is wiped once no operation holds it. */
  delete(id: number): void {
    const entry = this.#entries.get(id);
    if (entry !== undefined) {
      this.#entries.delete(id);
      entry.key.retire();
    }
  }

  /** Drops every key. */
  clear(): void {
    for (const entry of this.#entries.values()) entry.key.retire();
    this.#entries.clear();
  }

  /** A snapshot of the counters. */
  stats(): KeyCacheStats {
    return { ...this.#stats, size: this.#entries.size };
  }

  /** Every cached key (for per-key stats). */
  *keys(): IterableIterator<DataKey> {
    for (const entry of this.#entries.values()) yield entry.key;
  }
}
