/**
 * Root keys: the middle of the hierarchy KEK → root key → data and lookup keys. A root key
 * is stored wrapped by the KEK (a KMS call to unwrap) and wraps the keys of every scope
 * locally (AES-KWP under a per-record key, crypto/bound-key-wrap.ts). A cold read of any
 * scope therefore costs no KMS call once its root key is cached, and a million subjects
 * cost as many KMS calls as there are root keys (the shape of the AWS hierarchical keyring
 * and of MongoDB's key vault). Rotating the KEK rewraps root keys only.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { ConfigurationError, KeyConflictError, KeyDestroyedError, KeyNotFoundError, KeyStoreError, ProviderError } from '../errors.js';
import { DataKey } from './data-key.js';
import { KeyCache } from './key-cache.js';
import { newKeyId } from './key-id.js';
import { KeyLoads } from './key-loads.js';
import type { ProviderCaller } from './provider-call.js';
import { DATA_KEY_BYTES, type KeyProvider, type WrapContext, type WrappedKey } from './provider.js';
import type { KeyRecord, KeyStore } from './store/key-store.js';

/** The record scope of root keys. */
export const ROOT_SCOPE = 'root';

/** How many root keys may be cached (there are few: one primary, plus older ones being rewrapped or retired). */
const MAX_CACHED_ROOTS = 64;

/** Root keys of one keyring: created on first use, unwrapped through the KEK provider once per cache period. */
export class RootKeys {
  readonly #store: KeyStore;
  readonly #providers: KeyProvider[];
  readonly #caller: ProviderCaller;
  readonly #cache: KeyCache;
  readonly #loads = new KeyLoads<string>();
  /** The primary root key's id, once known. */
  #primaryId: string | undefined;

  constructor(store: KeyStore, providers: KeyProvider[], caller: ProviderCaller, maxAgeMs: number) {
    this.#store = store;
    this.#providers = providers;
    this.#caller = caller;
    this.#cache = new KeyCache({ maxAgeMs, maxEntries: MAX_CACHED_ROOTS });
  }

  /** The provider that wraps new root keys. */
  get provider(): KeyProvider {
    return this.#providers[0] as KeyProvider;
  }

