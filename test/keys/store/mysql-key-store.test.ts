/**
 * The key store contract on MariaDB, over a `mariadb` pool and over a `mysql2/promise` pool
 * (mysql2 is not a dependency of fieldseal; the copy installed with the Prisma CLI is used),
 * in a private database (random name, dropped after).
 */
import * as mariadb from 'mariadb';
import mysqlCallbacks from 'mysql2';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../src/errors.js';
import { mysqlDriverOf, mysqlKeyStore, type MysqlPoolLike } from '../../../src/keys/store/mysql-key-store.js';
import { runKeyStoreContract } from '../../../src/testing/key-store-contract.js';
import { unavailableReason } from '../../support/databases.js';
import { privateMariadb, sqlSubject, type PrivateDatabase } from './support.js';

const reason = await unavailableReason('mysql'); // throws in CI: there, a missing server is a failure

describe.skipIf(reason !== undefined)(reason ?? 'mariadb server', () => {
  let db: PrivateDatabase;
  let mariadbPool: mariadb.Pool;
  let mysql2Pool: mysql.Pool;
  beforeAll(async () => {
    db = await privateMariadb('contract');
    mariadbPool = mariadb.createPool({ ...db.config, connectionLimit: 10 });
    const { host, port, user, password, database } = db.config;
    mysql2Pool = mysql.createPool({ host, port, user, password, database, connectionLimit: 10 });
  });
  afterAll(async () => {
    await mariadbPool?.end();
    await mysql2Pool?.end();
    await db?.drop();
  });
  const corrupt = (table: string, id: string, column: string, value: unknown) => mariadbPool.query(`UPDATE \`${table}\` SET ${column} = ? WHERE id = ?`, [value, id]);

  it('tells a mariadb pool from a mysql2/promise pool, and refuses a callback pool with a hint', async () => {
    expect(mysqlDriverOf(mariadbPool)).toBe('mariadb');
    expect(mysqlDriverOf(mysql2Pool)).toBe('mysql2');
    const { host, port, user, password, database } = db.config;
    const callbacks = mysqlCallbacks.createPool({ host, port, user, password, database });
    try {
      expect(() => mysqlKeyStore({ pool: callbacks as unknown as MysqlPoolLike })).toThrow(/pool\.promise\(\)/);
      expect(() => mysqlKeyStore({ pool: { query: async () => [], getConnection: async () => ({}) } as unknown as MysqlPoolLike })).toThrow(ConfigurationError);
    } finally {
      await new Promise((resolve) => callbacks.end(resolve));
    }
  });

  runKeyStoreContract('mysql (mariadb pool)', () => sqlSubject((table) => mysqlKeyStore({ pool: mariadbPool, table }), corrupt), { test: { describe, it } });
  runKeyStoreContract('mysql (mysql2/promise pool)', () => sqlSubject((table) => mysqlKeyStore({ pool: mysql2Pool, table }), corrupt), { test: { describe, it } });
});
