/**
 * A TypeORM `DataSource` as the connection of a SQL key store, a SQL row source or the job
 * checkpoints, so they live in the application's database on TypeORM's own connection pool:
 * `postgresKeyStore({ connection: typeormSqlConnection(dataSource) })` (likewise
 * `mysqlKeyStore`, `sqliteKeyStore`, `postgresRowSource`, ... matching the data source's
 * `type`). The key table is not an entity (create it with `migrate()`, or put
 * `keyTableSql(...)` in a migration).
 *
 * - PostgreSQL (`type: 'postgres'`) and MySQL/MariaDB (`'mysql'`, `'mariadb'`): every call
 *   takes a query runner of its own on the master connection and runs raw statements on it
 *   (`BEGIN` ... `COMMIT` for a transaction), so no entity listener or subscriber event
 *   fires and the data source's default isolation level does not apply. A transaction that
 *   runs out of time loses its connection (TypeORM's release with an error on PostgreSQL,
 *   `destroy()` on MySQL): the server rolls it back.
 * - SQLite (`'better-sqlite3'`): TypeORM keeps one connection; a transaction runs whole on
 *   it, synchronously and `BEGIN IMMEDIATE`, as with `betterSqlite3Connection`, once no
 *   transaction of the application is open on it (an application transaction awaits between
 *   its statements: the store's statements never land inside it).
 *
 * Statements go through the query runner, so the data source's logger sees them (with their
 * parameters if it logs those: sealed values and wrapped keys, never a plaintext or a key).
 * fieldseal does not import TypeORM: the data source is duck-typed.
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigurationError } from '../../errors.js';
import { runScript, type SqlCallOptions, type SqlConnection, type SqlResult, type SqlRow, type SqlScript, type SqlStatement } from './sql-connection.js';
import type { SqlDialectName } from './sql-identifier.js';
import { betterSqlite3Connection, type SqliteDatabaseLike } from './sqlite-key-store.js';

/** The part of TypeORM's `QueryResult` the connection reads. */
export interface TypeormQueryResultLike {
  readonly records: readonly unknown[];
  readonly affected?: number | null;
}

/** What the connection needs of a TypeORM `QueryRunner`. */
export interface TypeormQueryRunnerLike {
  /** Checks a connection out of the pool (on SQLite: the one connection); resolves to the driver's connection. */
  connect(): Promise<unknown>;
  query(query: string, parameters: unknown[] | undefined, useStructuredResult: true): Promise<TypeormQueryResultLike>;
  /** Returns the connection to the pool. */
  release(): Promise<void>;
}

/** What the connection needs of a TypeORM `DataSource` (initialized). */
export interface TypeormDataSourceLike {
  readonly options: { readonly type: string };
  createQueryRunner(mode?: 'master' | 'slave'): TypeormQueryRunnerLike;
}

/** A {@link SqlConnection} over a TypeORM data source, with the SQL family it speaks. */
export interface TypeormSqlConnection extends SqlConnection {
  /** The dialect of the data source's `type`: give it to `sqlRowSource`, or pick the store by it. */
  readonly dialect: SqlDialectName;
}

const DIALECTS: Readonly<Record<string, SqlDialectName>> = {
  postgres: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  'better-sqlite3': 'sqlite',
};

/**
 * The dialect of a TypeORM data source (`options.type`). Throws `ConfigurationError` for a
 * type fieldseal has no SQL for (PostgreSQL, MySQL/MariaDB and better-sqlite3 it has).
 */
export function typeormSqlDialect(dataSource: TypeormDataSourceLike): SqlDialectName {
  const type = (dataSource as Partial<TypeormDataSourceLike> | null)?.options?.type;
  if (typeof dataSource?.createQueryRunner !== 'function' || typeof type !== 'string') throw new ConfigurationError('typeormSqlConnection needs a TypeORM DataSource');
  const dialect = Object.hasOwn(DIALECTS, type) ? DIALECTS[type] : undefined;
  if (dialect === undefined) throw new ConfigurationError(`typeormSqlConnection: data source type '${type}' is not supported (postgres, mysql, mariadb and better-sqlite3 are)`);
  return dialect;
}

/**
 * A {@link SqlConnection} over a TypeORM `DataSource` (initialized before the first call).
 * Throws `ConfigurationError` for an unsupported `type`.
 *
 * @example
 * ```ts
 * const dataSource = await new DataSource({ type: 'postgres', url, entities: [User] }).initialize();
 * const store = postgresKeyStore({ connection: typeormSqlConnection(dataSource), schema: 'app' });
 * await store.migrate();
 * ```
 */
export function typeormSqlConnection(dataSource: TypeormDataSourceLike): TypeormSqlConnection {
  const dialect = typeormSqlDialect(dataSource);
  if (dialect === 'sqlite') return { dialect, ...sqliteConnection(dataSource) };
  return { dialect, ...pooledConnection(dataSource, dialect) };
}

function toResult(result: TypeormQueryResultLike, statement: SqlStatement): SqlResult {
  if (statement.returnsRows) return { rows: [...result.records] as SqlRow[], affected: 0 };
  return { rows: [], affected: typeof result.affected === 'number' ? result.affected : 0 };
}

