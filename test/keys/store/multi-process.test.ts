/**
 * Several processes on one key store: 4 processes x 25 concurrent first-key inserts on the
 * same 10 scopes, on SQLite (WAL, one file), PostgreSQL (one table) and the file key store
 * (one key file). Exactly one insert per scope wins, and every process learns that winner
 * with primary().
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileKeyStore } from '../../../src/keys/file-key-store.js';
import type { KeyStore } from '../../../src/keys/store/key-store.js';
import { postgresKeyStore } from '../../../src/keys/store/postgres-key-store.js';
import { sqliteKeyStore } from '../../../src/keys/store/sqlite-key-store.js';
import { unavailableReason } from '../../support/databases.js';
import { bundledScript } from '../../support/bundled-script.js';
import { postgresUrl, privateSchema, randomName, sqliteFile, tempDir, type PrivateSchema } from './support.js';

const child = fileURLToPath(new URL('./race-child.ts', import.meta.url));

interface Outcome {
  readonly scope: string;
  readonly won?: string;
  readonly learned?: string;
}

/** A child process running race-child.ts (from its bundle). */
function startChild(args: readonly string[]): { ready: Promise<void>; done: Promise<Outcome[]>; go(): void } {
  // Bundled once per test file and run with plain node: under tsx, start-up went mostly into loading src.
  const proc = spawn(process.execPath, ['--enable-source-maps', bundledScript(child), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  proc.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('ready\n')) markReady();
  });
  proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const done = new Promise<Outcome[]>((resolve, reject) => {
    proc.on('exit', (code) => {
      markReady(); // a child that died before ready must not hold the others
      if (code !== 0) return reject(new Error(`child exited with ${code}: ${err}`));
      const lines = out.trim().split('\n');
      resolve(JSON.parse(lines[lines.length - 1] as string) as Outcome[]);
    });
  });
  return { ready, done, go: () => proc.stdin.write('go\n') };
}

/** Starts `count` children, waits until every one has migrated, then releases them together. */
async function race(count: number, args: readonly string[]): Promise<Outcome[][]> {
  const children = Array.from({ length: count }, () => startChild(args));
  await Promise.all(children.map((c) => c.ready));
  for (const c of children) c.go();
  return Promise.all(children.map((c) => c.done));
}

async function expectOneWinnerPerScope(outcomes: Outcome[][], store: KeyStore): Promise<void> {
  const all = outcomes.flat();
  expect(all).toHaveLength(100);
  const scopes = [...new Set(all.map((o) => o.scope))].sort();
  expect(scopes).toHaveLength(10);
  for (const scope of scopes) {
    const winners = all.filter((o) => o.scope === scope && o.won !== undefined).map((o) => o.won);
    expect(winners, scope).toHaveLength(1);
    const primary = await store.primary(scope, 'data');
    expect(primary?.id, scope).toBe(winners[0]);
    expect(new Set(all.filter((o) => o.scope === scope).map((o) => o.learned)), scope).toEqual(new Set([winners[0]]));
    expect(await store.list({ scope, limit: 100 }), scope).toHaveLength(1);
  }
}

describe('several processes on one SQLite file (WAL)', () => {
  const temp = tempDir();
  afterAll(() => temp.remove());

  it('4 processes x 25 concurrent first-key inserts on 10 scopes: one primary per scope, learned by all', async () => {
    const db = sqliteFile(temp.dir);
    const table = randomName('keys');
    const outcomes = await race(4, ['sqlite', db.name, table]);
    await expectOneWinnerPerScope(outcomes, sqliteKeyStore({ database: db, table }));
    db.close();
  }, 60_000);
});

describe('several processes on one key file', () => {
  const temp = tempDir();
  afterAll(() => temp.remove());

  it('4 processes x 25 concurrent first-key inserts on 10 scopes: one primary per scope, learned by all', async () => {
    const path = join(temp.dir, 'keys.json');
    const outcomes = await race(4, ['file', path]);
    await expectOneWinnerPerScope(outcomes, fileKeyStore(path));
  }, 60_000);
});

const reason = await unavailableReason('postgresql');
describe.skipIf(reason !== undefined)(reason ?? 'several processes on one PostgreSQL table', () => {
  let db: PrivateSchema;
  beforeAll(async () => {
    db = await privateSchema('race', 2);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('4 processes x 25 concurrent first-key inserts on 10 scopes: one primary per scope, learned by all', async () => {
    const table = randomName('keys');
    const outcomes = await race(4, ['postgres', postgresUrl, db.schema, table]);
    await expectOneWinnerPerScope(outcomes, postgresKeyStore({ client: db.pool, schema: db.schema, table }));
  }, 60_000);
});
