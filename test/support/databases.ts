/**
 * Test databases: a private PostgreSQL schema, MariaDB database or SQLite file per test
 * file, created from the committed migration SQL (the Prisma schema engine cannot be
 * downloaded offline, so `prisma migrate` is not used).
 *
 * Servers default to this machine's services and can be pointed elsewhere with
 * `FIELDSEAL_PG_URL` (e.g. `postgresql://postgres@127.0.0.1:5432/test`) and
 * `FIELDSEAL_MARIADB_URL` (e.g. `mariadb://root@127.0.0.1:3306/test`). When no PostgreSQL
 * server answers, the global setup starts an embedded one and sets `FIELDSEAL_PG_URL` to it.
 * Outside CI an unreachable server makes its suites skip (the reason is printed at the start
 * of the run); with `CI=true` it fails them.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import * as mariadb from 'mariadb';
import pg from 'pg';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  MARIADB_HINT,
  POSTGRES_HINT,
  currentMariadbUrl,
  currentPostgresUrl,
  mariadbConfigFrom,
  mariadbProblem,
  postgresProblem,
} from './database-servers.js';
import { skipReasonOrFail } from './missing-service.js';

/** The three database families the ORM adapters are tested on. */
export type DatabaseKind = 'sqlite' | 'postgresql' | 'mysql';

/** Every kind, in the order suites are declared. */
export const databaseKinds: readonly DatabaseKind[] = ['sqlite', 'postgresql', 'mysql'];

/** A Prisma driver adapter factory, as accepted by `new PrismaClient({ adapter })`. */
export type AdapterFactory = PrismaBetterSqlite3 | PrismaPg | PrismaMariaDb;

/** One isolated database for one test file. */
export interface TestDatabase {
  readonly kind: DatabaseKind;
  /** Schema (PostgreSQL), database (MariaDB) or file (SQLite) name. */
  readonly name: string;
  /** A fresh driver adapter factory for a Prisma client on this database. */
  adapter(): AdapterFactory;
  /** Runs raw SQL outside Prisma (to look at rows as stored, or to tamper with them). */
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Quotes an identifier for this dialect. */
  quote(identifier: string): string;
  /** Positional parameter placeholder number `n` (1-based) for this dialect. */
  param(n: number): string;
  /** Empties every table (fast reset between tests). */
  truncate(): Promise<void>;
  /** Drops the database/schema/file. */
  close(): Promise<void>;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(here, '..', '..');

/** PostgreSQL server URL (this machine's server, or the embedded one the global setup started). */
export const postgresUrl = currentPostgresUrl();
/** MariaDB server URL (root with an empty password on this machine). */
export const mariadbUrl = currentMariadbUrl();

/** The concatenated migration SQL for a provider, in migration order. */
export function migrationSql(kind: DatabaseKind, migrationsDir = join(repoRoot, 'prisma', 'migrations')): string {
  const dir = join(migrationsDir, kind);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => readFileSync(join(dir, name, 'migration.sql'), 'utf8'))
    .join('\n');
}

/** Splits migration SQL into statements (the committed files contain no `;` inside literals). */
function statements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}

/** Table names in a migration, to truncate them between tests. */
function tablesOf(sql: string): string[] {
  return [...sql.matchAll(/CREATE TABLE [`"]([^`"]+)[`"]/g)].map((m) => m[1]!);
}

/** A short name safe as a schema/database identifier, unique per test file and process. */
function isolatedName(label: string): string {
  return `fs_${label.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${process.pid}`.slice(0, 60);
}

/**
 * Whether a server answers. Outside CI a refusal returns the reason (suites then skip);
 * in CI it throws so that the suite fails instead of silently skipping.
 */
