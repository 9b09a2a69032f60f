/**
 * The re-encryption job at scale: `runReencrypt` of N rows × 2 randomized columns (`email`,
 * not row-bound, and `note`, bound to its row) after `rotateDataKey`, on PostgreSQL and
 * SQLite, beside the floor: the same keyset scan and batched conditional writes of
 * precomputed values, no crypto (bench/floor-pass.ts). Reports rows/s, the ratio to the
 * floor and the peak RSS of the process (sampled every 100 ms) during each run.
 *
 * Run: `npx tsx bench/index.ts --only rotation [--quick]` (or `npx tsx bench/rotation.bench.ts`);
 * N = 1,000,000, `--quick`: 20,000; `BENCH_ROTATION_ROWS` overrides N.
 *
 * The table is filled fast: the `email` values are a template of 1,000 distinct values
 * sealed once with `encryptMany` under the old data key and copied (INSERT … SELECT joined
 * on `id % 1000`); the row-bound `note` values are sealed per row, in batches of 10,000,
 * since each must open in its own row's context. Checkpoints live in the benchmarked
 * database (`postgresJobCheckpoints`, `sqliteJobCheckpoints`); keys in a memory store, so
 * that only the job's own work is measured. PostgreSQL also runs the job with two workers:
 * two concurrent `runReencrypt` calls with distinct `worker` names in this process, each
 * with its own pool, row source and checkpoints (after a second `rotateDataKey`).
 * PostgreSQL gets a private schema (FIELDSEAL_PG_URL, default this machine), SQLite a
 * temporary WAL file with `synchronous = NORMAL`; both are dropped after.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createSealer, generateKek, localKeyProvider, memoryKeyStore, type Sealer } from '../src/index.js';
import {
  postgresJobCheckpoints,
  postgresRowSource,
  runReencrypt,
  sqliteJobCheckpoints,
  sqliteRowSource,
  type JobReport,
  type ProtectedColumn,
  type RowSource,
} from '../src/rotation/index.js';
import { postgresUrl, unavailableReason } from '../test/support/databases.js';
import { floorPass } from './floor-pass.js';

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
/** Rows in the table. */
const ROWS = Number(process.env.BENCH_ROTATION_ROWS ?? (QUICK ? 20_000 : 1_000_000));
/** Distinct sealed values of the non-row-bound column. */
const TEMPLATE = 1_000;
/** Rows sealed and inserted per statement while filling. */
const FILL_BATCH = 10_000;
const MiB = 2 ** 20;

const COLUMNS: readonly ProtectedColumn[] = [
  { column: 'email', model: 'User', field: 'email', mode: 'randomized' },
  { column: 'note', model: 'User', field: 'note', mode: 'randomized', rowBound: true },
];
const emailOf = (i: number): string => `user${i}@example.com`;
const noteOf = (id: number): string => `note of user ${id}`;

/** One measured pass: the whole table, one or more workers. */
interface Measure {
  readonly database: string;
  readonly pass: string;
  readonly ms: number;
  readonly rows: number;
  readonly peakRss: number;
}

/** The largest `process.memoryUsage().rss` seen while `body` runs, sampled every 100 ms. */
async function withPeakRss<T>(body: () => Promise<T>): Promise<{ result: T; peakRss: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  try {
    const result = await body();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakRss: peak };
  } finally {
    clearInterval(timer);
  }
}

/** The template: TEMPLATE e-mail values sealed once under the current (old) data key. */
async function sealedTemplate(sealer: Sealer): Promise<string[]> {
  const items = Array.from({ length: TEMPLATE }, (_, i) => ({ value: emailOf(i), ctx: { model: 'User', field: 'email' } }));
  return (await sealer.encryptMany(items)).map(String);
}

