/**
 * Eight writer processes race for a lock left by a holder that is gone, 100 times: exactly
 * one of them takes it over each time, and no record is lost. The writers live through all
 * trials and start each one at the same instant (see fixtures/race-writer.mts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { fileKeyStore } from '../../src/keys/file-key-store.js';
import { encodeLockOwner, newLockOwner, type LockOwner } from '../../src/keys/lock-owner.js';
import { runScript, type ScriptProcess } from './fixtures/children.js';

const WRITERS = 8;
const TRIALS = 100;
const STALE_LOCK_MS = 5000;

/** The lock a crashed holder leaves, in one of three shapes. */
const SHAPES = ['dead holder', 'stale holder on another host', 'dead holder and dead taker'] as const;
type Abandoned = (typeof SHAPES)[number];

describe('fileKeyStore: writers racing for an abandoned lock', () => {
  const writers: ScriptProcess[] = [];
  afterAll(async () => {
    for (const w of writers) w.process.kill('SIGKILL');
    await Promise.all(writers.map((w) => w.closed));
  });

  it(`${WRITERS} processes x ${TRIALS} trials: exactly one takes the lock over, no record is lost`, async () => {
    const folder = mkdtempSync(join(tmpdir(), 'fieldseal-race-'));
    const path = join(folder, 'keys.json');
    const lock = `${path}.lock`;
    for (let w = 0; w < WRITERS; w++) writers.push(runScript('race-writer.mts', [path, String(w), String(STALE_LOCK_MS)]));
    await Promise.all(writers.map((w) => w.nextLine())); // ready

    const acknowledged: string[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const shape = SHAPES[trial % SHAPES.length] as Abandoned;
      abandonLock(lock, shape);
      const startAt = Date.now() + 30;
      for (const w of writers) w.send(`${trial} ${startAt}`);
      const reports = (await Promise.all(writers.map((w) => w.nextLine()))).map(
        (line) => JSON.parse(line) as { trial: number; id: string; takeovers: string[] },
      );
      acknowledged.push(...reports.map((r) => r.id));
      const expected = shape === 'stale holder on another host' ? 'holder-stale' : 'holder-dead';
      expect({ trial, shape, takeovers: reports.flatMap((r) => r.takeovers) }).toEqual({ trial, shape, takeovers: [expected] });
    }

    const ids = (await fileKeyStore(path).list({ limit: 1000 })).map((r) => r.id);
    expect(acknowledged).toHaveLength(WRITERS * TRIALS);
    expect(acknowledged.filter((id) => !ids.includes(id))).toEqual([]);
    expect(ids).toHaveLength(WRITERS * TRIALS);
    expect(readdirSync(folder)).toEqual(['keys.json']);
    rmSync(folder, { recursive: true, force: true });
  }, 120_000);
});

/** Leaves the lock as a crashed process would (and, for the last shape, a crashed taker and writer too). */
function abandonLock(lock: string, shape: Abandoned): void {
  const holder: LockOwner = shape === 'stale holder on another host' ? { ...newLockOwner(), host: 'another-host' } : { ...newLockOwner(), pid: deadPid() };
  writeFileSync(lock, encodeLockOwner(holder));
  if (shape === 'stale holder on another host') {
    const old = new Date(Date.now() - 10 * STALE_LOCK_MS);
    utimesSync(lock, old, old);
  }
  if (shape === 'dead holder and dead taker') {
    const taker: LockOwner = { ...newLockOwner(), pid: deadPid() };
    writeFileSync(`${lock}.${holder.id}.end0`, encodeLockOwner(taker));
    writeFileSync(`${lock}.${taker.id}.cand`, encodeLockOwner(taker));
    writeFileSync(`${lock.slice(0, -'.lock'.length)}.${holder.pid}.0123456789ab.tmp`, '{"format":"fieldseal-keys","vers');
  }
}

/** Pids of processes that have exited (and been reaped); pids are not reused this soon. */
const deadPids = Array.from({ length: 4 }, () => spawnSync(process.execPath, ['-e', '']).pid as number);
let nextDeadPid = 0;
function deadPid(): number {
  return deadPids[nextDeadPid++ % deadPids.length] as number;
}
