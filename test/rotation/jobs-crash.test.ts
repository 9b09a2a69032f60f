/**
 * Resumability under kill -9: a reencrypt job in a child process is killed at 30+ random
 * moments (before its first batch, inside a write, between a write and its checkpoint)
 * while the application, in another process, updates and inserts rows; restarted each
 * time, then run to completion. Afterwards no application write is lost, no value is
 * sealed twice or in another row's context, and status shows one key per scope or subject.
 */
import { afterAll, expect, it } from 'vitest';
import { runReencrypt, runStatus } from '../../src/rotation/index.js';
import { runScript, type ScriptProcess } from '../keys/fixtures/children.js';
import { hasEmail, sqliteUsers, type SqliteUsers } from './fixtures/sqlite-users.js';
import { emailOf, noteOf, ownerOf, userColumns } from './fixtures/users.js';

const ROWS = 4000;
const KILLS = 32;
const BATCH = 20;
const JOB = 'crash-reencrypt';

let users: SqliteUsers | undefined;
afterAll(() => users?.close());

/** The next line of a child, or undefined once it has exited. */
const lineOf = (child: ScriptProcess): Promise<string | undefined> => child.nextLine().catch(() => undefined);

it(`loses no write and seals nothing twice when the job is killed ${KILLS} times beside a live writer`, { timeout: 120_000 }, async () => {
  users = await sqliteUsers(ROWS);
  const { sealer, db, file } = users;
  await sealer.rotateDataKey();
  for (let owner = 0; owner < 7; owner++) await sealer.rotateDataKey({ subject: `customer-${owner}` });

  const writer = runScript('../../rotation/fixtures/writer-child.mts', [file, String(ROWS)]);
  expect(await writer.nextLine()).toBe('ready');

  const moments: string[] = [];
  for (let kill = 0; kill < KILLS; kill++) {
    const job = runScript('../../rotation/fixtures/reencrypt-child.mts', [file, JOB, String(BATCH)]);
    expect(await lineOf(job)).toBe('ready');
    // A random moment: after 0, 1 or 2 committed batches, then 0-6 ms into the next one.
    const batches = Math.floor(Math.random() * 3);
    for (let b = 0; b < batches; b++) {
      const line = await lineOf(job);
      expect(line, 'the job finished before it could be killed: give it more rows').toMatch(/^progress /);
    }
    const delay = Math.random() * 6;
    await new Promise((resolve) => setTimeout(resolve, delay));
    job.process.kill('SIGKILL');
    await job.closed;
    expect(job.process.signalCode).toBe('SIGKILL');
    expect(job.lines.some((l) => l.startsWith('complete'))).toBe(false);
    moments.push(`${batches}+${delay.toFixed(1)}ms`);
  }
  expect(moments).toHaveLength(KILLS);

  // Restarted once more while the writer still writes, then the writer stops and a last run
  // takes whatever it wrote behind the job's cursor (in ranges already done: none to take).
  const last = runScript('../../rotation/fixtures/reencrypt-child.mts', [file, JOB, String(BATCH)]);
  await last.closed;
  expect(last.lines.at(-1)).toMatch(/^complete \d+ \d+$/);
  writer.send('stop');
  await writer.closed;
  expect(writer.lines.at(-1)).toBe('stopped');
  const again = await runReencrypt({ sealer, source: users.source, checkpoints: users.checkpoints, columns: [userColumns.email, userColumns.note], job: JOB });
  expect(again).toMatchObject({ complete: true, alreadyComplete: true, changed: 0 });

  // What every row must hold: the seeded value, or the writer's last acknowledged write.
  const expected = new Map<number, string | null>();
  for (let id = 1; id <= ROWS; id++) expected.set(id, hasEmail(id) ? emailOf(id) : null);
  let updates = 0;
  let inserts = 0;
  for (const line of writer.lines) {
    const [op, id, email] = line.split(' ');
    if (op !== 'U' && op !== 'I') continue;
    if (op === 'U') updates++;
    else inserts++;
    expected.set(Number(id), email as string);
  }
  expect(updates).toBeGreaterThan(100);
  expect(inserts).toBeGreaterThan(30);

  const rows = db.prepare('SELECT id, email, note, owner FROM users ORDER BY id').all() as { id: number; email: string | null; note: string; owner: string }[];
  expect(rows).toHaveLength(expected.size);
  const emails = await sealer.decryptMany(rows.filter((r) => r.email !== null).map((r) => ({ text: r.email as string, ctx: { model: 'User', field: 'email', row: r.id } })));
  const notes = await sealer.decryptMany(rows.map((r) => ({ text: r.note, ctx: { model: 'User', field: 'note', subject: r.owner } })));
  const opened = new Map(rows.filter((r) => r.email !== null).map((r, i) => [r.id, emails[i]]));
  const lost = rows.filter((r) => (opened.get(r.id) ?? null) !== expected.get(r.id));
  expect(lost.map((r) => r.id)).toEqual([]);
  expect(notes.every((n, i) => n === noteOf(rows[i]?.id as number))).toBe(true);
  expect(rows.every((r) => r.owner === ownerOf(r.id))).toBe(true);

  const status = await runStatus({ sealer, source: users.source, columns: [userColumns.email, userColumns.note] });
  const [email, note] = status.columns;
  const primary = (await sealer.listKeys({ scope: 'default', purpose: 'data' })).find((r) => r.primary)?.id;
  expect(email?.keys.map((k) => [k.keyId, k.primary])).toEqual([[primary, true]]);
  expect(email?.notCurrent).toBe(0);
  expect(note?.keys).toHaveLength(7);
  expect(note?.keys.every((k) => k.primary)).toBe(true);
  expect(note?.notCurrent).toBe(0);
  const summary = await users.checkpoints.summary(JOB);
  expect(summary?.ranges.every((r) => r.state === 'done')).toBe(true);
});
