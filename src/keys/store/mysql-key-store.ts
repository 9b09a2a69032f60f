/**
 * The MySQL / MariaDB key store, over the application's own pool: the `mariadb` package's
 * pool or `mysql2/promise`'s pool (told apart by shape; fieldseal imports neither), or over
 * any {@link SqlConnection}.
 *
 * Each transaction takes a connection of its own (`pool.getConnection()`); one that reaches
 * the time limit is destroyed (the `mariadb` driver also kills its server thread), so the
 * server rolls it back. The store never changes session settings of the pool's connections.
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';
import type { KeyStore } from './key-store.js';
import { mysqlResult, runScript, type SqlCallOptions, type SqlConnection, type SqlResult, type SqlScript, type SqlStatement } from './sql-connection.js';
import { sqlDialect } from './sql-dialect.js';
import { sqlKeyStore } from './sql-key-store.js';
import { checkTimeoutMs } from './store-call.js';

/** A connection checked out of a `mariadb` or `mysql2/promise` pool. */
export interface MysqlPoolConnectionLike {
  query(sql: string, values?: unknown): Promise<unknown>;
  beginTransaction(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  release(): void | Promise<void>;
  destroy(): void;
}

/** What the store needs of a `mariadb` pool or a `mysql2/promise` pool. */
export interface MysqlPoolLike {
  query(sql: string, values?: unknown): Promise<unknown>;
  getConnection(): Promise<MysqlPoolConnectionLike>;
}

/** Options of {@link mysqlKeyStore}. */
export type MysqlKeyStoreOptions = {
  /** The table name; default `fieldseal_keys`. */
  readonly table?: string;
  /** Time limit of each call in milliseconds (default 5000). */
  readonly timeoutMs?: number;
} & (
  | {
      /** A `mariadb` pool (`mariadb.createPool`) or a `mysql2/promise` pool (`mysql.createPool`). */
      readonly pool: MysqlPoolLike;
    }
  | {
      /** Any connection adapter, e.g. `prismaSqlConnection(prisma)`. */
      readonly connection: SqlConnection;
    }
);

/**
 * A {@link KeyStore} in a MySQL (8.0+) or MariaDB (10.3+) table, default `fieldseal_keys`.
 * Call `migrate()` once, or run `keyTableSql('mysql')` in your own migrations.
 *
 * @example
 * ```ts
 * import * as mariadb from 'mariadb';
 * const store = mysqlKeyStore({ pool: mariadb.createPool(url) });
 * // or: import mysql from 'mysql2/promise'; mysqlKeyStore({ pool: mysql.createPool(url) })
 * await store.migrate();
 * ```
 */
export function mysqlKeyStore(options: MysqlKeyStoreOptions): KeyStore {
  const timeoutMs = checkTimeoutMs(options.timeoutMs);
  const dialect = sqlDialect('mysql', { table: options.table });
  const connection = 'connection' in options ? options.connection : mysqlPoolConnection(options.pool);
  return sqlKeyStore(connection, dialect, timeoutMs);
}

/** Which driver a pool belongs to. */
export type MysqlDriver = 'mariadb' | 'mysql2';

/**
 * Tells the drivers apart: a `mariadb` pool has `totalConnections()`, a `mysql2/promise`
 * pool wraps its callback pool in `.pool`. They differ in what `query` resolves to (rows, or
 * `[rows, fields]`).
 */
export function mysqlDriverOf(pool: MysqlPoolLike): MysqlDriver {
  const shape = pool as { totalConnections?: unknown; pool?: unknown; promise?: unknown };
  if (typeof shape.totalConnections === 'function') return 'mariadb';
  if (typeof shape.pool === 'object' && shape.pool !== null) return 'mysql2';
  const hint = typeof shape.promise === 'function' ? ' (for mysql2, pass pool.promise() or a pool from mysql2/promise)' : '';
  throw new ConfigurationError(`mysqlKeyStore needs a mariadb pool or a mysql2/promise pool${hint}`);
}

/** A {@link SqlConnection} over a `mariadb` or `mysql2/promise` pool. */
export function mysqlPoolConnection(pool: MysqlPoolLike): SqlConnection {
  const driver = mysqlDriverOf(pool);
  const run = async (target: { query(sql: string, values?: unknown): Promise<unknown> }, statement: SqlStatement): Promise<SqlResult> => {
    const result = await target.query(statement.sql, [...statement.params]);
    return mysqlResult(driver === 'mysql2' ? (result as unknown[])[0] : result);
  };
  return {
    query: (statement) => run(pool, statement),
    async transaction<T>(script: () => SqlScript<T>, { signal }: SqlCallOptions): Promise<T> {
      const conn = await pool.getConnection();
      let destroyed = false;
      const destroy = (): void => {
        if (destroyed) return;
        destroyed = true;
        conn.destroy();
      };
      signal.addEventListener('abort', destroy, { once: true });
      try {
        signal.throwIfAborted();
        await conn.beginTransaction();
        const result = await runScript(script(), (statement) => run(conn, statement), signal);
        await conn.commit();
        return result;
      } catch (error) {
        if (!destroyed) await conn.rollback().catch(destroy);
        throw error;
      } finally {
        signal.removeEventListener('abort', destroy);
        if (!destroyed) await Promise.resolve(conn.release()).catch(() => undefined);
      }
    },
  };
}
