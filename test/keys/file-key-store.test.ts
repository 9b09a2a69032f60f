import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, createSealer, fileKeyStore, KeyStoreError, localKeyProvider, type DataKeyRecord } from '../../src/index.js';
import { decodeLockOwner, encodeLockOwner, newLockOwner } from '../../src/keys/lock-owner.js';
import { TEST_KEK } from '../support/sealer.js';

const run = promisify(execFile);
const dir = () => mkdtempSync(join(tmpdir(), 'fieldseal-keys-'));

function record(id: string): DataKeyRecord {
  const now = new Date().toISOString();
  return { id, scope: 'default', state: 'active', primary: false, kekRef: 'local:main', wrapped: 'AA==', createdAt: now, updatedAt: now };
}

describe('fileKeyStore', () => {
  it('starts empty, persists updates and survives a reopen', async () => {
    const path = join(dir(), 'nested', 'keys.json');
    const store = fileKeyStore(path);
    expect(await store.list()).toEqual([]);
    await store.update((keys) => [...keys, record('00000001')]);
    expect((await fileKeyStore(path).list()).map((r) => r.id)).toEqual(['00000001']);
    expect(JSON.parse(readFileSync(path, 'utf8')).format).toBe('fieldseal-keys');
  });

  it('serialises concurrent updates from several processes: no update is lost', async () => {
    const path = join(dir(), 'keys.json');
    const script = `
      import { fileKeyStore } from ${JSON.stringify(new URL('../../src/keys/file-key-store.ts', import.meta.url).pathname)};
      const store = fileKeyStore(process.argv[2]);
      const worker = Number(process.argv[3]);
      for (let i = 0; i < 15; i++) {
        await store.update((keys) => [...keys, { id: (worker * 256 + i).toString(16).padStart(8, '0'), scope: 'default', state: 'active', primary: false, kekRef: 'local:main', wrapped: 'AA==', createdAt: '', updatedAt: '' }]);
      }`;
    const file = join(dir(), 'writer.mts');
    writeFileSync(file, script);
    await Promise.all([1, 2, 3, 4].map((w) => run(process.execPath, ['--import', 'tsx', file, path, String(w)], { timeout: 60_000 })));
    const ids = (await fileKeyStore(path).list()).map((r) => r.id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
  }, 90_000);

  it('takes over a lock abandoned by a crashed process and ignores its half-written temp file', async () => {
    const folder = dir();
    const path = join(folder, 'keys.json');
    const store = fileKeyStore(path, { staleLockMs: 1000 });
    await store.update(() => [record('00000001')]);
    writeFileSync(`${path}.lock`, '99999\n');
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, old, old);
    writeFileSync(`${path}.99999.deadbeef.tmp`, '{"format":"fieldseal-keys","vers');
    await store.update((keys) => [...keys, record('00000002')]);
    expect((await store.list()).map((r) => r.id)).toEqual(['00000001', '00000002']);
    expect(readdirSync(folder)).toEqual(['keys.json']); // lock released, orphan temp file removed
  });

  it('refuses a wait timeout that does not outlast the stale-lock threshold', () => {
    expect(() => fileKeyStore('keys.json', { lockTimeoutMs: 10_000, staleLockMs: 30_000 })).toThrow(ConfigurationError);
    expect(() => fileKeyStore('keys.json', { lockTimeoutMs: 30_000, staleLockMs: 30_000 })).toThrow(ConfigurationError);
    expect(() => fileKeyStore('keys.json', { lockTimeoutMs: 5_000 })).toThrow(/lockTimeoutMs \(5000\) must be longer than staleLockMs \(30000\)/);
    expect(() => fileKeyStore('keys.json', { staleLockMs: 0 })).toThrow(ConfigurationError);
    expect(() => fileKeyStore('keys.json', { staleLockMs: 1000 })).not.toThrow(); // the wait timeout follows (2 s)
    expect(() => fileKeyStore('keys.json')).not.toThrow();
  });

  it('removes its temporary file when the write fails', async () => {
    const folder = dir();
    const path = join(folder, 'keys.json');
    const store = fileKeyStore(path);
    await store.update(() => [record('00000001')]);
    const unwritable = { ...record('00000002'), wrapped: 1n as unknown as string }; // JSON.stringify throws on a bigint
    await expect(store.update((keys) => [...keys, unwritable])).rejects.toThrow();
    expect(readdirSync(folder)).toEqual(['keys.json']);
    expect((await store.list()).map((r) => r.id)).toEqual(['00000001']);
  });

  it('shred leaves no wrapped key in any file of the folder, including temporary files of crashed writers', async () => {
    const folder = dir();
    const path = join(folder, 'keys.json');
    const store = fileKeyStore(path);
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store });
    const ctx = { model: 'User', field: 'email', scope: 'subject-1' };
    await sealer.encrypt('a@example.com', ctx);
    const wrapped = (await store.list()).find((r) => r.scope === 'subject-1')?.wrapped as string;
    expect(wrapped.length).toBeGreaterThan(0);
    // A writer killed between writing its temporary file and renaming it, holding the lock.
    const dead = newLockOwner();
    writeFileSync(`${path}.lock`, encodeLockOwner({ ...dead, pid: deadPid() }));
    writeFileSync(`${path}.${deadPid()}.a1b2c3d4e5f6.tmp`, readFileSync(path));
    expect(await sealer.shred('subject-1')).toBe(1);
    const holding = readdirSync(folder).filter((name) => readFileSync(join(folder, name), 'utf8').includes(wrapped));
    expect(holding).toEqual([]);
  });

  it('does not commit, and leaves the lock alone, when another process took the lock over meanwhile', async () => {
    for (const how of ['by the protocol (claim, then replace)', 'by replacing the lock file outright'] as const) {
      const folder = dir();
      const path = join(folder, 'keys.json');
      const lock = `${path}.lock`;
      const store = fileKeyStore(path);
      await store.update(() => [record('00000001')]);
      const other = encodeLockOwner(newLockOwner());
      const update = store.update((keys) => {
        // What a process that judged this holder hung does, while the change runs.
        const holder = decodeLockOwner(readFileSync(lock, 'utf8'));
        if (how === 'by the protocol (claim, then replace)') writeFileSync(`${lock}.${holder?.id}.end0`, other);
        writeFileSync(`${lock}.new`, other);
        renameSync(`${lock}.new`, lock);
        return [...keys, record('00000002')];
      });
      await expect(update, how).rejects.toBeInstanceOf(KeyStoreError);
      expect(readFileSync(lock, 'utf8'), how).toBe(other);
      expect((await store.list()).map((r) => r.id)).toEqual(['00000001']);
      expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    }
  });

  it('refuses a corrupt key file with a typed error instead of starting over', async () => {
    const path = join(dir(), 'keys.json');
    writeFileSync(path, '{"format":"something-else"}');
    await expect(fileKeyStore(path).list()).rejects.toBeInstanceOf(KeyStoreError);
    writeFileSync(path, 'not json');
    await expect(fileKeyStore(path).update((k) => k)).rejects.toBeInstanceOf(KeyStoreError);
    expect(readFileSync(path, 'utf8')).toBe('not json');
  });

  it('lets two sealers in different processes share keys: one creates, the other opens', async () => {
    const path = join(dir(), 'keys.json');
    const provider = localKeyProvider({ keys: { main: TEST_KEK } });
    const [a, b] = await Promise.all([createSealer({ provider, store: fileKeyStore(path) }), createSealer({ provider, store: fileKeyStore(path) })]);
    const ctx = { model: 'User', field: 'email' };
    expect(await b.decrypt(await a.encrypt('shared', ctx), ctx)).toBe('shared');
    expect((await fileKeyStore(path).list()).filter((r) => r.primary)).toHaveLength(1);
    const rotated = await a.rotateDataKey();
    const text = await a.encrypt('after rotation', ctx);
    expect(await b.decrypt(text, ctx)).toBe('after rotation'); // b reloads the store for the unknown id
    expect((await b.listDataKeys()).find((r) => r.id === rotated.id)?.primary).toBe(true);
  });
});

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number;
}
