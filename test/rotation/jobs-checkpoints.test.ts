/**
 * Job checkpoints, the same rules in memory, SQLite, PostgreSQL and MariaDB: a job's ranges
 * are created once (concurrent starts agree), claims hand out each range to one worker
 * (concurrent claims never share one), a restarted worker resumes its own range at once and
 * another only after the lease, a taken-over claim commits nothing, released ranges keep
 * their cursor; and the split of a key space into ranges.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import * as mariadb from 'mariadb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import {
  memoryJobCheckpoints,
  mysqlJobCheckpoints,
  postgresJobCheckpoints,
  splitKeyRange,
  sqliteJobCheckpoints,
  type JobCheckpoints,
  type JobDefinition,
  type KeyRange,
  type RowKey,
} from '../../src/rotation/index.js';
import { unavailableReason } from '../support/databases.js';
import { privateMariadb, privateSchema, randomName, sqliteFile, tempDir, type PrivateDatabase, type PrivateSchema } from '../keys/store/support.js';

const definition = (job: string): JobDefinition => ({ job, kind: 'reencrypt', source: 'test:users', fingerprint: 'f'.repeat(64) });
const ranges = (keys: readonly (RowKey | undefined)[]): KeyRange[] => keys.slice(0, -1).map((after, index) => ({ index, after, until: keys[index + 1] }));

/** The checkpoint rules, on a fresh job per test. */
function checkpointContract(name: string, make: () => Promise<{ checkpoints: () => JobCheckpoints }>) {
  describe(name, () => {
    let subject: Awaited<ReturnType<typeof make>>;
    beforeAll(async () => {
      subject = await make();
      await subject.checkpoints().migrate();
      await subject.checkpoints().migrate(); // idempotent
    });

    it('starts a job once, claims its ranges in order, commits cursors and counters, and finishes', async () => {
      const cp = subject.checkpoints();
      const job = randomName('job');
      const started = await cp.start(definition(job), ranges([undefined, 100, 200, undefined]));
      expect(started.ranges.map((r) => [r.index, r.after, r.until, r.state])).toEqual([
        [0, undefined, 100, 'pending'],
        [1, 100, 200, 'pending'],
        [2, 200, undefined, 'pending'],
      ]);
      // A second start keeps the job as it is, whatever ranges it brings.
      expect((await cp.start(definition(job), ranges([undefined, 5, undefined]))).ranges).toHaveLength(3);
      await expect(cp.start({ ...definition(job), fingerprint: 'e'.repeat(64) }, [])).rejects.toBeInstanceOf(ConfigurationError);
      await expect(cp.start({ ...definition(job), kind: 'backfill' }, [])).rejects.toThrow(/exists as a reencrypt job/);

      const first = await cp.claim(job, 'w1', 60_000);
      expect(first).toMatchObject({ job, range: { index: 0, until: 100 }, worker: 'w1' });
      expect(first?.cursor).toBeUndefined();
      expect(await cp.advance(first!, 40, { rows: 40, changed: 30 })).toBe(true);
      expect(await cp.advance(first!, 100, { rows: 60, changed: 1 })).toBe(true);
      expect(await cp.finish(first!)).toBe(true);
      const second = await cp.claim(job, 'w1', 60_000);
      expect(second?.range.index).toBe(1);
      const third = await cp.claim(job, 'w2', 60_000);
      expect(third?.range.index).toBe(2);
      expect(await cp.claim(job, 'w3', 60_000)).toBeUndefined(); // both held, neither expired
      await cp.finish(second!);
      await cp.finish(third!);
      const summary = await cp.summary(job);
      expect(summary?.ranges.map((r) => [r.state, r.cursor, r.rows, r.changed, r.worker])).toEqual([
        ['done', 100, 100, 31, 'w1'],
        ['done', undefined, 0, 0, 'w1'],
        ['done', undefined, 0, 0, 'w2'],
      ]);
      expect(await cp.claim(job, 'w1', 60_000)).toBeUndefined();
      expect(await cp.reset(job)).toBe(3);
      expect(await cp.summary(job)).toBeUndefined();
    });

    it('gives a worker its own running range back at once, another worker only after the lease; the old claim then commits nothing', async () => {
      const cp = subject.checkpoints();
      const job = randomName('job');
      await cp.start(definition(job), ranges([undefined, undefined]));
      const dead = await cp.claim(job, 'crashed', 60_000);
      await cp.advance(dead!, 7, { rows: 7, changed: 7 });
      // The same worker, restarted: resumes where it committed.
      const restarted = await cp.claim(job, 'crashed', 60_000);
      expect(restarted).toMatchObject({ range: { index: 0 }, cursor: 7 });
      expect(await cp.advance(dead!, 9, { rows: 2, changed: 2 })).toBe(false); // the first claim is gone
      expect(await cp.claim(job, 'other', 60_000)).toBeUndefined();
      await sleep(5);
      const taken = await cp.claim(job, 'other', 1);
      expect(taken).toMatchObject({ cursor: 7, worker: 'other' });
      expect(await cp.advance(restarted!, 50, { rows: 43, changed: 0 })).toBe(false);
      expect(await cp.finish(restarted!)).toBe(false);
      await cp.release(restarted!); // no effect on the new holder
      expect((await cp.summary(job))?.ranges[0]).toMatchObject({ state: 'running', worker: 'other', cursor: 7, rows: 7 });
      await cp.release(taken!);
      expect((await cp.summary(job))?.ranges[0]).toMatchObject({ state: 'pending', cursor: 7 });
      expect(await cp.claim(job, 'third', 60_000)).toMatchObject({ cursor: 7 });
    });

    it('keeps keys of every type as they were: numbers, bigints past 2^53, strings', async () => {
      const cp = subject.checkpoints();
      for (const keys of [[undefined, -5, 0, undefined], [undefined, 2n ** 63n - 2n, undefined], [undefined, 'm', 'tz\u00e9', undefined]] as const) {
        const job = randomName('job');
        const made = await cp.start(definition(job), ranges(keys));
        expect(made.ranges.map((r) => r.until)).toEqual(keys.slice(1));
        const claim = await cp.claim(job, 'w', 60_000);
        await cp.advance(claim!, keys[1] as RowKey, { rows: 1, changed: 0 });
        await cp.release(claim!);
        expect((await cp.claim(job, 'w', 60_000))?.cursor).toStrictEqual(keys[1]);
      }
    });

    it('hands each range to one worker when workers claim at once, and concurrent starts agree on the ranges', async () => {
      for (let round = 0; round < 4; round++) {
        const job = randomName('job');
        const started = await Promise.all([0, 1, 2].map((n) => subject.checkpoints().start(definition(job), ranges([undefined, ...Array.from({ length: 7 + n }, (_, i) => (i + 1) * 10), undefined]))));
        expect(new Set(started.map((s) => s.ranges.length)).size).toBe(1);
        const count = started[0]?.ranges.length as number;
        const claims = await Promise.all(Array.from({ length: count + 2 }, (_, w) => subject.checkpoints().claim(job, `w${w}`, 60_000)));
        const indexes = claims.filter((c) => c !== undefined).map((c) => c.range.index);
        expect(indexes.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
      }
    });
  });
}

checkpointContract('memory', async () => {
  const shared = memoryJobCheckpoints();
  return { checkpoints: () => shared };
});

describe('sqlite', () => {
  const temp = tempDir();
  const connections: Database.Database[] = [];
  afterAll(() => {
    for (const connection of connections) connection.close();
    temp.remove();
  });
  checkpointContract('sqlite (a connection per caller)', async () => {
    const file = sqliteFile(temp.dir, { timeout: 2000 });
    connections.push(file);
    const table = randomName('jobs');
    // Each caller its own connection to the file, as separate processes would have.
    return {
      checkpoints: () => {
        const connection = new Database(file.name, { timeout: 2000 });
        connections.push(connection);
        return sqliteJobCheckpoints({ database: connection, table });
      },
    };
  });
});

const pgReason = await unavailableReason('postgresql');
describe.skipIf(pgReason !== undefined)(pgReason ?? 'postgresql', () => {
  let schema: PrivateSchema;
  afterAll(async () => schema?.drop());
  checkpointContract('postgres (Pool)', async () => {
    schema = await privateSchema('jobs', 20);
    const table = randomName('jobs');
    return { checkpoints: () => postgresJobCheckpoints({ client: schema.pool, schema: schema.schema, table }) };
  });
});

const myReason = await unavailableReason('mysql');
describe.skipIf(myReason !== undefined)(myReason ?? 'mariadb', () => {
  let database: PrivateDatabase;
  let pool: mariadb.Pool;
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });
  checkpointContract('mariadb (pool)', async () => {
    database = await privateMariadb('jobs');
    pool = mariadb.createPool({ ...database.config, connectionLimit: 12 });
    const table = randomName('jobs');
    return { checkpoints: () => mysqlJobCheckpoints({ pool, table }) };
  });
});

