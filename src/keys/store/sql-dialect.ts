/**
 * How PostgreSQL, MySQL/MariaDB and SQLite spell the key table and the few statements the
 * SQL key stores run. Everything dialect-specific lives here; the store logic
 * (sql-key-store.ts) is shared.
 *
 * The table: one row per key; `id` is the primary key; `primary_slot` (`purpose:scope` on
 * the primary record, NULL otherwise) has a UNIQUE index, so the database itself allows one
 * primary per (scope, purpose); an index on (scope, purpose, id) serves the listing of a
 * scope in id order. Times are selected as ISO-8601 text, so no driver's or ORM's date
 * handling (type parsers, session time zones) is involved.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { ConfigurationError } from '../../errors.js';
import { scopePrefixBounds } from './record-rules.js';
import type { SqlStatement, SqlValue } from './sql-connection.js';
import { checkSqlIdentifier, quoteSqlTable, type SqlDialectName } from './sql-identifier.js';

export type { SqlDialectName } from './sql-identifier.js';

/** The name of the key table when none is given. */
export const DEFAULT_KEY_TABLE = 'fieldseal_keys';

/** The spelling of the store's statements in one dialect, for one table. */
export interface SqlDialect {
  readonly name: SqlDialectName;
  /** The table, quoted (and schema-qualified on PostgreSQL when a schema is given). */
  readonly table: string;
  /** `dialect:[schema.]table`, for messages. */
  readonly description: string;
  /** The select list giving the columns of a `KeyRow` (times as ISO-8601 text). */
  readonly columns: string;
  /** Positional placeholder number `n` (1-based). */
  placeholder(n: number): string;
  /** A time parameter in SQL (with a cast where the dialect needs one), given its placeholder. */
  timeSql(placeholder: string): string;
  /** A stored time value for an ISO-8601 UTC time. */
  timeValue(iso: string): string;
  /** The condition "column `scope` equals `scope`", exactly (no collation padding or folding); `next` binds a parameter. */
  scopeEquals(next: (value: SqlValue) => string, scope: string): string;
  /**
   * The condition "column `scope` starts with `prefix`", exactly, as a range the scope index
   * serves (see `scopePrefixBounds`); `prefix` has passed `checkScopePrefix`.
   */
  scopeStartsWith(next: (value: SqlValue) => string, prefix: string): string;
  /** The statements that create the table and its indexes if missing (what `migrate()` runs). */
  readonly schemaSql: readonly string[];
  /** Statements run first in `migrate()`'s transaction, to serialise racing migrations. */
  readonly migrationLock: readonly SqlStatement[];
  /** Statements run first in every write transaction: server-side time limits, where the dialect has them. */
  timeLimits(ms: number): SqlStatement[];
}

/** Where a key table lives. */
export interface KeyTableName {
  /** The table name; default {@link DEFAULT_KEY_TABLE}. Letters, digits and `_`, at most 63 characters. */
  readonly table?: string;
  /** PostgreSQL only: the schema; default the connection's `search_path`. */
  readonly schema?: string;
}

/** The dialect of `name` for a table. Throws `ConfigurationError` for an invalid identifier. */
export function sqlDialect(name: SqlDialectName, where: KeyTableName = {}): SqlDialect {
  const table = identifier(where.table ?? DEFAULT_KEY_TABLE, 'table');
  if (where.schema !== undefined && name !== 'postgres') throw new ConfigurationError('a key table schema is a PostgreSQL option');
  const schema = where.schema === undefined ? undefined : identifier(where.schema, 'schema');
  if (name === 'postgres') return postgres(table, schema);
  return name === 'mysql' ? mysql(table) : sqlite(table);
}

/**
 * The SQL that creates the key table and its indexes, as `migrate()` runs it: for teams
 * that run their migrations themselves.
 */
export function keyTableSql(name: SqlDialectName, where: KeyTableName = {}): readonly string[] {
  return sqlDialect(name, where).schemaSql;
}

function identifier(value: string, what: string): string {
  return checkSqlIdentifier(value, `key ${what} name`);
}

/** PostgreSQL and MySQL limit identifiers to 63/64 characters: a long table's index name gets a hash instead of a truncation that could collide. */
function indexName(table: string): string {
  const name = `${table}_scope_purpose_idx`;
  if (name.length <= 63) return name;
  return `${table.slice(0, 40)}_${createHash('sha256').update(table).digest('hex').slice(0, 8)}_scope_idx`;
}

const baseColumns = 'id, scope, purpose, parent, wrapped, state, primary_slot, version';

