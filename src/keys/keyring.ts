/**
 * The keyring: the key hierarchy KEK → root key → data and lookup keys per scope, over a
 * key store shared by every process of a service.
 *
 * - **Data keys** seal randomized values. A scope has one primary; a data *subject* within a
 *   scope has data keys of its own (record scope `scope#subject`), so erasing a subject is
 *   destroying its data keys. `rotateDataKey` makes a new primary; older ones still open.
 * - **Lookup keys** make deterministic tokens, blind indexes, FPE tokens and pseudonyms.
 *   They live at the scope, never at a subject, and rotating data keys never touches them,
 *   so lookup tokens stay the same across data key rotations.
 * - Both are wrapped by the root key locally (no KMS call); root keys are wrapped by the KEK.
 *
 * Every key it hands out is leased: the caller holds it until `release()`, and the cache may
 * drop it meanwhile without wiping it (data-key.ts). Single-flight loads hand each waiter its
 * own hold in the step in which the load finishes (key-loads.ts). What the process knows of
 * the store (which key is primary, which is destroyed) is checked within `maxStalenessMs`
 * (coherence.ts). In steady state, the hot path is map lookups: no store read, no promise.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { ConfigurationError, KeyConflictError, KeyDestroyedError, KeyNotFoundError, KeyStoreError, KeyUsageLimitError } from '../errors.js';
import { encodeParts } from '../format/context.js';
import { keyIdToString } from '../format/envelope.js';
import { Coherence } from './coherence.js';
import { DataKey } from './data-key.js';
import { KeyCache, type KeyCacheOptions, type KeyCacheStats } from './key-cache.js';
import { newKeyId } from './key-id.js';
import { KeyLoads } from './key-loads.js';
import { checkLookupVersion, checkScopeName, lookupKeyScope, recordScope, subjectScopePrefix } from './key-scope.js';
import { ProviderCaller, type ProviderCallCounters, type ProviderCallPolicy } from './provider-call.js';
import { DATA_KEY_BYTES, type KeyProvider } from './provider.js';
import { RootKeys } from './root-keys.js';
import type { KeyListPage, KeyPurpose, KeyRecord, KeyStore, NewKeyRecord } from './store/key-store.js';

/** Options of {@link Keyring}. */
export interface KeyringOptions {
  /** The provider that wraps new root keys; further providers may be given to unwrap old ones. */
  readonly provider: KeyProvider | readonly KeyProvider[];
  /** Where wrapped keys live, shared by every process of the service. */
  readonly store: KeyStore;
  readonly cache?: KeyCacheOptions;
  readonly providerCalls?: ProviderCallPolicy;
  /** Create a scope's first data or lookup key on first use (default true). When false, a scope without keys is a KeyNotFoundError. */
  readonly autoCreate?: boolean;
  /**
   * The most values one data key may seal in this process, counted per key id across every
   * call, batch calls included, and across cache reloads (default unlimited). Past it,
   * sealing in the scope fails with KeyUsageLimitError until the data key is rotated. With
   * N processes a key may seal up to N times this. Lookup keys are not limited.
   */
  readonly maxEncryptionsPerKey?: number;
  /**
   * How long this process may act on what it read about its cached keys before checking
   * them against the store again (default 5 s): the bound within which it sees another
   * process's rotation, destroy or shred.
   */
  readonly maxStalenessMs?: number;
}

/** Keyring counters. */
export interface KeyringStats {
  readonly cache: KeyCacheStats;
  readonly provider: Readonly<ProviderCallCounters>;
  /** Values sealed per data key id by this process (with no `maxEncryptionsPerKey`: per key in the cache, since it was loaded). */
  readonly encryptionsByKey: Readonly<Record<string, number>>;
  /** Store checks of cached key states (coherence), and how many failed. */
  readonly coherence: { readonly checks: number; readonly failures: number };
}

/** How long a key id that the store does not have is answered "not found" without reading the store again. */
export const UNKNOWN_KEY_RETRY_MS = 1_000;

/** Bound on remembered unknown or destroyed key ids (the memory is cleared past it). */
const MAX_REMEMBERED_IDS = 10_000;

/** Page size of the keyring's own listings. */
const PAGE = 500;

