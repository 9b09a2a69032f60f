/**
 * The database connections of the `fieldseal` command, made from a config's
 * `{ type, path | url | urlEnv }`. fieldseal depends on no database driver: the command
 * loads the application's own (`better-sqlite3`, `pg`, `mariadb` or `mysql2`) at run time,
 * resolved from the config file's folder, and says which package to install when it is
 * missing. URLs are never printed (they may hold a password).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { ConfigurationError } from '../errors.js';
import type { PgPoolLike } from '../keys/store/postgres-key-store.js';
import type { MysqlPoolLike } from '../keys/store/mysql-key-store.js';
import type { SqliteDatabaseLike } from '../keys/store/sqlite-key-store.js';
import { importFrom, type DatabaseConfig, type UrlSource } from './config.js';

/** An open database, with the driver object the stores and row sources take. */
export type Database =
  | { readonly type: 'sqlite'; readonly driver: SqliteDatabaseLike & { close(): unknown }; close(): Promise<void> }
  | { readonly type: 'postgres'; readonly driver: PgPoolLike & { end(): Promise<void> }; close(): Promise<void> }
  | { readonly type: 'mysql'; readonly driver: MysqlPoolLike & { end(): Promise<void> }; close(): Promise<void> };

/** Where a database is described in messages: the config property, e.g. `store` or `database`. */
type Origin = string;

/** Loads a driver package as resolved from a folder; `undefined` when it is not installed. */
export type DriverLoader = <T>(name: string, fromDir: string) => Promise<T | undefined>;

/**
 * Opens the database of `spec`. `poolSize` bounds the connections of a PostgreSQL or MySQL
 * pool (a job's workers plus one). `configDir` is where drivers are resolved from.
 */
export async function openDatabase(spec: DatabaseConfig, origin: Origin, env: NodeJS.ProcessEnv, configDir: string, poolSize = 4, load: DriverLoader = importFrom): Promise<Database> {
  switch (spec.type) {
    case 'sqlite': {
      if (!existsSync(dirname(spec.path))) throw new ConfigurationError(`${origin}.path: folder ${dirname(spec.path)} does not exist`);
      // A mistyped path must not silently become a new, empty key store or table set.
      if (!spec.create && !existsSync(spec.path)) {
        throw new ConfigurationError(`${origin}.path: no SQLite database at ${spec.path}; check the path, or set "create": true to create it`);
      }
      const module = await loadDriver<{ default?: new (path: string) => SqliteDatabaseLike & { close(): unknown } }>(load, 'better-sqlite3', origin, 'sqlite', configDir);
      const Sqlite = module.default as new (path: string) => SqliteDatabaseLike & { close(): unknown };
      const driver = new Sqlite(spec.path);
      return { type: 'sqlite', driver, close: async () => void driver.close() };
    }
    case 'postgres': {
      const url = resolveUrl(spec.url, origin, env);
      const module = await loadDriver<{ default?: { Pool: PgPoolConstructor }; Pool?: PgPoolConstructor }>(load, 'pg', origin, 'postgres', configDir);
      const Pool = (module.Pool ?? module.default?.Pool) as PgPoolConstructor;
      const driver = new Pool({ connectionString: url, max: poolSize });
      // An idle connection that breaks emits 'error' on the pool; the next query reports it instead.
      driver.on('error', () => undefined);
      return { type: 'postgres', driver, close: () => driver.end() };
    }
    case 'mysql': {
      const url = resolveUrl(spec.url, origin, env);
      const mariadb = await load<{ default?: { createPool: MysqlPoolFactory }; createPool?: MysqlPoolFactory }>('mariadb', configDir);
      if (mariadb !== undefined) {
        const createPool = (mariadb.createPool ?? mariadb.default?.createPool) as MysqlPoolFactory;
        // mariadb reads only mariadb:// URLs; the rest of the URL is the same.
        const driver = createPool(withConnectionLimit(url.replace(/^mysql:/, 'mariadb:'), poolSize));
        return { type: 'mysql', driver, close: () => driver.end() };
      }
      const mysql2 = await load<{ default?: { createPool: (url: string) => MysqlPoolLike & { end(): Promise<void> } }; createPool?: (url: string) => MysqlPoolLike & { end(): Promise<void> } }>('mysql2/promise', configDir);
      if (mysql2 === undefined) throw new ConfigurationError(`${origin}.type 'mysql' needs a MySQL driver: npm install mariadb (or mysql2)`);
      const createPool = (mysql2.createPool ?? mysql2.default?.createPool) as (url: string) => MysqlPoolLike & { end(): Promise<void> };
      const driver = createPool(url.replace(/^mariadb:/, 'mysql:'));
      return { type: 'mysql', driver, close: () => driver.end() };
    }
  }
}

type PgPoolConstructor = new (options: { connectionString: string; max: number }) => PgPoolLike & { end(): Promise<void>; on(event: 'error', listener: () => void): unknown };

type MysqlPoolFactory = (url: string) => MysqlPoolLike & { end(): Promise<void> };

/** The URL with `connectionLimit` (mariadb's pool size, which it also keeps open) unless the URL sets one. */
function withConnectionLimit(url: string, poolSize: number): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // the driver reports the malformed URL (without echoing it, unlike URL's error)
  }
  if (!parsed.searchParams.has('connectionLimit')) parsed.searchParams.set('connectionLimit', String(poolSize));
  return parsed.href;
}

async function loadDriver<T>(load: DriverLoader, name: string, origin: Origin, type: string, configDir: string): Promise<T> {
  const module = await load<T>(name, configDir);
  if (module === undefined) throw new ConfigurationError(`${origin}.type '${type}' needs the ${name} package: npm install ${name}`);
  return module;
}

function resolveUrl(source: UrlSource, origin: Origin, env: NodeJS.ProcessEnv): string {
  if ('value' in source) return source.value;
  const url = env[source.env];
  if (url === undefined || url === '') throw new ConfigurationError(`${origin}.urlEnv: the environment variable ${source.env} is not set`);
  return url;
}

/** A database's name in messages: its type and file name, or its type alone (a URL may hold a password). */
export function describeDatabase(spec: DatabaseConfig): string {
  return spec.type === 'sqlite' ? `sqlite:${basename(spec.path)}` : spec.type;
}
