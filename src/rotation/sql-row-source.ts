/**
 * Row sources over a SQL table on PostgreSQL, MySQL/MariaDB or SQLite, given the
 * application's own driver object (a `pg` Pool or Client, a `mariadb` or `mysql2/promise`
 * pool, a better-sqlite3 `Database`) or any {@link SqlConnection} (for example
 * `prismaSqlConnection(prisma)`): the same connection adapters as the SQL key stores.
 *
 * The key column must be the table's primary key, a single column of an integer type
 * (keys come back as `bigint`) or a text type (keys come back as `string`; PostgreSQL
 * `uuid` keys too); key order is the database's (its collation, for text keys), so jobs
 * compare keys only through the source. The columns read and written must be text columns.
 * Pages are keyset pages (`WHERE key > after AND key <= until ORDER BY key LIMIT n`); a
 * batch of writes is one transaction of conditional updates (see sql-row-statements.ts for
 * how each dialect compares exactly). Every call is bounded by `timeoutMs` and retried
 * within it on deadlocks and a busy SQLite database; it fails with a `RowSourceError` that
 * names the table but carries no stored value, or a `ConfigurationError` naming
 * `table.column` for a missing or non-text column.
 *
 * @module
 */
import { ConfigurationError, InvalidInputError, RowSourceError } from '../errors.js';
import { scrubbedDriverError } from '../keys/store/driver-errors.js';
import { mysqlPoolConnection, type MysqlPoolLike } from '../keys/store/mysql-key-store.js';
import { pgConnection, type PgClientLike, type PgPoolLike } from '../keys/store/postgres-key-store.js';
import type { SqlCallOptions, SqlConnection, SqlRow } from '../keys/store/sql-connection.js';
import { sqlDialect } from '../keys/store/sql-dialect.js';
import { checkSqlIdentifier, quoteSqlTable, type SqlDialectName } from '../keys/store/sql-identifier.js';
import { betterSqlite3Connection, type SqliteDatabaseLike } from '../keys/store/sqlite-key-store.js';
import { withinTimeLimit, type CallErrors } from '../keys/store/store-call.js';
import type { RowKey, RowSource, RowWrite, SourceRow, StoredValue } from './row-source.js';
import { keyFromText, keyParam } from './sql-row-key.js';
import { rowStatements, type PreparedWrite, type RowStatements } from './sql-row-statements.js';
import { readTableShape, type TableRef, type TableShape } from './sql-table-shape.js';

/** The default time limit of one row source call (a page, or a batch of writes), in milliseconds. */
export const DEFAULT_ROW_SOURCE_TIMEOUT_MS = 30_000;

/** The most rows a page may ask for. */
export const MAX_ROW_PAGE = 10_000;

/** The table and key of a SQL row source. */
export interface SqlTableOptions {
  /** The table name: letters, digits and `_`, at most 63 characters (quoted, so case is kept). */
  readonly table: string;
  /** The primary key column (a single-column primary key, of an integer or text type). */
  readonly keyColumn: string;
  /** Time limit of each call in milliseconds (default 30 000); a write that runs out of time writes nothing. */
  readonly timeoutMs?: number;
}

/** Options of {@link sqlRowSource}: a table over any {@link SqlConnection}. */
export interface SqlRowSourceOptions extends SqlTableOptions {
  /** The connection, e.g. `pgConnection(pool)` or `prismaSqlConnection(prisma)`. */
  readonly connection: SqlConnection;
  /** The SQL family the connection speaks. */
  readonly dialect: SqlDialectName;
  /** PostgreSQL only: the table's schema; default the connection's `search_path`. */
  readonly schema?: string;
}

/** Options of {@link postgresRowSource}. */
export type PostgresRowSourceOptions = SqlTableOptions & {
  /** The table's schema; default the connection's `search_path`. */
  readonly schema?: string;
} & (
    | {
        /** A `pg` Pool (recommended: each batch of writes takes a client of its own) or Client. */
        readonly client: PgClientLike | PgPoolLike;
      }
    | {
        /** Any connection adapter, e.g. `prismaSqlConnection(prisma)`. */
        readonly connection: SqlConnection;
      }
  );

