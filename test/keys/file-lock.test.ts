/**
 * The file key store's lock against live holders: waited for while they refresh it, a
 * typed timeout when they do not let go, and never removed by a holder that lost it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyStoreError } from '../../src/errors.js';
import { fileKeyStore } from '../../src/keys/file-key-store.js';
import type { NewKeyRecord } from '../../src/keys/store/key-store.js';
import { acquireFileLock } from '../../src/keys/file-lock.js';
import { decodeLockOwner } from '../../src/keys/lock-owner.js';
import { runScript, type ScriptProcess } from './fixtures/children.js';

const STALE_LOCK_MS = 1000;

const folders: string[] = [];
const children: ScriptProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.process.kill('SIGKILL');
    await child.closed;
  }
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function keyFile(): string {
  const folder = mkdtempSync(join(tmpdir(), 'fieldseal-lock-'));
  folders.push(folder);
  return join(folder, 'keys.json');
}

/** Another process holding the lock of `path`, refreshing it, until told to release. */
async function liveHolder(path: string): Promise<{ child: ScriptProcess; lockContent: string }> {
  const child = runScript('lock-holder.mts', [`${path}.lock`, String(STALE_LOCK_MS)]);
  children.push(child);
  expect(await child.nextLine()).toBe('held');
  return { child, lockContent: readFileSync(`${path}.lock`, 'utf8') };
}

describe('file key store lock', () => {
  it('waits for a live holder on this machine, well past the stale threshold, and then proceeds', async () => {
    const path = keyFile();
    const { child, lockContent } = await liveHolder(path);
    const takeovers: unknown[] = [];
    const store = fileKeyStore(path, { staleLockMs: STALE_LOCK_MS, lockTimeoutMs: 60_000, onLockTakeover: (t) => takeovers.push(t) });
    let settled = false;
    const insert = store.insert(record('00000001')).finally(() => {
      settled = true;
    });
    // Three stale thresholds: a holder that did not refresh its lock would have lost it by now.
    await sleep(3 * STALE_LOCK_MS);
    expect(settled).toBe(false);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(lockContent);
    child.send('release');
    expect((await insert).id).toBe('00000001');
    expect((await store.list({ limit: 10 })).map((r) => r.id)).toEqual(['00000001']);
    expect(await child.nextLine()).toBe('released');
    expect(takeovers).toEqual([]);
  });

  it('gives up with a KeyStoreError after lockTimeoutMs while a live holder keeps the lock', async () => {
    const path = keyFile();
    const { child, lockContent } = await liveHolder(path);
    const store = fileKeyStore(path, { staleLockMs: STALE_LOCK_MS, lockTimeoutMs: 2 * STALE_LOCK_MS });
    const failure = await store.insert(record('00000001')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KeyStoreError);
    expect(failure).toMatchObject({ code: 'KEY_STORE_FAILED', message: expect.stringMatching(/timed out after 2000 ms waiting for the lock/) });
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(lockContent); // still the holder's
    child.send('release');
    expect(await child.nextLine()).toBe('released');
    expect(await store.list({ limit: 10 })).toEqual([]);
  });

  it('release does not remove the lock of the holder that took it over', async () => {
    const path = keyFile();
    const lock = `${path}.lock`;
    const first = await acquireFileLock(lock, { staleMs: 60_000, timeoutMs: 120_000 });
    const firstId = decodeLockOwner(readFileSync(lock, 'utf8'))?.id;
    // As if the first holder had hung: its lock is an hour old.
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(lock, old, old);
    const takeovers: string[] = [];
    const second = await acquireFileLock(lock, { staleMs: STALE_LOCK_MS, timeoutMs: 10_000, onTakeover: (t) => takeovers.push(t.reason) });
    expect(takeovers).toEqual(['holder-stale']);
    const secondLock = readFileSync(lock, 'utf8');
    expect(decodeLockOwner(secondLock)?.id).not.toBe(firstId);

    let committed = false;
    await expect(
      first.release(async () => {
        committed = true;
      }),
    ).rejects.toThrow(/lost the lock/);
    expect(committed).toBe(false);
    expect(readFileSync(lock, 'utf8')).toBe(secondLock);

    await second.sweep();
    await second.release();
    expect(readdirSync(join(path, '..'))).toEqual([]);
  });
});

function record(id: string): NewKeyRecord {
  return { id, scope: 'default', purpose: 'data', parent: 'local:main', wrapped: 'AAAA', state: 'active', primary: false };
}
