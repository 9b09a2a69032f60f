/**
 * What the jobs need to know about keys, read from the key records (`sealer.listKeys`)
 * rather than through the keyring: which key is the primary of a scope or subject, and
 * the state of the key a value names. Reading records never creates a key (the keyring
 * creates a scope's first key on use) and needs no key provider call, so `status` stays
 * read-only and a subject whose keys were shredded gets no new key from a job that only
 * looked at it.
 *
 * @module
 */
import { keyIdFromString, keyIdToString } from '../format/envelope.js';
import type { KeyPurpose, KeyRecord, KeyState } from '../keys/store/key-store.js';
import type { Sealer } from '../seal/sealer.js';

/** A key as `status` reports it. */
export interface KeyInfo {
  readonly keyId: string;
  /** `unknown`: no record has this id (another deployment's key store, or a damaged value). */
  readonly state: KeyState | 'unknown';
  /** The current primary of its scope (or subject) and purpose: what new values are sealed under. */
  readonly primary: boolean;
  readonly purpose?: KeyPurpose;
  /** The record scope: a scope, or `scope#subject` for a subject's data keys. */
  readonly scope?: string;
}

/** Entries kept before the memo starts over, so a table of a million subjects does not hold them all. */
const MAX_ENTRIES = 10_000;
const PAGE = 1000;

/** Key records, remembered for `ttlMs` (the Sealer's staleness bound). */
export class KeyDirectory {
  readonly #sealer: Sealer;
  readonly #ttlMs: number;
  readonly #keys = new Map<string, { info: KeyInfo; at: number }>();
  readonly #primaries = new Map<string, { id: string | undefined; at: number }>();

  constructor(sealer: Sealer) {
    this.#sealer = sealer;
    this.#ttlMs = sealer.keyring.maxStalenessMs;
  }

  /** The record of `keyId` as a KeyInfo: one listing of one record (ids are listed in order). */
  async describe(keyId: string): Promise<KeyInfo> {
    const now = Date.now();
    const cached = this.#keys.get(keyId);
    if (cached !== undefined && now - cached.at < this.#ttlMs) return cached.info;
    const n = keyIdFromString(keyId);
    const [record] = await this.#sealer.listKeys(n === 0 ? { limit: 1 } : { after: keyIdToString(n - 1), limit: 1 });
    const info: KeyInfo = record === undefined || record.id !== keyId ? { keyId, state: 'unknown', primary: false } : infoOf(record);
    remember(this.#keys, keyId, { info, at: now });
    return info;
  }

  /** The id of the primary key of (purpose, record scope), or undefined when it has none yet. */
  async primaryId(purpose: 'data' | 'lookup', recordScope: string): Promise<string | undefined> {
    const now = Date.now();
    const slot = `${purpose}:${recordScope}`;
    const cached = this.#primaries.get(slot);
    if (cached !== undefined && now - cached.at < this.#ttlMs) return cached.id;
    let id: string | undefined;
    let after: string | undefined;
    for (;;) {
      const page = await this.#sealer.listKeys(after === undefined ? { scope: recordScope, purpose, limit: PAGE } : { scope: recordScope, purpose, after, limit: PAGE });
      const primary = page.find((record) => record.primary);
      if (primary !== undefined) id = primary.id;
      for (const record of page) remember(this.#keys, record.id, { info: infoOf(record), at: now });
      if (primary !== undefined || page.length < PAGE) break;
      after = page[page.length - 1]?.id;
    }
    remember(this.#primaries, slot, { id, at: now });
    return id;
  }
}

function infoOf(record: KeyRecord): KeyInfo {
  return { keyId: record.id, state: record.state, primary: record.primary, purpose: record.purpose, scope: record.scope };
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_ENTRIES && !map.has(key)) map.clear();
  map.set(key, value);
}
