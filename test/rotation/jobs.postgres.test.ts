/**
 * The rotation jobs on PostgreSQL, with their checkpoints in the same database: reencrypt
 * after a rotation (status then shows one key per column), backfill with blind indexes,
 * decrypt, verify, reruns, and two workers splitting one job by key range.
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { keyIdOf, postgresJobCheckpoints, postgresRowSource, runBackfill, runDecrypt, runReencrypt, runStatus, runVerify, type ColumnReport, type ProtectedColumn, type RowSource } from '../../src/rotation/index.js';
import { postgresUrl, unavailableReason } from '../support/databases.js';
import { postgresUsers, type PostgresUsers } from './fixtures/postgres-users.js';
import { emailOf, hasEmail, noteOf, ownerOf, ssnOf, userColumns } from './fixtures/users.js';

const reason = await unavailableReason('postgresql'); // throws in CI: there, a missing server is a failure
const { email, ssn, note, age } = userColumns;
const all: ProtectedColumn[] = [email, ssn, note, age];
const column = (report: { columns: readonly ColumnReport[] }, name: string) => report.columns.find((c) => c.column === name) as ColumnReport;
const emailsWith = (count: number) => Array.from({ length: count }, (_, i) => i + 1).filter(hasEmail).length;

describe.skipIf(reason !== undefined)(reason ?? 'postgresql server', () => {
  let db: PostgresUsers;
  let job = 0;
  beforeAll(async () => {
    db = await postgresUsers('jobs');
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(() => {
    job++;
  });
  const primaryOf = async (scope = 'default') => (await db.sealer.listKeys({ scope, purpose: 'data' })).find((r) => r.primary)?.id as string;

  it('reencrypt after rotateDataKey leaves every value under the new primary, and status shows one key per column', async () => {
    await db.reseed(300);
    const old = await primaryOf();
    await db.sealer.rotateDataKey();
    const fresh = await primaryOf();
    const report = await runReencrypt({ sealer: db.sealer, source: db.source, checkpoints: db.checkpoints, columns: all, job: `reencrypt-${job}`, batchSize: 40 });
    expect(report).toMatchObject({ complete: true, rows: 300, ranges: { total: 16, done: 16 } });
    expect(column(report, 'email').changed).toBe(emailsWith(300));
    const status = await runStatus({ sealer: db.sealer, source: db.source, columns: all });
    expect(column(status, 'email').keys).toEqual([{ keyId: fresh, values: emailsWith(300), state: 'active', primary: true, purpose: 'data', scope: 'default' }]);
    expect(column(status, 'age').keys.map((k) => k.keyId)).toEqual([fresh]);
    expect(column(status, 'ssn').keys).toHaveLength(1);
    expect(column(status, 'note').keys).toHaveLength(7);
    expect(status.columns.every((c) => c.notCurrent === 0)).toBe(true);
    expect((await db.rows()).every((r) => r.email === null || keyIdOf(r.email) !== old)).toBe(true);
    await db.sealer.destroyDataKey(old);
    expect((await runVerify({ sealer: db.sealer, source: db.source, columns: all })).failureCount).toBe(0);
  });

  it('backfill seals a plaintext column and fills its blind index; decrypt brings it back', async () => {
    await db.reseed(120, { plaintext: true });
    const backfill = await runBackfill({ sealer: db.sealer, source: db.source, checkpoints: db.checkpoints, columns: all, job: `backfill-${job}`, batchSize: 32 });
    expect(column(backfill, 'email')).toMatchObject({ changed: emailsWith(120), indexed: emailsWith(120) });
    for (const row of await db.rows()) {
      const id = row.id as number;
      if (!hasEmail(id)) continue;
      expect(await db.sealer.decrypt(row.email as string, { model: 'User', field: 'email', row: id })).toBe(emailOf(id));
      expect(row.email_bidx).toBe(await db.sealer.blindIndex(emailOf(id), { model: 'User', field: 'email', normalize: 'email', bits: 64 }));
      expect(row.ssn).toBe(await db.sealer.encryptDeterministic(ssnOf(id), { model: 'User', field: 'ssn' }));
    }
    const sealed = await runStatus({ sealer: db.sealer, source: db.source, columns: all });
    expect(sealed.columns.map((c) => c.plaintext)).toEqual([0, 0, 0, 0]);

    const decrypt = await runDecrypt({ sealer: db.sealer, source: db.source, checkpoints: db.checkpoints, columns: all, job: `decrypt-${job}`, confirm: 'decrypt-to-plaintext' });
    expect(decrypt.complete).toBe(true);
    for (const row of await db.rows()) {
      const id = row.id as number;
      expect(row).toMatchObject({ email: hasEmail(id) ? emailOf(id) : null, ssn: ssnOf(id), note: noteOf(id), owner: ownerOf(id), age: String(id) });
    }
  });

  it('verify reports a tampered row by primary key', async () => {
    await db.reseed(60);
    const rows = await db.rows();
    await db.pool.query(`UPDATE "${db.schema.schema}".users SET note = $1 WHERE id = 33`, [rows[40]?.note]); // another row's note, another subject
    const report = await runVerify({ sealer: db.sealer, source: db.source, columns: all, batchSize: 16 });
    expect(report.failures).toEqual([{ column: 'note', key: 33n, code: 'DECRYPTION_FAILED', message: expect.any(String) }]);
    expect(JSON.stringify(report, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).not.toContain(rows[40]?.note as string);
  });

  it('running a finished job again changes nothing', async () => {
    await db.reseed(100);
    await db.sealer.rotateDataKey();
    const options = { sealer: db.sealer, source: db.source, checkpoints: db.checkpoints, columns: all, job: `again-${job}` };
    expect((await runReencrypt(options)).changed).toBeGreaterThan(0);
    const done = await db.rows();
    expect(await runReencrypt(options)).toMatchObject({ alreadyComplete: true, rows: 0, changed: 0 });
    expect(await runReencrypt({ ...options, restart: true })).toMatchObject({ alreadyComplete: false, rows: 100, changed: 0 });
    expect(await db.rows()).toEqual(done);
  });

  it('two workers split one job by key range: both work, no range is done twice, every row once', async () => {
    await db.reseed(800);
    await db.sealer.rotateDataKey();
    const fresh = await primaryOf();
    // Two workers as two processes would be: their own Sealer, pool, row source and checkpoints.
    const worker = async (name: string) => {
      const pool = new pg.Pool({ connectionString: postgresUrl, max: 3 });
      const source: RowSource = postgresRowSource({ client: pool, schema: db.schema.schema, table: 'users', keyColumn: 'id' });
      const pages: { after?: unknown; until?: unknown }[] = [];
      const recorded: RowSource = { ...source, check: source.check, bounds: source.bounds, write: source.write, page: (p) => (pages.push({ after: p.after, until: p.until }), source.page(p)) };
      try {
        const report = await runReencrypt({
          sealer: await db.anotherSealer(),
          source: recorded,
          checkpoints: postgresJobCheckpoints({ client: pool, schema: db.schema.schema }),
          columns: [email, note, age],
          job: `split-${job}`,
          worker: name,
          batchSize: 25,
          ranges: 8,
        });
        return { report, pages };
      } finally {
        await pool.end();
      }
    };
    const [a, b] = await Promise.all([worker('worker-a'), worker('worker-b')]);
    expect(a.report.rows).toBeGreaterThan(0);
    expect(b.report.rows).toBeGreaterThan(0);
    expect(a.report.rows + b.report.rows).toBe(800);
    expect(column(a.report, 'age').changed + column(b.report, 'age').changed).toBe(800);
    const summary = await db.checkpoints.summary(`split-${job}`);
    expect(summary?.ranges).toHaveLength(8);
    expect(summary?.ranges.every((r) => r.state === 'done')).toBe(true);
    expect(summary?.ranges.reduce((sum, r) => sum + r.rows, 0)).toBe(800);
    const byWorker = (name: string) => new Set(summary?.ranges.filter((r) => r.worker === name).map((r) => r.index));
    expect(byWorker('worker-a').size + byWorker('worker-b').size).toBe(8);
    // Each range was paged by one worker only.
    const rangesPaged = (pages: { until?: unknown }[]) => new Set(pages.map((p) => String(p.until)));
    const overlap = [...rangesPaged(a.pages)].filter((until) => rangesPaged(b.pages).has(until));
    expect(overlap).toEqual([]);
    const status = await runStatus({ sealer: db.sealer, source: db.source, columns: [email, age] });
    expect(status.columns.map((c) => c.keys.map((k) => k.keyId))).toEqual([[fresh], [fresh]]);
  });
});
