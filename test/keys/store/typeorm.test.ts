/**
 * The key store contract over TypeORM data sources: `typeormSqlConnection(dataSource)` as
 * the connection of the SQLite (better-sqlite3), PostgreSQL and MySQL/MariaDB (mysql2)
 * stores; and what the connection does beside the application's own TypeORM transactions.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, KeyStoreError } from '../../../src/errors.js';
import type { KeyStore, NewKeyRecord } from '../../../src/keys/store/key-store.js';
import { mysqlKeyStore } from '../../../src/keys/store/mysql-key-store.js';
import { postgresKeyStore } from '../../../src/keys/store/postgres-key-store.js';
import { sqliteKeyStore } from '../../../src/keys/store/sqlite-key-store.js';
import { typeormSqlConnection, type TypeormDataSourceLike } from '../../../src/keys/store/typeorm-sql-connection.js';
import { runKeyStoreContract } from '../../../src/testing/key-store-contract.js';
import { unavailableReason } from '../../support/databases.js';
import { typeormMariadb, typeormPostgres, typeormSqlite } from '../../rotation/row-source-typeorm-support.js';
import { privateMariadb, privateSchema, randomName, sqlSubject, tempDir, type PrivateDatabase, type PrivateSchema } from './support.js';

const test = { describe, it };
/** Every table of this file starts with this. */
const table = (name: string): string => `tormrs_${name}`;

const newRecord = (id: string, primary = false): NewKeyRecord => ({ id, scope: 'default', purpose: 'data', parent: '0a0b0c0d', wrapped: randomBytes(40).toString('base64'), state: 'active', primary });
const randomId = (): string => randomBytes(4).toString('hex');

/**
 * Three rotations, each blocked by a row lock that `lock(id)` takes on another connection:
 * each fails at the store's time limit and writes nothing, then succeeds once the lock is
 * gone. On a pool of two, a connection kept by an abandoned transaction would stall the
 * next round.
 */
async function rotationsUnderLock(store: KeyStore, lock: (id: string) => Promise<() => Promise<unknown>>): Promise<void> {
  await store.migrate();
  let current = await store.insert(newRecord(randomId(), true));
  for (let round = 0; round < 3; round++) {
    const release = await lock(current.id);
    const blocked = newRecord(randomId(), true);
    const attempt = store.insert(blocked, { demote: { id: current.id, version: current.version } });
    await expect(attempt).rejects.toThrow(KeyStoreError);
    await expect(attempt).rejects.toThrow(/timed out after \d+ ms/);
    await release();
    const rotated = await store.insert(newRecord(randomId(), true), { demote: { id: current.id, version: current.version } });
    expect(await store.get(blocked.id)).toBeUndefined();
    expect((await store.get(current.id))?.version).toBe(current.version + 1);
    current = rotated;
  }
}

describe('typeorm on sqlite (better-sqlite3)', () => {
  const temp = tempDir();
  let dataSource: DataSource;
  beforeAll(async () => {
    dataSource = await typeormSqlite(join(temp.dir, `${randomName('tormrs')}.db`));
  });
  afterAll(async () => {
    await dataSource?.destroy();
    temp.remove();
  });
  runKeyStoreContract(
    'sqlite over typeorm',
    () =>
      sqlSubject(
        (name) => sqliteKeyStore({ connection: typeormSqlConnection(dataSource), table: table(name) }),
        (name, id, column, value) => dataSource.query(`UPDATE "${table(name)}" SET ${column} = ? WHERE id = ?`, [value, id]),
      ),
    { test },
  );

  it("waits for the application's open transaction instead of writing inside it", async () => {
    const store = sqliteKeyStore({ connection: typeormSqlConnection(dataSource), table: table(randomName('keys')) });
    await store.migrate();
    let storeDone = false;
    let insideTransaction: boolean | undefined;
    let insert: Promise<unknown> | undefined;
    await dataSource.transaction(async (manager) => {
      await manager.query('SELECT 1');
      insert = store.insert(newRecord('0a1b2c3d')).then(() => (storeDone = true));
      // The application's transaction goes on across several turns of the event loop.
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      insideTransaction = storeDone;
      await manager.query('SELECT 1');
    });
    await insert;
    expect(insideTransaction).toBe(false);
    expect(storeDone).toBe(true);
    expect((await store.get('0a1b2c3d'))?.id).toBe('0a1b2c3d');
  });

  it('refuses a data source of a type it has no SQL for', () => {
    const other = { options: { type: 'oracle' }, createQueryRunner: () => ({}) } as unknown as TypeormDataSourceLike;
    expect(() => typeormSqlConnection(other)).toThrow(ConfigurationError);
    expect(() => typeormSqlConnection(other)).toThrow(/'oracle' is not supported/);
    expect(() => typeormSqlConnection({} as TypeormDataSourceLike)).toThrow(/needs a TypeORM DataSource/);
  });
});

