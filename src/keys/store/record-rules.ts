/**
 * The rules every key record obeys, shared by the argument checks of the stores (which
 * throw `InvalidInputError`) and the row parser (which throws `KeyStoreError`): one
 * definition, so a store can never write what it would refuse to read.
 *
 * @module
 */
import { InvalidInputError, KeyConflictError } from '../../errors.js';
import {
  KEY_PURPOSES,
  KEY_STATES,
  MAX_PAGE_SIZE,
  type KeyListPage,
  type KeyPurpose,
  type KeyRecord,
  type InsertKeyOptions,
  type KeyRecordChange,
  type KeyState,
  type NewKeyRecord,
} from './key-store.js';

/** Longest scope, in code points (the SQL columns are `varchar(255)`). */
export const MAX_SCOPE_LENGTH = 255;
/** Longest parent reference, in code points. */
export const MAX_PARENT_LENGTH = 2048;
/** Longest base64 text of wrapped bytes (12 KiB of wrapped key; a wrapped 32-byte key is under 100). */
export const MAX_WRAPPED_LENGTH = 16_384;

const KEY_ID = /^[0-9a-f]{8}$/;
// Canonical base64 with padding: one text per byte string, so equal bytes compare equal as text.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Whether `value` is a key id: 8 lowercase hex digits. */
export const isKeyId = (value: unknown): value is string => typeof value === 'string' && KEY_ID.test(value);

/** Whether `value` is a purpose. */
export const isKeyPurpose = (value: unknown): value is KeyPurpose => (KEY_PURPOSES as readonly unknown[]).includes(value);

/** Whether `value` is a state. */
export const isKeyState = (value: unknown): value is KeyState => (KEY_STATES as readonly unknown[]).includes(value);

/**
 * Whether `value` is a well-formed text of 1..`max` code points without U+0000 (which
 * PostgreSQL cannot store, so no store accepts it).
 */
export function isBoundedText(value: unknown, max: number): value is string {
  if (typeof value !== 'string' || value.length === 0 || !value.isWellFormed() || value.includes('\u0000')) return false;
  // Code points, not UTF-16 units: the SQL column limits count characters.
  return value.length <= max || [...value].length <= max;
}

/** Whether `value` is canonical base64 of at most {@link MAX_WRAPPED_LENGTH} characters (may be empty). */
export const isWrappedText = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= MAX_WRAPPED_LENGTH && BASE64.test(value);

/** Whether `value` is a record version: a positive safe integer. */
export const isVersion = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1;

/**
 * Why a record breaks an invariant (a destroyed record is never primary and has no bytes;
 * a live record has bytes; a primary record is active), or undefined when it holds.
 */
export function invariantBreach(record: Pick<KeyRecord, 'state' | 'primary' | 'wrapped'>): string | undefined {
  if (record.primary && record.state !== 'active') return `a primary key must be active, not ${record.state}`;
  if (record.state === 'destroyed' && record.wrapped !== '') return 'a destroyed key has no wrapped bytes';
  if (record.state !== 'destroyed' && record.wrapped === '') return 'a key that is not destroyed needs its wrapped bytes';
  return undefined;
}

/** Refuses an id argument that is not 8 lowercase hex digits. */
export function checkKeyId(id: unknown, what = 'key id'): asserts id is string {
  if (!isKeyId(id)) throw new InvalidInputError(`${what} must be 8 lowercase hex digits`);
}

/** Refuses a scope argument outside the rules. */
export function checkScope(scope: unknown): asserts scope is string {
  if (!isBoundedText(scope, MAX_SCOPE_LENGTH)) {
    throw new InvalidInputError(`a key scope must be well-formed text of 1 to ${MAX_SCOPE_LENGTH} characters without U+0000`);
  }
}

// A prefix's last character: one unit in UTF-8, UTF-16 and code points, with a successor that is one too, and above space (see sql-dialect.ts, MySQL).
const PREFIX_END = /[\x21-\x7e]$/;

