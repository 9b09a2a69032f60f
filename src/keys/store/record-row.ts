/**
 * Key records as table rows, and back. Reading is where a hand-edited or damaged row is
 * caught: it becomes a `KeyStoreError` that names the key id, never a crash, and never
 * repeats the stored values (the wrapped column is key material).
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
  const id = text(row.id);
  const bad = (why: string): KeyStoreError =>
    new KeyStoreError(`${source}: the stored row of key ${describeId(id)} is invalid (${why}); it was edited or damaged outside fieldseal`);
  if (!isKeyId(id)) throw bad('id is not 8 lowercase hex digits');
  const scope = text(row.scope);
  if (!isBoundedText(scope, MAX_SCOPE_LENGTH)) throw bad('scope is not well-formed text of 1 to 255 characters');
  const purpose = text(row.purpose);
  if (!isKeyPurpose(purpose)) throw bad('purpose is not root, data or lookup');
  const parent = text(row.parent);
  if (!isBoundedText(parent, MAX_PARENT_LENGTH)) throw bad('parent is not well-formed text of 1 to 2048 characters');
  const wrapped = text(row.wrapped);
  if (!isWrappedText(wrapped)) throw bad('wrapped is not canonical base64');
  const state = text(row.state);
  if (!isKeyState(state)) throw bad('state is not active, decrypt-only or destroyed');
  const slot = row.primary_slot === null || row.primary_slot === undefined ? null : text(row.primary_slot);
  if (slot !== null && slot !== primarySlot(purpose, scope)) throw bad('primary_slot does not match its purpose and scope');
  const version = integer(row.version);
  if (!isVersion(version)) throw bad('version is not a positive integer');
  const createdAt = timestamp(row.created_at);
  if (createdAt === undefined) throw bad('created_at is not a UTC timestamp');
  const updatedAt = timestamp(row.updated_at);
  if (updatedAt === undefined) throw bad('updated_at is not a UTC timestamp');
  const record: KeyRecord = { id, scope, purpose, parent, wrapped, state, primary: slot !== null, createdAt, updatedAt, version };
  const breach = invariantBreach(record);
  if (breach !== undefined) throw bad(breach);
  return record;
}

/** A column value as text: drivers return binary columns (MySQL VARBINARY) as bytes. */
function text(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(value);
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
