/**
 * What the contract cannot say in general, per dialect: how many statements a batch takes,
 * the key and column types each accepts or refuses, exact comparison under the collations
 * that fold case (PostgreSQL nondeterministic ICU, SQLite NOCASE), MySQL without
 * FOUND_ROWS, a non-text value in an untyped SQLite column, and a blocked write.
 */
import Database from 'better-sqlite3';
import * as mariadb from 'mariadb';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, RowSourceError } from '../../src/errors.js';
import { mysqlPoolConnection } from '../../src/keys/store/mysql-key-store.js';
import { pgConnection } from '../../src/keys/store/postgres-key-store.js';
import { betterSqlite3Connection } from '../../src/keys/store/sqlite-key-store.js';
import type { RowWrite } from '../../src/rotation/row-source.js';
import { mysqlRowSource, postgresRowSource, sqliteRowSource, sqlRowSource } from '../../src/rotation/sql-row-source.js';
import { renderError } from '../../src/testing/leak-check.js';
import { unavailableReason } from '../support/databases.js';
import { freeLoopbackPort } from '../support/free-port.js';
import { postgresUrl } from '../keys/store/support.js';
import { countingConnection } from './support/counting-connection.js';
import { mariadbTables, postgresTables, sqliteTables, tableName } from './support/sql-tables.js';

const pgReason = await unavailableReason('postgresql');
const mariadbReason = await unavailableReason('mysql');