function postgres(table: string, schema: string | undefined): SqlDialect {
  const quoted = quoteSqlTable('postgres', table, schema);
  const time = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`;
  return {
    name: 'postgres',
    table: quoted,
    description: `postgres:${schema === undefined ? '' : `${schema}.`}${table}`,
    columns: `${baseColumns}, ${time('created_at')}, ${time('updated_at')}`,
    placeholder: (n) => `$${n}`,
    timeSql: (p) => `${p}::timestamptz`,
    timeValue: (iso) => iso,
    scopeEquals: (next, scope) => `scope = ${next(scope)}`,
    // COLLATE "C" orders by the bytes of UTF-8: the range alone is exact.
    scopeStartsWith: (next, prefix) => {
      const { from, below } = scopePrefixBounds(prefix);
      return `scope >= ${next(from)} AND scope < ${next(below)}`;
    },
    schemaSql: [
      `CREATE TABLE IF NOT EXISTS ${quoted} (
  id varchar(8) COLLATE "C" PRIMARY KEY,
  scope varchar(255) COLLATE "C" NOT NULL,
  purpose varchar(6) COLLATE "C" NOT NULL,
  parent varchar(2048) NOT NULL,
  wrapped text NOT NULL,
  state varchar(12) NOT NULL,
  primary_slot varchar(262) COLLATE "C" UNIQUE,
  version integer NOT NULL,
  created_at timestamptz(3) NOT NULL,
  updated_at timestamptz(3) NOT NULL
)`,
      `CREATE INDEX IF NOT EXISTS "${indexName(table)}" ON ${quoted} (scope, purpose, id)`,
    ],
    // CREATE TABLE IF NOT EXISTS races on PostgreSQL's catalog (a duplicate pg_type row):
    // concurrent migrations take a transaction-scoped advisory lock named after the table.
    migrationLock: [{ sql: 'SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext($1))', params: [`fieldseal:${quoted}`], returnsRows: true }],
    timeLimits: (ms) => [
      {
        sql: "SELECT set_config('lock_timeout', $1, true) AS lock_timeout, set_config('statement_timeout', $1, true) AS statement_timeout",
        params: [String(Math.max(1, Math.ceil(ms)))],
        returnsRows: true,
      },
    ],
  };
}

function mysql(table: string): SqlDialect {
  const quoted = quoteSqlTable('mysql', table);
  const time = (column: string) => `DATE_FORMAT(${column}, '%Y-%m-%dT%H:%i:%s.%fZ') AS ${column}`;
  return {
    name: 'mysql',
    table: quoted,
    description: `mysql:${table}`,
    columns: `${baseColumns}, ${time('created_at')}, ${time('updated_at')}`,
    placeholder: () => '?',
    timeSql: (p) => p,
    // DATETIME(3) holds UTC wall-clock time; no session time zone applies to it.
    timeValue: (iso) => iso.replace('T', ' ').replace('Z', ''),
    // utf8mb4_bin pads with spaces ('a' = 'a '): the index narrows, the binary comparison decides.
    scopeEquals: (next, scope) => `scope = ${next(scope)} AND CAST(scope AS BINARY) = CAST(${next(scope)} AS BINARY)`,
    // utf8mb4_bin pads the shorter text with spaces before comparing, so a character below
    // space after the prefix sorts the text below it ('t#\x01' < 't#'), and one after the
    // bound above the bound ('t$\x01' < 't$'). The index range starts at the prefix without
    // its last character instead (below every text that starts with the prefix, since that
    // character is above space) and ends at the bound (above them all: they differ from it
    // at that character); the binary comparison, UTF-8 byte order, is exact.
    scopeStartsWith: (next, prefix) => {
      const { from, below } = scopePrefixBounds(prefix);
      return `scope >= ${next(prefix.slice(0, -1))} AND scope < ${next(below)} AND CAST(scope AS BINARY) >= CAST(${next(from)} AS BINARY) AND CAST(scope AS BINARY) < CAST(${next(below)} AS BINARY)`;
    },
    schemaSql: [
      `CREATE TABLE IF NOT EXISTS ${quoted} (
  id CHAR(8) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  scope VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  purpose VARCHAR(6) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  parent VARCHAR(2048) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  wrapped TEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  state VARCHAR(12) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  primary_slot VARBINARY(1048) NULL,
  version INT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY primary_slot (primary_slot),
  KEY scope_purpose (scope, purpose, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    ],
    // CREATE TABLE IF NOT EXISTS is safe to race on MySQL and MariaDB (metadata locks).
    migrationLock: [],
    // innodb_lock_wait_timeout is per session, and a pool's session is the application's:
    // on timeout the adapter destroys the connection instead.
    timeLimits: () => [],
  };
}

function sqlite(table: string): SqlDialect {
  const quoted = quoteSqlTable('sqlite', table);
  return {
    name: 'sqlite',
    table: quoted,
    description: `sqlite:${table}`,
    columns: `${baseColumns}, created_at, updated_at`,
    placeholder: () => '?',
    timeSql: (p) => p,
    timeValue: (iso) => iso,
    scopeEquals: (next, scope) => `scope = ${next(scope)}`,
    // BINARY compares with memcmp in the database's encoding: the range is exact in UTF-8 (the
    // default), but in UTF-16LE 'tģ' (bytes 74 00 23 01) falls between 't#' and 't$'. The
    // range narrows through the index; comparing the first characters decides.
    scopeStartsWith: (next, prefix) => {
      const { from, below } = scopePrefixBounds(prefix);
      return `scope >= ${next(from)} AND scope < ${next(below)} AND substr(scope, 1, ${[...prefix].length}) = ${next(prefix)}`;
    },
    schemaSql: [
      `CREATE TABLE IF NOT EXISTS ${quoted} (
  id TEXT NOT NULL PRIMARY KEY,
  scope TEXT NOT NULL,
  purpose TEXT NOT NULL,
  parent TEXT NOT NULL,
  wrapped TEXT NOT NULL,
  state TEXT NOT NULL,
  primary_slot TEXT UNIQUE,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
)`,
      `CREATE INDEX IF NOT EXISTS "${indexName(table)}" ON ${quoted} (scope, purpose, id)`,
    ],
    // The write transaction (BEGIN IMMEDIATE) already serialises migrations.
    migrationLock: [],
    timeLimits: () => [],
  };
}