  /** The primary root key, leased (created on first use). Release it after use. */
  async leasePrimary(): Promise<DataKey> {
    if (this.#primaryId !== undefined) {
      const cached = this.#cache.get(Number.parseInt(this.#primaryId, 16));
      if (cached !== undefined) return cached.retain();
    }
    return this.#loads.join('primary', async () => {
      const record = await this.#store.primary(ROOT_SCOPE, 'root');
      if (record !== undefined) return this.#open(record);
      return this.#create();
    });
  }

  /** The root key `id`, leased. Release it after use. */
  lease(id: string): Promise<DataKey> {
    const cached = this.#cache.get(Number.parseInt(id, 16));
    if (cached !== undefined) return Promise.resolve(cached.retain());
    return this.#loads.join(id, async () => {
      const record = await this.#store.get(id);
      if (record === undefined || record.purpose !== 'root') throw new KeyNotFoundError(id, `root key ${id} not found`);
      return this.#open(record);
    });
  }

  /** Ids of the cached root keys (for coherence checks). */
  cachedIds(): string[] {
    return [...this.#cache.keys()].map((key) => key.id);
  }

  /** Forgets a root key that is gone from the store or no longer primary. */
  forget(id: string, options: { readonly destroyed: boolean }): void {
    if (options.destroyed) this.#cache.delete(Number.parseInt(id, 16));
    if (this.#primaryId === id) this.#primaryId = undefined;
  }

  /** Drops every cached root key (unwrapped again on next use). */
  clear(): void {
    this.#cache.clear();
  }

  /**
   * Re-wraps every live root key under another KEK (KEK rotation): `kekRef` of `target`.
   * The keys below them are untouched. A record changed meanwhile by another process is
   * read again and retried.
   */
  async rewrap(target: KeyProvider, kekRef: string): Promise<number> {
    let rewrapped = 0;
    let after: string | undefined;
    for (;;) {
      const page = await this.#store.list({ purpose: 'root', limit: 100, ...(after === undefined ? {} : { after }) });
      for (let record of page) {
        for (let attempt = 0; record.state !== 'destroyed' && record.parent !== kekRef; attempt++) {
          if (attempt === 3) throw new KeyStoreError(`root key ${record.id} kept changing while it was being rewrapped`);
          const next = await this.#rewrapOne(record, target, kekRef);
          const stored = await this.#store.compareAndSet(record.id, record.version, { wrapped: Buffer.from(next.ciphertext).toString('base64'), parent: next.kekRef });
          if (stored !== undefined) {
            rewrapped++;
            break;
          }
          const fresh = await this.#store.get(record.id);
          if (fresh === undefined) break;
          record = fresh;
        }
      }
      if (page.length < 100) return rewrapped;
      after = (page[page.length - 1] as KeyRecord).id;
    }
  }

  async #rewrapOne(record: KeyRecord, target: KeyProvider, kekRef: string): Promise<WrappedKey> {
    const context = wrapContext(record.id);
    const wrapped = { kekRef: record.parent, ciphertext: Buffer.from(record.wrapped, 'base64') };
    const source = this.#providerFor(record.parent);
    if (source === target && target.rewrap !== undefined) {
      return this.#caller.call(target, 'rewrap', (signal) => target.rewrap!(wrapped, context, kekRef, { signal }));
    }
    const plaintext = await this.#caller.call(source, 'unwrap', (signal) => source.unwrap(wrapped, context, { signal }));
    try {
      return await this.#caller.call(target, 'wrap', (signal) => target.wrap(plaintext, context, { signal, kekRef }));
    } finally {
      plaintext.fill(0);
    }
  }

  /** Unwraps a root record through its KEK provider and caches it; resolves with one hold. */
  async #open(record: KeyRecord): Promise<DataKey> {
    if (record.state === 'destroyed') throw new KeyDestroyedError(record.id);
    const provider = this.#providerFor(record.parent);
    const wrapped = { kekRef: record.parent, ciphertext: Buffer.from(record.wrapped, 'base64') };
    const bytes = await this.#caller.call(provider, 'unwrap', (signal) => provider.unwrap(wrapped, wrapContext(record.id), { signal }));
    if (bytes.length !== DATA_KEY_BYTES) throw new ProviderError(provider.name, `unwrapped root key ${record.id} has the wrong length`);
    const key = new DataKey(record.id, record.scope, 'root', Uint8Array.from(bytes)).retain();
    bytes.fill(0);
    this.#cache.set(key);
    // Loaded by id to open an existing key, the primary also serves new keys: no second unwrap.
    if (record.primary) this.#primaryId = record.id;
    return key;
  }

  /**
   * Creates the first root key, cached with one hold (one KMS call: the key is generated or
   * wrapped, never unwrapped again). If another process created one meanwhile, opens that one.
   */
  async #create(): Promise<DataKey> {
    const provider = this.provider;
    for (let attempt = 0; ; attempt++) {
      const id = newKeyId();
      const context = wrapContext(id);
      let plaintext: Uint8Array;
      let wrapped: WrappedKey;
      if (provider.generateDataKey !== undefined) {
        const generated = await this.#caller.call(provider, 'generateDataKey', (signal) => provider.generateDataKey!(context, { signal }));
        plaintext = Uint8Array.from(generated.plaintext);
        generated.plaintext.fill(0);
        wrapped = generated.wrapped;
      } else {
        plaintext = randomBytes(DATA_KEY_BYTES);
        wrapped = await this.#caller.call(provider, 'wrap', (signal) => provider.wrap(plaintext, context, { signal })).catch((error: unknown) => {
          plaintext.fill(0);
          throw error;
        });
      }
      if (plaintext.length !== DATA_KEY_BYTES) throw new ProviderError(provider.name, 'generated root key has the wrong length');
      const key = new DataKey(id, ROOT_SCOPE, 'root', plaintext);
      try {
        await this.#store.insert({
          id,
          scope: ROOT_SCOPE,
          purpose: 'root',
          parent: wrapped.kekRef,
          wrapped: Buffer.from(wrapped.ciphertext).toString('base64'),
          state: 'active',
          primary: true,
        });
      } catch (error) {
        key.retire();
        if (!(error instanceof KeyConflictError) || attempt >= 3) throw error;
        if (error.reason === 'primary') {
          const winner = await this.#store.primary(ROOT_SCOPE, 'root');
          if (winner !== undefined) return this.#open(winner);
        }
        continue;
      }
      this.#cache.set(key.retain());
      this.#primaryId = id;
      return key;
    }
  }

  #providerFor(kekRef: string): KeyProvider {
    const provider = this.#providers.find((p) => p.canUnwrap(kekRef));
    if (provider === undefined) throw new ConfigurationError(`no configured key provider can unwrap keys under KEK '${kekRef}'`);
    return provider;
  }
}

/** What the KEK provider binds a root key's wrapped bytes to. */
function wrapContext(id: string): WrapContext {
  return { keyId: id, scope: ROOT_SCOPE };
}