/** Row-bound notes of rows `from`..`to` (inclusive), sealed in their rows' contexts. */
async function sealedNotes(sealer: Sealer, from: number, to: number): Promise<{ ids: number[]; notes: string[] }> {
  const ids = Array.from({ length: to - from + 1 }, (_, j) => from + j);
  const notes = (await sealer.encryptMany(ids.map((id) => ({ value: noteOf(id), ctx: { model: 'User', field: 'note', row: id } })))).map(String);
  return { ids, notes };
}

/** A fresh Sealer on a local KEK and a memory key store. */
const newSealer = (): Promise<Sealer> => createSealer({ provider: localKeyProvider({ keys: { main: generateKek() } }), store: memoryKeyStore() });

/** Checks a reencrypt run moved every value of every column exactly once. */
function checkReports(name: string, reports: readonly JobReport[]): number {
  const rows = reports.reduce((sum, r) => sum + r.rows, 0);
  const changed = (column: string) => reports.reduce((sum, r) => sum + (r.columns.find((c) => c.column === column)?.changed ?? 0), 0);
  if (!reports.some((r) => r.complete) || rows !== ROWS || COLUMNS.some((c) => changed(c.column) !== ROWS)) {
    throw new Error(`${name}: ${rows} rows, ${COLUMNS.map((c) => `${c.column} ${changed(c.column)}`).join(', ')} of ${ROWS}`);
  }
  return rows;
}

/** Floor: the template values written back over both columns, no crypto. */
async function floorMeasure(database: string, source: RowSource, template: readonly string[]): Promise<Measure> {
  const { result, peakRss } = await withPeakRss(() => floorPass(source, COLUMNS.map((c) => c.column), (key) => template[Number(key) % TEMPLATE] as string));
  if (result.written !== ROWS) throw new Error(`${database} floor: wrote ${result.written} of ${ROWS} rows`);
  return { database, pass: 'floor: scan + conditional writes, no crypto', ms: result.ms, rows: result.written, peakRss };
}

async function reencryptMeasure(database: string, pass: string, run: () => Promise<readonly JobReport[]>): Promise<Measure> {
  const start = performance.now();
  const { result, peakRss } = await withPeakRss(run);
  const ms = performance.now() - start;
  return { database, pass, ms, rows: checkReports(`${database} ${pass}`, result), peakRss };
}

