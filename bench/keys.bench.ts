/**
 * The key layer at scale: a data key per data subject, many subjects, one SQL key store
 * shared by every process. How creating a subject's first key, starting a process and
 * shredding a subject cost as the store grows (10,000 vs 1,000,000 subjects; `--quick`:
 * 10,000 vs 100,000); how many KMS calls and store reads a cold process pays to open
 * values of 10,000 subjects (AWS KMS provider against moto); and the hot path beside raw
 * node:crypto AES-256-GCM.
 *
 * Run: `npx tsx bench/index.ts --only keys [--quick]` (or `npx tsx bench/keys.bench.ts`).
 * PostgreSQL is the test server (`FIELDSEAL_PG_URL`, a private schema dropped at the end);
 * SQLite files live in a temporary folder, in WAL mode with `synchronous = NORMAL`. The
 * AWS part needs moto (test/support/moto.ts) and is left out without it. The synthetic
 * subjects are rows with the right shape, not keys that open: only the keys the benchmark
 * creates itself are used. Start-up and cold opens run in child processes of this file
 * (`--child <part> <json>`), so that their memory and caches are really fresh.
 */
import { spawn } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import Database from 'better-sqlite3';
import pg from 'pg';
import { awsKmsKeyProvider } from '../src/aws-kms/index.js';
import { createSealer, generateKek, localKeyProvider, type KeyProvider, type KeyStore, type Sealer } from '../src/index.js';
import { pgConnection, postgresKeyStore } from '../src/keys/store/postgres-key-store.js';
import type { SqlConnection, SqlScript, SqlStatement } from '../src/keys/store/sql-connection.js';
import { betterSqlite3Connection, sqliteKeyStore } from '../src/keys/store/sqlite-key-store.js';
import { startFaultProxy } from '../test/support/fault-proxy.js';
import { postgresUrl, unavailableReason } from '../test/support/databases.js';
import { motoUnavailableReason, startMoto } from '../test/support/moto.js';
import { printRows, runCases, type BenchCase, type BenchRow } from './harness.js';

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
/** Existing subjects: the small store and the large one. */
const SIZES = QUICK ? ([10_000, 100_000] as const) : ([10_000, 1_000_000] as const);
/** Timed first-key creations per store (after WARM_UP untimed ones). */
const CREATIONS = 200;
const WARM_UP = 20;
/** Values (one subject each) a cold process opens. */
const COLD_VALUES = QUICK ? 1_000 : 10_000;
/** Fresh processes per start-up measure (the median is reported). */
const STARTUPS = QUICK ? 3 : 5;
const SCOPE = 'bench';
const FIELD = { model: 'Customer', field: 'email' };
const THIS_FILE = fileURLToPath(import.meta.url);
const MiB = 2 ** 20;

// ---- stores ----

/** Where a child process finds a table. */
type Target =
  | { readonly backend: 'sqlite'; readonly file: string; readonly table: string }
  | { readonly backend: 'postgres'; readonly url: string; readonly schema: string; readonly table: string };

/** Store calls by method: how many reads and writes an operation made. */
type StoreCounts = Record<'get' | 'getMany' | 'primary' | 'list' | 'insert' | 'compareAndSet' | 'migrate', number>;

/** A store that counts its calls, and (while `log` is set) records the statements its connection runs. */
interface Instrumented {
  readonly store: KeyStore;
  readonly counts: StoreCounts;
  log: SqlStatement[] | undefined;
  reset(): void;
}

const zeroCounts = (): StoreCounts => ({ get: 0, getMany: 0, primary: 0, list: 0, insert: 0, compareAndSet: 0, migrate: 0 });
const reads = (c: StoreCounts): number => c.get + c.getMany + c.primary + c.list;
const writes = (c: StoreCounts): number => c.insert + c.compareAndSet;