/** Options of {@link mysqlRowSource}. */
export type MysqlRowSourceOptions = SqlTableOptions &
  (
    | {
        /** A `mariadb` pool or a `mysql2/promise` pool; the table is in the pool's database. */
        readonly pool: MysqlPoolLike;
      }
    | {
        /** Any connection adapter, e.g. `prismaSqlConnection(prisma)`. */
        readonly connection: SqlConnection;
      }
  );

/** Options of {@link sqliteRowSource}. */
export type SqliteRowSourceOptions = SqlTableOptions &
  (
    | {
        /** A better-sqlite3 `Database` (with WAL and a busy timeout when other processes write to it). */
        readonly database: SqliteDatabaseLike;
      }
    | {
        /** Any connection adapter, e.g. `prismaSqlConnection(prisma)`. */
        readonly connection: SqlConnection;
      }
  );

/**
 * A {@link RowSource} over a PostgreSQL table.
 *
 * @example
 * ```ts
 * const source = postgresRowSource({ client: pool, schema: 'app', table: 'users', keyColumn: 'id' });
 * await source.check(['email', 'email_bidx']);
 * ```
 */
export function postgresRowSource(options: PostgresRowSourceOptions): RowSource {
  const connection = 'connection' in options ? options.connection : pgConnection(options.client);
  return sqlRowSource({ ...options, connection, dialect: 'postgres' });
}

/**
 * A {@link RowSource} over a MySQL (8.0+) or MariaDB (10.3+) table in the pool's database.
 *
 * @example
 * ```ts
 * const source = mysqlRowSource({ pool: mariadb.createPool(url), table: 'users', keyColumn: 'id' });
 * ```
 */
export function mysqlRowSource(options: MysqlRowSourceOptions): RowSource {
  const connection = 'connection' in options ? options.connection : mysqlPoolConnection(options.pool);
  return sqlRowSource({ ...options, connection, dialect: 'mysql' });
}

/**
 * A {@link RowSource} over a SQLite table (the `main` database of the connection).
 *
 * @example
 * ```ts
 * const source = sqliteRowSource({ database: new Database('app.db', { timeout: 1000 }), table: 'users', keyColumn: 'id' });
 * ```
 */
export function sqliteRowSource(options: SqliteRowSourceOptions): RowSource {
  const connection = 'connection' in options ? options.connection : betterSqlite3Connection(options.database);
  return sqlRowSource({ ...options, connection, dialect: 'sqlite' });
}

