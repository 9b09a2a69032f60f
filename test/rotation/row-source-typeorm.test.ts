/**
 * The row source contract over TypeORM data sources: `typeormSqlConnection(dataSource)` as
 * the connection of the PostgreSQL, MySQL/MariaDB and SQLite row sources. The tables are
 * not entities: the sources run raw statements on TypeORM's connections. Application writes
 * go through a connection of their own.
 */
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { typeormSqlConnection } from '../../src/keys/store/typeorm-sql-connection.js';
import { mysqlRowSource, postgresRowSource, sqliteRowSource } from '../../src/rotation/sql-row-source.js';
import { runRowSourceContract } from '../../src/testing/row-source-contract.js';
import { unavailableReason } from '../support/databases.js';
import { typeormMariadb, typeormPostgres, typeormSqlite } from './row-source-typeorm-support.js';
import { mariadbTables, postgresTables, sqliteTables } from './support/sql-tables.js';

const test = { describe, it };
const PREFIX = 'tormrs_rows';

describe('typeorm on sqlite (better-sqlite3)', () => {
  let tables: ReturnType<typeof sqliteTables>;
  let dataSource: DataSource;
  beforeAll(async () => {
    tables = sqliteTables();
    dataSource = await typeormSqlite(tables.file);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await tables?.close();
  });
  runRowSourceContract(
    'sqlite over typeorm',
    () => tables.subject((table, keyColumn) => sqliteRowSource({ connection: typeormSqlConnection(dataSource), table, keyColumn }), PREFIX),
    { test },
  );
});

const postgresReason = await unavailableReason('postgresql');
describe.skipIf(postgresReason !== undefined)(postgresReason ?? 'typeorm on postgresql', () => {
  let tables: Awaited<ReturnType<typeof postgresTables>>;
  let dataSource: DataSource;
  beforeAll(async () => {
    tables = await postgresTables();
    dataSource = await typeormPostgres(tables.db.schema, { poolSize: 4 });
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await tables?.close();
  });
  runRowSourceContract(
    'postgres over typeorm',
    () => tables.subject((table, keyColumn) => postgresRowSource({ connection: typeormSqlConnection(dataSource), schema: tables.db.schema, table, keyColumn }), PREFIX),
    { test },
  );
});

const mysqlReason = await unavailableReason('mysql');
describe.skipIf(mysqlReason !== undefined)(mysqlReason ?? 'typeorm on mariadb', () => {
  let tables: Awaited<ReturnType<typeof mariadbTables>>;
  let dataSource: DataSource;
  beforeAll(async () => {
    tables = await mariadbTables();
    dataSource = await typeormMariadb(tables.db.database, { poolSize: 4 });
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await tables?.close();
  });
  runRowSourceContract('mysql over typeorm', () => tables.subject((table, keyColumn) => mysqlRowSource({ connection: typeormSqlConnection(dataSource), table, keyColumn }), PREFIX), {
    test,
  });
});
