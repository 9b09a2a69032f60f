/**
 * The shared key store of the key hierarchy (KEK -> root keys -> data and lookup keys per
 * scope): one record per wrapped key, shared by every process of a service. Every operation
 * touches one record or one page, never the whole store, so a store can hold a key per data
 * subject (millions of records).
 *
 * Implementations: {@link memoryKeyStore} (tests, one process), and the SQL stores
 * `postgresKeyStore`, `mysqlKeyStore`, `sqliteKeyStore`. All enforce the same invariants,
 * checked by `runKeyStoreContract` from `fieldseal/testing`.
 *
 * @module
 */

/** What a key is for: `root` keys wrap the `data` and `lookup` keys of the scopes. */
export type KeyPurpose = 'root' | 'data' | 'lookup';

/**
 * Lifecycle of a key.
 * - `active`: usable, and used for new values when it is its scope's primary;
 * - `decrypt-only`: retired (after a rotation) but still opens old values;
 * - `destroyed`: its wrapped bytes are erased; final (crypto-shredding).
 */
export type KeyState = 'active' | 'decrypt-only' | 'destroyed';

/** Every purpose, in a stable order. */
export const KEY_PURPOSES: readonly KeyPurpose[] = ['root', 'data', 'lookup'];

/** Every state, in lifecycle order. */
export const KEY_STATES: readonly KeyState[] = ['active', 'decrypt-only', 'destroyed'];

/** A wrapped key as a key store holds it. */
export interface KeyRecord {
  /** 8 lowercase hex digits (a u32 written into value headers); unique in the store. */
  readonly id: string;
  /** `default`, a tenant, or a subject-qualified scope; 1..255 code points, well-formed Unicode. */
  readonly scope: string;
  readonly purpose: KeyPurpose;
  /** The root key id (data and lookup keys) or the KEK reference (root keys); 1..2048 code points. */
  readonly parent: string;
  /** Base64 of the wrapped key bytes; `''` once destroyed. */
  readonly wrapped: string;
  readonly state: KeyState;
  /** At most one primary record per (scope, purpose), enforced by the store. A primary record is active. */
  readonly primary: boolean;
  /** ISO-8601, UTC, millisecond precision; stamped by the store. */
  readonly createdAt: string;
  /** ISO-8601 time of the last change; stamped by the store. */
  readonly updatedAt: string;
  /** 1 on insert, +1 on every change: the compare-and-set token. */
  readonly version: number;
}

/** A record to insert: the store stamps the times and the version. */
export type NewKeyRecord = Omit<KeyRecord, 'version' | 'createdAt' | 'updatedAt'>;

/**
 * A change for {@link KeyStore.compareAndSet}. Destroying a record (`state: 'destroyed'`)
 * also erases its wrapped bytes; a destroyed record accepts no further change.
 */
export interface KeyRecordChange {
  readonly state?: KeyState;
  readonly primary?: boolean;
  readonly wrapped?: string;
  readonly parent?: string;
}

/** Names the current primary record that an insert replaces (a rotation). */
export interface DemoteCurrentPrimary {
  readonly id: string;
  /** The version the caller read; the rotation fails with a `version` conflict if it changed. */
  readonly version: number;
}

/** Options of {@link KeyStore.insert}. */
export interface InsertKeyOptions {
  /** Demote this record (the scope's current primary) in the same transaction: a rotation. */
  readonly demote?: DemoteCurrentPrimary;
}

/** One page request of {@link KeyStore.list}. Filters combine: a record must pass each one given. */
export interface KeyListPage {
  readonly scope?: string;
  /**
   * Records whose scope starts with this prefix (the scope itself included), e.g. `tenant#`
   * for every subject-qualified scope `tenant#subject` of a tenant. It must end in a
   * printable ASCII character other than space (U+0021..U+007E), such as `#`: the SQL stores
   * then read it as an exact range of their index (see `scopePrefixBounds`).
   */
  readonly scopePrefix?: string;
  readonly purpose?: KeyPurpose;
  /** Only ids greater than this one (the last id of the previous page). */
  readonly after?: string;
  /** 1..{@link MAX_PAGE_SIZE}. */
  readonly limit: number;
}

/** The largest page {@link KeyStore.list} returns, and the most ids one `getMany` query asks for. */
export const MAX_PAGE_SIZE = 1000;

/**
 * A store of wrapped keys shared by every process of a service.
 *
 * Errors: `KeyConflictError` when a write conflicts with what is stored, `InvalidInputError`
 * for arguments that break the record rules by themselves, `KeyStoreError` for every
 * database failure, timeout, or stored row that does not parse (naming the key id, never
 * its wrapped bytes).
 */
export interface KeyStore {
  /** Where the records are, e.g. `postgres:public.fieldseal_keys`; never credentials. */
  readonly description: string;
  /** Creates the table and its indexes if missing; idempotent, and safe to race from several processes. */
  migrate(): Promise<void>;
  get(id: string): Promise<KeyRecord | undefined>;
  /** The records of `ids` that exist, in any order; any number of ids (queried 1000 at a time). */
  getMany(ids: readonly string[]): Promise<KeyRecord[]>;
  /** The primary record of (scope, purpose), if there is one. */
  primary(scope: string, purpose: KeyPurpose): Promise<KeyRecord | undefined>;
  /**
   * Inserts a record atomically. Throws `KeyConflictError` with reason `id` if the id
   * exists, `primary` if `record.primary` and (scope, purpose) already has a primary.
   * With `demote`, in one transaction: the named current primary (id + expected version)
   * becomes `primary: false`, state `decrypt-only`, version + 1, and the new (primary)
   * record is inserted; if the named record is not that primary at that version:
   * `KeyConflictError` with reason `version`, and nothing is written. That is a rotation.
   */
  insert(record: NewKeyRecord, options?: InsertKeyOptions): Promise<KeyRecord>;
  /**
   * Applies `change` iff the stored version equals `expectedVersion`; returns the new
   * record, or `undefined` if the version did not match or the id does not exist.
   */
  compareAndSet(id: string, expectedVersion: number, change: KeyRecordChange): Promise<KeyRecord | undefined>;
  /** One page in id order: ids greater than `after`, filtered by scope, scope prefix and/or purpose. */
  list(page: KeyListPage): Promise<KeyRecord[]>;
}
