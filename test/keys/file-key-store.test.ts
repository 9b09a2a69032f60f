import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createSealer, fileKeyStore, KeyStoreError, localKeyProvider, type DataKeyRecord } from '../../src/index.js';
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
    expect(readdirSync(folder)).not.toContain('keys.json.lock');
  });

  it('times out with a typed error while a live lock is held', async () => {
    const path = join(dir(), 'keys.json');
    writeFileSync(`${path}.lock`, '1\n');
    const store = fileKeyStore(path, { lockTimeoutMs: 100 });
    await expect(store.update((k) => k)).rejects.toBeInstanceOf(KeyStoreError);
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
