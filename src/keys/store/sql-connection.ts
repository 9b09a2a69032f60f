/**
 * The one small interface the SQL key stores run on: run a statement, run a transaction.
 * Each driver (pg, mariadb, mysql2, better-sqlite3) and ORM (Prisma, TypeORM) has an
 * adapter to it; for another one (Knex, Drizzle...) implement it in a few lines, see
 * docs/key-stores.md.
 *
 * A transaction body is a generator of statements (an {@link SqlScript}) rather than an
 * async function: a synchronous driver (better-sqlite3) then runs the whole transaction
 * without yielding to the event loop, so no other statement of the application can slip
 * into it, and an asynchronous driver runs it with {@link runScript}.
 *
 * @module
 */

/** A statement parameter. Times are passed as text in the dialect's format. */
export type SqlValue = string | number | null;

/** A statement in the store's dialect, with positional parameters. */
export interface SqlStatement {
  readonly sql: string;
  readonly params: readonly SqlValue[];
  /** True for statements whose rows are wanted (SELECT); false for the others, whose affected-row count is. */
  readonly returnsRows: boolean;
}

/** A result row: column name to value, as the driver returns it. */
export type SqlRow = Readonly<Record<string, unknown>>;

/** What a statement returned. */
export interface SqlResult {
  /** The rows of a statement with `returnsRows`; empty otherwise. */
  readonly rows: readonly SqlRow[];
  /** Rows inserted, updated or deleted (matched, for an UPDATE); 0 for a SELECT. */
  readonly affected: number;
}

/**
 * A transaction body: yields statements and receives their results, returns the
 * transaction's result; throwing rolls the transaction back. May run again (a retry after
 * a deadlock or a busy database), so it must not have effects outside the database.
 */
export type SqlScript<T> = Generator<SqlStatement, T, SqlResult>;

/** The time limit of one call. */
export interface SqlCallOptions {
  /**
   * Aborted when the store's `timeoutMs` has passed; the store has then already failed the
   * call. An adapter must not commit after it fires, and should give up the connection
   * (destroy it, or roll back) so that nothing waits on the database on the store's behalf.
   */
  readonly signal: AbortSignal;
  /** Milliseconds left before `signal` fires, for server-side timeouts. */
  readonly timeoutMs: number;
}

/** What the SQL key stores need from a database connection. */
export interface SqlConnection {
  /** Runs one statement outside any transaction (the stores use it for reads). */
  query(statement: SqlStatement, options: SqlCallOptions): Promise<SqlResult>;
  /** Runs `script()` in one transaction: all its statements commit together, or none does. */
  transaction<T>(script: () => SqlScript<T>, options: SqlCallOptions): Promise<T>;
}

/**
 * Drives a script with an asynchronous `run`, for adapters of asynchronous drivers: stops
 * with the signal's reason once it fires (the caller then rolls back).
 */
export async function runScript<T>(script: SqlScript<T>, run: (statement: SqlStatement) => Promise<SqlResult>, signal: AbortSignal): Promise<T> {
  let step = script.next();
  while (step.done !== true) {
    signal.throwIfAborted();
    step = script.next(await run(step.value));
  }
  signal.throwIfAborted();
  return step.value;
}

/** Drives a script with a synchronous `run` (better-sqlite3): the transaction never yields to the event loop. */
export function runScriptSync<T>(script: SqlScript<T>, run: (statement: SqlStatement) => SqlResult): T {
  let step = script.next();
  while (step.done !== true) step = script.next(run(step.value));
  return step.value;
}

/** Normalises a MySQL-family result (a rows array, or an OK packet with `affectedRows`). */
export function mysqlResult(result: unknown): SqlResult {
  if (Array.isArray(result)) return { rows: result as SqlRow[], affected: 0 };
  const affected = (result as { affectedRows?: unknown } | null)?.affectedRows;
  return { rows: [], affected: typeof affected === 'bigint' ? Number(affected) : typeof affected === 'number' ? affected : 0 };
}