const postgresReason = await unavailableReason('postgresql');
describe.skipIf(postgresReason !== undefined)(postgresReason ?? 'typeorm on postgresql', () => {
  let db: PrivateSchema;
  let dataSource: DataSource;
  beforeAll(async () => {
    db = await privateSchema('tormrs', 2);
    dataSource = await typeormPostgres(db.schema);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });
  runKeyStoreContract(
    'postgres over typeorm',
    () =>
      sqlSubject(
        (name) => postgresKeyStore({ connection: typeormSqlConnection(dataSource), schema: db.schema, table: table(name) }),
        (name, id, column, value) => db.pool.query(`UPDATE "${db.schema}"."${table(name)}" SET ${column} = $1 WHERE id = $2`, [value, id]),
      ),
    { test },
  );

  it('has the dialect of the data source', () => {
    expect(typeormSqlConnection(dataSource).dialect).toBe('postgres');
  });

  it('a rotation blocked by a row lock fails at the time limit, writes nothing, and gives up its connection', async () => {
    const small = await typeormPostgres(db.schema, { poolSize: 2 });
    const name = table(randomName('keys'));
    try {
      await rotationsUnderLock(postgresKeyStore({ connection: typeormSqlConnection(small), schema: db.schema, table: name, timeoutMs: 300 }), async (id) => {
        const holder = await db.pool.connect();
        await holder.query('BEGIN');
        await holder.query(`SELECT id FROM "${db.schema}"."${name}" WHERE id = $1 FOR UPDATE`, [id]);
        return async () => {
          await holder.query('COMMIT');
          holder.release();
        };
      });
    } finally {
      await small.destroy();
    }
  });
});

const mysqlReason = await unavailableReason('mysql');
describe.skipIf(mysqlReason !== undefined)(mysqlReason ?? 'typeorm on mariadb', () => {
  let db: PrivateDatabase;
  let dataSource: DataSource;
  beforeAll(async () => {
    db = await privateMariadb('tormrs');
    dataSource = await typeormMariadb(db.database);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });
  runKeyStoreContract(
    'mysql over typeorm',
    () =>
      sqlSubject(
        (name) => mysqlKeyStore({ connection: typeormSqlConnection(dataSource), table: table(name) }),
        (name, id, column, value) => dataSource.query(`UPDATE \`${table(name)}\` SET ${column} = ? WHERE id = ?`, [value, id]),
      ),
    { test },
  );

  it('has the dialect of the data source', () => {
    expect(typeormSqlConnection(dataSource).dialect).toBe('mysql');
  });

  it('a rotation blocked by a row lock fails at the time limit, writes nothing, and gives up its connection', async () => {
    const small = await typeormMariadb(db.database, { poolSize: 2 });
    const name = table(randomName('keys'));
    try {
      await rotationsUnderLock(mysqlKeyStore({ connection: typeormSqlConnection(small), table: name, timeoutMs: 300 }), async (id) => {
        const holder = dataSource.createQueryRunner();
        await holder.startTransaction();
        await holder.query(`SELECT id FROM \`${name}\` WHERE id = ? FOR UPDATE`, [id]);
        return async () => {
          await holder.commitTransaction();
          await holder.release();
        };
      });
    } finally {
      await small.destroy();
    }
  });
});