/** Opens `target` in this process: an instrumented store, the raw handle for bulk SQL, and how to close it. */
function openTarget(target: Target): { instrumented: Instrumented; sql: SqlHandle; close(): Promise<void> } {
  const holder = { log: undefined as SqlStatement[] | undefined };
  const record = (connection: SqlConnection): SqlConnection => recordingConnection(connection, () => holder.log);
  if (target.backend === 'sqlite') {
    const db = new Database(target.file, { timeout: 1000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const store = sqliteKeyStore({ connection: record(betterSqlite3Connection(db)), table: target.table, timeoutMs: 60_000 });
    return {
      instrumented: instrument(store, holder),
      sql: sqliteHandle(db),
      close: async () => {
        db.close();
      },
    };
  }
  const pool = new pg.Pool({ connectionString: target.url, max: 4 });
  const store = postgresKeyStore({ connection: record(pgConnection(pool)), schema: target.schema, table: target.table, timeoutMs: 60_000 });
  return { instrumented: instrument(store, holder), sql: postgresHandle(pool), close: () => pool.end() };
}

function instrument(store: KeyStore, holder: { log: SqlStatement[] | undefined }): Instrumented {
  const counts = zeroCounts();
  const counted = <A extends unknown[], R>(name: keyof StoreCounts, call: (...args: A) => Promise<R>) => (...args: A) => {
    counts[name]++;
    return call(...args);
  };
  return {
    store: {
      description: store.description,
      migrate: counted('migrate', () => store.migrate()),
      get: counted('get', (id: string) => store.get(id)),
      getMany: counted('getMany', (ids: readonly string[]) => store.getMany(ids)),
      primary: counted('primary', (scope: string, purpose: Parameters<KeyStore['primary']>[1]) => store.primary(scope, purpose)),
      list: counted('list', (page: Parameters<KeyStore['list']>[0]) => store.list(page)),
      insert: counted('insert', (record: Parameters<KeyStore['insert']>[0], options?: Parameters<KeyStore['insert']>[1]) => store.insert(record, options)),
      compareAndSet: counted('compareAndSet', (id: string, version: number, change: Parameters<KeyStore['compareAndSet']>[2]) => store.compareAndSet(id, version, change)),
    },
    counts,
    get log() {
      return holder.log;
    },
    set log(value) {
      holder.log = value;
    },
    reset() {
      Object.assign(counts, zeroCounts());
    },
  };
}

/** `connection`, recording each statement it runs into `log()` when that is set. */
function recordingConnection(connection: SqlConnection, log: () => SqlStatement[] | undefined): SqlConnection {
  return {
    query(statement, options) {
      log()?.push(statement);
      return connection.query(statement, options);
    },
    transaction<T>(script: () => SqlScript<T>, options: Parameters<SqlConnection['transaction']>[1]) {
      return connection.transaction(function* (): SqlScript<T> {
        const inner = script();
        let step = inner.next();
        while (step.done !== true) {
          log()?.push(step.value);
          step = inner.next(yield step.value);
        }
        return step.value;
      }, options);
    },
  };
}

/** Bulk SQL beside the store: filling, planning. */
interface SqlHandle {
  /** Inserts subjects `bench#s1..count` (one data key row each, primary), in one statement. */
  fill(table: string, count: number, parent: string): Promise<void>;
  /** One line saying how the database runs `statement`, and whether it reads the whole table. */
  plan(statement: SqlStatement): Promise<{ line: string; scan: boolean }>;
}

/** Base64 of 40 bytes: the length of a wrapped 32-byte key; the synthetic rows never open. */
const SYNTHETIC_WRAPPED = Buffer.alloc(40, 7).toString('base64');

function sqliteHandle(db: Database.Database): SqlHandle {
  return {
    async fill(table, count, parent) {
      const now = new Date().toISOString();
      db.prepare(
        `INSERT OR IGNORE INTO "${table}" (id, scope, purpose, parent, wrapped, state, primary_slot, version, created_at, updated_at)
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         SELECT printf('%08x', i), '${SCOPE}#s' || i, 'data', ?, ?, 'active', 'data:${SCOPE}#s' || i, 1, ?, ? FROM n`,
      ).run(count, parent, SYNTHETIC_WRAPPED, now, now);
      db.exec(`ANALYZE "${table}"`);
    },
    async plan(statement) {
      const rows = db.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.params) as { detail: string }[];
      const details = rows.map((row) => row.detail);
      return { line: details.join('; '), scan: details.some((detail) => /^SCAN /.test(detail)) };
    },
  };
}

function postgresHandle(pool: pg.Pool): SqlHandle {
  return {
    async fill(table, count, parent) {
      await pool.query(
        `INSERT INTO ${table} (id, scope, purpose, parent, wrapped, state, primary_slot, version, created_at, updated_at)
         SELECT lpad(to_hex(g), 8, '0'), '${SCOPE}#s' || g, 'data', $1, $2, 'active', 'data:${SCOPE}#s' || g, 1, now(), now()
         FROM generate_series(1, $3::int) AS g ON CONFLICT DO NOTHING`,
        [parent, SYNTHETIC_WRAPPED, count],
      );
      await pool.query(`ANALYZE ${table}`);
    },
    async plan(statement) {
      const rows = (await pool.query(`EXPLAIN ${statement.sql}`, [...statement.params])).rows as { 'QUERY PLAN': string }[];
      const lines = rows.map((row) => row['QUERY PLAN'].trim());
      return { line: lines.join('; '), scan: lines.some((l) => l.includes('Seq Scan')) };
    },
  };
}

// ---- child processes ----

/** Runs a part of this file in a fresh Node process and returns what it printed (one JSON line). */
async function inChild<T>(part: string, input: unknown, env: Record<string, string> = {}): Promise<T> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', THIS_FILE, '--child', part, JSON.stringify(input)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`child ${part} exited with ${code}: ${err.slice(-2000)}`);
  return JSON.parse(out.trim().split('\n').pop() as string) as T;
}