/** A {@link RowSource} over a table of any {@link SqlConnection}, in `dialect`. Throws `ConfigurationError` for invalid names. */
export function sqlRowSource(options: SqlRowSourceOptions): RowSource {
  const { connection } = options;
  const dialect = checkDialect(options.dialect);
  const table = checkSqlIdentifier(options.table, 'row source table name');
  if (options.schema !== undefined && dialect !== 'postgres') throw new ConfigurationError('a row source schema is a PostgreSQL option');
  const schema = options.schema === undefined ? undefined : checkSqlIdentifier(options.schema, 'row source schema name');
  const keyColumn = checkSqlIdentifier(options.keyColumn, 'row source key column name');
  const timeoutMs = checkTimeoutMs(options.timeoutMs);
  const label = schema === undefined ? table : `${schema}.${table}`;
  const description = `${dialect}:${label}`;
  const ref: TableRef = { dialect, table, schema, quoted: quoteSqlTable(dialect, table, schema), label, keyColumn };

  const call = <T>(operation: string, body: (options: SqlCallOptions) => Promise<T>, scrub: readonly string[] = []): Promise<T> =>
    withinTimeLimit({ source: description, operation, timeoutMs, errors: rowSourceErrors(description, operation, scrub) }, body);

  interface Loaded {
    readonly shape: TableShape;
    readonly statements: RowStatements;
  }
  let loaded: Promise<Loaded> | undefined;
  const load = (): Promise<Loaded> => {
    const attempt = call('reading the table definition', (options) => readTableShape(ref, (statement) => connection.query(statement, options))).then(
      (shape) => ({ shape, statements: rowStatements(dialect, ref.quoted, shape.key) }),
    );
    loaded = attempt;
    attempt.catch(() => {
      if (loaded === attempt) loaded = undefined;
    });
    return attempt;
  };
  /** The table's shape, read again once if it lacks a column (it may have been added since). */
  const shapeWith = async (columns: readonly string[]): Promise<Loaded> => {
    const current = await (loaded ?? load());
    if (columns.every((column) => current.shape.column(column) !== undefined)) return current;
    return load();
  };
  /** Checks that `column` exists, holds text and is not the key; returns it. */
  const textColumn = (shape: TableShape, column: string): string => {
    checkSqlIdentifier(column, `${description}: column names`);
    const found = shape.column(column);
    if (found === undefined) throw new ConfigurationError(`${description}: column ${table}.${column} does not exist`);
    if (found.text !== true) throw new ConfigurationError(`${description}: ${table}.${column} is not a text column (${found.type}); protected columns hold text`);
    if (found === shape.column(shape.key.name)) throw new ConfigurationError(`${description}: ${table}.${column} is the key column; a row source does not read or write it as a value`);
    return column;
  };

  return {
    description,
    keyColumn,

    async check(columns) {
      const { shape } = await load();
      for (const column of columns) textColumn(shape, column);
    },

    async bounds() {
      const { shape, statements } = await shapeWith([]);
      const result = await call('bounds', (options) => connection.query(statements.bounds(), options));
      const row = result.rows[0];
      if (row === undefined || row.fs_first === null || row.fs_first === undefined) return undefined;
      return { first: rowKey(row.fs_first, shape), last: rowKey(row.fs_last, shape) };
    },

    async page(page) {
      if (!Number.isSafeInteger(page.limit) || page.limit < 1 || page.limit > MAX_ROW_PAGE) throw new InvalidInputError(`page limit must be an integer from 1 to ${MAX_ROW_PAGE}`);
      const columns = [...page.columns];
      if (new Set(columns).size !== columns.length) throw new InvalidInputError('page columns must not repeat');
      const { shape, statements } = await shapeWith(page.where === undefined ? columns : [...columns, String(page.where.column)]);
      for (const column of columns) textColumn(shape, column);
      const after = page.after === undefined ? undefined : keyParam(page.after, shape.key, 'page after');
      const until = page.until === undefined ? undefined : keyParam(page.until, shape.key, 'page until');
      const where = page.where === undefined ? undefined : { column: textColumn(shape, page.where.column), equals: filterText(page.where.equals) };
      const statement = statements.page({ columns, after, until, limit: page.limit, where });
      const result = await call(
        `page (${columns.length === 0 ? 'keys only' : columns.map((c) => `${table}.${c}`).join(', ')})`,
        (options) => connection.query(statement, options),
        where === undefined ? [] : [where.equals],
      );
      return result.rows.map((row) => sourceRow(row, columns, shape));
    },

    async write(writes) {
      if (writes.length === 0) return [];
      const columns = [...new Set(writes.flatMap((w) => [...Object.keys(w.expected ?? {}), ...Object.keys(w.next ?? {})]))];
      const { shape, statements } = await shapeWith(columns);
      const prepared = prepareWrites(writes, shape, (column) => textColumn(shape, column));
      const scrub = writes.flatMap((w) => [...Object.values(w.expected), ...Object.values(w.next)]).filter((v): v is string => typeof v === 'string');
      const operation = `write of ${writes.length} row${writes.length === 1 ? '' : 's'} (${columns.map((c) => `${table}.${c}`).join(', ')})`;
      const written = await call(
        operation,
        (options) =>
          connection.transaction(function* () {
            // Server-side time limits where the dialect has them (PostgreSQL: SET LOCAL lock and statement timeouts).
            for (const limit of sqlDialect(dialect).timeLimits(options.timeoutMs)) yield limit;
            return yield* statements.write(prepared);
          }, options),
        scrub,
      );
      return writes.filter((_, i) => written.has((prepared[i] as PreparedWrite).key)).map((w) => w.key);
    },
  };

  function rowKey(text: unknown, shape: TableShape): RowKey {
    const key = keyFromText(text, shape.key);
    if (key === undefined) throw new RowSourceError(description, `${table}.${shape.key.name} holds a key that is not ${shape.key.kind === 'integer' ? 'an integer' : 'text'}`);
    return key;
  }

  function sourceRow(row: SqlRow, columns: readonly string[], shape: TableShape): SourceRow {
    const key = rowKey(row.fs_key, shape);
    const values: Record<string, StoredValue> = {};
    columns.forEach((column, i) => {
      const value = row[`fs_c${i}`];
      if (value !== null && typeof value !== 'string') {
        throw new RowSourceError(description, `${table}.${column} at key ${String(key)} holds a value that is not text (${kindOf(value)}); protected columns hold text`);
      }
      values[column] = value;
    });
    return { key, values };
  }
}

