/**
 * The key store contract over Prisma clients (the generated clients of this repository with
 * their driver adapters): `prismaSqlConnection(prisma)` as the connection of the
 * PostgreSQL, MySQL/MariaDB and SQLite stores.
 */
import { join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { PrismaClient as MysqlClient } from '../../../prisma/generated/mysql/client.js';
import { PrismaClient as PostgresClient } from '../../../prisma/generated/postgresql/client.js';
import { PrismaClient as SqliteClient } from '../../../prisma/generated/sqlite/client.js';
import { mysqlKeyStore } from '../../../src/keys/store/mysql-key-store.js';
import { postgresKeyStore } from '../../../src/keys/store/postgres-key-store.js';
import { prismaSqlConnection } from '../../../src/keys/store/prisma-sql-connection.js';
import { sqliteKeyStore } from '../../../src/keys/store/sqlite-key-store.js';
import { runKeyStoreContract } from '../../../src/testing/key-store-contract.js';
import { unavailableReason } from '../../support/databases.js';
import { mariadbUrl, postgresUrl, privateMariadb, privateSchema, randomName, sqlSubject, tempDir, type PrivateDatabase, type PrivateSchema } from './support.js';

const test = { describe, it };

describe('prisma on sqlite', () => {
  const temp = tempDir();
  const prisma = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: `file:${join(temp.dir, `${randomName('keys')}.db`)}` }) });
  afterAll(async () => {
    await prisma.$disconnect();
    temp.remove();
  });
  const connection = prismaSqlConnection(prisma);
  runKeyStoreContract(
    'sqlite over prisma',
    () =>
      sqlSubject(
        (table) => sqliteKeyStore({ connection, table }),
        (table, id, column, value) => prisma.$executeRawUnsafe(`UPDATE "${table}" SET ${column} = ? WHERE id = ?`, value, id),
      ),
    { test },
  );
});

const postgresReason = await unavailableReason('postgresql');
describe.skipIf(postgresReason !== undefined)(postgresReason ?? 'prisma on postgresql', () => {
  let db: PrivateSchema;
  let prisma: PostgresClient;
  beforeAll(async () => {
    db = await privateSchema('prisma', 2);
    prisma = new PostgresClient({ adapter: new PrismaPg({ connectionString: postgresUrl, max: 10 }) });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });
  runKeyStoreContract(
    'postgres over prisma',
    () =>
      sqlSubject(
        (table) => postgresKeyStore({ connection: prismaSqlConnection(prisma), schema: db.schema, table }),
        (table, id, column, value) => db.pool.query(`UPDATE "${db.schema}"."${table}" SET ${column} = $1 WHERE id = $2`, [value, id]),
      ),
    { test },
  );
});

const mysqlReason = await unavailableReason('mysql');
describe.skipIf(mysqlReason !== undefined)(mysqlReason ?? 'prisma on mariadb', () => {
  let db: PrivateDatabase;
  let prisma: MysqlClient;
  beforeAll(async () => {
    db = await privateMariadb('prisma');
    const url = new URL(mariadbUrl);
    url.pathname = `/${db.database}`;
    url.searchParams.set('connectionLimit', '10');
    prisma = new MysqlClient({ adapter: new PrismaMariaDb(url.toString()) });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });
  runKeyStoreContract(
    'mysql over prisma',
    () =>
      sqlSubject(
        (table) => mysqlKeyStore({ connection: prismaSqlConnection(prisma), table }),
        (table, id, column, value) => prisma.$executeRawUnsafe(`UPDATE \`${table}\` SET ${column} = ? WHERE id = ?`, value, id),
      ),
    { test },
  );
});