function run(runner: TypeormQueryRunnerLike, statement: SqlStatement): Promise<SqlResult> {
  return runner.query(statement.sql, [...statement.params], true).then((result) => toResult(result, statement));
}

/** PostgreSQL and MySQL: a query runner (a pooled connection) per call. */
function pooledConnection(dataSource: TypeormDataSourceLike, dialect: 'postgres' | 'mysql'): SqlConnection {
  return {
    async query(statement, { signal }) {
      const runner = dataSource.createQueryRunner('master');
      try {
        signal.throwIfAborted();
        return await run(runner, statement);
      } finally {
        await runner.release();
      }
    },
    async transaction<T>(script: () => SqlScript<T>, { signal }: SqlCallOptions): Promise<T> {
      const runner = dataSource.createQueryRunner('master');
      let abandoned = false;
      const abandon = (): void => {
        if (abandoned) return;
        abandoned = true;
        dropConnection(dataSource, runner, dialect);
      };
      try {
        await runner.connect();
        signal.throwIfAborted();
        signal.addEventListener('abort', abandon, { once: true });
        await runner.query(dialect === 'mysql' ? 'START TRANSACTION' : 'BEGIN', [], true);
        const result = await runScript(script(), (statement) => run(runner, statement), signal);
        await runner.query('COMMIT', [], true);
        return result;
      } catch (error) {
        if (!abandoned) await runner.query('ROLLBACK', [], true).catch(abandon);
        throw error;
      } finally {
        signal.removeEventListener('abort', abandon);
        // After a drop, TypeORM's release is a no-op (PostgreSQL) or releases nothing (MySQL).
        await runner.release().catch(() => undefined);
      }
    },
  };
}

/**
 * Closes the query runner's connection instead of returning it to the pool, so the server
 * rolls its transaction back and nothing waits on it for fieldseal. On MySQL the server
 * thread is killed too (from another connection): a statement waiting for a lock would
 * otherwise go on, and take the lock, until the server notices the closed socket.
 */
function dropConnection(dataSource: TypeormDataSourceLike, runner: TypeormQueryRunnerLike, dialect: 'postgres' | 'mysql'): void {
  const shape = runner as { releasePostgresConnection?: unknown; databaseConnection?: { destroy?: unknown; threadId?: unknown } | null };
  if (dialect === 'postgres' && typeof shape.releasePostgresConnection === 'function') {
    // pg-pool closes a client released with an error.
    void Promise.resolve((shape.releasePostgresConnection as (error: Error) => unknown).call(runner, new Error('fieldseal: transaction abandoned'))).catch(() => undefined);
    return;
  }
  const connection = shape.databaseConnection;
  if (connection === null || connection === undefined || typeof connection.destroy !== 'function') return;
  const { threadId } = connection;
  (connection.destroy as () => void).call(connection);
  if (dialect === 'mysql' && typeof threadId === 'number' && Number.isSafeInteger(threadId) && threadId > 0) {
    const killer = dataSource.createQueryRunner('master');
    void killer
      .query(`KILL ${threadId}`, [], true)
      .catch(() => undefined) // already gone
      .finally(() => killer.release().catch(() => undefined));
  }
}

/** How long to wait between looks at an application transaction that holds the SQLite connection. */
const SQLITE_IDLE_POLL_MS = 2;

/** better-sqlite3: TypeORM's one connection, used synchronously once no transaction is open on it. */
function sqliteConnection(dataSource: TypeormDataSourceLike): SqlConnection {
  let opened: Promise<{ database: SqliteDatabaseLike; connection: SqlConnection }> | undefined;
  const open = () => {
    opened ??= dataSource
      .createQueryRunner()
      .connect()
      .then((database) => {
        const candidate = database as Partial<SqliteDatabaseLike> | null;
        if (typeof candidate?.prepare !== 'function' || typeof candidate.exec !== 'function') throw new ConfigurationError('typeormSqlConnection: the better-sqlite3 data source gave no better-sqlite3 Database');
        return { database: database as SqliteDatabaseLike, connection: betterSqlite3Connection(database as SqliteDatabaseLike) };
      });
    opened.catch(() => (opened = undefined));
    return opened;
  };
  /**
   * Runs `body` once no transaction is open on the connection. The look and the call are in
   * one synchronous stretch, and `body` (better-sqlite3) runs whole before it returns: nothing
   * can open a transaction in between.
   */
  const whenIdle = async <T>(signal: AbortSignal, body: (connection: SqlConnection) => Promise<T>): Promise<T> => {
    let { database, connection } = await open();
    // A data source destroyed and initialized again has a new Database.
    if ((database as { open?: unknown }).open === false) {
      opened = undefined;
      ({ database, connection } = await open());
    }
    while (database.inTransaction) {
      signal.throwIfAborted();
      await sleep(SQLITE_IDLE_POLL_MS);
    }
    return body(connection);
  };
  return {
    query: (statement, options) => whenIdle(options.signal, (connection) => connection.query(statement, options)),
    transaction: <T>(script: () => SqlScript<T>, options: SqlCallOptions) => whenIdle(options.signal, (connection) => connection.transaction(script, options)),
  };
}
