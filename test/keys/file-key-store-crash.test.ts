/**
 * A writer killed with SIGKILL at a random point of its rotation loop: the next write takes
 * over its lock at once (the holder's pid is gone), loses no acknowledged record, and leaves
 * no temporary file behind.
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { fileKeyStore } from '../../src/keys/file-key-store.js';
import type { KeyRecord, KeyStore } from '../../src/keys/store/key-store.js';
import { runScript } from './fixtures/children.js';

const TRIALS = 50;

describe('fileKeyStore after a writer is killed (kill -9)', () => {
  it(`the next write takes over at once and loses no acknowledged record (${TRIALS} random kill points)`, async () => {
    const takeovers: string[] = [];
    // Two independent folders at a time: the trials are sequential within each.
    await Promise.all([0, 1].map((lane) => killTrials(TRIALS / 2, lane, takeovers)));
    expect(takeovers.length).toBeGreaterThan(0);
    expect(new Set(takeovers)).toEqual(new Set(['holder-dead']));
  }, 240_000);
});

async function killTrials(trials: number, lane: number, takeovers: string[]): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'fieldseal-kill-'));
  const path = join(folder, 'keys.json');
  // A stale threshold far beyond the test's timeout: the next write can only complete in
  // time by judging the killed holder dead, never by waiting for its lock to age.
  const store = fileKeyStore(path, { staleLockMs: 600_000, lockTimeoutMs: 1_200_000, onLockTakeover: (t) => takeovers.push(t.reason) });
  const acknowledged: string[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const writer = runScript('rotate-loop.mts', [path]);
    await writer.nextLine(); // it is in its loop
    await sleep(randomInt(0, 60));
    writer.process.kill('SIGKILL');
    await writer.closed;
    acknowledged.push(...writer.lines.filter((line) => line !== ''));

    const id = `${lane}${trial.toString(16).padStart(7, '0')}`;
    const mine = await store.insert({ id, scope: 'checker', purpose: 'data', parent: 'local:main', wrapped: 'AAAA', state: 'active', primary: false });
    expect(await store.get(mine.id)).toEqual(mine);
    const found = new Set((await store.getMany(acknowledged)).map((r) => r.id));
    expect(acknowledged.filter((id) => !found.has(id))).toEqual([]);
    // Every rotation demoted the one before (the writer acknowledged at least one): one
    // primary, and every other rotated key decrypt-only.
    const rotated = await allOf(store, 'default');
    expect(rotated.filter((r) => r.primary)).toHaveLength(1);
    expect(rotated.filter((r) => !r.primary).every((r) => r.state === 'decrypt-only' && r.version === 2)).toBe(true);
    const left = readdirSync(folder).filter((name) => name !== 'keys.json');
    expect(left.filter((name) => name.endsWith('.tmp') || name === 'keys.json.lock')).toEqual([]);
    // A kill between creating a lock candidate and writing it leaves an empty candidate,
    // which names no owner and so is only swept once older than staleLockMs. It holds nothing.
    for (const name of left) expect({ name, content: readFileSync(join(folder, name), 'utf8') }).toEqual({ name, content: '' });
  }
  rmSync(folder, { recursive: true, force: true });
}

/** Every record of `scope`, page after page. */
async function allOf(store: KeyStore, scope: string): Promise<KeyRecord[]> {
  const records: KeyRecord[] = [];
  for (let after: string | undefined; ; ) {
    const page = await store.list({ scope, after, limit: 1000 });
    records.push(...page);
    if (page.length < 1000) return records;
    after = page[page.length - 1]?.id;
  }
}
