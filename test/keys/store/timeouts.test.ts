/**
 * Time limits: a rotation whose record to demote is locked by another transaction fails
 * with a KeyStoreError once `timeoutMs` has passed, writes nothing (then or later, when the
 * lock goes), and leaves the connection usable. On PostgreSQL (Pool and single Client),
 * MariaDB, and SQLite (a write lock held by another connection: SQLITE_BUSY, retried
 * until the time limit).
 */
import * as mariadb from 'mariadb';
import pg from 'pg';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyStoreError } from '../../../src/errors.js';
import type { KeyRecord, KeyStore, NewKeyRecord } from '../../../src/keys/store/key-store.js';
import { mysqlKeyStore } from '../../../src/keys/store/mysql-key-store.js';
import { postgresKeyStore } from '../../../src/keys/store/postgres-key-store.js';
import { sqliteKeyStore } from '../../../src/keys/store/sqlite-key-store.js';
import { unavailableReason } from '../../support/databases.js';
import { postgresUrl, privateMariadb, privateSchema, randomName, sqliteFile, tempDir, type PrivateDatabase, type PrivateSchema } from './support.js';

let next = 0x100;
const record = (overrides: Partial<NewKeyRecord> = {}): NewKeyRecord => ({
  id: (next++).toString(16).padStart(8, '0'),
  scope: 'tenant',
  purpose: 'data',
  parent: '0a0b0c0d',
  wrapped: Buffer.alloc(40, next).toString('base64'),
  state: 'active',
  primary: true,
  ...overrides,
});

/** A lock on a row, or on the whole database, held by another connection until `release()`. */
interface Lock {
  release(): Promise<void>;
}

/**
 * Rotates `current` while `lock()` holds it: the rotation must fail with a timeout, write
 * nothing, and the store must work normally once the lock is gone.
 */
async function rotationUnderLock(store: KeyStore, current: KeyRecord, lock: () => Promise<Lock>): Promise<void> {
  const held = await lock();
  const blocked = record();
  let error: unknown;
  try {
    await store.insert(blocked, { demote: { id: current.id, version: current.version } });
  } catch (caught) {
    error = caught;
  } finally {
    await held.release();
  }
  expect(error).toBeInstanceOf(KeyStoreError);
  expect((error as Error).message).toMatch(/timed out after \d+ ms/);
  // The abandoned transaction did not land, and cannot land later: the same rotation now
  // succeeds at the same version, and the blocked record is still absent.
  const rotated = await store.insert(record(), { demote: { id: current.id, version: current.version } });
  expect(await store.get(blocked.id)).toBeUndefined();
  expect((await store.get(current.id))?.version).toBe(current.version + 1);
  expect(await store.primary('tenant', 'data')).toEqual(rotated);
}

const postgresReason = await unavailableReason('postgresql');
describe.skipIf(postgresReason !== undefined)(postgresReason ?? 'postgresql time limits', () => {
  let db: PrivateSchema;
  let holder: pg.Client;
  beforeAll(async () => {
    db = await privateSchema('timeout', 2);
    holder = new pg.Client({ connectionString: postgresUrl });
    await holder.connect();
  });
  afterAll(async () => {
    await holder?.end();
    await db?.drop();
  });
  const rowLock = (table: string, id: string) => async (): Promise<Lock> => {
    await holder.query('BEGIN');
    await holder.query(`SELECT id FROM "${db.schema}"."${table}" WHERE id = $1 FOR UPDATE`, [id]);
    return { release: async () => void (await holder.query('COMMIT')) };
  };

  it('Pool: a rotation blocked by a row lock fails at the time limit, writes nothing, and frees its connection', async () => {
    const table = randomName('keys');
    const store = postgresKeyStore({ client: db.pool, schema: db.schema, table, timeoutMs: 300 });
    await store.migrate();
    // Three timeouts on a pool of two: a connection kept by an abandoned transaction would stall the next call.
    for (let round = 0; round < 3; round++) {
      const current = (await store.primary('tenant', 'data')) ?? (await store.insert(record()));
      await rotationUnderLock(store, current, rowLock(table, current.id));
    }
  });

  it('single Client: the server-side lock timeout ends the blocked statement; the client stays usable', async () => {
    const table = randomName('keys');
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      const store = postgresKeyStore({ client, schema: db.schema, table, timeoutMs: 300 });
      await store.migrate();
      const current = await store.insert(record());
      await rotationUnderLock(store, current, rowLock(table, current.id));
      // Outside a transaction, each statement is its own: it starts when the transaction does.
      const { rows } = await client.query<{ own: boolean }>('SELECT now() = statement_timestamp() AS own');
      expect(rows[0]?.own).toBe(true);
    } finally {
      await client.end();
    }
  });
});

const mysqlReason = await unavailableReason('mysql');
describe.skipIf(mysqlReason !== undefined)(mysqlReason ?? 'mariadb time limits', () => {
  let db: PrivateDatabase;
  let pool: mariadb.Pool;
  let holder: mariadb.Connection;
  beforeAll(async () => {
    db = await privateMariadb('timeout');
    pool = mariadb.createPool({ ...db.config, connectionLimit: 2 });
    holder = await mariadb.createConnection(db.config);
  });
  afterAll(async () => {
    await holder?.end();
    await pool?.end();
    await db?.drop();
  });

  it('a rotation blocked by a row lock fails at the time limit, writes nothing, and frees its connection', async () => {
    const table = randomName('keys');
    const store = mysqlKeyStore({ pool, table, timeoutMs: 300 });
    await store.migrate();
    for (let round = 0; round < 3; round++) {
      const current = (await store.primary('tenant', 'data')) ?? (await store.insert(record()));
      await rotationUnderLock(store, current, async () => {
        await holder.beginTransaction();
        await holder.query(`SELECT id FROM \`${table}\` WHERE id = ? FOR UPDATE`, [current.id]);
        return { release: () => holder.commit() };
      });
    }
  });
});

describe('sqlite time limits', () => {
  const temp = tempDir();
  afterAll(() => temp.remove());

  it('a write while another connection holds the write lock retries SQLITE_BUSY until the time limit, then fails and writes nothing', async () => {
    const db = sqliteFile(temp.dir, { timeout: 20 });
    const other = new Database(db.name, { timeout: 20 });
    try {
      const store = sqliteKeyStore({ database: db, timeoutMs: 300 });
      await store.migrate();
      const current = await store.insert(record());
      await rotationUnderLock(store, current, async () => {
        other.exec('BEGIN IMMEDIATE');
        return { release: async () => void other.exec('COMMIT') };
      });
      expect(db.pragma('busy_timeout', { simple: true })).toBe(20); // the application's pragma, untouched
    } finally {
      other.close();
      db.close();
    }
  });
});