/** Data and lookup keys of every scope, with their lifecycle. */
export class Keyring {
  readonly #providers: KeyProvider[];
  readonly #store: KeyStore;
  readonly #cache: KeyCache;
  readonly #roots: RootKeys;
  readonly #autoCreate: boolean;
  readonly #caller: ProviderCaller;
  readonly #coherence: Coherence;
  readonly #maxEncryptionsPerKey: number;
  /** Primary key id per record scope, for each purpose, as last read from the store. */
  readonly #primaries = { data: new Map<string, number>(), lookup: new Map<string, number>() };
  /** The lookup key ids of a scope (candidates), and when they were read. */
  readonly #lookupSets = new Map<string, { readonly ids: readonly number[]; readonly readAt: number }>();
  readonly #unwraps = new KeyLoads<number>();
  readonly #primaryLoads = new KeyLoads<string>();
  /** Values sealed per data key id by this process (kept when the key leaves the cache). */
  readonly #sealed = new Map<number, number>();
  /** Key ids the store did not have, with when that was found. */
  readonly #misses = new Map<number, number>();
  /** Key ids known to be destroyed (final, so never forgotten but for the size bound). */
  readonly #destroyed = new Set<number>();

  constructor(options: KeyringOptions) {
    const providers = Array.isArray(options.provider) ? [...(options.provider as readonly KeyProvider[])] : [options.provider as KeyProvider];
    if (providers.length === 0 || providers.some((p) => p === undefined || typeof p.wrap !== 'function')) {
      throw new ConfigurationError('a key provider is required (e.g. localKeyProvider)');
    }
    if (options.store === undefined || typeof options.store.primary !== 'function' || typeof options.store.compareAndSet !== 'function') {
      throw new ConfigurationError('a key store is required (e.g. sqliteKeyStore, postgresKeyStore, fileKeyStore or memoryKeyStore)');
    }
    this.#providers = providers;
    this.#store = options.store;
    this.#cache = new KeyCache(options.cache);
    this.#caller = new ProviderCaller(options.providerCalls);
    this.#roots = new RootKeys(this.#store, this.#providers, this.#caller, this.#cache.maxAgeMs);
    this.#autoCreate = options.autoCreate ?? true;
    this.#maxEncryptionsPerKey = options.maxEncryptionsPerKey ?? Number.POSITIVE_INFINITY;
    if (!(this.#maxEncryptionsPerKey >= 1)) throw new ConfigurationError('maxEncryptionsPerKey must be at least 1');
    this.#coherence = new Coherence(options.maxStalenessMs, () => this.#check());
  }

  /** The provider that wraps new root keys. */
  get provider(): KeyProvider {
    return this.#providers[0] as KeyProvider;
  }

  /** The staleness bound in force (ms). */
  get maxStalenessMs(): number {
    return this.#coherence.maxStalenessMs;
  }

  // ---- leases: the hot path ----

  /** The primary data key of a scope (or of a subject within it), leased, if cached and fresh. Release it after use. */
  leaseDataKeySync(scope: string, subject?: string): DataKey | undefined {
    return this.#primarySync('data', subject === undefined ? scope : recordScope(scope, subject));
  }

  /** The primary data key of a scope (or of a subject within it), leased; unwrapped or created when needed. Release it after use. */
  leaseDataKey(scope: string, subject?: string): Promise<DataKey> {
    checkScopeName(scope);
    if (subject !== undefined) checkScopeName(subject, 'subject');
    return this.#leasePrimary('data', recordScope(scope, subject));
  }

  /** The lookup key of a scope (of `version`, default 1), leased, if cached and fresh. Release it after use. */
  leaseLookupKeySync(scope: string, version?: number): DataKey | undefined {
    return this.#primarySync('lookup', lookupKeyScope(scope, version));
  }

  /** The lookup key of a scope (of `version`, default 1: see `lookupKeyScope`), leased; unwrapped or created when needed. Release it after use. */
  leaseLookupKey(scope: string, version?: number): Promise<DataKey> {
    checkScopeName(scope);
    if (version !== undefined) checkLookupVersion(version);
    return this.#leasePrimary('lookup', lookupKeyScope(scope, version));
  }

  /** A data or lookup key by id, leased, if cached and fresh: the no-await hot path of decryption. Release it after use. */
  leaseKeySync(id: number): DataKey | undefined {
    const now = Date.now();
    if (!this.#coherence.fresh(now)) return undefined;
    return this.#cache.get(id, now)?.retain();
  }

  /** A data or lookup key by id, leased, loaded once however many callers ask at once. Release it after use. */
  async leaseKey(id: number): Promise<DataKey> {
    await this.#coherence.ensureFresh();
    const cached = this.#cache.get(id);
    if (cached !== undefined) return cached.retain();
    return this.#unwraps.join(id, () => this.#loadById(id));
  }

  /**
   * Every lookup key of a scope that can still open values, primary first, each leased:
   * the candidates for lookups. Lookup keys do not rotate with data keys, so this is one
   * key unless the scope's lookup keys were migrated. Release each after use.
   */
  async leaseLookupKeys(scope: string, version?: number): Promise<DataKey[]> {
    const primary = await this.leaseLookupKey(scope, version);
    scope = lookupKeyScope(scope, version);
    const keys = [primary];
    try {
      // The scope's lookup key ids are read once per staleness period, not per lookup.
      let set = this.#lookupSets.get(scope);
      if (set === undefined || Date.now() - set.readAt >= this.#coherence.maxStalenessMs) {
        const readAt = Date.now();
        const ids = (await this.#listAll({ scope, purpose: 'lookup' })).filter((r) => r.state !== 'destroyed').map((r) => Number.parseInt(r.id, 16));
        this.#coherence.noteRead(readAt);
        if (this.#lookupSets.size >= MAX_REMEMBERED_IDS) this.#lookupSets.clear();
        this.#lookupSets.set(scope, (set = { ids, readAt }));
      }
      for (const id of set.ids) if (id !== primary.numericId && !this.#destroyed.has(id)) keys.push(await this.leaseKey(id));
      return keys;
    } catch (error) {
      for (const key of keys) key.release();
      throw error;
    }
  }

  /**
   * Counts `count` values about to be sealed under data key `key` against
   * `maxEncryptionsPerKey`, before they are sealed; throws KeyUsageLimitError (counting
   * nothing) when they would pass it.
   */
  countSeals(key: DataKey, count: number): void {
    // Without a limit, the count only feeds stats(): a field on the key object is enough.
    if (this.#maxEncryptionsPerKey === Number.POSITIVE_INFINITY) {
      key.sealed += count;
      return;
    }
    const used = (this.#sealed.get(key.numericId) ?? 0) + count;
    if (used > this.#maxEncryptionsPerKey) throw new KeyUsageLimitError(key.id, this.#maxEncryptionsPerKey);
    this.#sealed.set(key.numericId, used);
    key.sealed = used;
  }

  // ---- lifecycle ----

  /** Makes a new primary data key for a scope (or a subject within it); the previous one becomes decrypt-only. Lookup keys are untouched. */
  async rotateDataKey(scope: string, subject?: string): Promise<KeyRecord> {
    checkScopeName(scope);
    if (subject !== undefined) checkScopeName(subject, 'subject');
    const scopeOfRecord = recordScope(scope, subject);
    for (let attempt = 0; ; attempt++) {
      const current = await this.#store.primary(scopeOfRecord, 'data');
      const fresh = await this.#newKey('data', scopeOfRecord);
      try {
        const stored = await this.#store.insert(fresh.record, current === undefined ? undefined : { demote: { id: current.id, version: current.version } });
        this.#cache.set(fresh.key);
        this.#primaries.data.set(scopeOfRecord, fresh.key.numericId);
        return stored;
      } catch (error) {
        fresh.key.retire();
        // Another process rotated (or created) at the same time: read again and rotate after it.
        if (!(error instanceof KeyConflictError) || attempt >= 3) throw error;
      }
    }
  }

  /**
   * Destroys data or lookup keys (crypto-shredding): their wrapped bytes are erased from the
   * store and they leave this process's cache; values under them can never be opened
   * again. Irreversible. An id the store does not have is a KeyNotFoundError, and a
   * primary key is refused unless `allowPrimary`; both are checked before anything is
   * destroyed. Other processes stop using the keys within `maxStalenessMs`.
   */
  async destroy(ids: readonly string[], options: { readonly allowPrimary?: boolean } = {}): Promise<number> {
    const records = await this.#store.getMany(ids);
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const id of ids) {
      const record = byId.get(id);
      if (record === undefined || record.purpose === 'root') throw new KeyNotFoundError(id);
      if (record.primary && options.allowPrimary !== true) {
        throw new ConfigurationError(`key ${id} is the primary ${record.purpose} key of scope '${record.scope}': rotate first, or shred the scope to erase it`);
      }
    }
    let destroyed = 0;
    for (let record of records) {
      this.#markDestroyed(Number.parseInt(record.id, 16));
      for (let attempt = 0; record.state !== 'destroyed'; attempt++) {
        if (attempt === 5) throw new KeyStoreError(`key ${record.id} kept changing while it was being destroyed`);
        const stored = await this.#store.compareAndSet(record.id, record.version, { state: 'destroyed', primary: false });
        if (stored !== undefined) {
          destroyed++;
          break;
        }
        const fresh = await this.#store.get(record.id);
        if (fresh === undefined) break;
        record = fresh;
      }
    }
    return destroyed;
  }

  /**
   * Erasure. With a subject: destroys that subject's data keys (one indexed read and one
   * write per key, whatever the number of subjects). Without: destroys every key of the
   * scope, data and lookup, and every data key of every subject within it. Returns how many.
   */
  async shred(scope: string, subject?: string): Promise<number> {
    checkScopeName(scope);
    if (subject !== undefined) checkScopeName(subject, 'subject');
    const records =
      subject !== undefined
        ? await this.#listAll({ scope: recordScope(scope, subject), purpose: 'data' })
        : [...(await this.#listAll({ scope })), ...(await this.#listAll({ scopePrefix: subjectScopePrefix(scope) }))].filter((r) => r.purpose !== 'root');
    const live = records.filter((r) => r.state !== 'destroyed').map((r) => r.id);
    return live.length === 0 ? 0 : this.destroy(live, { allowPrimary: true });
  }

  /**
   * Re-wraps every root key under another KEK (KEK rotation): one provider call per root
   * key, whatever the number of scopes. No data or lookup key and no sealed value changes.
   * `to` is a kekRef of the current provider, or a new provider (which then wraps new root
   * keys, while the old one stays available to unwrap until everything is rewrapped).
   */
  async rewrap(to: string | KeyProvider): Promise<{ rewrapped: number }> {
    const target = typeof to === 'string' ? this.provider : to;
    const kekRef = typeof to === 'string' ? to : to.primaryKekRef;
    if (typeof to !== 'string' && !this.#providers.includes(to)) this.#providers.unshift(to);
    return { rewrapped: await this.#roots.rewrap(target, kekRef) };
  }

  /** One page of key records (no key material beyond the wrapped bytes), in id order. */
  async listKeys(page: Partial<KeyListPage> = {}): Promise<KeyRecord[]> {
    return this.#store.list({ limit: PAGE, ...page });
  }

  /** Checks every cached key against the store now (it also happens on its own within `maxStalenessMs`). */
  sync(): Promise<void> {
    return this.#coherence.run();
  }

  /** Drops every cached key, root keys included (they are unwrapped again on next use). */
  clearCache(): void {
    this.#cache.clear();
    this.#roots.clear();
    this.#primaries.data.clear();
    this.#primaries.lookup.clear();
    this.#lookupSets.clear();
  }

  /** Counters: cache, provider calls, encryptions per data key, coherence checks. */
  stats(): KeyringStats {
    const encryptionsByKey: Record<string, number> = {};
    for (const key of this.#cache.keys()) if (key.sealed > 0) encryptionsByKey[key.id] = key.sealed;
    for (const [id, count] of this.#sealed) encryptionsByKey[keyIdToString(id)] = count;
    return { cache: this.#cache.stats(), provider: { ...this.#caller.counters }, encryptionsByKey, coherence: { ...this.#coherence.counters } };
  }

  toJSON(): { store: string; provider: string } {
    return { store: this.#store.description, provider: this.provider.name };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Keyring(provider=${this.provider.name}, store=${this.#store.description}, cached=${this.#cache.stats().size})`;
  }

  // ---- internals ----

  #primarySync(purpose: 'data' | 'lookup', scopeOfRecord: string): DataKey | undefined {
    const id = this.#primaries[purpose].get(scopeOfRecord);
    if (id === undefined) return undefined;
    const now = Date.now();
    if (!this.#coherence.fresh(now)) return undefined;
    return this.#cache.get(id, now)?.retain();
  }

  async #leasePrimary(purpose: 'data' | 'lookup', scopeOfRecord: string): Promise<DataKey> {
    await this.#coherence.ensureFresh();
    const cached = this.#primarySync(purpose, scopeOfRecord);
    if (cached !== undefined) return cached;
    return this.#primaryLoads.join(`${purpose}:${scopeOfRecord}`, () => this.#loadPrimary(purpose, scopeOfRecord));
  }

  /** Reads (or creates) the primary of (purpose, record scope) and opens it; resolves with one hold. */
  async #loadPrimary(purpose: 'data' | 'lookup', scopeOfRecord: string): Promise<DataKey> {
    const readAt = Date.now();
    const record = await this.#store.primary(scopeOfRecord, purpose);
    this.#coherence.noteRead(readAt);
    const key = record !== undefined ? await this.#openLoaded(record) : await this.#createFirst(purpose, scopeOfRecord);
    this.#primaries[purpose].set(scopeOfRecord, key.numericId);
    this.#boundPrimaries();
    return key;
  }

  /** Opens a record unless a key object for it is already cached (another caller loaded it by id meanwhile). */
  async #openLoaded(record: KeyRecord): Promise<DataKey> {
    const cached = this.#cache.get(Number.parseInt(record.id, 16));
    return cached !== undefined ? cached.retain() : this.#open(record);
  }

  /** Creates the first key of (purpose, record scope); if another process created one meanwhile, opens that one. One hold. */
  async #createFirst(purpose: 'data' | 'lookup', scopeOfRecord: string): Promise<DataKey> {
    if (!this.#autoCreate) throw new KeyNotFoundError(scopeOfRecord, `no primary ${purpose} key for scope '${scopeOfRecord}'`);
    for (let attempt = 0; ; attempt++) {
      const fresh = await this.#newKey(purpose, scopeOfRecord);
      try {
        await this.#store.insert(fresh.record);
        this.#cache.set(fresh.key.retain());
        return fresh.key;
      } catch (error) {
        fresh.key.retire();
        if (!(error instanceof KeyConflictError) || attempt >= 3) throw error;
        if (error.reason === 'primary') {
          const readAt = Date.now();
          const winner = await this.#store.primary(scopeOfRecord, purpose);
          this.#coherence.noteRead(readAt);
          if (winner !== undefined) return this.#openLoaded(winner);
        }
        // An id taken by another key: try again with a new one.
      }
    }
  }

  /** Makes a new key of (purpose, record scope) wrapped under the primary root key: the record to insert and its unwrapped form (unheld). */
  async #newKey(purpose: 'data' | 'lookup', scopeOfRecord: string): Promise<{ record: NewKeyRecord; key: DataKey }> {
    const root = await this.#roots.leasePrimary();
    try {
      const id = newKeyId();
      const bytes = randomBytes(DATA_KEY_BYTES);
      const identity = keyIdentity(id, scopeOfRecord, purpose, root.id);
      const wrapped = root.wrapBelow(bytes, identity).toString('base64');
      const record: NewKeyRecord = { id, scope: scopeOfRecord, purpose, parent: root.id, wrapped, state: 'active', primary: true };
      return { record, key: new DataKey(id, scopeOfRecord, purpose, bytes) };
    } finally {
      root.release();
    }
  }

  /** Reads a key by id and opens it; resolves with one hold. */
  async #loadById(id: number): Promise<DataKey> {
    const idText = keyIdToString(id);
    if (this.#destroyed.has(id)) throw new KeyDestroyedError(idText);
    // An id the store lacked a moment ago is answered from memory, so a run of values
    // under a bogus id reads the store once.
    const missedAt = this.#misses.get(id);
    if (missedAt !== undefined && Date.now() - missedAt < UNKNOWN_KEY_RETRY_MS) throw new KeyNotFoundError(idText);
    const readAt = Date.now();
    const record = await this.#store.get(idText);
    this.#coherence.noteRead(readAt);
    if (record === undefined || record.purpose === 'root') {
      if (this.#misses.size >= MAX_REMEMBERED_IDS) this.#misses.clear();
      this.#misses.set(id, Date.now());
      throw new KeyNotFoundError(idText);
    }
    this.#misses.delete(id);
    return this.#open(record);
  }

  /**
   * Unwraps a data or lookup key record under its root key and caches it; resolves with
   * one hold. The record is the one just read from the store, so its state is current; a
   * destroy by this process while the unwrap was in flight fails it.
   */
  async #open(record: KeyRecord): Promise<DataKey> {
    const id = Number.parseInt(record.id, 16);
    if (record.state === 'destroyed') {
      this.#markDestroyed(id);
      throw new KeyDestroyedError(record.id);
    }
    const root = await this.#roots.lease(record.parent).catch((error: unknown) => {
      throw error instanceof KeyNotFoundError ? new KeyStoreError(`key ${record.id}: its root key ${record.parent} is not in the store (record edited or corrupted?)`) : error;
    });
    let bytes: Buffer;
    try {
      bytes = root.unwrapBelow(Buffer.from(record.wrapped, 'base64'), keyIdentity(record.id, record.scope, record.purpose, record.parent));
    } catch {
      throw new KeyStoreError(`key ${record.id}: its wrapped bytes do not open under root key ${record.parent} (record edited or corrupted?)`);
    } finally {
      root.release();
    }
    if (bytes.length !== DATA_KEY_BYTES) throw new KeyStoreError(`key ${record.id}: wrapped key has the wrong length`);
    if (this.#destroyed.has(id)) {
      bytes.fill(0);
      throw new KeyDestroyedError(record.id);
    }
    const key = new DataKey(record.id, record.scope, record.purpose, bytes).retain();
    this.#cache.set(key);
    return key;
  }

  /** Coherence check: re-reads the records of every cached key and drops what changed. */
  async #check(): Promise<void> {
    const ids = new Set<string>(this.#roots.cachedIds());
    for (const key of this.#cache.keys()) ids.add(key.id);
    for (const id of this.#primaries.data.values()) ids.add(keyIdToString(id));
    for (const id of this.#primaries.lookup.values()) ids.add(keyIdToString(id));
    const records = new Map((await this.#store.getMany([...ids])).map((r) => [r.id, r]));
    for (const id of ids) {
      const record = records.get(id);
      const numeric = Number.parseInt(id, 16);
      if (record === undefined || record.state === 'destroyed') {
        if (record?.purpose === 'root') this.#roots.forget(id, { destroyed: true });
        else this.#markDestroyed(numeric, record !== undefined);
      } else if (record.purpose === 'root' && !record.primary) {
        this.#roots.forget(id, { destroyed: false });
      }
    }
    for (const primaries of [this.#primaries.data, this.#primaries.lookup]) {
      for (const [name, id] of primaries) {
        const record = records.get(keyIdToString(id));
        if (record === undefined || !record.primary || record.state !== 'active') primaries.delete(name);
      }
    }
  }

  /** Drops a key from this process: cache, primaries, and (when it is known destroyed) for good. */
  #markDestroyed(id: number, destroyed = true): void {
    if (destroyed) {
      if (this.#destroyed.size >= MAX_REMEMBERED_IDS) this.#destroyed.clear();
      this.#destroyed.add(id);
    }
    this.#cache.delete(id);
    for (const primaries of [this.#primaries.data, this.#primaries.lookup]) for (const [name, primary] of primaries) if (primary === id) primaries.delete(name);
  }

  /** Keeps the primaries map near the cache's size: a primary whose key left the cache is read again when needed. */
  #boundPrimaries(): void {
    for (const primaries of [this.#primaries.data, this.#primaries.lookup]) {
      if (primaries.size <= 2 * this.#cache.maxEntries) continue;
      for (const [name, id] of primaries) if (!this.#cache.has(id)) primaries.delete(name);
    }
  }

  /** Every record of a listing, page by page. */
  async #listAll(filter: Omit<KeyListPage, 'limit' | 'after'>): Promise<KeyRecord[]> {
    const all: KeyRecord[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.#store.list({ ...filter, limit: PAGE, ...(after === undefined ? {} : { after }) });
      all.push(...page);
      if (page.length < PAGE) return all;
      after = (page[page.length - 1] as KeyRecord).id;
    }
  }
}

/** What a key's wrapping is bound to: its id, record scope, purpose and root key (crypto/bound-key-wrap.ts). */
function keyIdentity(id: string, scopeOfRecord: string, purpose: KeyPurpose, parent: string): Buffer {
  return encodeParts(['fieldseal/v1/key', id, scopeOfRecord, purpose, parent]);
}