describe('splitKeyRange', () => {
  it('splits integer key spaces evenly and covers every key exactly once, open at both ends', () => {
    expect(splitKeyRange({ first: 1, last: 100 }, 4)).toEqual([
      { index: 0, after: undefined, until: 25 },
      { index: 1, after: 25, until: 50 },
      { index: 2, after: 50, until: 75 },
      { index: 3, after: 75, until: undefined },
    ]);
    expect(splitKeyRange({ first: 10n, last: 12n }, 16)).toHaveLength(3);
    expect(splitKeyRange({ first: 'a', last: 'z' }, 16)).toEqual([{ index: 0 }]);
    expect(splitKeyRange(undefined, 16)).toEqual([{ index: 0 }]);
    expect(() => splitKeyRange({ first: 1, last: 2 }, 0)).toThrow(ConfigurationError);
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.bigInt({ min: 0n, max: 2n ** 64n }), fc.integer({ min: 1, max: 40 }), fc.bigInt({ min: 0n, max: 2n ** 64n }), (first, span, count, offset) => {
        const last = first + span;
        const parts = splitKeyRange({ first, last }, count);
        expect(parts.length).toBe(Number(span + 1n < BigInt(count) ? span + 1n : BigInt(count)));
        const key = first + (span === 0n ? 0n : offset % (span + 1n));
        const holding = parts.filter((r) => (r.after === undefined || (r.after as bigint) < key) && (r.until === undefined || key <= (r.until as bigint)));
        expect(holding).toHaveLength(1);
        for (let i = 1; i < parts.length; i++) expect(parts[i]?.after).toBe(parts[i - 1]?.until);
      }),
    );
  });
});
