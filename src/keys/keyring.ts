/**
 * The keyring: data keys per scope, one primary each, unwrapped on demand through the key
 * provider and kept in a bounded cache. In steady state the hot path (`leasePrimarySync`,
 * `leaseKeySync`) is a map lookup: no provider call, no promise.
 *
 * Every key it hands out is leased: the caller holds it until it calls `release()`, and the
 * cache may drop it meanwhile without wiping it (see data-key.ts). Single-flight loads hand
 * each waiter its own hold in the same synchronous step in which the load finishes, so no
 * eviction can slip in between a load and its waiters.
 *
 * Lifecycle (docs/key-management.md): create on first use, rotate (new primary, old key
 * decrypt-only), rewrap under a new KEK (no data touched), destroy (crypto-shredding).
 *
 * @module
 */
import { randomBytes, randomInt } from 'node:crypto';
import { ConfigurationError, KeyDestroyedError, KeyNotFoundError, KeyUsageLimitError, ProviderError } from '../errors.js';
import { keyIdToString } from '../format/envelope.js';
import { DataKey } from './data-key.js';
import { DEFAULT_SCOPE, type DataKeyRecord, type DataKeyState } from './data-key-record.js';
import { KeyCache, type KeyCacheOptions, type KeyCacheStats } from './key-cache.js';
import { KeyLoads } from './key-loads.js';
import type { KeyStore } from './key-store.js';
import { ProviderCaller, type ProviderCallCounters, type ProviderCallPolicy } from './provider-call.js';
import { DATA_KEY_BYTES, type KeyProvider, type WrapContext } from './provider.js';

/** Options of {@link Keyring}. */
export interface KeyringOptions {
  /** The provider that wraps new keys; further providers may be given to unwrap old ones. */
  readonly provider: KeyProvider | readonly KeyProvider[];
  readonly store: KeyStore;
  readonly cache?: KeyCacheOptions;
  readonly providerCalls?: ProviderCallPolicy;
  /** Create a scope's first key on first use (default true). When false, a scope without keys is a KeyNotFoundError. */
  readonly autoCreate?: boolean;
  /**
   * The most values (randomized or deterministic) one data key may seal in this process,
   * counted per key id across every call, batch calls included, and across cache reloads
   * (default unlimited). Past it, sealing in the scope fails with KeyUsageLimitError until
   * the scope's data key is rotated. With N processes a key may seal up to N times this.
   */
  readonly maxEncryptionsPerKey?: number;
}

/** How long a key id that the store does not have is answered "not found" without reading the store again. */
export const UNKNOWN_KEY_RETRY_MS = 1_000;

/** Bound on remembered unknown key ids (the memory is cleared past it). */
const MAX_REMEMBERED_MISSES = 10_000;

/** Keyring counters. */
export interface KeyringStats {
  readonly cache: KeyCacheStats;
  readonly provider: Readonly<ProviderCallCounters>;
  /** Values sealed per data key id by this process. */
  readonly encryptionsByKey: Readonly<Record<string, number>>;
}

const SCOPE_PATTERN = /^[\p{L}\p{N}_.:@/+=-]{1,200}$/u;

/** Data keys for all scopes, with their lifecycle. */
export class Keyring {
  readonly #providers: KeyProvider[];
  readonly #store: KeyStore;
  readonly #cache: KeyCache;
  readonly #autoCreate: boolean;
  readonly #caller: ProviderCaller;
  /** Records by numeric id, as last read from the store. */
  #records = new Map<number, DataKeyRecord>();
  /** Primary key id per scope, as last read from the store. */
  #primaries = new Map<string, number>();
  readonly #unwraps = new KeyLoads<number>();
  #pendingReload: Promise<void> | undefined;
  readonly #creates = new KeyLoads<string>();
  readonly #maxEncryptionsPerKey: number;
  /** Values sealed per key id by this process (kept when the key leaves the cache). */
  readonly #sealed = new Map<number, number>();
  /** Key ids the store did not have, with when that was found. */
  readonly #misses = new Map<number, number>();

