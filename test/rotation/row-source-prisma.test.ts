/**
 * The row source contract over Prisma clients (the generated clients of this repository
 * with their driver adapters): `prismaSqlConnection(prisma)` as the connection of the
 * PostgreSQL, MySQL/MariaDB and SQLite row sources. The tables are not Prisma models: the
 * sources use raw queries and interactive transactions only.
 */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { PrismaClient as MysqlClient } from '../../prisma/generated/mysql/client.js';
import { PrismaClient as PostgresClient } from '../../prisma/generated/postgresql/client.js';
import { PrismaClient as SqliteClient } from '../../prisma/generated/sqlite/client.js';
import { prismaSqlConnection } from '../../src/keys/store/prisma-sql-connection.js';
import { mysqlRowSource, postgresRowSource, sqliteRowSource } from '../../src/rotation/sql-row-source.js';
import { runRowSourceContract } from '../../src/testing/row-source-contract.js';
import { unavailableReason } from '../support/databases.js';
import { mariadbUrl, postgresUrl } from '../keys/store/support.js';
import { mariadbTables, postgresTables, sqliteTables } from './support/sql-tables.js';

const test = { describe, it };

describe('prisma on sqlite', () => {
  let tables: ReturnType<typeof sqliteTables>;
  let prisma: SqliteClient;
  beforeAll(() => {
    tables = sqliteTables();
    prisma = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: `file:${tables.file}` }) });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await tables?.close();
  });
  runRowSourceContract('sqlite over prisma', () => tables.subject((table, keyColumn) => sqliteRowSource({ connection: prismaSqlConnection(prisma), table, keyColumn })), { test });
});

const postgresReason = await unavailableReason('postgresql');
describe.skipIf(postgresReason !== undefined)(postgresReason ?? 'prisma on postgresql', () => {
  let tables: Awaited<ReturnType<typeof postgresTables>>;
  let prisma: PostgresClient;
  beforeAll(async () => {
    tables = await postgresTables();
    prisma = new PostgresClient({ adapter: new PrismaPg({ connectionString: postgresUrl, max: 4 }) });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await tables?.close();
  });
  runRowSourceContract(
    'postgres over prisma',
    () => tables.subject((table, keyColumn) => postgresRowSource({ connection: prismaSqlConnection(prisma), schema: tables.db.schema, table, keyColumn })),
    { test },
  );
});

const mysqlReason = await unavailableReason('mysql');
describe.skipIf(mysqlReason !== undefined)(mysqlReason ?? 'prisma on mariadb', () => {
  let tables: Awaited<ReturnType<typeof mariadbTables>>;
  let prisma: MysqlClient;
  beforeAll(async () => {
    tables = await mariadbTables();
    const url = new URL(mariadbUrl);
    url.pathname = `/${tables.db.database}`;
    url.searchParams.set('connectionLimit', '4');
    prisma = new MysqlClient({ adapter: new PrismaMariaDb(url.toString()) });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await tables?.close();
  });
  runRowSourceContract('mysql over prisma', () => tables.subject((table, keyColumn) => mysqlRowSource({ connection: prismaSqlConnection(prisma), table, keyColumn })), { test });
});
