/**
 * The rotation jobs on a SQLite table: reencrypt after a data key rotation (status then
 * shows one key per column), backfill with blind indexes, decrypt, verify, the stop at a
 * row that does not open (checkpoint intact, resumed without redoing finished ranges), the
 * signal, dry runs, reruns, and application writes during a job (retried, never lost).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError, RowSourceError } from '../../src/errors.js';
import {
  keyIdOf,
  runBackfill,
  runDecrypt,
  runReencrypt,
  runStatus,
  runVerify,
  RowValueError,
  type ColumnReport,
  type JobProgress,
  type ProtectedColumn,
  type RowPage,
  type RowSource,
  type RowWrite,
} from '../../src/rotation/index.js';
import { hasEmail, sqliteUsers, type SqliteUsers } from './fixtures/sqlite-users.js';
import { emailOf, noteOf, ownerOf, ssnOf, userColumns } from './fixtures/users.js';

const { email, ssn, note, age } = userColumns;
const all: ProtectedColumn[] = [email, ssn, note, age];

let open: SqliteUsers[] = [];
afterEach(() => {
  for (const users of open) users.close();
  open = [];
});
async function users(count: number, options: { plaintext?: boolean } = {}): Promise<SqliteUsers> {
  const made = await sqliteUsers(count, options);
  open.push(made);
  return made;
}

const column = (report: { columns: readonly ColumnReport[] }, name: string): ColumnReport => {
  const found = report.columns.find((c) => c.column === name);
  if (found === undefined) throw new Error(`no column ${name} in report`);
  return found;
};
const emailsWith = (count: number) => Array.from({ length: count }, (_, i) => i + 1).filter(hasEmail).length;

/** Reads every row back through the application's contexts. */
async function openAll(u: SqliteUsers) {
  const out: { id: number; email: unknown; ssn: unknown; note: unknown; age: unknown }[] = [];
  for (const row of u.rows()) {
    const id = row.id as number;
    out.push({
      id,
      email: row.email === null ? null : await u.sealer.decrypt(row.email as string, { model: 'User', field: 'email', row: id }),
      ssn: await u.sealer.decrypt(row.ssn as string, { model: 'User', field: 'ssn' }),
      note: await u.sealer.decrypt(row.note as string, { model: 'User', field: 'note', subject: row.owner as string }),
      age: await u.sealer.decrypt(row.age as string, { model: 'User', field: 'age', row: id }),
    });
  }
  return out;
}

/** A source that records page requests and can act before each write (an application writing meanwhile). */
function instrumented(source: RowSource, beforeWrite?: (call: number, writes: readonly RowWrite[]) => void | Promise<void>) {
  const pages: RowPage[] = [];
  let calls = 0;
  const wrapped: RowSource = {
    description: source.description,
    keyColumn: source.keyColumn,
    check: (columns) => source.check(columns),
    bounds: () => source.bounds(),
    page: (page) => {
      pages.push(page);
      return source.page(page);
    },
    write: async (writes) => {
      await beforeWrite?.(++calls, writes);
      return source.write(writes);
    },
  };
  return { source: wrapped, pages };
}

async function dataKeyIds(u: SqliteUsers, scope = 'default'): Promise<{ primary: string; others: string[] }> {
  const records = await u.sealer.listKeys({ scope, purpose: 'data' });
  return { primary: records.find((r) => r.primary)?.id as string, others: records.filter((r) => !r.primary).map((r) => r.id) };
}