interface StartupResult {
  readonly ms: number;
  /** After `createSealer` and a gc. */
  readonly rss: number;
  readonly heapUsed: number;
  /** Over the call. */
  readonly rssDelta: number;
  readonly heapDelta: number;
}

/** In a child: `createSealer` on the target with the local provider, timed, with memory before and after. */
async function childStartup(target: Target): Promise<StartupResult> {
  const { instrumented, close } = openTarget(target);
  const provider = localKeyProvider({ keys: { main: process.env.FIELDSEAL_BENCH_KEK as string } });
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  gc();
  const before = process.memoryUsage();
  const start = performance.now();
  const sealer = await createSealer({ provider, store: instrumented.store });
  const ms = performance.now() - start;
  gc();
  const after = process.memoryUsage();
  await sealer.encrypt('ok', FIELD);
  await close();
  return { ms, rss: after.rss, heapUsed: after.heapUsed, rssDelta: after.rss - before.rss, heapDelta: after.heapUsed - before.heapUsed };
}

interface ColdOpenInput {
  readonly target: Target;
  readonly kms: { readonly endpoint: string; readonly region: string; readonly keyArn: string };
  readonly valuesFile: string;
  readonly batch: boolean;
}

interface ColdOpenResult {
  /** createSealer, then opening every value. */
  readonly startMs: number;
  readonly openMs: number;
  readonly opened: number;
  /** Store calls of createSealer, and of the opens after it. */
  readonly startCounts: StoreCounts;
  readonly openCounts: StoreCounts;
  readonly provider: { readonly unwrap: number; readonly wrap: number; readonly generateDataKey: number };
}

/** In a child: a cold process opens every value of the file, one call each or with decryptMany. */
async function childColdOpen(input: ColdOpenInput): Promise<ColdOpenResult> {
  const values = JSON.parse(readFileSync(input.valuesFile, 'utf8')) as { subject: string; text: string }[];
  const { instrumented, close } = openTarget(input.target);
  const start = performance.now();
  const sealer = await createSealer({ provider: awsProvider(input.kms), store: instrumented.store });
  const startMs = performance.now() - start;
  const startCounts = { ...instrumented.counts };
  instrumented.reset();
  const items = values.map(({ subject, text }) => ({ text, ctx: { ...FIELD, scope: SCOPE, subject } }));
  let opened = 0;
  if (input.batch) {
    for (let i = 0; i < items.length; i += 256) for (const value of await sealer.decryptMany(items.slice(i, i + 256))) opened += value === 'pii' ? 1 : 0;
  } else {
    for (const { text, ctx } of items) opened += (await sealer.decrypt(text, ctx)) === 'pii' ? 1 : 0;
  }
  const openMs = performance.now() - start - startMs;
  const { unwrap, wrap, generateDataKey } = sealer.stats().provider;
  await close();
  return { startMs, openMs, opened, startCounts, openCounts: { ...instrumented.counts }, provider: { unwrap, wrap, generateDataKey } };
}

