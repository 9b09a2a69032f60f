/**
 * A job and the application in another process, on one table: while a child process
 * updates random rows as fast as it can, the job pages through the table and seals every
 * row in batches of 500, three times over. No application write is lost: every row ends
 * holding the last value the application wrote to it, or that value sealed.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RowSource } from '../../src/rotation/row-source.js';
import { mysqlRowSource, postgresRowSource, sqliteRowSource } from '../../src/rotation/sql-row-source.js';
import { unavailableReason } from '../support/databases.js';
import { mariadbUrl, postgresUrl } from '../keys/store/support.js';
import { sealTable, type SealPass } from './support/seal-job.js';
import { mariadbTables, postgresTables, sqliteTables, tableName, type SqlTables } from './support/sql-tables.js';

const child = fileURLToPath(new URL('./support/app-writer-child.ts', import.meta.url));
const pgReason = await unavailableReason('postgresql');
const mariadbReason = await unavailableReason('mysql');
const ROWS = 3000;

interface Application {
  readonly ready: Promise<void>;
  go(): void;
  /** Stops the application and returns what it wrote. */
  stop(): Promise<{ writes: number; last: Record<string, string> }>;
}

function startApplication(args: readonly string[]): Application {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  proc.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('ready\n')) markReady();
  });
  proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<string>((resolve, reject) => {
    proc.on('exit', (code) => {
      markReady();
      if (code !== 0) reject(new Error(`application process exited with ${code}: ${err}`));
      else resolve(out);
    });
  });
  exited.catch(() => undefined);
  return {
    ready,
    go: () => proc.stdin.write('go\n'),
    async stop() {
      proc.stdin.write('stop\n');
      const lines = (await exited).trim().split('\n');
      return JSON.parse(lines[lines.length - 1] as string) as { writes: number; last: Record<string, string> };
    },
  };
}

/** Seeds the table, runs three sealing passes against the application, and checks that no application write was lost. */
async function raceJob(tables: Pick<SqlTables, 'raw' | 'quote' | 'dialect'>, table: string, source: RowSource, args: readonly string[]): Promise<void> {
  const { raw, quote } = tables;
  const values = Array.from({ length: ROWS }, (_, i) => i + 1);
  for (let i = 0; i < ROWS; i += 500) {
    const chunk = values.slice(i, i + 500);
    const placeholders = chunk.map((_, j) => (tables.dialect === 'postgres' ? `($${2 * j + 1}, $${2 * j + 2})` : '(?, ?)')).join(', ');
    await raw(`INSERT INTO ${quote(table)} (id, secret) VALUES ${placeholders}`, chunk.flatMap((key) => [key, `plain ${key}`]));
  }
  const application = startApplication(args);
  await application.ready;
  application.go();
  const passes: SealPass[] = [];
  let outcome: { writes: number; last: Record<string, string> };
  try {
    for (let pass = 0; pass < 3; pass++) passes.push(await sealTable(source, 500));
  } finally {
    outcome = await application.stop();
  }
  expect(outcome.writes).toBeGreaterThan(0);
  const stored = await raw(`SELECT id, secret FROM ${quote(table)} ORDER BY id`);
  expect(stored).toHaveLength(ROWS);
  const lost = stored.filter((row) => {
    const latest = outcome.last[String(row.id)] ?? `plain ${String(row.id)}`;
    return row.secret !== latest && row.secret !== `sealed:${latest}`;
  });
  const summary = `${outcome.writes} application writes; passes ${JSON.stringify(passes)}`;
  expect(lost.map((row) => `${String(row.id)}: ${String(row.secret)}`), summary).toEqual([]);
}

describe.skipIf(pgReason !== undefined)(pgReason ?? 'postgresql server', () => {
  let tables: Awaited<ReturnType<typeof postgresTables>>;
  beforeAll(async () => {
    tables = await postgresTables();
  });
  afterAll(async () => {
    await tables?.close();
  });
  it('no application write is lost while a job seals the table in batches of 500', async () => {
    const table = tableName();
    await tables.raw(`CREATE TABLE "${table}" (id bigint PRIMARY KEY, secret text)`);
    const source = postgresRowSource({ client: tables.db.pool, schema: tables.db.schema, table, keyColumn: 'id' });
    await raceJob(tables, table, source, ['postgres', postgresUrl, tables.db.schema, table, String(ROWS)]);
  }, 120_000);
});

describe.skipIf(mariadbReason !== undefined)(mariadbReason ?? 'mariadb server', () => {
  let tables: Awaited<ReturnType<typeof mariadbTables>>;
  beforeAll(async () => {
    tables = await mariadbTables();
  });
  afterAll(async () => {
    await tables?.close();
  });
  it('no application write is lost while a job seals the table in batches of 500', async () => {
    const table = tableName();
    await tables.raw(`CREATE TABLE \`${table}\` (id BIGINT NOT NULL PRIMARY KEY, secret TEXT)`);
    const source = mysqlRowSource({ pool: tables.pool, table, keyColumn: 'id' });
    const url = new URL(mariadbUrl);
    url.pathname = `/${tables.db.database}`;
    await raceJob(tables, table, source, ['mysql', url.toString(), table, String(ROWS)]);
  }, 120_000);
});

describe('sqlite', () => {
  let tables: ReturnType<typeof sqliteTables>;
  let database: Database.Database;
  beforeAll(() => {
    tables = sqliteTables();
    database = new Database(tables.file, { timeout: 100 });
  });
  afterAll(async () => {
    database?.close();
    await tables?.close();
  });
  it('no application write is lost while a job seals the table in batches of 500', async () => {
    const table = tableName();
    await tables.raw(`CREATE TABLE "${table}" (id INTEGER PRIMARY KEY, secret TEXT)`);
    const source = sqliteRowSource({ database, table, keyColumn: 'id' });
    await raceJob(tables, table, source, ['sqlite', tables.file, table, String(ROWS)]);
  }, 120_000);
});