describe('reencrypt', () => {
  it('moves every randomized value to its current primary (per subject too), leaves deterministic values, and status then shows one key per column', async () => {
    const u = await users(120);
    const old = (await dataKeyIds(u)).primary;
    const ssnBefore = u.rows().map((r) => r.ssn);
    await u.sealer.rotateDataKey();
    await u.sealer.rotateDataKey({ subject: ownerOf(3) });
    const fresh = (await dataKeyIds(u)).primary;
    expect(fresh).not.toBe(old);

    const before = await runStatus({ sealer: u.sealer, source: u.source, columns: all });
    expect(column(before, 'email')).toMatchObject({ sealed: emailsWith(120), nulls: 12, notCurrent: emailsWith(120), plaintext: 0 });
    expect(column(before, 'email').keys).toEqual([{ keyId: old, values: emailsWith(120), state: 'decrypt-only', primary: false, purpose: 'data', scope: 'default' }]);
    const subject3 = Array.from({ length: 120 }, (_, i) => i + 1).filter((id) => ownerOf(id) === ownerOf(3)).length;
    expect(column(before, 'note').notCurrent).toBe(subject3);

    const progress: JobProgress[] = [];
    const report = await runReencrypt({ sealer: u.sealer, source: u.source, checkpoints: u.checkpoints, columns: all, batchSize: 25, onProgress: (p) => progress.push(p) });
    expect(report).toMatchObject({ kind: 'reencrypt', complete: true, stopped: false, alreadyComplete: false, rows: 120, conflicts: { count: 0 } });
    expect(column(report, 'email').changed).toBe(emailsWith(120));
    expect(column(report, 'age').changed).toBe(120);
    expect(column(report, 'note').changed).toBe(subject3); // only the rotated subject's values
    expect(column(report, 'ssn').changed).toBe(0);
    expect(report.notes.join(' ')).toMatch(/deterministic and FPE columns \(ssn\).*lookup key/);
    expect(u.rows().map((r) => r.ssn)).toEqual(ssnBefore);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toMatchObject({ kind: 'reencrypt', done: 120 });
    expect(progress.every((p) => p.rate > 0 && p.job === report.job)).toBe(true);
    expect(progress.some((p) => p.eta !== undefined)).toBe(true);

    const after = await runStatus({ sealer: u.sealer, source: u.source, columns: all });
    for (const name of ['email', 'age']) {
      expect(column(after, name).keys).toEqual([{ keyId: fresh, values: name === 'email' ? emailsWith(120) : 120, state: 'active', primary: true, purpose: 'data', scope: 'default' }]);
      expect(column(after, name).notCurrent).toBe(0);
    }
    expect(column(after, 'ssn').keys).toHaveLength(1);
    expect(column(after, 'ssn').keys[0]).toMatchObject({ purpose: 'lookup', primary: true, values: 120 });
    // Seven subjects, each its own data key: every value on its subject's primary.
    expect(column(after, 'note').keys).toHaveLength(7);
    expect(column(after, 'note').keys.every((k) => k.primary && k.scope?.startsWith('default#customer-'))).toBe(true);
    expect(column(after, 'note').notCurrent).toBe(0);

    const values = await openAll(u);
    expect(values.every((v) => v.email === (hasEmail(v.id) ? emailOf(v.id) : null) && v.note === noteOf(v.id) && v.age === v.id && v.ssn === ssnOf(v.id))).toBe(true);

    // The old key can go: nothing stored is under it, and every value still opens.
    await u.sealer.destroyDataKey(old);
    const destroyed = await runStatus({ sealer: u.sealer, source: u.source, columns: all });
    expect(destroyed.columns.every((c) => c.onDestroyedKeys === 0 && c.onUnknownKeys === 0)).toBe(true);
    const verify = await runVerify({ sealer: u.sealer, source: u.source, columns: all });
    expect(verify.failureCount).toBe(0);
  });

  it('with onlyKeyIds moves only the values under those keys', async () => {
    const u = await users(40);
    const k1 = (await dataKeyIds(u)).primary;
    await u.sealer.rotateDataKey();
    const k2 = (await dataKeyIds(u)).primary;
    // Rows 21..40 rewritten under k2, as the application would after the first rotation.
    const update = u.db.prepare('UPDATE users SET email = ? WHERE id = ?');
    for (let id = 21; id <= 40; id++) if (hasEmail(id)) update.run(await u.sealer.encrypt(emailOf(id), { model: 'User', field: 'email', row: id }), id);
    await u.sealer.rotateDataKey();
    const k3 = (await dataKeyIds(u)).primary;

    const report = await runReencrypt({ sealer: u.sealer, source: u.source, columns: [email], onlyKeyIds: [k1] });
    expect(column(report, 'email').changed).toBe(emailsWith(20));
    const status = await runStatus({ sealer: u.sealer, source: u.source, columns: [email] });
    expect(Object.fromEntries(column(status, 'email').keys.map((k) => [k.keyId, k.values]))).toEqual({ [k3]: emailsWith(20), [k2]: emailsWith(40) - emailsWith(20) });
    expect(u.rows().every((r) => r.email === null || keyIdOf(r.email) !== k1)).toBe(true);
  });

  it('stops at the batch of a row that does not open, naming table, column and key (never the value); resumes there once fixed, without redoing the finished range', async () => {
    const u = await users(100);
    await u.sealer.rotateDataKey();
    const fresh = (await dataKeyIds(u)).primary;
    // Row 75 holds row 76's e-mail: sealed for another row, it does not open in its own.
    const moved = u.rows()[75]?.email as string;
    u.db.prepare('UPDATE users SET email = ? WHERE id = 75').run(moved);
    const first = instrumented(u.source);
    const failure = await runReencrypt({ sealer: u.sealer, source: first.source, checkpoints: u.checkpoints, columns: [email], job: 'rotate-users', ranges: 2, batchSize: 10 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RowValueError);
    expect(failure).toMatchObject({ code: 'DECRYPTION_FAILED', table: 'sqlite:users', column: 'email', key: 75n });
    expect((failure as Error).message).toContain('sqlite:users: column email, row 75');
    expect((failure as Error).message).not.toContain(moved.slice(4, 20));

    // Range 0 (1..50) is done; range 1 committed 51..70; nothing of the batch 71..80 was written.
    const onFresh = (id: number) => keyIdOf(u.rows()[id - 1]?.email) === fresh;
    expect([1, 2, 49, 51, 69].every(onFresh)).toBe(true);
    expect([71, 74, 76, 79, 81, 99].some(onFresh)).toBe(false);
    const summary = await u.checkpoints.summary('rotate-users');
    expect(summary?.ranges.map((r) => [r.state, r.cursor])).toEqual([
      ['done', 50n],
      ['pending', 70n], // given back at once: a rerun need not wait for the lease
    ]);

    u.db.prepare('UPDATE users SET email = ? WHERE id = 75').run(await u.sealer.encrypt(emailOf(75), { model: 'User', field: 'email', row: 75 }));
    const second = instrumented(u.source);
    const report = await runReencrypt({ sealer: u.sealer, source: second.source, checkpoints: u.checkpoints, columns: [email], job: 'rotate-users', ranges: 2, batchSize: 10 });
    expect(report).toMatchObject({ complete: true, rows: 30 });
    expect(second.pages[0]).toMatchObject({ after: 70n });
    expect(second.pages.every((p) => p.after !== undefined && (p.after as bigint) >= 70n)).toBe(true);
    expect(u.rows().every((r) => r.email === null || keyIdOf(r.email) === fresh)).toBe(true);
  });

  it('stops on a value under another deployment’s key (KEY_NOT_FOUND, naming the row), which status counts as on an unknown key', async () => {
    const u = await users(30);
    const other = await sqliteUsers(1);
    open.push(other);
    const foreign = await other.sealer.encrypt(emailOf(17), { model: 'User', field: 'email', row: 17 });
    u.db.prepare('UPDATE users SET email = ? WHERE id = 17').run(foreign);
    await u.sealer.rotateDataKey();
    const status = await runStatus({ sealer: u.sealer, source: u.source, columns: [email] });
    expect(column(status, 'email')).toMatchObject({ onUnknownKeys: 1, onDestroyedKeys: 0 });
    expect(column(status, 'email').keys.find((k) => k.keyId === keyIdOf(foreign))).toMatchObject({ state: 'unknown', values: 1 });
    await expect(runReencrypt({ sealer: u.sealer, source: u.source, columns: [email] })).rejects.toMatchObject({ name: 'RowValueError', code: 'KEY_NOT_FOUND', column: 'email', key: 17n });
  });

  it('stops with the database’s error when it fails mid-job, its checkpoint at the last committed batch, and resumes from there', async () => {
    const u = await users(100);
    await u.sealer.rotateDataKey();
    const gone = instrumented(u.source, (call) => {
      if (call === 3) throw new RowSourceError(u.source.description, 'connection terminated');
    });
    const options = { sealer: u.sealer, checkpoints: u.checkpoints, columns: [email], job: 'db-gone', ranges: 1, batchSize: 10 };
    await expect(runReencrypt({ ...options, source: gone.source })).rejects.toBeInstanceOf(RowSourceError);
    expect((await u.checkpoints.summary('db-gone'))?.ranges[0]).toMatchObject({ state: 'pending', cursor: 20n, rows: 20 });
    const resumed = await runReencrypt({ ...options, source: u.source });
    expect(resumed).toMatchObject({ complete: true, rows: 80 });
    expect((await runStatus({ sealer: u.sealer, source: u.source, columns: [email] })).columns[0]?.notCurrent).toBe(0);
  });

  it('stops cleanly at a batch boundary on the signal and resumes from the last committed batch', async () => {
    const u = await users(100);
    await u.sealer.rotateDataKey();
    const fresh = (await dataKeyIds(u)).primary;
    const controller = new AbortController();
    const options = { sealer: u.sealer, source: u.source, checkpoints: u.checkpoints, columns: [email], job: 'stop-me', ranges: 1, batchSize: 10 };
    const stopped = await runReencrypt({ ...options, signal: controller.signal, onProgress: (p) => p.done >= 30 && controller.abort() });
    expect(stopped).toMatchObject({ stopped: true, complete: false, rows: 30, ranges: { pending: 1, done: 0 } });
    expect(stopped.resume).toMatch(/run the same job again \(job 'stop-me'\)/);
    expect(u.rows().filter((r) => keyIdOf(r.email) === fresh).map((r) => r.id)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1).filter(hasEmail));

    const resumed = await runReencrypt(options);
    expect(resumed).toMatchObject({ complete: true, rows: 70, changed: emailsWith(100) - emailsWith(30) });
  });

  it('a dry run computes everything and writes nothing, checkpoints included', async () => {
    const u = await users(50);
    await u.sealer.rotateDataKey();
    const before = u.rows();
    await u.checkpoints.migrate();
    const report = await runReencrypt({ sealer: u.sealer, source: u.source, checkpoints: u.checkpoints, columns: all, job: 'dry', dryRun: true });
    expect(report).toMatchObject({ dryRun: true, complete: true, rows: 50 });
    expect(column(report, 'email').changed).toBe(emailsWith(50));
    expect(u.rows()).toEqual(before);
    expect(await u.checkpoints.summary('dry')).toBeUndefined();
  });

  it('running a finished job again changes nothing, and neither does a restart of it', async () => {
    const u = await users(60);
    await u.sealer.rotateDataKey();
    const options = { sealer: u.sealer, source: u.source, checkpoints: u.checkpoints, columns: all, job: 'once' };
    expect((await runReencrypt(options)).changed).toBeGreaterThan(0);
    const done = u.rows();
    const again = instrumented(u.source);
    const rerun = await runReencrypt({ ...options, source: again.source });
    expect(rerun).toMatchObject({ complete: true, alreadyComplete: true, rows: 0, changed: 0 });
    expect(again.pages).toEqual([]);
    const restarted = await runReencrypt({ ...options, restart: true });
    expect(restarted).toMatchObject({ complete: true, alreadyComplete: false, rows: 60, changed: 0 });
    expect((await runBackfill({ sealer: u.sealer, source: u.source, checkpoints: u.checkpoints, columns: all })).changed).toBe(0);
    expect(u.rows()).toEqual(done);
  });

  it('never overwrites what the application wrote meanwhile: the changed rows are read again and planned from what they hold', async () => {
    const u = await users(30);
    const stale = await u.sealer.encrypt('written-before-rotation@example.com', { model: 'User', field: 'email', row: 6 });
    const staleForever = await Promise.all(Array.from({ length: 10 }, (_, i) => u.sealer.encrypt(`racer-${i}@example.com`, { model: 'User', field: 'email', row: 7 })));
    await u.sealer.rotateDataKey();
    const fresh = (await dataKeyIds(u)).primary;
    const update = u.db.prepare('UPDATE users SET email = ? WHERE id = ?');
    const appWrite = await u.sealer.encrypt('changed-by-the-app@example.com', { model: 'User', field: 'email', row: 5 });
    let racing = 0;
    const { source } = instrumented(u.source, (call) => {
      // The application writes between the job's read and its write: row 5 (under the new key),
      // row 6 (under the old one, a process that had not seen the rotation yet), and row 7 before every write.
      if (call === 1) {
        update.run(appWrite, 5);
        update.run(stale, 6);
      }
      update.run(staleForever[racing++], 7);
    });
    const report = await runReencrypt({ sealer: u.sealer, source, columns: [email], maxAttempts: 3, ranges: 1 });
    expect(report.conflicts).toEqual({ count: 1, keys: [7n] });
    const rows = u.rows();
    expect(rows[4]?.email).toBe(appWrite); // kept as the application wrote it (already under the new key)
    expect(await u.sealer.decrypt(rows[5]?.email as string, { model: 'User', field: 'email', row: 6 })).toBe('written-before-rotation@example.com');
    expect(keyIdOf(rows[5]?.email)).toBe(fresh); // re-read, then moved
    expect(rows[6]?.email).toBe(staleForever[2]); // the application's last write, not overwritten
    expect(rows.filter((r) => r.id !== 7 && r.email !== null).every((r) => keyIdOf(r.email) === fresh)).toBe(true);
  });
});

