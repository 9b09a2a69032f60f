/**
 * The job commands on a SQLite table beside the key store: status, backfill (with its
 * blind index), reencrypt after a rotation (and keys destroy refusing, then accepting, the
 * old key), verify, decrypt, Ctrl-C and resume, the command line's refusals, and that no
 * output shows a value, the KEK or a key.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localKeyProvider } from '../../src/keys/local-provider.js';
import { sqliteKeyStore } from '../../src/keys/store/sqlite-key-store.js';
import { createSealer } from '../../src/seal/sealer.js';
import { CliProject, spawnCli, SQLITE_CONFIG } from './support.js';

const ROWS = 300;
const email = (i: number): string => `Person.${i}@Example.com`;
const ssn = (i: number): string => `9${String(i).padStart(8, '0')}`;

const CONFIG = {
  ...SQLITE_CONFIG,
  tables: {
    users: {
      primaryKey: 'id',
      columns: [
        { column: 'email', model: 'User', field: 'email', mode: 'randomized', rowBound: true, blindIndex: { column: 'email_idx', normalize: 'email' } },
        { column: 'ssn', model: 'User', field: 'ssn', mode: 'deterministic' },
      ],
    },
    big: { primaryKey: 'id', columns: [{ column: 'note', model: 'Big', field: 'note', mode: 'randomized' }] },
  },
};

interface Status {
  reports: { table: string; rows: number; columns: { column: string; sealed: number; plaintext: number; nulls: number; notCurrent: number; keys: { keyId: string; state: string; primary: boolean; values: number }[] }[] }[];
}

let project: CliProject;
let db: Database.Database;

beforeAll(async () => {
  project = await CliProject.create(CONFIG);
  db = new Database(join(project.dir, 'keys.db'));
  db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, email_idx TEXT, ssn TEXT, name TEXT)');
  db.exec('CREATE TABLE big (id INTEGER PRIMARY KEY, note TEXT)');
  const user = db.prepare('INSERT INTO users (id, email, ssn, name) VALUES (?, ?, ?, ?)');
  const big = db.prepare('INSERT INTO big (id, note) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= ROWS; i++) user.run(i, email(i), i % 3 === 0 ? null : ssn(i), `name ${i}`);
    for (let i = 1; i <= 20_000; i++) big.run(i, `note ${i}`);
  })();
});
afterAll(async () => {
  db.close();
  await project.remove();
});

async function status(...args: string[]): Promise<Status['reports'][number]['columns']> {
  const report = JSON.parse(await project.ok(['status', '--table', 'users', '--json', ...args])) as Status;
  return report.reports[0]?.columns ?? [];
}

describe('status and backfill', () => {
  it('counts plaintext before a backfill, and a dry run writes nothing', async () => {
    const [emailColumn, ssnColumn] = await status();
    expect(emailColumn).toMatchObject({ column: 'email', plaintext: ROWS, sealed: 0, nulls: 0 });
    expect(ssnColumn).toMatchObject({ column: 'ssn', plaintext: ROWS - ROWS / 3, nulls: ROWS / 3 });

    const dry = await project.ok(['backfill', '--table', 'users', '--dry-run']);
    expect(dry).toContain(`users (sqlite:users): ${ROWS} rows read`);
    expect(dry).toContain('(dry run)');
    expect(db.prepare('SELECT count(*) AS n FROM users WHERE email = ?').get(email(1))).toEqual({ n: 1 });
  });

  it('seals every plaintext value with the blind index the application computes, and reports JSON progress', async () => {
    const out = await project.run(['backfill', '--table', 'users']);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain(`email: ${ROWS} written, ${ROWS} blind index values`);
    const progress = out.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { progress: string; table: string; done: number });
    expect(progress.at(-1)).toMatchObject({ progress: 'backfill', table: 'users', done: ROWS });

    const [emailColumn, ssnColumn] = await status();
    expect(emailColumn).toMatchObject({ plaintext: 0, sealed: ROWS, notCurrent: 0 });
    expect(emailColumn?.keys).toEqual([expect.objectContaining({ state: 'active', primary: true, values: ROWS })]);
    expect(ssnColumn).toMatchObject({ plaintext: 0, sealed: ROWS - ROWS / 3 });

    // The application, on the same keys, opens the values and finds rows by their blind index.
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: project.kek } }), store: sqliteKeyStore({ database: db }) });
    const row = db.prepare('SELECT email, email_idx, ssn FROM users WHERE id = 7').get() as { email: string; email_idx: string; ssn: string };
    expect(await sealer.decrypt(row.email, { model: 'User', field: 'email', row: 7 })).toBe(email(7));
    expect(row.email_idx).toBe(await sealer.blindIndex(' person.7@example.COM ', { model: 'User', field: 'email', normalize: 'email' }));
    expect(row.ssn).toBe(await sealer.encryptDeterministic(ssn(7), { model: 'User', field: 'ssn' }));
  });

  it('runs again from the start once finished, changing nothing', async () => {
    const before = db.prepare('SELECT email FROM users ORDER BY id').all();
    expect(await project.ok(['backfill', '--table', 'users', '--column', 'email'])).toContain(`${ROWS} rows read, 0 values written`);
    expect(db.prepare('SELECT email FROM users ORDER BY id').all()).toEqual(before);
  });
});

describe('reencrypt after a rotation, then destroy', () => {
  it('refuses to destroy the old key while values use it, moves them, then destroys it', async () => {
    const { previous } = JSON.parse(await project.ok(['keys', 'rotate', '--json'])) as { previous: string };
    const [stale] = await status('--column', 'email');
    expect(stale).toMatchObject({ sealed: ROWS, notCurrent: ROWS });
    expect(stale?.keys).toEqual([expect.objectContaining({ keyId: previous, state: 'decrypt-only', values: ROWS })]);

    const refused = await project.run(['keys', 'destroy', previous]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(`fieldseal keys destroy: refusing to destroy key ${previous}: values still use it (${ROWS} in users.email): run \`fieldseal reencrypt\` first (or pass --force to destroy them with it)\n`);

    const moved = await project.ok(['reencrypt', '--table', 'users', '--batch-size', '64']);
    expect(moved).toContain(`email: ${ROWS} written`);
    const [current] = await status('--column', 'email');
    expect(current).toMatchObject({ sealed: ROWS, notCurrent: 0 });
    expect(current?.keys.map((k) => [k.state, k.primary, k.values])).toEqual([['active', true, ROWS]]);

    expect(await project.ok(['keys', 'destroy', previous])).toContain(`destroyed data key ${previous}`);
    expect((await project.ok(['verify', '--table', 'users'])).split('\n')[0]).toBe(`users (sqlite:users): ${ROWS} rows read, 0 failing`);
  });

  it('moves only the values under --key-id; after another rotation, the same command is a new pass', async () => {
    const { previous } = JSON.parse(await project.ok(['keys', 'rotate', '--json'])) as { previous: string };
    expect(await project.ok(['reencrypt', '--table', 'users', '--key-id', 'abcdef01'])).toContain(`${ROWS} rows read, 0 values written`);
    expect(await project.ok(['reencrypt', '--table', 'users', '--key-id', previous])).toContain(`email: ${ROWS} written`);
    expect((await status('--column', 'email'))[0]).toMatchObject({ notCurrent: 0 });
    // The command that finished after the first rotation, run again after another: a new pass.
    await project.ok(['keys', 'rotate']);
    expect(await project.ok(['reencrypt', '--table', 'users', '--batch-size', '64'])).toContain(`email: ${ROWS} written`);
    expect((await status('--column', 'email'))[0]).toMatchObject({ notCurrent: 0 });
  });
});

describe('verify', () => {
  it('names the rows that do not open, and exits 1', async () => {
    // Values bound to their row do not open in another row.
    const [a, b] = db.prepare('SELECT id, email FROM users WHERE id IN (4, 5) ORDER BY id').all() as { id: number; email: string }[];
    const swap = db.prepare('UPDATE users SET email = ? WHERE id = ?');
    swap.run(b?.email, 4);
    swap.run(a?.email, 5);
    try {
      const out = await project.run(['verify', '--table', 'users']);
      expect(out.status).toBe(1);
      expect(out.stdout).toContain(`users (sqlite:users): ${ROWS} rows read, 2 failing`);
      expect(out.stdout).toMatch(/^ {2}email {2}row 4 {2}DECRYPTION_FAILED: /m);
      expect(out.stdout).toMatch(/^ {2}email {2}row 5 {2}DECRYPTION_FAILED: /m);
      expect(out.stderr).toContain('fieldseal verify: sqlite:users: 2 rows failed');
    } finally {
      swap.run(a?.email, 4);
      swap.run(b?.email, 5);
    }
  });
});

describe('Ctrl-C', () => {
  it('stops at a batch boundary with exit 130 and the command to resume, which then finishes', async () => {
    const args = ['backfill', '--table', 'big', '--batch-size', '10'];
    const stopped = await new Promise<{ status: number | null; stdout: string; stderr: string }>((done, fail) => {
      const child = spawnCli(args, { cwd: project.dir, env: { FIELDSEAL_KEK: project.kek } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // The first progress line: the job is running.
        if (stderr.includes('{"progress"') && child.signalCode === null && !child.killed) child.kill('SIGINT');
      });
      child.on('error', fail);
      child.on('close', (code) => done({ status: code, stdout, stderr }));
    });
    project.outputs.push(stopped.stdout, stopped.stderr);
    expect(stopped.status).toBe(130);
    expect(stopped.stderr).toContain('fieldseal: stopping at the end of the current batch');
    expect(stopped.stderr).toContain('fieldseal backfill: stopped at a batch boundary, with its checkpoint saved. To resume, run the same command:\n  fieldseal backfill --table big --batch-size 10\n');
    const sealedAtStop = (db.prepare("SELECT count(*) AS n FROM big WHERE note LIKE 'fs1:%'").get() as { n: number }).n;
    expect(sealedAtStop).toBeGreaterThan(0);
    expect(sealedAtStop).toBeLessThan(20_000);

    const resumed = await project.ok(['backfill', '--table', 'big', '--batch-size', '1000']);
    // The resumed run reads only what the first one left (each row at most once more: the batch in flight).
    const rowsRead = Number(/big \(sqlite:big\): ([\d,]+) rows read/.exec(resumed)?.[1]?.replace(/,/g, ''));
    expect(rowsRead).toBeLessThanOrEqual(20_000 - sealedAtStop + 10);
    expect(db.prepare("SELECT count(*) AS n FROM big WHERE note NOT LIKE 'fs1:%'").get()).toEqual({ n: 0 });
  });
});

describe('decrypt', () => {
  it('needs the confirmation and a table, then writes the values back as text', async () => {
    for (const [args, message] of [
      [['decrypt', '--table', 'users'], 'decrypt stores the values in the clear: add --yes-decrypt-to-plaintext'],
      [['decrypt', '--yes-decrypt-to-plaintext'], 'decrypt needs --table'],
    ] as const) {
      const out = await project.run(args);
      expect(out.status).toBe(2);
      expect(out.stderr).toContain(message);
    }
    expect(await project.ok(['decrypt', '--table', 'users', '--column', 'ssn', '--yes-decrypt-to-plaintext'])).toContain(`ssn: ${ROWS - ROWS / 3} written`);
    expect(db.prepare('SELECT ssn FROM users WHERE id = 7').get()).toEqual({ ssn: ssn(7) });
    await project.ok(['backfill', '--table', 'users', '--column', 'ssn']);
  });
});

describe('a job on a table or column the database lacks', () => {
  it.each([
    ['table', { primaryKey: 'id', columns: [{ column: 'email', model: 'A', field: 'email', mode: 'randomized' }] }, /^fieldseal: CONFIGURATION_INVALID: table accounts does not exist\n$/],
    ['column', { primaryKey: 'id', columns: [{ column: 'phone', model: 'A', field: 'phone', mode: 'randomized' }] }, /^fieldseal: CONFIGURATION_INVALID: .*phone/],
    ['primary key', { primaryKey: 'uid', columns: [{ column: 'email', model: 'A', field: 'email', mode: 'randomized' }] }, /^fieldseal: CONFIGURATION_INVALID: .*uid/],
  ])('a missing %s: exit 1, named', async (_what, table, message) => {
    await project.writeConfig({ ...CONFIG, tables: { [_what === 'table' ? 'accounts' : 'users']: table } }, 'other.json');
    const out = await project.run(['status', '--config', 'other.json']);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(message);
  });

  it('a table the config does not name', async () => {
    const out = await project.run(['status', '--table', 'orders']);
    expect(out.status).toBe(1);
    expect(out.stderr).toBe("fieldseal: CONFIGURATION_INVALID: table 'orders' is not among the protected tables of fieldseal.config.json (users, big)\n");
    const column = await project.run(['status', '--table', 'users', '--column', 'name']);
    expect(column.stderr).toBe("fieldseal: CONFIGURATION_INVALID: column 'name' is not a protected column of table 'users' in fieldseal.config.json (email, ssn)\n");
  });

  it.each([
    [['status', '--column', 'email'], '--column needs --table'],
    [['status', '--workers', '2'], '--workers: status reads the whole table in one pass'],
    [['reencrypt', '--key-id', 'KEY'], "--key-id: 'KEY' is not a key id"],
    [['backfill', '--batch-size', '0'], '--batch-size must be an integer from 1 to 10000'],
    [['verify', '--limit', '5'], "Unknown option '--limit'"],
  ])('%j: exit 2', async (args, message) => {
    const out = await project.run(args);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain(message);
  });
});

describe('job output', () => {
  it('never shows a value, the KEK or a key', async () => {
    const values = [];
    for (let i = 1; i <= ROWS; i += 37) values.push(email(i), email(i).toLowerCase(), ssn(i));
    await project.expectNoLeak(values);
  });
});