/** Checks each write and turns it into statement parameters (columns in a stable order, so equal shapes group). */
function prepareWrites(writes: readonly RowWrite[], shape: TableShape, column: (name: string) => string): PreparedWrite[] {
  const seen = new Set<string>();
  return writes.map((w, i) => {
    const key = keyParam(w.key, shape.key, `write #${i} key`);
    if (seen.has(key)) throw new InvalidInputError(`write #${i}: key ${key} appears twice in one batch`);
    seen.add(key);
    const entries = (values: Readonly<Record<string, StoredValue>>, what: string) =>
      Object.keys(values)
        .sort()
        .map((name) => {
          const value = values[name];
          if (value !== null && typeof value !== 'string') throw new InvalidInputError(`write #${i} (key ${key}): ${what} value of ${name} must be a string or null`);
          return [column(name), value] as const;
        });
    const next = entries(w.next, 'next');
    if (next.length === 0) throw new InvalidInputError(`write #${i} (key ${key}) sets no column`);
    return { key, expected: entries(w.expected, 'expected'), next };
  });
}

/** A row source's errors: driver messages reduced to their first line, with every written value and any quoted literal removed. */
function rowSourceErrors(source: string, operation: string, scrub: readonly string[]): CallErrors {
  return {
    timedOut: (message) => new RowSourceError(source, message.startsWith(`${source}: `) ? message.slice(source.length + 2) : message),
    failed(error) {
      const { message, code, cause } = scrubbedDriverError(error, scrub);
      // MySQL quotes values in its messages ("Duplicate entry '...' for key"), truncated to
      // 64 characters or so: a truncated value escapes the scrub list, so every quoted
      // literal goes. Identifiers are named by the operation instead.
      const safe = message.replace(/'(?:[^'\\]|\\.)*'/g, "'…'");
      cause.message = safe;
      return new RowSourceError(source, `${operation} failed: ${safe}${code === undefined ? '' : ` (${String(code)})`}`, { cause });
    },
  };
}

function checkDialect(dialect: unknown): SqlDialectName {
  if (dialect === 'postgres' || dialect === 'mysql' || dialect === 'sqlite') return dialect;
  throw new ConfigurationError("row source dialect must be 'postgres', 'mysql' or 'sqlite'");
}

function checkTimeoutMs(timeoutMs: number | undefined): number {
  const ms = timeoutMs ?? DEFAULT_ROW_SOURCE_TIMEOUT_MS;
  if (!Number.isSafeInteger(ms) || ms < 1 || ms > 2_147_483_647) throw new ConfigurationError('row source timeoutMs must be a positive integer of milliseconds');
  return ms;
}

function kindOf(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return 'a number';
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof Date) return 'a date';
  return typeof value;
}

function filterText(value: unknown): string {
  if (typeof value !== 'string' || !value.isWellFormed()) throw new InvalidInputError('a page filter matches well-formed text');
  return value;
}