describe('backfill', () => {
  it('seals plaintext in each column’s mode and context, parses typed plaintext, and fills the blind index in the same write', async () => {
    const u = await users(90, { plaintext: true });
    // Rows 1..5 were sealed already, without their index: backfill indexes them.
    for (let id = 1; id <= 5; id++) u.db.prepare('UPDATE users SET email = ? WHERE id = ?').run(await u.sealer.encrypt(emailOf(id), { model: 'User', field: 'email', row: id }), id);
    const writes: RowWrite[] = [];
    const { source } = instrumented(u.source, (_, batch) => void writes.push(...batch));
    const report = await runBackfill({ sealer: u.sealer, source, checkpoints: u.checkpoints, columns: all, batchSize: 16 });
    expect(report.complete).toBe(true);
    expect(column(report, 'email')).toMatchObject({ plaintext: emailsWith(90) - 5, sealed: 5, changed: emailsWith(90) - 5, indexed: emailsWith(90) });
    expect(column(report, 'age')).toMatchObject({ plaintext: 90, changed: 90 });
    // One write per row carries the value and its index together.
    const w12 = writes.find((w) => w.key === 12n);
    expect(Object.keys(w12?.next ?? {}).sort()).toEqual(['age', 'email', 'email_bidx', 'note', 'ssn']);

    const values = await openAll(u);
    expect(values.every((v) => v.email === (hasEmail(v.id) ? emailOf(v.id) : null) && v.note === noteOf(v.id) && v.age === v.id && v.ssn === ssnOf(v.id))).toBe(true);
    for (const row of u.rows()) {
      const id = row.id as number;
      expect(row.ssn).toBe(await u.sealer.encryptDeterministic(ssnOf(id), { model: 'User', field: 'ssn' }));
      if (hasEmail(id)) expect(row.email_bidx).toBe(await u.sealer.blindIndex(emailOf(id), { model: 'User', field: 'email', normalize: 'email', bits: 64 }));
    }
    // The application finds a row by its index, normalized as configured.
    const probe = await u.sealer.blindIndex('  user42@EXAMPLE.com', { model: 'User', field: 'email', normalize: 'email', bits: 64 });
    expect(u.db.prepare('SELECT id FROM users WHERE email_bidx = ?').all(probe)).toEqual([{ id: 42 }]);
    const status = await runStatus({ sealer: u.sealer, source: u.source, columns: all });
    expect(status.columns.every((c) => c.plaintext === 0 && c.malformed === 0 && c.notCurrent === 0)).toBe(true);
    expect((await runVerify({ sealer: u.sealer, source: u.source, columns: all })).failureCount).toBe(0);
  });

  it('stops at plaintext that does not parse as the column’s type, naming the row', async () => {
    const u = await users(20, { plaintext: true });
    u.db.prepare("UPDATE users SET age = 'forty-two' WHERE id = 13").run();
    const failure = await runBackfill({ sealer: u.sealer, source: u.source, columns: [age] }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: 'RowValueError', code: 'INPUT_INVALID', column: 'age', key: 13n });
    expect((failure as Error).message).not.toContain('forty-two');
  });
});