export async function unavailableReason(kind: DatabaseKind): Promise<string | undefined> {
  if (kind === 'sqlite') return undefined;
  const problem = kind === 'postgresql' ? await postgresProblem(postgresUrl) : await mariadbProblem(mariadbUrl);
  const hint = kind === 'postgresql' ? POSTGRES_HINT : MARIADB_HINT;
  return skipReasonOrFail(problem === undefined ? undefined : `${problem}: ${hint}`);
}

/** The server URL with the database replaced (the adapter bundles its own driver types, so a URL is the portable form). */
function mariadbAdapterUrl(database: string): string {
  const url = new URL(mariadbUrl);
  url.pathname = `/${database}`;
  url.searchParams.set('connectionLimit', '4');
  return url.toString();
}

function mariadbConfig(database?: string): mariadb.ConnectionConfig {
  return mariadbConfigFrom(mariadbUrl, database);
}

/** Creates an isolated, migrated database of `kind` named after `label` (the test file). */
export async function openTestDatabase(kind: DatabaseKind, label: string, migrationsDir?: string): Promise<TestDatabase> {
  const sql = migrationSql(kind, migrationsDir);
  const tables = tablesOf(sql);
  const name = isolatedName(label);
  if (kind === 'sqlite') return openSqlite(name, sql, tables);
  if (kind === 'postgresql') return openPostgres(name, sql, tables);
  return openMariadb(name, sql, tables);
}

function openSqlite(name: string, sql: string, tables: string[]): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'fieldseal-'));
  const file = join(dir, `${name}.db`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(sql);
  return {
    kind: 'sqlite',
    name,
    adapter: () => new PrismaBetterSqlite3({ url: `file:${file}` }),
    async query(text, params = []) {
      const stmt = db.prepare(text);
      if (stmt.reader) return stmt.all(...(params as unknown[])) as Record<string, unknown>[];
      stmt.run(...(params as unknown[]));
      return [];
    },
    quote: (id) => `"${id}"`,
    param: () => '?',
    async truncate() {
      db.exec('PRAGMA foreign_keys = OFF');
      for (const t of tables) db.exec(`DELETE FROM "${t}"`);
      db.exec('PRAGMA foreign_keys = ON');
    },
    async close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(name: string, sql: string, tables: string[]): Promise<TestDatabase> {
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 2, options: `-c search_path=${name}` });
  await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  await pool.query(`CREATE SCHEMA "${name}"`);
  await pool.query(sql);
  return {
    kind: 'postgresql',
    name,
    adapter: () => new PrismaPg({ connectionString: postgresUrl, max: 4 }, { schema: name }),
    async query(text, params = []) {
      return (await pool.query(text, params as unknown[])).rows as Record<string, unknown>[];
    },
    quote: (id) => `"${id}"`,
    param: (n) => `$${n}`,
    async truncate() {
      await pool.query(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`);
    },
    async close() {
      await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      await pool.end();
    },
  };
}

async function openMariadb(name: string, sql: string, tables: string[]): Promise<TestDatabase> {
  const admin = await mariadb.createConnection({ ...mariadbConfig(), multipleStatements: true });
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.query(`USE \`${name}\``);
  for (const statement of statements(sql)) await admin.query(statement);
  // One connection, so session settings (FOREIGN_KEY_CHECKS) apply to the statements after them.
  const conn = await mariadb.createConnection(mariadbConfig(name));
  return {
    kind: 'mysql',
    name,
    adapter: () => new PrismaMariaDb(mariadbAdapterUrl(name)),
    async query(text, params = []) {
      const result: unknown = await conn.query(text, params as unknown[]);
      return Array.isArray(result) ? ([...result] as Record<string, unknown>[]) : [];
    },
    quote: (id) => `\`${id}\``,
    param: () => '?',
    async truncate() {
      await conn.query('SET FOREIGN_KEY_CHECKS = 0');
      for (const t of tables) await conn.query(`TRUNCATE TABLE \`${t}\``);
      await conn.query('SET FOREIGN_KEY_CHECKS = 1');
    },
    async close() {
      await conn.end();
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}