async function sqliteMeasures(): Promise<Measure[]> {
  const database = 'SQLite (WAL)';
  const dir = mkdtempSync(join(tmpdir(), 'fieldseal-rotation-'));
  const db = new Database(join(dir, 'rotation.db'), { timeout: 1000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, note TEXT)');
    const sealer = await newSealer();
    const template = await sealedTemplate(sealer);
    const insert = db.prepare('INSERT INTO users (id, email, note) VALUES (?, ?, ?)');
    for (let from = 1; from <= ROWS; from += FILL_BATCH) {
      const { ids, notes } = await sealedNotes(sealer, from, Math.min(ROWS, from + FILL_BATCH - 1));
      db.transaction(() => ids.forEach((id, j) => insert.run(id, template[id % TEMPLATE], notes[j])))();
    }
    const source = sqliteRowSource({ database: db, table: 'users', keyColumn: 'id' });
    const checkpoints = sqliteJobCheckpoints({ database: db });
    await sealer.rotateDataKey();
    const one = await reencryptMeasure(database, 'reencrypt, 1 worker', async () => [await runReencrypt({ sealer, source, checkpoints, columns: COLUMNS, job: 'bench-1' })]);
    db.exec('VACUUM');
    return [await floorMeasure(database, source, template), one];
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresMeasures(): Promise<Measure[]> {
  const database = 'PostgreSQL (pg Pool)';
  const schema = `rotation_${randomBytes(4).toString('hex')}`;
  const q = `"${schema}"`;
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 4 });
  await pool.query(`CREATE SCHEMA ${q}`);
  try {
    await pool.query(`CREATE TABLE ${q}.users (id bigint PRIMARY KEY, email text, note text)`);
    await pool.query(`CREATE TABLE ${q}.template (i int PRIMARY KEY, email text NOT NULL)`);
    const sealer = await newSealer();
    const template = await sealedTemplate(sealer);
    await pool.query(`INSERT INTO ${q}.template SELECT * FROM unnest($1::int[], $2::text[])`, [template.map((_, i) => i), template]);
    for (let from = 1; from <= ROWS; from += FILL_BATCH) {
      const { ids, notes } = await sealedNotes(sealer, from, Math.min(ROWS, from + FILL_BATCH - 1));
      await pool.query(
        `INSERT INTO ${q}.users (id, email, note) SELECT u.id, t.email, u.note FROM unnest($1::bigint[], $2::text[]) AS u(id, note) JOIN ${q}.template t ON t.i = u.id % ${TEMPLATE}`,
        [ids, notes],
      );
    }
    await pool.query(`VACUUM ANALYZE ${q}.users`);
    const source = postgresRowSource({ client: pool, schema, table: 'users', keyColumn: 'id' });
    const checkpoints = postgresJobCheckpoints({ client: pool, schema });

    await sealer.rotateDataKey();
    const one = await reencryptMeasure(database, 'reencrypt, 1 worker', async () => [await runReencrypt({ sealer, source, checkpoints, columns: COLUMNS, job: 'bench-1' })]);
    await pool.query(`VACUUM ANALYZE ${q}.users`);

    // Two workers as two processes would be: a pool, a row source and checkpoints each.
    await sealer.rotateDataKey();
    const worker = async (name: string): Promise<JobReport> => {
      const own = new pg.Pool({ connectionString: postgresUrl, max: 4 });
      try {
        return await runReencrypt({
          sealer,
          source: postgresRowSource({ client: own, schema, table: 'users', keyColumn: 'id' }),
          checkpoints: postgresJobCheckpoints({ client: own, schema }),
          columns: COLUMNS,
          job: 'bench-2',
          worker: name,
        });
      } finally {
        await own.end();
      }
    };
    const two = await reencryptMeasure(database, 'reencrypt, 2 workers', () => Promise.all([worker('worker-a'), worker('worker-b')]));
    await pool.query(`VACUUM ANALYZE ${q}.users`);
    return [await floorMeasure(database, source, template), one, two];
  } finally {
    await pool.query(`DROP SCHEMA ${q} CASCADE`);
    await pool.end();
  }
}

/** The Markdown table: rows/s of every pass and its ratio to its database's floor. */
export function formatRotationBench(measures: readonly Measure[]): string {
  const rate = (m: Measure) => m.rows / (m.ms / 1000);
  const lines = ['| database | pass | rows | time | rows/s | vs floor | peak RSS |', '|---|---|---:|---:|---:|---:|---:|'];
  for (const m of measures) {
    const floor = measures.find((f) => f.database === m.database && f.pass.startsWith('floor'));
    const ratio = floor === undefined ? '—' : `${(rate(m) / rate(floor)).toFixed(2)}x`;
    lines.push(`| ${m.database} | ${m.pass} | ${m.rows.toLocaleString('en')} | ${(m.ms / 1000).toFixed(2)} s | ${Math.round(rate(m)).toLocaleString('en')} | ${ratio} | ${Math.round(m.peakRss / MiB)} MiB |`);
  }
  return lines.join('\n');
}

/** Runs the rotation benchmark and prints its table (PostgreSQL left out, with the reason, when the server does not answer). */
export async function printRotationBench(): Promise<void> {
  console.log(`\n### Rotation: reencrypt of ${ROWS.toLocaleString('en')} rows × 2 randomized columns (one row-bound) vs the floor\n`);
  const measures = await sqliteMeasures();
  const reason = await unavailableReason('postgresql').catch((error: unknown) => String(error));
  if (reason === undefined) measures.push(...(await postgresMeasures()));
  else console.log(`PostgreSQL left out: ${reason}\n`);
  console.log(formatRotationBench(measures));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await printRotationBench();
}