describe('decrypt', () => {
  it('needs its confirmation, then writes every value back as plaintext text', async () => {
    const u = await users(40);
    await expect(runDecrypt({ sealer: u.sealer, source: u.source, columns: all } as never)).rejects.toBeInstanceOf(ConfigurationError);
    expect(u.rows().every((r) => keyIdOf(r.ssn) !== undefined)).toBe(true);
    const report = await runDecrypt({ sealer: u.sealer, source: u.source, checkpoints: u.checkpoints, columns: all, confirm: 'decrypt-to-plaintext' });
    expect(report.complete).toBe(true);
    for (const row of u.rows()) {
      const id = row.id as number;
      expect(row).toMatchObject({ email: hasEmail(id) ? emailOf(id) : null, ssn: ssnOf(id), note: noteOf(id), age: String(id) });
    }
    const status = await runStatus({ sealer: u.sealer, source: u.source, columns: all });
    expect(status.columns.map((c) => [c.column, c.sealed, c.plaintext])).toEqual([
      ['email', 0, emailsWith(40)],
      ['ssn', 0, 40],
      ['note', 0, 40],
      ['age', 0, 40],
    ]);
    // Sealing it again gives the same values back.
    await runBackfill({ sealer: u.sealer, source: u.source, columns: all });
    expect((await openAll(u)).every((v) => v.age === v.id && v.note === noteOf(v.id))).toBe(true);
  });
});

