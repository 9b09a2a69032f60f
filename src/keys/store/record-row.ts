/**
 * Key records as table rows (the SQL and memory stores) or file entries (the file store),
 * and back. Reading is where a hand-edited or damaged row is caught: it becomes a
 * `KeyStoreError` that names the key id, never a crash, and never repeats the stored values
 * (the wrapped column is key material).
 *
 * @module
 */
import { KeyStoreError } from '../../errors.js';
import type { KeyPurpose, KeyRecord } from './key-store.js';
import {
  invariantBreach,
  isBoundedText,
  isKeyId,
  isKeyPurpose,
  isKeyState,
  isVersion,
  isWrappedText,
  MAX_PARENT_LENGTH,
  MAX_SCOPE_LENGTH,
} from './record-rules.js';

/** The columns of the key table, in the order the stores select them. */
export const KEY_COLUMNS = ['id', 'scope', 'purpose', 'parent', 'wrapped', 'state', 'primary_slot', 'version', 'created_at', 'updated_at'] as const;

/** A column of the key table. */
export type KeyColumn = (typeof KEY_COLUMNS)[number];

/**
 * A record as a row. `primary_slot` is `purpose:scope` on the primary record and NULL on
 * every other: a UNIQUE index on it is how the database itself allows one primary per
 * (scope, purpose) (NULLs are distinct in PostgreSQL, MySQL/MariaDB and SQLite).
 */
export interface KeyRow {
  readonly id: string;
  readonly scope: string;
  readonly purpose: string;
  readonly parent: string;
  readonly wrapped: string;
  readonly state: string;
  readonly primary_slot: string | null;
  readonly version: number;
  /** ISO-8601 UTC with milliseconds. */
  readonly created_at: string;
  readonly updated_at: string;
}

/** The value of `primary_slot` for the primary record of (scope, purpose). */
export const primarySlot = (purpose: KeyPurpose, scope: string): string => `${purpose}:${scope}`;

/** The row that stores `record`. */
export function recordToRow(record: KeyRecord): KeyRow {
  return {
    id: record.id,
    scope: record.scope,
    purpose: record.purpose,
    parent: record.parent,
    wrapped: record.wrapped,
    state: record.state,
    primary_slot: record.primary ? primarySlot(record.purpose, record.scope) : null,
    version: record.version,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

/** The current time as the stores stamp it: ISO-8601, UTC, milliseconds. */
export const nowIso = (): string => new Date().toISOString();

/**
 * Parses a row read from `source` (a store description) into a record, checking every
 * rule; a row that breaks one throws a `KeyStoreError` naming its key id and the column,
 * not the value.
 */
export function parseKeyRow(stored: object, source: string): KeyRecord {
  const row = stored as Readonly<Record<string, unknown>>;
  const slot = row.primary_slot === null || row.primary_slot === undefined ? null : text(row.primary_slot);
  return parseStored(
    source,
    'row',
    { ...row, createdAt: row.created_at, updatedAt: row.updated_at },
    (purpose, scope) => (slot === null ? false : slot === primarySlot(purpose, scope) ? true : 'primary_slot does not match its purpose and scope'),
    ['created_at', 'updated_at'],
  );
}

/**
 * A record as the file key store writes it: the fields of {@link KeyRecord}, as JSON. Read
 * back, it is unchecked until {@link parseKeyEntry} (a hand edit can put anything there).
 */
export type KeyEntry = Readonly<Record<string, unknown>>;

/** The entry that stores `record`, its fields in a fixed order. */
export function recordToEntry(record: KeyRecord): KeyEntry {
  const { id, scope, purpose, parent, wrapped, state, primary, version, createdAt, updatedAt } = record;
  return { id, scope, purpose, parent, wrapped, state, primary, version, createdAt, updatedAt };
}

/** Parses a file entry from `source` into a record, with the same rules and errors as {@link parseKeyRow}. */
export function parseKeyEntry(entry: KeyEntry, source: string): KeyRecord {
  return parseStored(source, 'record', entry, () => (typeof entry.primary === 'boolean' ? entry.primary : 'primary is not true or false'), ['createdAt', 'updatedAt']);
}

/**
 * The checks of a stored record, whatever its shape: `fields` holds each field of
 * {@link KeyRecord} but `primary` as stored; `primary` tells, once purpose and scope are
 * checked, whether it is the primary record or why its mark is invalid; `timeNames` are what
 * the two times are called where they are stored.
 */
function parseStored(
  source: string,
  kind: 'row' | 'record',
  fields: Readonly<Record<string, unknown>>,
  primary: (purpose: KeyPurpose, scope: string) => boolean | string,
  timeNames: readonly [string, string],
): KeyRecord {
  const id = text(fields.id);
  const bad = (why: string): KeyStoreError =>
    new KeyStoreError(`${source}: the stored ${kind} of key ${describeId(id)} is invalid (${why}); it was edited or damaged outside fieldseal`);
  if (!isKeyId(id)) throw bad('id is not 8 lowercase hex digits');
  const scope = text(fields.scope);
  if (!isBoundedText(scope, MAX_SCOPE_LENGTH)) throw bad('scope is not well-formed text of 1 to 255 characters');
  const purpose = text(fields.purpose);
  if (!isKeyPurpose(purpose)) throw bad('purpose is not root, data or lookup');
  const parent = text(fields.parent);
  if (!isBoundedText(parent, MAX_PARENT_LENGTH)) throw bad('parent is not well-formed text of 1 to 2048 characters');
  const wrapped = text(fields.wrapped);
  if (!isWrappedText(wrapped)) throw bad('wrapped is not canonical base64');
  const state = text(fields.state);
  if (!isKeyState(state)) throw bad('state is not active, decrypt-only or destroyed');
  const isPrimary = primary(purpose, scope);
  if (typeof isPrimary === 'string') throw bad(isPrimary);
  const version = integer(fields.version);
  if (!isVersion(version)) throw bad('version is not a positive integer');
  const createdAt = timestamp(fields.createdAt);
  if (createdAt === undefined) throw bad(`${timeNames[0]} is not a UTC timestamp`);
  const updatedAt = timestamp(fields.updatedAt);
  if (updatedAt === undefined) throw bad(`${timeNames[1]} is not a UTC timestamp`);
  const record: KeyRecord = { id, scope, purpose, parent, wrapped, state, primary: isPrimary, createdAt, updatedAt, version };
  const breach = invariantBreach(record);
  if (breach !== undefined) throw bad(breach);
  return record;
}

/** A column value as text: drivers return binary columns (MySQL VARBINARY) as bytes. */
function text(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(value);
    } catch {
      return undefined;
    }
  }
  return value;
}

function integer(value: unknown): unknown {
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= 0n ? Number(value) : undefined;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return value;
}

// What the dialects' SELECTs produce (`T` separator, `Z`), plus the space-separated form
// and up to 6 fraction digits, in case a driver or an ORM reformats it.
const UTC_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z?$/;

function timestamp(value: unknown): string | undefined {
  let date: Date | undefined;
  if (value instanceof Date) date = value;
  else if (typeof value === 'string' && UTC_TIME.test(value)) date = new Date(`${value.replace(' ', 'T').replace(/Z?$/, '')}Z`);
  if (date === undefined || Number.isNaN(date.getTime())) return undefined;
  return date.toISOString();
}

/** The id for a message: itself when well formed, a short quoted form of a damaged one. */
function describeId(id: unknown): string {
  if (isKeyId(id)) return id;
  if (typeof id === 'string' && /^[\x20-\x7e]{1,16}$/.test(id)) return JSON.stringify(id);
  return '(unreadable id)';
}