/** Writes that seal every row of `keys` whose `secret` is `plain <key>`. */
const sealAll = (keys: readonly number[]): RowWrite[] => keys.map((key) => ({ key, expected: { secret: `plain ${key}` }, next: { secret: `sealed ${key}` } }));
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe.skipIf(pgReason !== undefined)(pgReason ?? 'postgresql server', () => {
  let tables: Awaited<ReturnType<typeof postgresTables>>;
  beforeAll(async () => {
    tables = await postgresTables();
  });
  afterAll(async () => {
    await tables?.close();
  });
  const source = (table: string, keyColumn = 'id') => postgresRowSource({ client: tables.db.pool, schema: tables.db.schema, table, keyColumn });

  it('writes a batch of 500 rows with one UPDATE (after the transaction time limits), and pages with one SELECT', async () => {
    const table = tableName();
    await tables.raw(`CREATE TABLE "${table}" (id bigint PRIMARY KEY, secret text)`);
    await tables.raw(`INSERT INTO "${table}" SELECT g, 'plain ' || g FROM generate_series(1, 500) g`);
    const connection = countingConnection(pgConnection(tables.db.pool));
    const counted = sqlRowSource({ connection, dialect: 'postgres', schema: tables.db.schema, table, keyColumn: 'id' });
    await counted.check(['secret']);
    connection.statements.length = 0;
    expect(await counted.page({ columns: ['secret'], limit: 500 })).toHaveLength(500);
    expect(connection.statements).toHaveLength(1);
    connection.statements.length = 0;
    expect(await counted.write(sealAll(range(500)))).toHaveLength(500);
    expect(connection.statements.map((s) => s.sql.split(/\s/)[0])).toEqual(['SELECT', 'UPDATE']);
    expect((await tables.raw(`SELECT count(*)::int AS n FROM "${table}" WHERE secret LIKE 'sealed %'`))[0]?.n).toBe(500);
  });

  it('keys: uuid (text), integer (bigint, bounds beyond its range are fine); columns: a domain over text; refuses numeric keys, jsonb columns and views', async () => {
    const uuids = await tables.raw('SELECT gen_random_uuid()::text AS u FROM generate_series(1, 3)');
    const ids = uuids.map((r) => String(r.u)).sort();
    const byUuid = tableName();
    await tables.raw(`CREATE DOMAIN "${byUuid}_text" AS text CHECK (VALUE <> 'forbidden')`);
    await tables.raw(`CREATE TABLE "${byUuid}" (id uuid PRIMARY KEY, secret "${byUuid}_text", doc jsonb)`);
    for (const id of ids) await tables.raw(`INSERT INTO "${byUuid}" VALUES ($1, $2, '{}')`, [id, `plain ${id}`]);
    const uuidSource = source(byUuid);
    await uuidSource.check(['secret']);
    expect(await uuidSource.bounds()).toEqual({ first: ids[0], last: ids[2] });
    const page = await uuidSource.page({ columns: ['secret'], after: ids[0], limit: 10 });
    expect(page.map((r) => r.key)).toEqual(ids.slice(1));
    expect(await uuidSource.write(page.map((r) => ({ key: r.key, expected: r.values, next: { secret: 'sealed' } })))).toEqual(ids.slice(1));
    await expect(uuidSource.check(['doc'])).rejects.toThrow(new ConfigurationError(`postgres:${tables.db.schema}.${byUuid}: ${byUuid}.doc is not a text column (jsonb); protected columns hold text`));
    // The domain's own constraint still applies: the batch fails whole, naming the table.
    await expect(uuidSource.write([{ key: ids[0] as string, expected: { secret: `plain ${ids[0]}` }, next: { secret: 'forbidden' } }])).rejects.toThrow(RowSourceError);

    const byInt = tableName();
    await tables.raw(`CREATE TABLE "${byInt}" (id integer PRIMARY KEY, secret varchar(40))`);
    await tables.raw(`INSERT INTO "${byInt}" VALUES (1, 'a'), (2147483647, 'b')`);
    const intSource = source(byInt);
    expect(await intSource.bounds()).toEqual({ first: 1n, last: 2147483647n });
    expect(await intSource.page({ columns: ['secret'], after: 2n ** 40n, limit: 5 })).toEqual([]);
    expect(await intSource.page({ columns: ['secret'], until: 2n ** 40n, limit: 5 })).toEqual([
      { key: 1n, values: { secret: 'a' } },
      { key: 2147483647n, values: { secret: 'b' } },
    ]);

    const byNumeric = tableName();
    await tables.raw(`CREATE TABLE "${byNumeric}" (id numeric PRIMARY KEY, secret text)`);
    await expect(source(byNumeric).check(['secret'])).rejects.toThrow(/id is a numeric column; a row source key must be an integer or text column/);
    await tables.raw(`CREATE VIEW "${byNumeric}_view" AS SELECT * FROM "${byNumeric}"`);
    await expect(source(`${byNumeric}_view`).check(['secret'])).rejects.toThrow(/has no primary key/);
  });

  it('compares exactly under a nondeterministic (case-insensitive) collation', async () => {
    const table = tableName();
    await tables.raw(`CREATE COLLATION IF NOT EXISTS "${table}_ci" (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`);
    await tables.raw(`CREATE TABLE "${table}" (id bigint PRIMARY KEY, secret text COLLATE "${table}_ci")`);
    await tables.raw(`INSERT INTO "${table}" VALUES (1, 'alice'), (2, 'bob')`);
    expect((await tables.raw(`SELECT count(*)::int AS n FROM "${table}" WHERE secret = 'ALICE'`))[0]?.n).toBe(1); // the collation folds case
    const s = source(table);
    const read = await s.page({ columns: ['secret'], limit: 10 });
    await tables.raw(`UPDATE "${table}" SET secret = 'ALICE' WHERE id = 1`);
    expect(await s.write(read.map((r) => ({ key: r.key, expected: r.values, next: { secret: `sealed ${r.values.secret}` } })))).toEqual([2n]);
    expect(await tables.raw(`SELECT secret FROM "${table}" ORDER BY id`)).toEqual([{ secret: 'ALICE' }, { secret: 'sealed bob' }]);
  });

  it('finds a table outside search_path through the schema option only', async () => {
    const table = tableName();
    await tables.raw(`CREATE TABLE "${table}" (id bigint PRIMARY KEY, secret text)`);
    const elsewhere = new pg.Pool({ connectionString: postgresUrl, max: 2 }); // search_path: public
    try {
      await postgresRowSource({ client: elsewhere, schema: tables.db.schema, table, keyColumn: 'id' }).check(['secret']);
      await expect(postgresRowSource({ client: elsewhere, table, keyColumn: 'id' }).check(['secret'])).rejects.toThrow(new ConfigurationError(`table ${table} does not exist`));
    } finally {
      await elsewhere.end();
    }
  });

  it('a database that does not answer fails the call with a RowSourceError naming the table', async () => {
    const gone = new pg.Pool({ connectionString: `postgresql://postgres@127.0.0.1:${await freeLoopbackPort()}/test`, max: 1 });
    try {
      const error = await postgresRowSource({ client: gone, schema: 'app', table: 'users', keyColumn: 'id' })
        .page({ columns: ['email'], limit: 10 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RowSourceError);
      expect((error as RowSourceError).source).toBe('postgres:app.users');
      expect((error as Error).message).toMatch(/^postgres:app\.users: reading the table definition failed: .*ECONNREFUSED/);
    } finally {
      await gone.end();
    }
  });

  it('a write blocked by a row lock fails with a RowSourceError at its time limit and writes nothing', async () => {
    const table = tableName();
    await tables.raw(`CREATE TABLE "${table}" (id bigint PRIMARY KEY, secret text)`);
    await tables.raw(`INSERT INTO "${table}" VALUES (1, 'plain 1'), (2, 'plain 2')`);
    const locker = await tables.pool.connect();
    const limited = postgresRowSource({ client: tables.db.pool, schema: tables.db.schema, table, keyColumn: 'id', timeoutMs: 300 });
    await limited.check(['secret']);
    try {
      await locker.query('BEGIN');
      await locker.query(`SELECT * FROM "${table}" WHERE id = 2 FOR UPDATE`);
      const error = await limited.write(sealAll([1, 2])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RowSourceError);
      expect((error as Error).message).toMatch(new RegExp(`^postgres:${tables.db.schema}\\.${table}: write of 2 rows \\(${table}\\.secret\\)`));
      expect(await tables.raw(`SELECT secret FROM "${table}" ORDER BY id`)).toEqual([{ secret: 'plain 1' }, { secret: 'plain 2' }]);
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
    }
    expect(await limited.write(sealAll([1, 2]))).toEqual([1, 2]);
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
  const seeded = async (count: number, key = 'BIGINT'): Promise<string> => {
    const table = tableName();
    await tables.raw(`CREATE TABLE \`${table}\` (id ${key} NOT NULL PRIMARY KEY, secret TEXT, secret_index VARCHAR(64))`);
    for (const key of range(count)) await tables.raw(`INSERT INTO \`${table}\` (id, secret) VALUES (?, ?)`, [key, `plain ${key}`]);
    return table;
  };

  it('writes a batch of 500 rows with a locking read and one UPDATE', async () => {
    const table = await seeded(500);
    const connection = countingConnection(mysqlPoolConnection(tables.pool));
    const counted = sqlRowSource({ connection, dialect: 'mysql', table, keyColumn: 'id' });
    await counted.check(['secret']);
    connection.statements.length = 0;
    expect(await counted.write(sealAll(range(500)))).toHaveLength(500);
    expect(connection.statements.map((s) => s.sql.split(/\s/)[0])).toEqual(['SELECT', 'UPDATE']);
    expect(connection.statements[0]?.sql).toMatch(/FOR UPDATE$/);
    expect((await tables.raw(`SELECT COUNT(*) AS n FROM \`${table}\` WHERE secret LIKE 'sealed %'`))[0]?.n).toBe(500n);
  });

  it('without FOUND_ROWS, a write of the values already stored still counts as written', async () => {
    const table = await seeded(3);
    await tables.raw(`UPDATE \`${table}\` SET secret_index = 'ix' WHERE id = 2`);
    const pool = mariadb.createPool({ ...tables.db.config, connectionLimit: 2, foundRows: false });
    try {
      const s = mysqlRowSource({ pool, table, keyColumn: 'id' });
      const written = await s.write([
        { key: 1, expected: { secret: 'plain 1' }, next: { secret: 'plain 1' } },
        { key: 2, expected: { secret: 'plain 2' }, next: { secret: 'plain 2', secret_index: 'ix' } },
        { key: 3, expected: { secret: 'stale' }, next: { secret: 'stale' } },
      ]);
      expect(written).toEqual([1, 2]);
    } finally {
      await pool.end();
    }
  });

  it('keys: unsigned bigint up to 2^64-1, and text; refuses binary and blob columns', async () => {
    const table = tableName();
    await tables.raw(`CREATE TABLE \`${table}\` (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, secret TEXT, raw VARBINARY(64), data BLOB)`);
    const max = 2n ** 64n - 1n;
    await tables.raw(`INSERT INTO \`${table}\` (id, secret) VALUES (0, 'zero'), (?, 'max'), (?, 'max-1')`, [max, max - 1n]);
    const s = mysqlRowSource({ pool: tables.pool, table, keyColumn: 'id' });
    expect(await s.bounds()).toEqual({ first: 0n, last: max });
    expect(await s.page({ columns: ['secret'], after: 2n ** 63n, limit: 5 })).toEqual([
      { key: max - 1n, values: { secret: 'max-1' } },
      { key: max, values: { secret: 'max' } },
    ]);
    expect(await s.write([{ key: max, expected: { secret: 'max' }, next: { secret: 'sealed' } }])).toEqual([max]);
    await expect(s.page({ columns: ['secret'], after: -1, limit: 5 })).rejects.toThrow(/out of the range/);
    for (const column of ['raw', 'data']) await expect(s.check([column])).rejects.toThrow(new RegExp(`${table}\\.${column} is not a text column`));

    const byText = tableName();
    await tables.raw(`CREATE TABLE \`${byText}\` (code VARCHAR(20) NOT NULL PRIMARY KEY, secret TEXT)`);
    await tables.raw(`INSERT INTO \`${byText}\` VALUES ('a', '1'), ('B', '2'), ('c', '3')`);
    const t = mysqlRowSource({ pool: tables.pool, table: byText, keyColumn: 'code' });
    // Key order is the column's collation (case-insensitive here), not JavaScript's.
    expect((await t.page({ columns: ['secret'], limit: 5 })).map((r) => r.key)).toEqual(['a', 'B', 'c']);
    expect((await t.page({ columns: ['secret'], after: 'a', until: 'b', limit: 5 })).map((r) => r.key)).toEqual(['B']);
  });
});

describe('sqlite', () => {
  let tables: ReturnType<typeof sqliteTables>;
  let database: Database.Database;
  beforeAll(() => {
    tables = sqliteTables();
    database = new Database(tables.file, { timeout: 0 });
  });
  afterAll(async () => {
    database?.close();
    await tables?.close();
  });

  it('compares exactly in a NOCASE column', async () => {
    const table = tableName();
    await tables.raw(`CREATE TABLE "${table}" (id INTEGER PRIMARY KEY, secret TEXT COLLATE NOCASE)`);
    await tables.raw(`INSERT INTO "${table}" VALUES (1, 'alice'), (2, 'bob')`);
    const s = sqliteRowSource({ database, table, keyColumn: 'id' });
    const read = await s.page({ columns: ['secret'], limit: 10 });
    await tables.raw(`UPDATE "${table}" SET secret = 'ALICE' WHERE id = 1`);
    expect(await s.write(read.map((r) => ({ key: r.key, expected: r.values, next: { secret: `sealed ${r.values.secret}` } })))).toEqual([2n]);
    expect(await tables.raw(`SELECT secret FROM "${table}" ORDER BY id`)).toEqual([{ secret: 'ALICE' }, { secret: 'sealed bob' }]);
  });

  it('a non-text value in an untyped column fails the page with a RowSourceError naming table, column and key, not the value', async () => {
    const table = tableName();
    await tables.raw(`CREATE TABLE "${table}" (id TEXT PRIMARY KEY, secret)`);
    await tables.raw(`INSERT INTO "${table}" VALUES ('a', 'text'), ('b', 987654321987), ('c', x'0102')`);
    const s = sqliteRowSource({ database, table, keyColumn: 'id' });
    await s.check(['secret']);
    const error = await s.page({ columns: ['secret'], limit: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RowSourceError);
    expect((error as Error).message).toBe(`sqlite:${table}: ${table}.secret at key b holds a value that is not text (a number); protected columns hold text`);
    expect(renderError(error)).not.toContain('987654321987');
    expect(await s.page({ columns: ['secret'], limit: 1 })).toEqual([{ key: 'a', values: { secret: 'text' } }]);
  });

  it('refuses integer and real columns, and a table without a declared primary key', async () => {
    const table = tableName();
    await tables.raw(`CREATE TABLE "${table}" (id INTEGER PRIMARY KEY, n INTEGER, r REAL, d NUMERIC, v VARCHAR(10), c CLOB)`);
    const s = sqliteRowSource({ database, table, keyColumn: 'id' });
    await s.check(['v', 'c']);
    for (const [column, type] of [['n', 'INTEGER'], ['r', 'REAL'], ['d', 'NUMERIC']]) {
      await expect(s.check([column as string])).rejects.toThrow(new ConfigurationError(`sqlite:${table}: ${table}.${column} is not a text column (${type}); protected columns hold text`));
    }
    const rowid = tableName();
    await tables.raw(`CREATE TABLE "${rowid}" (id INTEGER, secret TEXT)`);
    await expect(sqliteRowSource({ database, table: rowid, keyColumn: 'id' }).check(['secret'])).rejects.toThrow(/has no primary key/);
  });

  it('a busy database is retried until the time limit, then fails with a RowSourceError having written nothing', async () => {
    const table = tableName();
    await tables.raw(`CREATE TABLE "${table}" (id INTEGER PRIMARY KEY, secret TEXT)`);
    await tables.raw(`INSERT INTO "${table}" VALUES (1, 'plain 1')`);
    const limited = sqliteRowSource({ connection: betterSqlite3Connection(database), table, keyColumn: 'id', timeoutMs: 200 });
    await limited.check(['secret']);
    tables.database.exec('BEGIN IMMEDIATE');
    try {
      const error = await limited.write(sealAll([1])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RowSourceError);
      expect((error as Error).message).toMatch(/timed out after 200 ms/);
    } finally {
      tables.database.exec('ROLLBACK');
    }
    expect(await tables.raw(`SELECT secret FROM "${table}"`)).toEqual([{ secret: 'plain 1' }]);
    expect(await limited.write(sealAll([1]))).toEqual([1]);
  });
});
