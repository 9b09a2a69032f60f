/**
 * The key store contract on PostgreSQL, over a `pg` Pool and over a single `pg` Client, in a
 * private schema (random name, dropped after).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { postgresKeyStore } from '../../../src/keys/store/postgres-key-store.js';
import { runKeyStoreContract } from '../../../src/testing/key-store-contract.js';
import { unavailableReason } from '../../support/databases.js';
import { postgresUrl, privateSchema, randomName, sqlSubject, type PrivateSchema } from './support.js';

const reason = await unavailableReason('postgresql'); // throws in CI: there, a missing server is a failure

describe.skipIf(reason !== undefined)(reason ?? 'postgresql server', () => {
  let db: PrivateSchema;
  let client: pg.Client;
  beforeAll(async () => {
    db = await privateSchema('contract');
    client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });
  const corrupt = (table: string, id: string, column: string, value: unknown) =>
    db.pool.query(`UPDATE "${db.schema}"."${table}" SET ${column} = $1 WHERE id = $2`, [value, id]);

  it('runs transactions of a Pool on a checked-out client, and reads on the pool', async () => {
    const store = postgresKeyStore({ client: db.pool, schema: db.schema, table: randomName('keys') });
    await store.migrate();
    const poolQuery = vi.spyOn(db.pool, 'query');
    try {
      await store.insert({ id: '0000abcd', scope: 'default', purpose: 'data', parent: 'local:main', wrapped: 'AAAA', state: 'active', primary: true });
      expect(poolQuery).not.toHaveBeenCalled(); // BEGIN on the pool would open a transaction on any of its connections
      await store.get('0000abcd');
      expect(poolQuery).toHaveBeenCalledTimes(1);
    } finally {
      poolQuery.mockRestore();
    }
  });

  runKeyStoreContract('postgres (Pool)', () => sqlSubject((table) => postgresKeyStore({ client: db.pool, schema: db.schema, table }), corrupt), {
    test: { describe, it },
  });
  runKeyStoreContract('postgres (single Client)', () => sqlSubject((table) => postgresKeyStore({ client, schema: db.schema, table }), corrupt), {
    test: { describe, it },
  });
});
