/**
 * Tables for the row source tests on PostgreSQL (a private schema), MariaDB (a private
 * database, utf8mb4 with the server's default case-insensitive collation) and SQLite (a
 * file in WAL mode): the contract's `createTable`, plus raw access for the dialect tests.
 * Application writes go through a connection of their own, never the source's.
 */
import Database from 'better-sqlite3';
import * as mariadb from 'mariadb';
import pg from 'pg';
import type { RowKey, RowSource, SourceRow, StoredValue } from '../../../src/rotation/row-source.js';
import type { RowSourceTable, RowSourceUnderTest, RowTableSpec } from '../../../src/testing/row-source-contract.js';
import { postgresUrl, privateMariadb, privateSchema, randomName, sqliteFile, tempDir, type PrivateDatabase, type PrivateSchema } from '../../keys/store/support.js';

/** Runs raw SQL on the test database (outside any row source). */
export type RawSql = (sql: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/** One test database and how to make tables and sources in it. */
export interface SqlTables {
  readonly dialect: 'postgres' | 'mysql' | 'sqlite';
  readonly raw: RawSql;
  /** Quotes an identifier. */
  quote(name: string): string;
  /** The contract subject, with sources made by `source(table, keyColumn)`; table names start with `prefix` (default `rows`). */
  subject(source: (table: string, keyColumn: string) => RowSource, prefix?: string): RowSourceUnderTest;
  close(): Promise<void>;
}

/** The column definitions of a spec, in each dialect. */
function createTableSql(dialect: SqlTables['dialect'], quote: (name: string) => string, table: string, spec: RowTableSpec): string {
  const text = dialect === 'mysql' ? 'TEXT' : 'text';
  const columns = spec.columns.map((c) => `${quote(c)} ${c === spec.unique ? (dialect === 'mysql' ? 'VARCHAR(255) UNIQUE' : 'text UNIQUE') : text}`);
  if (spec.integerColumn !== undefined) columns.push(`${quote(spec.integerColumn)} integer`);
  const integer = dialect === 'sqlite' ? 'INTEGER' : 'bigint';
  if (spec.key === 'composite') return `CREATE TABLE ${quote(table)} (id ${integer} NOT NULL, part ${integer} NOT NULL, ${columns.join(', ')}, PRIMARY KEY (id, part))`;
  const key = spec.key === 'integer' ? integer : dialect === 'mysql' ? 'VARCHAR(64)' : 'text';
  return `CREATE TABLE ${quote(table)} (id ${key} NOT NULL PRIMARY KEY${columns.length === 0 ? '' : `, ${columns.join(', ')}`})`;
}

/** The contract subject over `raw`, for any dialect. */
function subjectOver(tables: Omit<SqlTables, 'subject' | 'close'>, source: (table: string, keyColumn: string) => RowSource, prefix = 'rows'): RowSourceUnderTest {
  const { raw, quote, dialect } = tables;
  const p = (n: number) => (dialect === 'postgres' ? `$${n}` : '?');
  const keyValue = (key: RowKey): unknown => (dialect === 'postgres' ? String(key) : key);
  return {
    sourceOver: source,
    async createTable(spec) {
      const name = randomName(prefix);
      await raw(createTableSql(dialect, quote, name, spec));
      const names = ['id', ...(spec.key === 'composite' ? ['part'] : []), ...spec.columns];
      for (let i = 0; i < spec.rows.length; i += 200) {
        const chunk = spec.rows.slice(i, i + 200);
        const params: unknown[] = [];
        const tuples = chunk.map((r) => {
          const values = [keyValue(r.key), ...(spec.key === 'composite' ? [1] : []), ...spec.columns.map((c) => r.values[c] ?? null)];
          return `(${values.map((v) => (params.push(v), p(params.length))).join(', ')})`;
        });
        await raw(`INSERT INTO ${quote(name)} (${names.map(quote).join(', ')}) VALUES ${tuples.join(', ')}`, params);
      }
      const keyText = dialect === 'postgres' ? 'id::text' : dialect === 'mysql' ? 'CAST(id AS CHAR)' : 'CAST(id AS TEXT)';
      const table: RowSourceTable = {
        name,
        source: source(name, 'id'),
        async rows() {
          const selected = await raw(`SELECT ${keyText} AS fs_key${spec.columns.map((c) => `, ${quote(c)}`).join('')} FROM ${quote(name)} ORDER BY id`);
          return selected.map((r): SourceRow => ({
            key: spec.key === 'text' ? String(r.fs_key) : BigInt(String(r.fs_key)),
            values: Object.fromEntries(spec.columns.map((c) => [c, r[c] as StoredValue])),
          }));
        },
        async update(key, values) {
          const entries = Object.entries(values);
          await raw(`UPDATE ${quote(name)} SET ${entries.map(([c], i) => `${quote(c)} = ${p(i + 1)}`).join(', ')} WHERE id = ${p(entries.length + 1)}`, [...entries.map(([, v]) => v), keyValue(key)]);
        },
        async remove(key) {
          await raw(`DELETE FROM ${quote(name)} WHERE id = ${p(1)}`, [keyValue(key)]);
        },
      };
      return table;
    },
  };
}

/** A private PostgreSQL schema; the pool's connections have it as their search_path. */
export async function postgresTables(): Promise<SqlTables & { readonly db: PrivateSchema; readonly pool: pg.Pool }> {
  const db = await privateSchema('rows');
  // A pool of its own for the application's writes, on the private schema.
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 4, options: `-c search_path=${db.schema}` });
  const raw: RawSql = async (sql, params = []) => (await pool.query(sql, [...params])).rows as Record<string, unknown>[];
  const base = { dialect: 'postgres' as const, raw, quote: (name: string) => `"${name}"` };
  return {
    ...base,
    db,
    pool,
    subject: (source, prefix) => subjectOver(base, source, prefix),
    async close() {
      await pool.end();
      await db.drop();
    },
  };
}

/** A private MariaDB database. */
export async function mariadbTables(): Promise<SqlTables & { readonly db: PrivateDatabase; readonly pool: mariadb.Pool }> {
  const db = await privateMariadb('rows');
  const pool = mariadb.createPool({ ...db.config, connectionLimit: 4 });
  const raw: RawSql = async (sql, params = []) => {
    const result: unknown = await pool.query(sql, [...params]);
    return Array.isArray(result) ? ([...result] as Record<string, unknown>[]) : [];
  };
  const base = { dialect: 'mysql' as const, raw, quote: (name: string) => `\`${name}\`` };
  return {
    ...base,
    db,
    pool,
    subject: (source, prefix) => subjectOver(base, source, prefix),
    async close() {
      await pool.end();
      await db.drop();
    },
  };
}

/** A SQLite file in WAL mode; `database` is the application's handle, `file` its path (for more handles). */
export function sqliteTables(): SqlTables & { readonly database: Database.Database; readonly file: string } {
  const dir = tempDir();
  const database = sqliteFile(dir.dir, { timeout: 2000 });
  const raw: RawSql = async (sql, params = []) => {
    const statement = database.prepare(sql);
    if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
    statement.run(...params);
    return [];
  };
  const base = { dialect: 'sqlite' as const, raw, quote: (name: string) => `"${name}"` };
  return {
    ...base,
    database,
    file: database.name,
    subject: (source, prefix) => subjectOver(base, source, prefix),
    async close() {
      database.close();
      dir.remove();
    },
  };
}

/** A name for a private table. */
export const tableName = (): string => randomName('rows');
