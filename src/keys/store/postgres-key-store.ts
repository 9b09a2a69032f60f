/**
 * The PostgreSQL key store, over the application's own `pg` Pool or Client (fieldseal
 * imports no driver), or over any {@link SqlConnection} (for example
 * `prismaSqlConnection(prisma)`).
 *
 * With a Pool, each transaction takes a client of its own (`pool.connect()`), and a
 * transaction that reaches the time limit loses its connection (the server rolls it
 * back). With a single Client, the store's calls take turns on it, and the server-side
 * `lock_timeout`/`statement_timeout` the store sets for each transaction
 * (`SET LOCAL`, so the session's own settings are untouched) end a stalled one.
 *
 * @module
 */
import type { KeyStore } from './key-store.js';
import { runScript, type SqlCallOptions, type SqlConnection, type SqlResult, type SqlRow, type SqlScript, type SqlStatement } from './sql-connection.js';
import { sqlDialect, type KeyTableName } from './sql-dialect.js';
import { sqlKeyStore } from './sql-key-store.js';
import { checkTimeoutMs } from './store-call.js';
import { TurnQueue } from './turn-queue.js';

/** The part of a `pg` query result the store reads. */
export interface PgQueryResultLike {
  readonly rows: readonly unknown[];
  readonly rowCount: number | null;
}

/** What the store needs of a `pg` Client (or of a client checked out of a Pool). */
export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<PgQueryResultLike>;
}

/** What the store needs of a `pg` Pool. */
export interface PgPoolLike extends PgClientLike {
  connect(): Promise<PgPoolClientLike>;
  /** Present on every `pg` Pool: how the store tells a Pool from a Client. */
  readonly totalCount: number;
}

/** A client checked out of a `pg` Pool. */
export interface PgPoolClientLike extends PgClientLike {
  /** Returns the client to the pool; with an error, closes it instead. */
  release(error?: Error | boolean): void;
}

/** Options of {@link postgresKeyStore}. */
export type PostgresKeyStoreOptions = KeyTableName & {
  /** Time limit of each call in milliseconds (default 5000); a call that takes longer fails with a `KeyStoreError` and writes nothing. */
  readonly timeoutMs?: number;
} & (
    | {
        /** A `pg` Pool (recommended) or Client; duck-typed, fieldseal does not import `pg`. */
        readonly client: PgClientLike | PgPoolLike;
      }
    | {
        /** Any connection adapter, e.g. `prismaSqlConnection(prisma)`. */
        readonly connection: SqlConnection;
      }
  );

/**
 * A {@link KeyStore} in a PostgreSQL table (default `fieldseal_keys`, in `schema` or the
 * connection's `search_path`). Call `migrate()` once, or run `keyTableSql('postgres')`
 * in your own migrations.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const store = postgresKeyStore({ client: new pg.Pool({ connectionString }), schema: 'app' });
 * await store.migrate();
 * ```
 */
export function postgresKeyStore(options: PostgresKeyStoreOptions): KeyStore {
  const timeoutMs = checkTimeoutMs(options.timeoutMs);
  const dialect = sqlDialect('postgres', options);
  const connection = 'connection' in options ? options.connection : pgConnection(options.client);
  return sqlKeyStore(connection, dialect, timeoutMs);
}

/** A {@link SqlConnection} over a `pg` Pool or Client. */
export function pgConnection(client: PgClientLike | PgPoolLike): SqlConnection {
  return isPool(client) ? poolConnection(client) : singleClientConnection(client);
}

function isPool(client: PgClientLike | PgPoolLike): client is PgPoolLike {
  const candidate = client as Partial<PgPoolLike>;
  return typeof candidate.connect === 'function' && typeof candidate.totalCount === 'number';
}

async function run(client: PgClientLike, statement: SqlStatement): Promise<SqlResult> {
  const result = await client.query(statement.sql, [...statement.params]);
  return statement.returnsRows ? { rows: result.rows as SqlRow[], affected: 0 } : { rows: [], affected: result.rowCount ?? 0 };
}

function poolConnection(pool: PgPoolLike): SqlConnection {
  return {
    query: (statement) => run(pool, statement),
    async transaction<T>(script: () => SqlScript<T>, { signal }: SqlCallOptions): Promise<T> {
      const client = await pool.connect();
      let closed = false;
      const close = (): void => {
        if (closed) return;
        closed = true;
        // With an error, pg closes the connection; the server then rolls the transaction back.
        client.release(new Error('fieldseal key store: transaction abandoned'));
      };
      signal.addEventListener('abort', close, { once: true });
      try {
        signal.throwIfAborted();
        await client.query('BEGIN');
        const result = await runScript(script(), (statement) => run(client, statement), signal);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        if (!closed) await client.query('ROLLBACK').catch(close);
        throw error;
      } finally {
        signal.removeEventListener('abort', close);
        if (!closed) {
          closed = true;
          client.release();
        }
      }
    },
  };
}

/** The turns of each single Client, shared by every store on it (one transaction at a time on a connection). */
const clientTurns = new WeakMap<PgClientLike, TurnQueue>();

function singleClientConnection(client: PgClientLike): SqlConnection {
  let turns = clientTurns.get(client);
  if (turns === undefined) {
    turns = new TurnQueue();
    clientTurns.set(client, turns);
  }
  const queue = turns;
  return {
    query: (statement, { signal }) =>
      queue.run(() => {
        signal.throwIfAborted();
        return run(client, statement);
      }),
    transaction: <T>(script: () => SqlScript<T>, { signal }: SqlCallOptions) =>
      queue.run(async () => {
        signal.throwIfAborted();
        await client.query('BEGIN');
        try {
          // A stalled statement ends at the server-side time limit set by the script's first statement.
          const result = await runScript(script(), (statement) => run(client, statement), signal);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
  };
}