function awsProvider(kms: ColdOpenInput['kms']): KeyProvider {
  return awsKmsKeyProvider({ keyId: kms.keyArn, endpoint: kms.endpoint, region: kms.region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}

// ---- the parts ----

/** One backend's two stores (small and large), filled and open in this process. */
interface Backend {
  readonly name: 'sqlite' | 'postgres';
  readonly sizes: readonly { readonly subjects: number; readonly target: Target; readonly open: ReturnType<typeof openTarget>; readonly fillMs: number }[];
  close(): Promise<void>;
}

async function openBackend(name: Backend['name'], folder: string, kek: string): Promise<Backend> {
  let schema: string | undefined;
  let admin: pg.Pool | undefined;
  if (name === 'postgres') {
    schema = `fsbench_keys_${randomBytes(4).toString('hex')}`;
    admin = new pg.Pool({ connectionString: postgresUrl, max: 1 });
    await admin.query(`CREATE SCHEMA "${schema}"`);
  }
  const sizes: Backend['sizes'][number][] = [];
  for (const subjects of SIZES) {
    const table = `keys_${subjects}`;
    const target: Target = name === 'sqlite' ? { backend: 'sqlite', file: join(folder, `${table}.db`), table } : { backend: 'postgres', url: postgresUrl, schema: schema as string, table };
    const open = openTarget(target);
    // The root key and the default scope's keys, as any first process makes them.
    await createSealer({ provider: localKeyProvider({ keys: { main: kek } }), store: open.instrumented.store });
    const root = await open.instrumented.store.primary('root', 'root');
    const start = performance.now();
    await open.sql.fill(name === 'sqlite' ? table : `"${schema}"."${table}"`, subjects, root?.id as string);
    sizes.push({ subjects, target, open, fillMs: performance.now() - start });
  }
  return {
    name,
    sizes,
    async close() {
      for (const size of sizes) await size.open.close();
      if (admin !== undefined) {
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      }
    },
  };
}

const median = (values: readonly number[]): number => quantile(values, 0.5);
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}
const ms = (value: number): string => value.toFixed(2);
const count = (value: number): string => value.toLocaleString('en-US');
const verdict = (ok: boolean): string => (ok ? 'yes' : 'no');

/** First-key creations, interleaved between the small and the large store; then the shred of one subject in the large one. */
async function creationsAndShred(backend: Backend, kek: string): Promise<{ creation: string[]; shred: string[] }> {
  const sealers: Sealer[] = [];
  for (const size of backend.sizes) sealers.push(await createSealer({ provider: localKeyProvider({ keys: { main: kek } }), store: size.open.instrumented.store }));
  const times = backend.sizes.map(() => [] as number[]);
  for (let i = 0; i < WARM_UP + CREATIONS; i++) {
    for (const [s, sealer] of sealers.entries()) {
      const start = performance.now();
      await sealer.encrypt('pii', { ...FIELD, scope: SCOPE, subject: `new-${i}` });
      if (i >= WARM_UP) (times[s] as number[]).push(performance.now() - start);
    }
  }
  const base = median(times[0] as number[]);
  const creation = backend.sizes.map((size, s) => {
    const t = times[s] as number[];
    const ratio = median(t) / base;
    const targets = s === 0 ? '' : `ratio ≤ 1.5x: ${verdict(ratio <= 1.5)}${backend.name === 'postgres' ? `; median ≤ 2 ms: ${verdict(median(t) <= 2)}` : ''}`;
    return `| ${backend.name} | ${count(size.subjects)} | ${ms(median(t))} | ${ms(quantile(t, 0.95))} | ${s === 0 ? '1.00' : `${ratio.toFixed(2)}x`} | ${targets} |`;
  });

  const shred: string[] = [];
  for (const [s, size] of backend.sizes.entries()) {
    const sealer = sealers[s] as Sealer;
    const { instrumented } = size.open;
    await sealer.keyring.sync();
    instrumented.reset();
    instrumented.log = [];
    const start = performance.now();
    const destroyed = await sealer.shred({ scope: SCOPE, subject: `new-${WARM_UP}` });
    const elapsed = performance.now() - start;
    const statements = instrumented.log;
    instrumented.log = undefined;
    const c = { ...instrumented.counts };
    const selects = statements.filter((st) => /^SELECT .* FROM /s.test(st.sql));
    const plans = await Promise.all(selects.map((st) => size.open.sql.plan(st)));
    const scans = plans.filter((p) => p.scan).length;
    const listPlan = plans[selects.findIndex((st) => st.sql.includes('ORDER BY id'))]?.line ?? '';
    shred.push(
      `| ${backend.name} | ${count(size.subjects)} | ${destroyed} | ${writes(c)} (insert ${c.insert}, compareAndSet ${c.compareAndSet}) | ${reads(c)} (list ${c.list}, getMany ${c.getMany}, get ${c.get}, primary ${c.primary}) | ${scans} of ${selects.length} | ${ms(elapsed)} | ${verdict(writes(c) === 1 && scans === 0)} | ${listPlan.replaceAll('|', '/')} |`,
    );
  }
  return { creation, shred };
}

/** `createSealer` in fresh processes on the small and the large store, interleaved. */
async function startups(backend: Backend, kek: string): Promise<string[]> {
  const results = backend.sizes.map(() => [] as StartupResult[]);
  for (let run = 0; run < STARTUPS; run++) {
    for (const [s, size] of backend.sizes.entries()) (results[s] as StartupResult[]).push(await inChild<StartupResult>('startup', size.target, { FIELDSEAL_BENCH_KEK: kek }));
  }
  const summary = results.map((r) => {
    const mid = (pick: (x: StartupResult) => number) => median(r.map(pick));
    return { ms: mid((x) => x.ms), rss: mid((x) => x.rss), heap: mid((x) => x.heapUsed), rssDelta: mid((x) => x.rssDelta), heapDelta: mid((x) => x.heapDelta) };
  });
  const base = summary[0] as (typeof summary)[number];
  const mib = (bytes: number): string => (bytes / MiB).toFixed(2);
  return backend.sizes.map((size, s) => {
    const m = summary[s] as (typeof summary)[number];
    const ratios = [m.ms / base.ms, m.rss / base.rss, m.heap / base.heap];
    const shown = s === 0 ? '1.00 / 1.00 / 1.00' : ratios.map((r) => `${r.toFixed(2)}x`).join(' / ');
    const target = s === 0 ? '' : `all ≤ 1.5x: ${verdict(ratios.every((r) => r <= 1.5))}`;
    return `| ${backend.name} | ${count(size.subjects)} | ${ms(m.ms)} | ${mib(m.rss)} | ${mib(m.heap)} | ${mib(m.rssDelta)} / ${mib(m.heapDelta)} | ${shown} | ${target} |`;
  });
}

/** Seals COLD_VALUES values of as many subjects with the AWS provider, then opens them in cold processes, counting KMS requests on the wire. */
async function coldOpens(backends: readonly Backend[], folder: string): Promise<string[]> {
  const moto = await startMoto();
  const proxy = await startFaultProxy(moto.endpoint);
  const client = moto.client();
  try {
    const keyArn = (await client.send(new CreateKeyCommand({}))).KeyMetadata?.Arn as string;
    const kms = { endpoint: proxy.endpoint, region: moto.region, keyArn };
    const rows: string[] = [];
    for (const backend of backends) {
      const table = 'keys_cold';
      const target: Target = backend.name === 'sqlite' ? { backend: 'sqlite', file: join(folder, 'cold.db'), table } : { ...(backend.sizes[0]?.target as Target & { backend: 'postgres' }), table };
      const writer = openTarget(target);
      const sealer = await createSealer({ provider: awsProvider(kms), store: writer.instrumented.store });
      const values: { subject: string; text: string }[] = [];
      for (let i = 0; i < COLD_VALUES; i++) {
        const subject = `subject-${i}`;
        values.push({ subject, text: await sealer.encrypt('pii', { ...FIELD, scope: SCOPE, subject }) });
      }
      await writer.close();
      const valuesFile = join(folder, `cold-${backend.name}.json`);
      writeFileSync(valuesFile, JSON.stringify(values));
      for (const batch of [false, true]) {
        proxy.requests.clear();
        const result = await inChild<ColdOpenResult>('cold-open', { target, kms, valuesFile, batch } satisfies ColdOpenInput);
        const wire = [...proxy.requests.values()].reduce((x, y) => x + y, 0);
        const onWire = [...proxy.requests.entries()].map(([action, n]) => `${action} ${n}`).join(', ');
        const start = result.startCounts;
        const open = result.openCounts;
        const perSubject = open.get / COLD_VALUES;
        rows.push(
          `| ${backend.name} | ${batch ? 'decryptMany, 256 per call' : 'decrypt, one call each'} | ${count(result.opened)} | ${wire} (${onWire}) | ${result.provider.unwrap} | ${reads(start)} (primary ${start.primary}, get ${start.get}) | ${count(reads(open))} (get ${count(open.get)}, getMany ${open.getMany}, primary ${open.primary}, list ${open.list}) | ${perSubject.toFixed(2)} | ${ms(result.startMs)} + ${ms(result.openMs)} | KMS ≤ 1: ${verdict(wire <= 1)}; reads per subject ≤ 1: ${verdict(perSubject <= 1 && open.primary + open.list === 0)} |`,
        );
      }
    }
    return rows;
  } finally {
    client.destroy();
    await proxy.stop();
    await moto.stop();
  }
}

/**
 * In a child: randomized encrypt and decrypt of 16 bytes on the target store, beside raw
 * node:crypto AES-256-GCM (as in core.bench.ts). A fresh process, so that what the other
 * parts left on the heap does not weigh on it.
 */
async function childHotPath(target: Target): Promise<BenchRow[]> {
  const { instrumented, close } = openTarget(target);
  const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: process.env.FIELDSEAL_BENCH_KEK as string } }), store: instrumented.store });
  const value = 'a'.repeat(16);
  const rawKey = randomBytes(32);
  const rawEncrypt = (): string => {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', rawKey, iv);
    return Buffer.concat([iv, c.update(value, 'utf8'), c.final(), c.getAuthTag()]).toString('base64');
  };
  const rawText = rawEncrypt();
  const rawDecrypt = (): string => {
    const ct = Buffer.from(rawText, 'base64');
    const d = createDecipheriv('aes-256-gcm', rawKey, ct.subarray(0, 12));
    d.setAuthTag(ct.subarray(ct.length - 16));
    return Buffer.concat([d.update(ct.subarray(12, ct.length - 16)), d.final()]).toString('utf8');
  };
  const subjectCtx = { ...FIELD, scope: SCOPE, subject: `new-${WARM_UP + 1}` };
  const sealed = await sealer.encrypt(value, FIELD);
  const sealedForSubject = await sealer.encrypt(value, subjectCtx);
  const cases: BenchCase[] = [
    { group: 'encrypt 16 B', name: 'raw node:crypto AES-256-GCM + randomBytes(12)', fn: rawEncrypt, baseline: true },
    { group: 'encrypt 16 B', name: 'fieldseal randomized (scope key)', fn: () => sealer.encrypt(value, FIELD) },
    { group: 'encrypt 16 B', name: 'fieldseal randomized (subject key)', fn: () => sealer.encrypt(value, subjectCtx) },
    { group: 'decrypt 16 B', name: 'raw node:crypto AES-256-GCM', fn: rawDecrypt, baseline: true },
    { group: 'decrypt 16 B', name: 'fieldseal randomized (scope key)', fn: () => sealer.decrypt(sealed, FIELD) },
    { group: 'decrypt 16 B', name: 'fieldseal randomized (subject key)', fn: () => sealer.decrypt(sealedForSubject, subjectCtx) },
  ];
  // The harness runs each group's cases one after the other: the case right after the
  // baseline measures some 5-10 % slower than the same case later. The first case, run
  // again last, shows how much of a difference between rows is that.
  for (const group of ['encrypt 16 B', 'decrypt 16 B']) {
    const first = cases.find((c) => c.group === group && c.baseline !== true) as BenchCase;
    cases.splice(cases.findLastIndex((c) => c.group === group) + 1, 0, { ...first, name: `${first.name}, again, last` });
  }
  const rows = await runCases(cases);
  await close();
  return rows;
}

