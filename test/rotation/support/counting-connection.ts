/** A SqlConnection that counts the statements it runs, to show how many round trips a call takes. */
import type { SqlConnection, SqlResult, SqlScript, SqlStatement } from '../../../src/keys/store/sql-connection.js';

/** `connection`, with `statements` listing every statement run through it (queries and transaction bodies). */
export function countingConnection(connection: SqlConnection): SqlConnection & { readonly statements: SqlStatement[] } {
  const statements: SqlStatement[] = [];
  return {
    statements,
    query(statement, options) {
      statements.push(statement);
      return connection.query(statement, options);
    },
    transaction<T>(script: () => SqlScript<T>, options: Parameters<SqlConnection['transaction']>[1]) {
      return connection.transaction(function* (): SqlScript<T> {
        const body = script();
        let step = body.next();
        while (step.done !== true) {
          statements.push(step.value);
          const result: SqlResult = yield step.value;
          step = body.next(result);
        }
        return step.value;
      }, options);
    },
  };
}