describe('verify', () => {
  it('reports each row that does not open in its context or whose blind index does not match, by primary key, never the value', async () => {
    const u = await users(40);
    const rows = u.rows();
    const set = u.db.prepare('UPDATE users SET email = ?, email_bidx = ? WHERE id = ?');
    set.run(rows[3]?.email, rows[2]?.email_bidx, 3); // row 4's value in row 3: wrong row
    const truncated = (rows[8]?.email as string).slice(0, 12);
    set.run(truncated, rows[8]?.email_bidx, 9); // damaged
    set.run(rows[11]?.email, rows[12]?.email_bidx, 12); // row 13's index
    u.db.prepare('UPDATE users SET note = ? WHERE id = 15').run(await u.sealer.encrypt(noteOf(15), { model: 'User', field: 'note', subject: 'someone-else' }));
    const report = await runVerify({ sealer: u.sealer, source: u.source, columns: all, batchSize: 7 });
    expect(report.failures.map((f) => [f.key, f.column, f.code])).toEqual([
      [3n, 'email', 'DECRYPTION_FAILED'],
      [9n, 'email', 'FORMAT_INVALID'],
      [12n, 'email', 'BLIND_INDEX_MISMATCH'],
      [15n, 'note', 'DECRYPTION_FAILED'],
    ]);
    expect(report.failureCount).toBe(4);
    expect(column(report, 'email')).toMatchObject({ failures: 3, malformed: 1 });
    const text = JSON.stringify(report, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    for (const secret of [rows[3]?.email, truncated, emailOf(3), rows[12]?.email_bidx, noteOf(15)]) expect(text).not.toContain(secret as string);
  });
});

describe('configuration', () => {
  it('refuses settings the application could not have used, and a job name reused for other settings', async () => {
    const u = await users(5);
    const base = { sealer: u.sealer, source: u.source, checkpoints: u.checkpoints };
    await expect(runReencrypt({ ...base, columns: [{ ...ssn, rowBound: true }] })).rejects.toThrow(/never bound to a row/);
    await expect(runReencrypt({ ...base, columns: [email, { ...note, column: 'email' }] })).rejects.toThrow(/named twice/);
    await expect(runReencrypt({ ...base, columns: [email], onlyKeyIds: ['nope'] })).rejects.toThrow(/8 lowercase hex/);
    await expect(runStatus({ ...base, columns: [email], onlyKeyIds: ['00000001'] })).rejects.toThrow(/applies to reencrypt/);
    await expect(runReencrypt({ ...base, columns: [ssn] })).rejects.toThrow(/every column given is deterministic/);
    await runReencrypt({ ...base, columns: [email], job: 'named' });
    await expect(runReencrypt({ ...base, columns: [email, age], job: 'named' })).rejects.toThrow(/job 'named' exists/);
    await expect(runBackfill({ ...base, columns: [email], job: 'named' })).rejects.toThrow(/exists as a reencrypt job/);
  });

  it('keyIdOf reads the key id from a sealed value, and nothing from anything else', async () => {
    const u = await users(1);
    const text = await u.sealer.encrypt('x', { model: 'M', field: 'f' });
    expect(keyIdOf(text)).toBe((await dataKeyIds(u)).primary);
    expect(keyIdOf('plain')).toBeUndefined();
    expect(keyIdOf(text.slice(0, 10))).toBeUndefined();
    expect(keyIdOf(null)).toBeUndefined();
  });
});
