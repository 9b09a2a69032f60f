/**
 * Private databases for the key store tests: a PostgreSQL schema or a MariaDB database per
 * test file (random name, dropped after), a SQLite file per store; and the contract's
 * `setup` for each, with a fresh table per test.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as mariadb from 'mariadb';
import pg from 'pg';
import type { KeyStore } from '../../../src/keys/store/key-store.js';
import type { KeyColumn } from '../../../src/keys/store/record-row.js';
import type { KeyStoreUnderTest } from '../../../src/testing/key-store-contract.js';
import { mariadbConfigFrom } from '../../support/database-servers.js';
import { mariadbUrl, postgresUrl } from '../../support/databases.js';

export { mariadbUrl, postgresUrl };

/** A random lowercase identifier with a readable prefix. */
export const randomName = (prefix: string): string => `${prefix}_${randomBytes(6).toString('hex')}`;

/** A private PostgreSQL schema and a pool whose connections use it. */
export interface PrivateSchema {
  readonly schema: string;
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

/** Creates a private schema (dropped by `drop()`, with everything in it). */
export async function privateSchema(label: string, max = 10): Promise<PrivateSchema> {
  const schema = randomName(`fsk_${label}`);
  const pool = new pg.Pool({ connectionString: postgresUrl, max });
  await pool.query(`CREATE SCHEMA "${schema}"`);
  return {
    schema,
    pool,
    async drop() {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}

/** A private MariaDB database. */
export interface PrivateDatabase {
  readonly database: string;
  /** Connection settings for the driver, on the private database. */
  readonly config: mariadb.ConnectionConfig;
  drop(): Promise<void>;
}

/** Creates a private MariaDB database (dropped by `drop()`). */
export async function privateMariadb(label: string): Promise<PrivateDatabase> {
  const database = randomName(`fsk_${label}`);
  const admin = await mariadb.createConnection(mariadbConfigFrom(mariadbUrl));
  await admin.query(`CREATE DATABASE \`${database}\` DEFAULT CHARACTER SET utf8mb4`);
  return {
    database,
    config: mariadbConfigFrom(mariadbUrl, database),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await admin.end();
    },
  };
}

/** A temporary directory, removed by `remove()`. */
export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'fieldseal-keystore-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A new SQLite file in WAL mode, in `encoding` (set before anything is written). */
export function sqliteFile(dir: string, options: Database.Options = {}, encoding: 'UTF-8' | 'UTF-16le' = 'UTF-8'): Database.Database {
  const db = new Database(join(dir, `${randomName('keys')}.db`), options);
  db.pragma(`encoding = '${encoding}'`);
  db.pragma('journal_mode = WAL');
  return db;
}

/** The contract subject for a SQL store on a fresh, migrated table. */
export async function sqlSubject(
  make: (table: string) => KeyStore,
  corrupt: (table: string, id: string, column: KeyColumn, value: string | number | null) => Promise<unknown> | unknown,
): Promise<KeyStoreUnderTest> {
  const table = randomName('keys');
  const store = make(table);
  await store.migrate();
  return {
    store,
    corrupt: async (id, column, value) => {
      await corrupt(table, id, column, value);
    },
    failing: make(randomName('missing')),
  };
}
