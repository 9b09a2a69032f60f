/**
 * Resumability under kill -9, on PostgreSQL (checkpoints claimed with SKIP LOCKED, batches
 * written in one transaction): the scenario of jobs-crash.test.ts with 30 kills.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { postgresUrl, unavailableReason } from '../support/databases.js';
import { killAndResume } from './fixtures/crash-scenario.js';
import { postgresUsers, type PostgresUsers } from './fixtures/postgres-users.js';

const reason = await unavailableReason('postgresql'); // throws in CI: there, a missing server is a failure
const ROWS = 4000;
const KILLS = 30;

describe.skipIf(reason !== undefined)(reason ?? 'postgresql server', () => {
  let db: PostgresUsers | undefined;
  afterAll(async () => db?.drop());

  it(`loses no write and seals nothing twice when the job is killed ${KILLS} times beside a live writer`, { timeout: 120_000 }, async () => {
    db = await postgresUsers('crash');
    await db.reseed(ROWS);
    const { pool, schema } = db;
    const moments = await killAndResume(
      {
        args: ['postgres', postgresUrl, schema.schema],
        sealer: db.sealer,
        source: db.source,
        checkpoints: db.checkpoints,
        rows: ROWS,
        read: async () => (await pool.query(`SELECT id, email, note, owner FROM "${schema.schema}".users ORDER BY id`)).rows,
      },
      KILLS,
    );
    expect(moments).toHaveLength(KILLS);
  });
});
