/**
 * Resumability under kill -9 over TypeORM, on SQLite: the reencrypt job reads and writes
 * through `typeormRowSource` (its keys and checkpoints through `typeormSqlConnection`), the
 * application writes through the same kind of DataSource; the job is killed at random
 * moments beside the live writer, then run to completion (see fixtures/crash-scenario.ts
 * for the checks: no write lost, nothing sealed twice or in another row's context).
 */
import { expect, it } from 'vitest';
import { crashDatabase } from './fixtures/crash-database.js';
import { crashJobs } from './fixtures/crash-jobs.js';
import { killAndResume } from './fixtures/crash-scenario.js';

const ROWS = 2500;
const KILLS = 24;

it(`reencrypt over a TypeORM entity loses no write and seals nothing twice when the job is killed ${KILLS} times beside a live writer`, { timeout: 600_000 }, async () => {
  const db = await crashDatabase('typeorm-sqlite', 'tormrs_crash_users');
  try {
    const outcome = await killAndResume(db, crashJobs.reencrypt, ROWS, KILLS);
    expect(outcome.moments).toHaveLength(KILLS);
  } finally {
    await db.drop();
  }
});
