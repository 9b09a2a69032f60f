/**
 * The row source contract on the SQL row sources: PostgreSQL over a `pg` Pool and over a
 * single Client (a private schema), MariaDB over a `mariadb` pool (a private database whose
 * text columns have the server's default case-insensitive collation), SQLite over
 * better-sqlite3 (a WAL file), and SQLite over a Prisma client.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { mysqlRowSource, postgresRowSource, sqliteRowSource } from '../../src/rotation/sql-row-source.js';
import { runRowSourceContract } from '../../src/testing/row-source-contract.js';
import { unavailableReason } from '../support/databases.js';
import { postgresUrl } from '../keys/store/support.js';
import { mariadbTables, postgresTables, sqliteTables, type SqlTables } from './support/sql-tables.js';

const pgReason = await unavailableReason('postgresql'); // throws in CI: there, a missing server is a failure
const mariadbReason = await unavailableReason('mysql');

describe.skipIf(pgReason !== undefined)(pgReason ?? 'postgresql server', () => {
  let tables: Awaited<ReturnType<typeof postgresTables>>;
  let client: pg.Client;
  beforeAll(async () => {
    tables = await postgresTables();
    client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await tables?.close();
  });
  runRowSourceContract('postgres (Pool)', () => tables.subject((table, keyColumn) => postgresRowSource({ client: tables.db.pool, schema: tables.db.schema, table, keyColumn })), {
    test: { describe, it },
  });
  runRowSourceContract('postgres (single Client)', () => tables.subject((table, keyColumn) => postgresRowSource({ client, schema: tables.db.schema, table, keyColumn })), {
    test: { describe, it },
  });
});

describe.skipIf(mariadbReason !== undefined)(mariadbReason ?? 'mariadb server', () => {
  let tables: Awaited<ReturnType<typeof mariadbTables>>;
  beforeAll(async () => {
    tables = await mariadbTables();
  });
  afterAll(async () => {
    await tables?.close();
  });
  runRowSourceContract('mariadb (pool)', () => tables.subject((table, keyColumn) => mysqlRowSource({ pool: tables.pool, table, keyColumn })), { test: { describe, it } });
});

describe('sqlite', () => {
  let tables: SqlTables & { readonly file: string };
  let database: Database.Database;
  beforeAll(() => {
    tables = sqliteTables();
    database = new Database(tables.file, { timeout: 2000 }); // the source's handle; the application writes through another
  });
  afterAll(async () => {
    database?.close();
    await tables?.close();
  });
  runRowSourceContract('sqlite (better-sqlite3)', () => tables.subject((table, keyColumn) => sqliteRowSource({ database, table, keyColumn })), {
    test: { describe, it },
  });
});