  constructor(options: KeyringOptions) {
    const providers = Array.isArray(options.provider) ? [...(options.provider as readonly KeyProvider[])] : [options.provider as KeyProvider];
    if (providers.length === 0 || providers.some((p) => p === undefined || typeof p.wrap !== 'function')) {
      throw new ConfigurationError('a key provider is required (e.g. localKeyProvider)');
    }
    if (options.store === undefined || typeof options.store.update !== 'function') {
      throw new ConfigurationError('a key store is required (e.g. fileKeyStore(path) or memoryKeyStore())');
    }
    this.#providers = providers;
    this.#store = options.store;
    this.#cache = new KeyCache(options.cache);
    this.#caller = new ProviderCaller(options.providerCalls);
    this.#autoCreate = options.autoCreate ?? true;
    this.#maxEncryptionsPerKey = options.maxEncryptionsPerKey ?? Number.POSITIVE_INFINITY;
    if (!(this.#maxEncryptionsPerKey >= 1)) throw new ConfigurationError('maxEncryptionsPerKey must be at least 1');
  }

  /** The provider that wraps new keys. */
  get provider(): KeyProvider {
    return this.#providers[0] as KeyProvider;
  }

  /** Loads the records from the store (done lazily; call to pick up changes by other processes). */
  async reload(): Promise<void> {
    if (this.#pendingReload === undefined) {
      this.#pendingReload = (async () => {
        try {
          this.#index(await this.#store.list());
        } finally {
          this.#pendingReload = undefined;
        }
      })();
    }
    return this.#pendingReload;
  }

