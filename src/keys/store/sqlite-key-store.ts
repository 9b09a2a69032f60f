/**
 * The SQLite key store, over the application's own better-sqlite3 `Database` (fieldseal
 * does not import it). better-sqlite3 is synchronous: each call runs at once, a write
 * transaction (`BEGIN IMMEDIATE`) runs whole without yielding to the event loop, so no
 * other statement of the application can land inside it.
 *
 * Several processes on one file: use WAL (`db.pragma('journal_mode = WAL')`) and a busy
 * timeout below the store's `timeoutMs` (`new Database(file, { timeout: 1000 })`, the same
 * as `db.pragma('busy_timeout = 1000')`). The store does not change the database's pragmas;
 * when the database is busy it retries, with backoff, until `timeoutMs`, then fails with a
 * `KeyStoreError`. While SQLite waits for its busy timeout, the thread is blocked: that
 * wait is why the busy timeout should stay short.
 *
 * @module
 */
import type { KeyStore } from './key-store.js';
import { runScriptSync, type SqlCallOptions, type SqlConnection, type SqlResult, type SqlRow, type SqlScript, type SqlStatement } from './sql-connection.js';
import { sqlDialect } from './sql-dialect.js';
import { sqlKeyStore } from './sql-key-store.js';
import { checkTimeoutMs } from './store-call.js';

/** A prepared statement of better-sqlite3. */
export interface SqliteStatementLike {
  run(...params: unknown[]): { readonly changes: number };
  all(...params: unknown[]): unknown[];
}

/** What the store needs of a better-sqlite3 `Database`. */
export interface SqliteDatabaseLike {
  prepare(sql: string): SqliteStatementLike;
  exec(sql: string): unknown;
  /** True while a transaction is open on the connection. */
  readonly inTransaction: boolean;
}

/** Options of {@link sqliteKeyStore}. */
export type SqliteKeyStoreOptions = {
  /** The table name; default `fieldseal_keys`. */
  readonly table?: string;
  /** Time limit of each call in milliseconds (default 5000), including retries while the database is busy. */
  readonly timeoutMs?: number;
} & (
  | {
      /** A better-sqlite3 `Database`. */
      readonly database: SqliteDatabaseLike;
    }
  | {
      /** Any connection adapter, e.g. `prismaSqlConnection(prisma)`. */
      readonly connection: SqlConnection;
    }
);

/**
 * A {@link KeyStore} in a SQLite table, default `fieldseal_keys`. Call `migrate()` once, or
 * run `keyTableSql('sqlite')` in your own migrations.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * const db = new Database('app.db', { timeout: 1000 });
 * db.pragma('journal_mode = WAL');
 * const store = sqliteKeyStore({ database: db });
 * await store.migrate();
 * ```
 */
export function sqliteKeyStore(options: SqliteKeyStoreOptions): KeyStore {
  const timeoutMs = checkTimeoutMs(options.timeoutMs);
  const dialect = sqlDialect('sqlite', { table: options.table });
  const connection = 'connection' in options ? options.connection : betterSqlite3Connection(options.database);
  return sqlKeyStore(connection, dialect, timeoutMs);
}

/** A {@link SqlConnection} over a better-sqlite3 `Database`. */
export function betterSqlite3Connection(db: SqliteDatabaseLike): SqlConnection {
  const prepared = new Map<string, SqliteStatementLike>();
  const run = (statement: SqlStatement): SqlResult => {
    let cached = prepared.get(statement.sql);
    if (cached === undefined) {
      cached = db.prepare(statement.sql);
      prepared.set(statement.sql, cached);
    }
    if (statement.returnsRows) return { rows: cached.all(...statement.params) as SqlRow[], affected: 0 };
    return { rows: [], affected: cached.run(...statement.params).changes };
  };
  return {
    async query(statement, { signal }: SqlCallOptions) {
      signal.throwIfAborted();
      return run(statement);
    },
    async transaction<T>(script: () => SqlScript<T>, { signal }: SqlCallOptions): Promise<T> {
      signal.throwIfAborted();
      // IMMEDIATE takes the write lock up front: a deferred transaction that reads and then
      // writes can fail with SQLITE_BUSY without waiting, when another process wrote in between.
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = runScriptSync(script(), run);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
  };
}
