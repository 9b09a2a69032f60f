/**
 * TypeORM data sources on the test databases (a SQLite file, a PostgreSQL server, a
 * MariaDB database), initialized, for the tests of `typeormSqlConnection` and
 * `typeormRowSource`. The caller destroys them.
 */
import { DataSource, type EntitySchema } from 'typeorm';
import { mariadbConfigFrom } from '../support/database-servers.js';
import { mariadbUrl, postgresUrl } from '../support/databases.js';

/** What a test's data source holds. */
export interface DataSourceExtras {
  /** Entities (classes or schemas) of the data source. */
  readonly entities?: readonly (EntitySchema | (new () => object))[];
  /** Connections of the pool (PostgreSQL, MariaDB). */
  readonly poolSize?: number;
}

/** A better-sqlite3 data source on `file`, in WAL mode with a busy timeout. */
export function typeormSqlite(file: string, extras: DataSourceExtras = {}): Promise<DataSource> {
  return new DataSource({
    type: 'better-sqlite3',
    database: file,
    enableWAL: true,
    timeout: 2000,
    entities: [...(extras.entities ?? [])],
  }).initialize();
}

/** A PostgreSQL data source on the test server (entities default to `schema`). */
export function typeormPostgres(schema: string, extras: DataSourceExtras = {}): Promise<DataSource> {
  return new DataSource({
    type: 'postgres',
    url: postgresUrl,
    schema,
    poolSize: extras.poolSize ?? 10,
    entities: [...(extras.entities ?? [])],
  }).initialize();
}

/** A MariaDB data source (TypeORM's mysql2 driver) on `database` of the test server. */
export function typeormMariadb(database: string, extras: DataSourceExtras = {}): Promise<DataSource> {
  const config = mariadbConfigFrom(mariadbUrl, database);
  return new DataSource({
    type: 'mariadb',
    host: config.host,
    port: config.port,
    username: config.user,
    password: config.password,
    database,
    poolSize: extras.poolSize ?? 10,
    entities: [...(extras.entities ?? [])],
  }).initialize();
}
