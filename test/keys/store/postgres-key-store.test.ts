/**
 * The key store contract on PostgreSQL, over a `pg` Pool and over a single `pg` Client, in a
 * private schema (random name, dropped after).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { postgresKeyStore } from '../../../src/keys/store/postgres-key-store.js';
import { runKeyStoreContract } from '../../../src/testing/key-store-contract.js';
import { unavailableReason } from '../../support/databases.js';
import { postgresUrl, privateSchema, sqlSubject, type PrivateSchema } from './support.js';

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

  runKeyStoreContract('postgres (Pool)', () => sqlSubject((table) => postgresKeyStore({ client: db.pool, schema: db.schema, table }), corrupt), {
    test: { describe, it },
  });
  runKeyStoreContract('postgres (single Client)', () => sqlSubject((table) => postgresKeyStore({ client, schema: db.schema, table }), corrupt), {
    test: { describe, it },
  });
});