/** Refuses a scope prefix argument: scope text ending in a printable ASCII character other than space. */
export function checkScopePrefix(prefix: unknown): asserts prefix is string {
  if (!isBoundedText(prefix, MAX_SCOPE_LENGTH) || !PREFIX_END.test(prefix)) {
    throw new InvalidInputError(
      `a scope prefix must be well-formed text of 1 to ${MAX_SCOPE_LENGTH} characters without U+0000, ending in a printable ASCII character other than space (such as #)`,
    );
  }
}

/**
 * The scopes that start with `prefix` (checked by {@link checkScopePrefix}) as a range:
 * `from <= scope < below`, where `below` is `prefix` with its last character incremented
 * (`tenant#` gives `tenant$`), so an index on the scope serves it.
 *
 * Why the range is exact. In a lexicographic order over units (UTF-8 bytes, UTF-16 code
 * units or code points, a proper prefix sorting first), a text at or above `prefix` that
 * does not start with it first differs from it at a unit where it is greater; at or before
 * the last unit of `prefix`, so it is also at or above `below`. The last character being
 * printable ASCII makes it, and its successor, one unit in every encoding, so `below` is
 * the same text in each, and the order of UTF-8 bytes (PostgreSQL `COLLATE "C"`, SQLite
 * `BINARY` on a UTF-8 database) is code point order (MySQL `utf8mb4_bin`). Any last
 * character would not do: the successor of U+D7FF or of a low surrogate is a surrogate
 * (not encodable in UTF-8), U+FFFF has none in one UTF-16 unit and U+10FFFF none at all,
 * and above U+D7FF UTF-16 order is not code point order. MySQL's padding collation and
 * UTF-16 SQLite databases need a check beyond the range (sql-dialect.ts).
 */
export function scopePrefixBounds(prefix: string): { readonly from: string; readonly below: string } {
  const last = prefix.charCodeAt(prefix.length - 1);
  return { from: prefix, below: `${prefix.slice(0, -1)}${String.fromCharCode(last + 1)}` };
}

/** Whether `scope` (a stored value, maybe damaged) starts with `prefix`: the definition the ranges implement. */
export const scopeHasPrefix = (scope: unknown, prefix: string): boolean => typeof scope === 'string' && scope.startsWith(prefix);

/** Refuses a purpose argument that is not one of {@link KEY_PURPOSES}. */
export function checkPurpose(purpose: unknown): asserts purpose is KeyPurpose {
  if (!isKeyPurpose(purpose)) throw new InvalidInputError(`a key purpose must be one of ${KEY_PURPOSES.join(', ')}`);
}

/** Refuses an expected version that cannot be one. */
export function checkVersion(version: unknown): asserts version is number {
  if (!isVersion(version)) throw new InvalidInputError('a key record version is a positive integer');
}

