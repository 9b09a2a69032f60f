/**
 * Resumability under kill -9, on SQLite: a reencrypt job in a child process is killed at
 * 32 random moments (before its first batch, inside a write, between a write and its
 * checkpoint) while the application, in another process, updates rows just ahead of the
 * job's cursor and inserts rows; restarted each time, then run to completion. Afterwards no
 * application write is lost, no value is sealed twice or in another row's context, and
 * status shows one key per scope or subject.
 */
import { afterAll, expect, it } from 'vitest';
import { killAndResume } from './fixtures/crash-scenario.js';
import { sqliteUsers, type SqliteUsers } from './fixtures/sqlite-users.js';

const ROWS = 4000;
const KILLS = 32;

let users: SqliteUsers | undefined;
afterAll(() => users?.close());

it(`loses no write and seals nothing twice when the job is killed ${KILLS} times beside a live writer`, { timeout: 120_000 }, async () => {
  users = await sqliteUsers(ROWS);
  const { db } = users;
  const moments = await killAndResume(
    {
      args: ['sqlite', users.file],
      sealer: users.sealer,
      source: users.source,
      checkpoints: users.checkpoints,
      rows: ROWS,
      read: async () => db.prepare('SELECT id, email, note, owner FROM users ORDER BY id').all() as never,
    },
    KILLS,
  );
  expect(moments).toHaveLength(KILLS);
});
