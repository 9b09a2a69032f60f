/**
 * A Prisma client as the connection of a SQL key store, so the key table lives in the
 * application's database without a second connection pool:
 * `postgresKeyStore({ connection: prismaSqlConnection(prisma) })` (likewise
 * `mysqlKeyStore`, `sqliteKeyStore`, matching the client's provider). It uses Prisma's raw
 * queries and interactive transactions; the key table is not a Prisma model (create it with
 * `migrate()`, or put `keyTableSql(...)` in a migration).
 *
 * @module
 */
import { runScript, type SqlCallOptions, type SqlConnection, type SqlResult, type SqlRow, type SqlScript, type SqlStatement } from './sql-connection.js';

/** Prisma's raw query methods (on the client and on an interactive transaction). */
export interface PrismaRawQueries {
  $queryRawUnsafe(query: string, ...values: unknown[]): PromiseLike<unknown>;
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
}

/** What the adapter needs of a Prisma client (extended clients included). */
export interface PrismaClientLike extends PrismaRawQueries {
  $transaction<R>(body: (tx: PrismaRawQueries) => Promise<R>, options?: { maxWait?: number; timeout?: number }): Promise<R>;
}

/**
 * A {@link SqlConnection} over a Prisma client. A transaction runs as an interactive
 * transaction with the call's remaining time as both `maxWait` and `timeout`: Prisma rolls
 * it back when that runs out.
 */
export function prismaSqlConnection(prisma: PrismaClientLike): SqlConnection {
  const run = async (target: PrismaRawQueries, statement: SqlStatement): Promise<SqlResult> => {
    if (statement.returnsRows) return { rows: (await target.$queryRawUnsafe(statement.sql, ...statement.params)) as SqlRow[], affected: 0 };
    return { rows: [], affected: await target.$executeRawUnsafe(statement.sql, ...statement.params) };
  };
  return {
    query: (statement) => run(prisma, statement),
    transaction: <T>(script: () => SqlScript<T>, { signal, timeoutMs }: SqlCallOptions) =>
      prisma.$transaction((tx) => runScript(script(), (statement) => run(tx, statement), signal), { maxWait: timeoutMs, timeout: timeoutMs }),
  };
}