  /** All key records as last loaded (no key material). */
  async records(): Promise<readonly DataKeyRecord[]> {
    await this.reload();
    return [...this.#records.values()];
  }

  /** The scope's primary key, leased, if it is cached and fresh: the no-await hot path. Release it after use. */
  leasePrimarySync(scope: string = DEFAULT_SCOPE): DataKey | undefined {
    const id = this.#primaries.get(scope);
    return id === undefined ? undefined : this.#cache.get(id)?.retain();
  }

  /** The scope's primary key, leased, unwrapping (or creating) it when needed. Release it after use. */
  async leasePrimary(scope: string = DEFAULT_SCOPE): Promise<DataKey> {
    checkScope(scope);
    const cached = this.leasePrimarySync(scope);
    if (cached !== undefined) return cached;
    if (!this.#primaries.has(scope)) await this.reload();
    const id = this.#primaries.get(scope);
    if (id !== undefined) return this.leaseKey(id);
    if (!this.#autoCreate) throw new KeyNotFoundError(scope, `no primary data key for scope '${scope}'`);
    return this.#creates.join(scope, () => this.#createFirst(scope));
  }

  /** A key by id, leased, if cached and fresh: the no-await hot path of decryption. Release it after use. */
  leaseKeySync(id: number): DataKey | undefined {
    return this.#cache.get(id)?.retain();
  }

  /** A key by id, leased, unwrapping it once however many callers ask at the same time (single-flight). Release it after use. */
  leaseKey(id: number): Promise<DataKey> {
    const cached = this.leaseKeySync(id);
    if (cached !== undefined) return Promise.resolve(cached);
    return this.#unwraps.join(id, () => this.#unwrap(id));
  }

  /** {@link leaseLookupKeys} when every one of them is in the cache (no provider call); otherwise `undefined`. */
  #cachedLookupKeys(scope: string): DataKey[] | undefined {
    const primaryId = this.#primaries.get(scope);
    if (primaryId === undefined || this.#cache.get(primaryId) === undefined) return undefined;
    const ids = [primaryId];
    for (const [id, r] of this.#records) {
      if (r.scope !== scope || r.state === 'destroyed' || id === primaryId) continue;
      if (this.#cache.get(id) === undefined) return undefined;
      ids.push(id);
    }
    // Retained only once all are known to be cached: nothing to hand back on the way out.
    return ids.map((id) => (this.#cache.get(id) as DataKey).retain());
  }

  /**
   * Every key of a scope that can still open values (active and decrypt-only), primary
   * first, each leased: lookup candidates. Release each after use.
   */
  async leaseLookupKeys(scope: string = DEFAULT_SCOPE): Promise<DataKey[]> {
    // The common case, all keys cached, without a promise per key.
    const cached = this.#cachedLookupKeys(scope);
    if (cached !== undefined) return cached;
    const primary = await this.leasePrimary(scope);
    const others = [...this.#records.values()].filter((r) => r.scope === scope && r.state !== 'destroyed' && r.id !== primary.id);
    const settled = await Promise.allSettled(others.map((r) => this.leaseKey(Number.parseInt(r.id, 16))));
    const keys = [primary];
    let failure: PromiseRejectedResult | undefined;
    for (const result of settled) {
      if (result.status === 'fulfilled') keys.push(result.value);
      else failure ??= result;
    }
    if (failure !== undefined) {
      for (const key of keys) key.release();
      throw failure.reason;
    }
    return keys;
  }

  /**
   * Counts `count` values about to be sealed under `key` against `maxEncryptionsPerKey`,
   * before they are sealed; throws KeyUsageLimitError (counting nothing) when they would
   * pass it.
   */
  countSeals(key: DataKey, count: number): void {
    const used = (this.#sealed.get(key.numericId) ?? 0) + count;
    if (used > this.#maxEncryptionsPerKey) throw new KeyUsageLimitError(key.id, this.#maxEncryptionsPerKey);
    this.#sealed.set(key.numericId, used);
  }

  /** Makes a new primary key for the scope; the previous primary becomes decrypt-only. */
  async rotate(scope: string = DEFAULT_SCOPE): Promise<DataKeyRecord> {
    checkScope(scope);
    const { record, key } = await this.#newKey(scope);
    const records = await this.#store.update((current) => {
      const now = new Date().toISOString();
      const demoted = current.map((r) =>
        r.scope === scope && r.primary ? { ...r, primary: false, state: r.state === 'active' ? ('decrypt-only' as const) : r.state, updatedAt: now } : r,
      );
      return [...demoted, record];
    });
    this.#index(records);
    this.#cache.set(key);
    return record;
  }

  /** Sets a key's state (e.g. back to `active` as a lookup candidate, or `decrypt-only`). Use {@link destroy} to destroy. */
  async setState(id: string, state: Exclude<DataKeyState, 'destroyed'>): Promise<DataKeyRecord> {
    const records = await this.#store.update((current) => {
      const record = current.find((r) => r.id === id);
      if (record === undefined) throw new KeyNotFoundError(id);
      if (record.state === 'destroyed') throw new KeyDestroyedError(id);
      if (record.primary && state !== 'active') throw new ConfigurationError(`data key ${id} is its scope's primary: rotate first`);
      return current.map((r) => (r.id === id ? { ...r, state, updatedAt: new Date().toISOString() } : r));
    });
    this.#index(records);
    return this.#records.get(Number.parseInt(id, 16)) as DataKeyRecord;
  }

  /**
   * Destroys data keys (crypto-shredding): the wrapped bytes are erased from the store and
   * the cache; values sealed under them can never be opened again. Irreversible. An id the
   * store does not have is a KeyNotFoundError (nothing is destroyed); a scope's active
   * primary is destroyed only with `allowPrimary` (erasing a whole scope is `shred`).
   */
  async destroy(ids: readonly string[], options: { readonly allowPrimary?: boolean } = {}): Promise<number> {
    const wanted = new Set(ids);
    let destroyed = 0;
    const records = await this.#store.update((current) => {
      destroyed = 0;
      const known = new Set(current.map((r) => r.id));
      for (const id of wanted) if (!known.has(id)) throw new KeyNotFoundError(id);
      const now = new Date().toISOString();
      return current.map((r) => {
        if (!wanted.has(r.id) || r.state === 'destroyed') return r;
        if (r.primary && options.allowPrimary !== true) {
          throw new ConfigurationError(`data key ${r.id} is the primary of scope '${r.scope}': rotate first, or shred the scope to erase it`);
        }
        destroyed++;
        return { ...r, state: 'destroyed' as const, primary: false, wrapped: '', updatedAt: now };
      });
    });
    for (const id of wanted) this.#cache.delete(Number.parseInt(id, 16));
    this.#index(records);
    return destroyed;
  }

  /** Destroys every key of a scope (erasure of a data subject or tenant). Returns how many were destroyed. */
  async shred(scope: string): Promise<number> {
    checkScope(scope);
    await this.reload();
    const ids = [...this.#records.values()].filter((r) => r.scope === scope && r.state !== 'destroyed').map((r) => r.id);
    return this.destroy(ids, { allowPrimary: true });
  }

  /**
   * Re-wraps every live data key under another KEK (KEK rotation). No sealed value changes.
   * `to` is a kekRef of the current provider, or a new provider (which then wraps new keys,
   * while the old ones stay available to unwrap until everything is rewrapped).
   */
  async rewrap(to: string | KeyProvider): Promise<{ rewrapped: number }> {
    const target = typeof to === 'string' ? this.provider : to;
    const kekRef = typeof to === 'string' ? to : to.primaryKekRef;
    if (typeof to !== 'string' && !this.#providers.includes(to)) this.#providers.unshift(to);
    await this.reload();
    const updates = new Map<string, { kekRef: string; wrapped: string }>();
    for (const record of this.#records.values()) {
      if (record.state === 'destroyed' || record.kekRef === kekRef) continue;
      const context: WrapContext = { keyId: record.id, scope: record.scope };
      const wrapped = { kekRef: record.kekRef, ciphertext: Buffer.from(record.wrapped, 'base64') };
      const source = this.#providerFor(record.kekRef);
      let next;
      if (source === target && target.rewrap !== undefined) {
        next = await this.#caller.call(target, 'rewrap', (signal) => target.rewrap!(wrapped, context, kekRef, { signal }));
      } else {
        const plaintext = await this.#caller.call(source, 'unwrap', (signal) => source.unwrap(wrapped, context, { signal }));
        try {
          next = await this.#caller.call(target, 'wrap', (signal) => target.wrap(plaintext, context, { signal, kekRef }));
        } finally {
          plaintext.fill(0);
        }
      }
      updates.set(record.id, { kekRef: next.kekRef, wrapped: Buffer.from(next.ciphertext).toString('base64') });
    }
    const records = await this.#store.update((current) => {
      const now = new Date().toISOString();
      return current.map((r) => {
        const u = updates.get(r.id);
        return u === undefined || r.state === 'destroyed' ? r : { ...r, ...u, updatedAt: now };
      });
    });
    this.#index(records);
    return { rewrapped: updates.size };
  }

  /** Drops every cached key (they are unwrapped again on next use). */
  clearCache(): void {
    this.#cache.clear();
  }

  /** Counters: cache, provider calls, encryptions per key. */
  stats(): KeyringStats {
    const encryptionsByKey: Record<string, number> = {};
    for (const [id, count] of this.#sealed) encryptionsByKey[keyIdToString(id)] = count;
    return { cache: this.#cache.stats(), provider: { ...this.#caller.counters }, encryptionsByKey };
  }

  toJSON(): { store: string; provider: string } {
    return { store: this.#store.description, provider: this.provider.name };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Keyring(provider=${this.provider.name}, store=${this.#store.description}, keys=${this.#records.size})`;
  }

  #index(records: readonly DataKeyRecord[]): void {
    const byId = new Map<number, DataKeyRecord>();
    const primaries = new Map<string, number>();
    for (const r of records) {
      const id = Number.parseInt(r.id, 16);
      byId.set(id, r);
      if (r.primary && r.state === 'active') primaries.set(r.scope, id);
      if (r.state === 'destroyed') this.#cache.delete(id);
    }
    this.#records = byId;
    this.#primaries = primaries;
  }

  /** Unwraps a key and caches it; resolves to the key with one hold, which the caller hands on. */
  async #unwrap(id: number): Promise<DataKey> {
    let record = this.#records.get(id);
    const idText = keyIdToString(id);
    if (record === undefined) {
      // Another process may have created it; but an id the store lacked a moment ago is
      // answered from memory, so a run of values under a bogus id reads the store once.
      const missedAt = this.#misses.get(id);
      if (missedAt !== undefined && Date.now() - missedAt < UNKNOWN_KEY_RETRY_MS) throw new KeyNotFoundError(idText);
      await this.reload();
      record = this.#records.get(id);
      if (record === undefined) {
        if (this.#misses.size >= MAX_REMEMBERED_MISSES) this.#misses.clear();
        this.#misses.set(id, Date.now());
        throw new KeyNotFoundError(idText);
      }
      this.#misses.delete(id);
    }
    if (record.state === 'destroyed') throw new KeyDestroyedError(idText);
    const provider = this.#providerFor(record.kekRef);
    const context: WrapContext = { keyId: record.id, scope: record.scope };
    const wrapped = { kekRef: record.kekRef, ciphertext: Buffer.from(record.wrapped, 'base64') };
    const bytes = await this.#caller.call(provider, 'unwrap', (signal) => provider.unwrap(wrapped, context, { signal }));
    if (bytes.length !== DATA_KEY_BYTES) throw new ProviderError(provider.name, `unwrapped data key ${idText} has the wrong length`);
    const key = new DataKey(record.id, record.scope, Uint8Array.from(bytes)).retain();
    this.#cache.set(key);
    return key;
  }

  #providerFor(kekRef: string): KeyProvider {
    const provider = this.#providers.find((p) => p.canUnwrap(kekRef));
    if (provider === undefined) throw new ConfigurationError(`no configured key provider can unwrap keys under KEK '${kekRef}'`);
    return provider;
  }

  /** Creates a key record (not yet stored) and its unwrapped form. */
  async #newKey(scope: string): Promise<{ record: DataKeyRecord; key: DataKey }> {
    await this.reload();
    let id: string;
    do id = keyIdToString(randomInt(0, 0x1_0000_0000 - 1) >>> 0);
    while (this.#records.has(Number.parseInt(id, 16)) || id === '00000000');
    const context: WrapContext = { keyId: id, scope };
    const provider = this.provider;
    let plaintext: Uint8Array;
    let wrapped;
    if (provider.generateDataKey !== undefined) {
      const generated = await this.#caller.call(provider, 'generateDataKey', (signal) => provider.generateDataKey!(context, { signal }));
      plaintext = Uint8Array.from(generated.plaintext);
      wrapped = generated.wrapped;
    } else {
      plaintext = randomBytes(DATA_KEY_BYTES);
      wrapped = await this.#caller.call(provider, 'wrap', (signal) => provider.wrap(plaintext, context, { signal }));
    }
    if (plaintext.length !== DATA_KEY_BYTES) throw new ProviderError(provider.name, 'generated data key has the wrong length');
    const now = new Date().toISOString();
    const record: DataKeyRecord = {
      id,
      scope,
      state: 'active',
      primary: true,
      kekRef: wrapped.kekRef,
      wrapped: Buffer.from(wrapped.ciphertext).toString('base64'),
      createdAt: now,
      updatedAt: now,
    };
    return { record, key: new DataKey(id, scope, plaintext) };
  }

  /**
   * First key of a scope, with one hold for the caller. If another process created one
   * meanwhile, that one wins and ours is wiped.
   */
  async #createFirst(scope: string): Promise<DataKey> {
    const { record, key } = await this.#newKey(scope);
    let winner: DataKeyRecord = record;
    const records = await this.#store.update((current) => {
      const existing = current.find((r) => r.scope === scope && r.primary && r.state === 'active');
      winner = existing ?? record;
      return existing === undefined ? [...current, record] : current;
    });
    this.#index(records);
    if (winner === record) {
      this.#cache.set(key.retain());
      return key;
    }
    key.retire();
    return this.leaseKey(Number.parseInt(winner.id, 16));
  }
}

function checkScope(scope: string): void {
  if (typeof scope !== 'string' || !SCOPE_PATTERN.test(scope)) {
    throw new ConfigurationError('scope must be 1-200 letters, digits or _ . : @ / + = -');
  }
}
