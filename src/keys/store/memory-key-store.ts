/**
 * An in-memory {@link KeyStore}: the same operations and invariants as the SQL stores, for
 * tests and single-process use. Records vanish with the process. Rows are kept in the SQL
 * stores' row shape and parsed on every read, so the memory store also behaves like them
 * when a row is damaged (see {@link corruptMemoryRow}).
 *
 * @module
 */
import { idConflict, primaryConflict, versionConflict } from './conflicts.js';
import type { InsertKeyOptions, KeyListPage, KeyPurpose, KeyRecord, KeyRecordChange, KeyStore, NewKeyRecord } from './key-store.js';
import { nowIso, parseKeyRow, primarySlot, recordToRow, type KeyColumn, type KeyRow } from './record-row.js';
import { applyChange, checkChange, checkDemote, checkKeyId, checkNewRecord, checkPage, checkPurpose, checkScope, checkVersion, scopeHasPrefix } from './record-rules.js';

interface MemoryTable {
  readonly rows: Map<string, KeyRow>;
  /** primary_slot -> id: the UNIQUE index. */
  readonly slots: Map<string, string>;
  /** Every id, ascending: the primary key's order, for paging. */
  readonly ids: string[];
}

const tables = new WeakMap<KeyStore, MemoryTable>();

/** Creates an empty in-memory key store. */
export function memoryKeyStore(): KeyStore {
  const table: MemoryTable = { rows: new Map(), slots: new Map(), ids: [] };
  const description = 'memory';
  const read = (id: string): KeyRecord | undefined => {
    const row = table.rows.get(id);
    return row === undefined ? undefined : parseKeyRow(row, description);
  };
  const write = (record: KeyRecord, before?: KeyRecord): void => {
    if (before?.primary) table.slots.delete(primarySlot(before.purpose, before.scope));
    if (record.primary) table.slots.set(primarySlot(record.purpose, record.scope), record.id);
    if (!table.rows.has(record.id)) table.ids.splice(firstAfter(table.ids, record.id), 0, record.id);
    table.rows.set(record.id, recordToRow(record));
  };

  const store: KeyStore = {
    description,
    async migrate() {},
    async get(id) {
      checkKeyId(id);
      return read(id);
    },
    async getMany(ids) {
      ids.forEach((id) => checkKeyId(id));
      return [...new Set(ids)].flatMap((id) => read(id) ?? []);
    },
    async primary(scope: string, purpose: KeyPurpose) {
      checkScope(scope);
      checkPurpose(purpose);
      const id = table.slots.get(primarySlot(purpose, scope));
      return id === undefined ? undefined : read(id);
    },
    async insert(input: NewKeyRecord, options: InsertKeyOptions = {}) {
      const fields = checkNewRecord(input);
      const demote = checkDemote(fields, options);
      if (table.rows.has(fields.id)) throw idConflict(fields.id);
      const now = nowIso();
      const record: KeyRecord = { ...fields, createdAt: now, updatedAt: now, version: 1 };
      const holder = record.primary ? table.slots.get(primarySlot(record.purpose, record.scope)) : undefined;
      let demoted: { before: KeyRecord; after: KeyRecord } | undefined;
      if (demote !== undefined) {
        const before = holder === demote.id ? read(holder) : undefined;
        if (before === undefined || before.version !== demote.version) throw versionConflict(demote.id);
        demoted = { before, after: { ...before, primary: false, state: 'decrypt-only', updatedAt: now, version: before.version + 1 } };
      } else if (holder !== undefined) {
        throw primaryConflict(record.id);
      }
      // Both writes after every check: all or nothing, like the SQL stores' transaction.
      if (demoted !== undefined) write(demoted.after, demoted.before);
      write(record);
      return record;
    },
    async compareAndSet(id: string, expectedVersion: number, change: KeyRecordChange) {
      checkKeyId(id);
      checkVersion(expectedVersion);
      checkChange(id, change);
      const current = read(id);
      if (current === undefined || current.version !== expectedVersion) return undefined;
      const next = applyChange(current, change, nowIso());
      const holder = next.primary ? table.slots.get(primarySlot(next.purpose, next.scope)) : undefined;
      if (holder !== undefined && holder !== id) throw primaryConflict(id);
      write(next, current);
      return next;
    },
    async list(page: KeyListPage) {
      checkPage(page);
      const out: KeyRecord[] = [];
      const start = page.after === undefined ? 0 : firstAfter(table.ids, page.after);
      for (let i = start; i < table.ids.length && out.length < page.limit; i++) {
        // Filter on the row, then parse, as a SQL WHERE clause would: a damaged row of another scope does not fail this page.
        const row = table.rows.get(table.ids[i] as string) as KeyRow;
        if (
          (page.scope === undefined || row.scope === page.scope) &&
          (page.scopePrefix === undefined || scopeHasPrefix(row.scope, page.scopePrefix)) &&
          (page.purpose === undefined || row.purpose === page.purpose)
        ) {
          out.push(parseKeyRow(row, description));
        }
      }
      return out;
    },
  };
  tables.set(store, table);
  return store;
}

/**
 * Overwrites one column of a stored row of a {@link memoryKeyStore}, bypassing every check,
 * as a hand edit of a SQL table would: for contract tests of damaged rows.
 */
export function corruptMemoryRow(store: KeyStore, id: string, column: KeyColumn, value: string | number | null): void {
  const table = tables.get(store);
  const row = table?.rows.get(id);
  if (table === undefined || row === undefined) throw new Error(`no row ${id} in this memory key store`);
  table.rows.set(id, { ...row, [column]: value });
}

/** Index of the first id greater than `id` in ascending `ids`. */
function firstAfter(ids: readonly string[], id: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ids[mid] as string) <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
