/**
 * An in-memory {@link KeyStore}: the same operations and invariants as the SQL stores, for
 * tests and single-process use. Records vanish with the process. Rows are kept in the SQL
 * stores' row shape and parsed on every read, so the memory store also behaves like them
 * when a row is damaged (see {@link corruptMemoryRow}). The logic is key-table.ts, shared
 * with the file store.
 *
 * @module
 */
import type { InsertKeyOptions, KeyListPage, KeyPurpose, KeyRecordChange, KeyStore, NewKeyRecord } from './key-store.js';
import { KeyTable, type KeyEntryCodec } from './key-table.js';
import { nowIso, parseKeyRow, recordToRow, type KeyColumn, type KeyRow } from './record-row.js';
import { checkChange, checkDemote, checkKeyId, checkNewRecord, checkPage, checkPurpose, checkScope, checkVersion } from './record-rules.js';

/** Records kept as SQL rows. */
const rowCodec: KeyEntryCodec<KeyRow> = {
  encode: recordToRow,
  parse: parseKeyRow,
  peek: (row) => ({ id: row.id, scope: row.scope, purpose: row.purpose, slot: row.primary_slot }),
};

const tables = new WeakMap<KeyStore, KeyTable<KeyRow>>();

/** Creates an empty in-memory key store. */
export function memoryKeyStore(): KeyStore {
  const table = new KeyTable(rowCodec, 'memory');
  const store: KeyStore = {
    description: 'memory',
    async migrate() {},
    async get(id) {
      checkKeyId(id);
      return table.get(id);
    },
    async getMany(ids) {
      ids.forEach((id) => checkKeyId(id));
      return table.getMany(ids);
    },
    async primary(scope: string, purpose: KeyPurpose) {
      checkScope(scope);
      checkPurpose(purpose);
      return table.primary(scope, purpose);
    },
    async insert(input: NewKeyRecord, options: InsertKeyOptions = {}) {
      const fields = checkNewRecord(input);
      return table.insert(fields, checkDemote(fields, options), nowIso());
    },
    async compareAndSet(id: string, expectedVersion: number, change: KeyRecordChange) {
      checkKeyId(id);
      checkVersion(expectedVersion);
      checkChange(id, change);
      return table.compareAndSet(id, expectedVersion, change, nowIso());
    },
    async list(page: KeyListPage) {
      checkPage(page);
      return table.list(page);
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
  const row = table?.entry(id);
  if (table === undefined || row === undefined) throw new Error(`no row ${id} in this memory key store`);
  table.replace(id, { ...row, [column]: value });
}
