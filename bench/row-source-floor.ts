/**
 * The floor of a rotation job: paging through 100,000 rows and writing every one back
 * conditionally, in batches of 500, through the SQL row sources, with no crypto. A job's
 * own benchmark compares against this. `npx tsx bench/row-source-floor.ts [rows]`;
 * PostgreSQL and MariaDB from FIELDSEAL_PG_URL / FIELDSEAL_MARIADB_URL (defaults: this
 * machine), SQLite in a temporary WAL file. Each database gets a private schema, database
 * or file, dropped after.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as mariadb from 'mariadb';
import pg from 'pg';
import type { RowSource } from '../src/rotation/row-source.js';
import { mysqlRowSource, postgresRowSource, sqliteRowSource } from '../src/rotation/sql-row-source.js';
import { currentMariadbUrl, currentPostgresUrl, mariadbConfigFrom } from '../test/support/database-servers.js';
import { FLOOR_BATCH, floorPass } from './floor-pass.js';

const ROWS = Number(process.argv[2] ?? 100_000);
const BATCH = FLOOR_BATCH;
/** About the length of a sealed e-mail address. */
const sealed = (i: number): string => `fs1:${randomBytes(60).toString('base64url')}:${i}`;

/** Pages through the table and rewrites every row; returns milliseconds and rows written. */
const floor = (source: RowSource) => floorPass(source, ['secret'], (key) => sealed(Number(key)), BATCH);

function report(name: string, result: { ms: number; written: number }): void {
  if (result.written !== ROWS) throw new Error(`${name}: wrote ${result.written} of ${ROWS} rows`);
  console.log(`| ${name} | ${ROWS.toLocaleString('en')} | ${(result.ms / 1000).toFixed(2)} s | ${Math.round(ROWS / (result.ms / 1000)).toLocaleString('en')} |`);
}

console.log(`| database | rows | page + write, batches of ${BATCH} | rows/s |\n|---|---|---|---|`);

{
  const dir = mkdtempSync(join(tmpdir(), 'fieldseal-floor-'));
  const db = new Database(join(dir, 'floor.db'), { timeout: 1000 });
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, secret TEXT)');
  const insert = db.prepare('INSERT INTO users VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= ROWS; i++) insert.run(i, `user${i}@example.com`);
  })();
  report('SQLite (better-sqlite3, WAL)', await floor(sqliteRowSource({ database: db, table: 'users', keyColumn: 'id' })));
  db.close();
  rmSync(dir, { recursive: true, force: true });
}

{
  const schema = `floor_${randomBytes(4).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: currentPostgresUrl(), max: 4 });
  await pool.query(`CREATE SCHEMA ${schema}`);
  try {
    await pool.query(`CREATE TABLE ${schema}.users (id bigint PRIMARY KEY, secret text)`);
    await pool.query(`INSERT INTO ${schema}.users SELECT g, 'user' || g || '@example.com' FROM generate_series(1, $1::int) g`, [ROWS]);
    await pool.query(`VACUUM ANALYZE ${schema}.users`);
    report('PostgreSQL (pg Pool)', await floor(postgresRowSource({ client: pool, schema, table: 'users', keyColumn: 'id' })));
  } finally {
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool.end();
  }
}

{
  const database = `floor_${randomBytes(4).toString('hex')}`;
  const admin = await mariadb.createConnection(mariadbConfigFrom(currentMariadbUrl()));
  await admin.query(`CREATE DATABASE ${database} DEFAULT CHARACTER SET utf8mb4`);
  const pool = mariadb.createPool({ ...mariadbConfigFrom(currentMariadbUrl(), database), connectionLimit: 4 });
  try {
    await pool.query('CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, secret TEXT)');
    for (let i = 1; i <= ROWS; i += 5000) {
      const keys = Array.from({ length: Math.min(5000, ROWS - i + 1) }, (_, j) => i + j);
      await pool.query(`INSERT INTO users VALUES ${keys.map(() => '(?, ?)').join(', ')}`, keys.flatMap((k) => [k, `user${k}@example.com`]));
    }
    report('MariaDB (mariadb pool)', await floor(mysqlRowSource({ pool, table: 'users', keyColumn: 'id' })));
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE ${database}`);
    await admin.end();
  }
}