/** Refuses a list page request outside the rules. */
export function checkPage(page: KeyListPage): void {
  if (!Number.isSafeInteger(page.limit) || page.limit < 1 || page.limit > MAX_PAGE_SIZE) {
    throw new InvalidInputError(`list limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  if (page.scope !== undefined) checkScope(page.scope);
  if (page.scopePrefix !== undefined) checkScopePrefix(page.scopePrefix);
  if (page.purpose !== undefined) checkPurpose(page.purpose);
  if (page.after !== undefined) checkKeyId(page.after, 'list after');
}

/** Refuses a new record that breaks a rule; returns a copy holding only the record's fields. */
export function checkNewRecord(record: NewKeyRecord): NewKeyRecord {
  checkKeyId(record.id);
  checkScope(record.scope);
  checkPurpose(record.purpose);
  checkParent(record.parent, record.id);
  if (!isKeyState(record.state)) throw new InvalidInputError(`key ${record.id}: state must be one of ${KEY_STATES.join(', ')}`);
  if (typeof record.primary !== 'boolean') throw new InvalidInputError(`key ${record.id}: primary must be a boolean`);
  checkWrapped(record.wrapped, record.id);
  const breach = invariantBreach(record);
  if (breach !== undefined) throw new InvalidInputError(`key ${record.id}: ${breach}`);
  const { id, scope, purpose, parent, wrapped, state, primary } = record;
  return { id, scope, purpose, parent, wrapped, state, primary };
}

/** Refuses a `demote` that cannot be a rotation (see `KeyStore.insert`); returns it. */
export function checkDemote(record: NewKeyRecord, options: InsertKeyOptions): InsertKeyOptions['demote'] {
  const demote = options.demote;
  if (demote === undefined) return undefined;
  checkKeyId(demote.id, 'demote.id');
  checkVersion(demote.version);
  if (!record.primary) throw new InvalidInputError(`key ${record.id}: a rotation (demote) inserts a primary key`);
  if (demote.id === record.id) throw new InvalidInputError(`key ${record.id} cannot demote itself`);
  return demote;
}

/** Refuses a change that breaks a rule whatever the stored record is. */
export function checkChange(id: string, change: KeyRecordChange): void {
  if (change.state !== undefined && !isKeyState(change.state)) {
    throw new InvalidInputError(`key ${id}: state must be one of ${KEY_STATES.join(', ')}`);
  }
  if (change.primary !== undefined && typeof change.primary !== 'boolean') throw new InvalidInputError(`key ${id}: primary must be a boolean`);
  if (change.parent !== undefined) checkParent(change.parent, id);
  if (change.wrapped !== undefined) checkWrapped(change.wrapped, id);
  const state = change.state;
  if (change.primary === true && state !== undefined && state !== 'active') {
    throw new InvalidInputError(`key ${id}: a primary key must be active, not ${state}`);
  }
  if (state === 'destroyed' && change.wrapped !== undefined && change.wrapped !== '') {
    throw new InvalidInputError(`key ${id}: a destroyed key has no wrapped bytes`);
  }
  // Only a destroyed record lacks bytes, and a destroyed record takes no change.
  if (change.wrapped === '' && state !== 'destroyed') {
    throw new InvalidInputError(`key ${id}: a key that is not destroyed needs its wrapped bytes`);
  }
}

/**
 * The record `current` becomes under `change` at time `now`, or a `KeyConflictError`
 * (reason `state`) when the result would break an invariant because of what is stored: a
 * destroyed record is final, and a primary record must stay active. Destroying erases the
 * wrapped bytes. `change` must have passed {@link checkChange}.
 */
export function applyChange(current: KeyRecord, change: KeyRecordChange, now: string): KeyRecord {
  if (current.state === 'destroyed') {
    throw new KeyConflictError('state', current.id, `key ${current.id} is destroyed; a destroyed key cannot change`);
  }
  const state = change.state ?? current.state;
  const next: KeyRecord = {
    ...current,
    state,
    primary: change.primary ?? current.primary,
    parent: change.parent ?? current.parent,
    wrapped: state === 'destroyed' ? '' : (change.wrapped ?? current.wrapped),
    updatedAt: now,
    version: current.version + 1,
  };
  const breach = invariantBreach(next);
  if (breach !== undefined) throw new KeyConflictError('state', current.id, `key ${current.id}: ${breach}`);
  return next;
}

function checkParent(parent: unknown, id: string): void {
  if (!isBoundedText(parent, MAX_PARENT_LENGTH)) {
    throw new InvalidInputError(`key ${id}: parent must be well-formed text of 1 to ${MAX_PARENT_LENGTH} characters without U+0000`);
  }
}

function checkWrapped(wrapped: unknown, id: string): void {
  // The message never repeats the value: it may be key material.
  if (!isWrappedText(wrapped)) throw new InvalidInputError(`key ${id}: wrapped must be canonical base64 of at most ${MAX_WRAPPED_LENGTH} characters`);
}