/** The hot path on the backend's large store. */
async function hotPath(backend: Backend, kek: string): Promise<void> {
  const large = backend.sizes[backend.sizes.length - 1] as Backend['sizes'][number];
  const rows = await inChild<BenchRow[]>('hot-path', large.target, { FIELDSEAL_BENCH_KEK: kek, ...(QUICK ? { BENCH_QUICK: '1' } : {}) });
  printRows(`Keys: hot path on the ${backend.name} store with ${count(large.subjects)} subjects, in a fresh process (targets: encrypt ≥ 2.0x, decrypt ≥ 0.8x raw)`, rows);
}

/** Runs every part and prints Markdown tables. */
export async function printKeysBench(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'fieldseal-keys-bench-'));
  const kek = generateKek();
  const backends: Backend[] = [];
  try {
    const pgProblem = await unavailableReason('postgresql');
    for (const name of ['sqlite', 'postgres'] as const) {
      if (name === 'postgres' && pgProblem !== undefined) {
        console.log(`\n(PostgreSQL left out: ${pgProblem})`);
        continue;
      }
      backends.push(await openBackend(name, folder, kek));
    }
    console.log(`\n### Keys: filling the stores (one INSERT … SELECT of synthetic subject rows)\n`);
    console.log('| store | subjects | fill ms |\n|---|---:|---:|');
    for (const b of backends) for (const size of b.sizes) console.log(`| ${b.name} | ${count(size.subjects)} | ${ms(size.fillMs)} |`);

    const creation: string[] = [];
    const shred: string[] = [];
    for (const b of backends) {
      const parts = await creationsAndShred(b, kek);
      creation.push(...parts.creation);
      shred.push(...parts.shred);
    }
    console.log(`\n### Keys: creating a subject's first key (${CREATIONS} creations after ${WARM_UP} untimed, interleaved between the stores)\n`);
    console.log('| store | existing subjects | median ms | p95 ms | median ratio to the small store | targets |\n|---|---:|---:|---:|---:|---|');
    for (const row of creation) console.log(row);

    console.log('\n### Keys: shred of one subject (store calls; statements whose plan reads the whole table)\n');
    console.log('| store | subjects | keys destroyed | writes | reads | full scans | ms | one write, no scan | plan of the list |\n|---|---:|---:|---|---|---:|---:|---|---|');
    for (const row of shred) console.log(row);

    const startupRows: string[] = [];
    for (const b of backends) startupRows.push(...(await startups(b, kek)));
    console.log(`\n### Keys: createSealer in a fresh process (median of ${STARTUPS}; memory after it and a gc)\n`);
    console.log('| store | subjects | start-up ms | rss MiB | heapUsed MiB | delta over the call, rss / heapUsed MiB | ratio to the small store (time / rss / heapUsed) | targets |\n|---|---:|---:|---:|---:|---:|---:|---|');
    for (const row of startupRows) console.log(row);

    const motoProblem = motoUnavailableReason();
    if (motoProblem !== undefined) console.log(`\n(AWS KMS part left out: ${motoProblem})`);
    else {
      const rows = await coldOpens(backends, folder);
      console.log(`\n### Keys: a cold process opening ${count(COLD_VALUES)} values of ${count(COLD_VALUES)} subjects (AWS KMS provider, moto on loopback; createSealer included)\n`);
      console.log('| store | how | opened | KMS requests on the wire | provider unwraps | store reads of createSealer | store reads of the opens | gets per subject | ms (start-up + opens) | targets |\n|---|---|---:|---|---:|---|---|---:|---:|---|');
      for (const row of rows) console.log(row);
    }

    if (backends[0] !== undefined) await hotPath(backends[0], kek);
  } finally {
    for (const b of backends) await b.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

async function child(part: string, input: string): Promise<void> {
  const result =
    part === 'startup' ? await childStartup(JSON.parse(input) as Target) : part === 'hot-path' ? await childHotPath(JSON.parse(input) as Target) : await childColdOpen(JSON.parse(input) as ColdOpenInput);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--child');
  if (at !== -1) await child(process.argv[at + 1] as string, process.argv[at + 2] as string);
  else await printKeysBench();
}
