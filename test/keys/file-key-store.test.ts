/**
 * The file key store beyond the contract (test/keys/store/file-key-store.contract.test.ts):
 * its file, its lock, what crashed writers leave, files it refuses, reads that never serve
 * an old version of the file, and two sealers sharing one file.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, promises, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError, KeyStoreError } from '../../src/errors.js';
import { createSealer, localKeyProvider } from '../../src/index.js';
import { fileKeyStore } from '../../src/keys/file-key-store.js';
import { decodeLockOwner, encodeLockOwner, newLockOwner } from '../../src/keys/lock-owner.js';
import type { KeyRecord, KeyStore, NewKeyRecord } from '../../src/keys/store/key-store.js';
import { TEST_KEK } from '../support/sealer.js';

const run = promisify(execFile);
const folders: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
const dir = (): string => {
  const folder = mkdtempSync(join(tmpdir(), 'fieldseal-keys-'));
  folders.push(folder);
  return folder;
};

function record(id: string, overrides: Partial<NewKeyRecord> = {}): NewKeyRecord {
  return { id, scope: 'default', purpose: 'data', parent: 'local:main', wrapped: 'AAAA', state: 'active', primary: false, ...overrides };
}

/** Every record, page after page. */
async function all(store: KeyStore): Promise<KeyRecord[]> {
  const records: KeyRecord[] = [];
  for (let after: string | undefined; ; ) {
    const page = await store.list({ after, limit: 1000 });
    records.push(...page);
    if (page.length < 1000) return records;
    after = page[page.length - 1]?.id;
  }
}

const ids = async (store: KeyStore): Promise<string[]> => (await all(store)).map((r) => r.id);

describe('fileKeyStore', () => {
  it('starts empty, keeps its records across a reopen, in a version 2 file of one record per line (mode 0600, folder 0700)', async () => {
    const path = join(dir(), 'nested', 'keys.json');
    const store = fileKeyStore(path);
    expect(await store.list({ limit: 10 })).toEqual([]);
    expect(await store.get('00000001')).toBeUndefined();
    expect(readdirSync(dirname(dirname(path)))).toEqual([]); // reads create nothing
    const primary = await store.insert(record('00000002', { primary: true }));
    const other = await store.insert(record('00000001', { scope: 'tenant#subject', purpose: 'lookup' }));
    const reopened = fileKeyStore(path);
    expect(await all(reopened)).toEqual([other, primary]);
    expect(await reopened.primary('default', 'data')).toEqual(primary);
    const text = readFileSync(path, 'utf8');
    expect(JSON.parse(text)).toEqual({ format: 'fieldseal-keys', version: 2, keys: [other, primary] });
    const lines = text.split('\n').filter((line) => line.includes('"id"'));
    expect(lines.map((line) => JSON.parse(line.replace(/,$/, '')) as unknown)).toEqual([other, primary]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
  });

  it('serialises concurrent inserts from several processes: no insert is lost', async () => {
    const path = join(dir(), 'keys.json');
    const script = `
      import { fileKeyStore } from ${JSON.stringify(new URL('../../src/keys/file-key-store.ts', import.meta.url).pathname)};
      const store = fileKeyStore(process.argv[2]);
      const worker = Number(process.argv[3]);
      for (let i = 0; i < 15; i++) {
        const id = (worker * 256 + i).toString(16).padStart(8, '0');
        await store.insert({ id, scope: 'worker-' + worker, purpose: 'data', parent: 'local:main', wrapped: 'AAAA', state: 'active', primary: false });
      }`;
    const file = join(dir(), 'writer.mts');
    writeFileSync(file, script);
    await Promise.all([1, 2, 3, 4].map((w) => run(process.execPath, ['--import', 'tsx', file, path, String(w)], { timeout: 60_000 })));
    const stored = await ids(fileKeyStore(path));
    expect(stored).toHaveLength(60);
    expect(new Set(stored).size).toBe(60);
  }, 90_000);

  it('takes over a lock abandoned by a crashed process and removes its half-written temporary file', async () => {
    const folder = dir();
    const path = join(folder, 'keys.json');
    const store = fileKeyStore(path, { staleLockMs: 1000 });
    await store.insert(record('00000001'));
    writeFileSync(`${path}.lock`, '99999\n'); // a lock in another format, an hour old
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(`${path}.lock`, old, old);
    writeFileSync(`${path}.99999.deadbeef.tmp`, '{"format":"fieldseal-keys","vers');
    await store.insert(record('00000002'));
    expect(await ids(store)).toEqual(['00000001', '00000002']);
    expect(readdirSync(folder)).toEqual(['keys.json']); // lock released, orphan temporary file removed
  });

  it('refuses a wait timeout that does not outlast the stale-lock threshold', () => {
    expect(() => fileKeyStore('keys.json', { lockTimeoutMs: 10_000, staleLockMs: 30_000 })).toThrow(ConfigurationError);
    expect(() => fileKeyStore('keys.json', { lockTimeoutMs: 30_000, staleLockMs: 30_000 })).toThrow(ConfigurationError);
    expect(() => fileKeyStore('keys.json', { lockTimeoutMs: 5_000 })).toThrow(/lockTimeoutMs \(5000\) must be longer than staleLockMs \(30000\)/);
    expect(() => fileKeyStore('keys.json', { staleLockMs: 0 })).toThrow(ConfigurationError);
    expect(() => fileKeyStore('keys.json', { staleLockMs: 1000 })).not.toThrow(); // the wait timeout follows (2 s)
    expect(() => fileKeyStore('keys.json')).not.toThrow();
  });

  it('removes its temporary file, and changes nothing, when the rename fails', async () => {
    const folder = dir();
    const path = join(folder, 'keys.json');
    const store = fileKeyStore(path);
    await store.insert(record('00000001'));
    vi.spyOn(promises, 'rename').mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' }));
    const failure = await store.insert(record('00000002')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KeyStoreError);
    expect((failure as Error).message).toMatch(/^file:.*keys\.json: cannot write the key file/);
    expect(readdirSync(folder)).toEqual(['keys.json']);
    expect(await ids(store)).toEqual(['00000001']);
  });

  it('destroying a key leaves its wrapped bytes in no file of the folder, including temporary files of crashed writers', async () => {
    const folder = dir();
    const path = join(folder, 'keys.json');
    const store = fileKeyStore(path);
    const wrapped = randomBytes(40).toString('base64');
    const key = await store.insert(record('0000000a', { scope: 'subject-1', wrapped }));
    // A writer killed between writing its temporary file and renaming it, holding the lock.
    writeFileSync(`${path}.lock`, encodeLockOwner({ ...newLockOwner(), pid: deadPid() }));
    writeFileSync(`${path}.${deadPid()}.a1b2c3d4e5f6.tmp`, readFileSync(path));
    expect((await store.compareAndSet(key.id, 1, { state: 'destroyed' }))?.wrapped).toBe('');
    const holding = readdirSync(folder).filter((name) => readFileSync(join(folder, name), 'utf8').includes(wrapped));
    expect(holding).toEqual([]);
  });

  it('does not commit, and leaves the lock alone, when another process took the lock over meanwhile', async () => {
    for (const how of ['by the protocol (claim, then replace)', 'by replacing the lock file outright'] as const) {
      const folder = dir();
      const path = join(folder, 'keys.json');
      const lock = `${path}.lock`;
      const store = fileKeyStore(path);
      await store.insert(record('00000001'));
      const other = encodeLockOwner(newLockOwner());
      const open = promises.open.bind(promises);
      // What a process that judged this holder hung does, while the write is under way.
      vi.spyOn(promises, 'open').mockImplementation(async (...args: Parameters<typeof promises.open>) => {
        if (String(args[0]).endsWith('.tmp')) {
          const holder = decodeLockOwner(readFileSync(lock, 'utf8'));
          if (how === 'by the protocol (claim, then replace)') writeFileSync(`${lock}.${holder?.id}.end0`, other);
          writeFileSync(`${lock}.new`, other);
          renameSync(`${lock}.new`, lock);
        }
        return open(...args);
      });
      const failure = await store.insert(record('00000002')).catch((error: unknown) => error);
      vi.restoreAllMocks();
      expect(failure, how).toBeInstanceOf(KeyStoreError);
      expect((failure as Error).message, how).toMatch(/lost the lock/);
      expect(readFileSync(lock, 'utf8'), how).toBe(other);
      expect(await ids(store), how).toEqual(['00000001']);
      expect(readdirSync(folder).filter((name) => name.endsWith('.tmp')), how).toEqual([]);
    }
  });

  it('refuses a damaged key file with a KeyStoreError on every call, and leaves it as it is', async () => {
    const entry = (id: string, primary: boolean) =>
      JSON.stringify({ ...record(id, { primary }), version: 1, createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z' });
    const damaged: Array<[string, RegExp]> = [
      ['{"format":"something-else"}', /not a fieldseal key file/],
      ['not json', /not valid JSON/],
      ['', /not valid JSON/],
      ['{"format":"fieldseal-keys","version":2,"keys":{}}', /not a fieldseal key file/],
      ['{"format":"fieldseal-keys","version":2,"keys":[1]}', /entry #0 of the key file is not a record/],
      ['{"format":"fieldseal-keys","version":2,"keys":[{"scope":"default"}]}', /a stored record has no id/],
      [`{"format":"fieldseal-keys","version":2,"keys":[${entry('00000001', false)},${entry('00000001', false)}]}`, /two stored records have the id "00000001"/],
      [`{"format":"fieldseal-keys","version":2,"keys":[${entry('00000001', true)},${entry('00000002', true)}]}`, /keys "00000001" and "00000002" are both primary/],
      ['{"format":"fieldseal-keys","version":3,"keys":[]}', /format version 3; this version of fieldseal reads version 2/],
    ];
    for (const [content, message] of damaged) {
      const path = join(dir(), 'keys.json');
      writeFileSync(path, content);
      const store = fileKeyStore(path);
      const calls = [() => store.migrate(), () => store.get('00000001'), () => store.list({ limit: 10 }), () => store.primary('default', 'data'), () => store.insert(record('00000003'))];
      for (const call of calls) {
        const failure = await call().catch((error: unknown) => error);
        expect(failure, content).toBeInstanceOf(KeyStoreError);
        expect((failure as Error).message, content).toMatch(message);
        expect((failure as Error).message, content).toMatch(/^file:/);
      }
      expect(readFileSync(path, 'utf8')).toBe(content);
    }
  });

  it('refuses a file of the pre-release format 1, saying how to start afresh, and leaves it as it is', async () => {
    const path = join(dir(), 'keys.json');
    const v1 = `${JSON.stringify(
      {
        format: 'fieldseal-keys',
        version: 1,
        keys: [{ id: '0a0b0c0d', scope: 'default', state: 'active', primary: true, kekRef: 'local:main', wrapped: 'AAAA', createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z' }],
      },
      null,
      2,
    )}\n`;
    writeFileSync(path, v1);
    const store = fileKeyStore(path);
    for (const call of [() => store.migrate(), () => store.get('0a0b0c0d'), () => store.list({ limit: 10 }), () => store.insert(record('00000001', { primary: true }))]) {
      const failure = await call().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(KeyStoreError);
      expect((failure as Error).message).toMatch(/earlier pre-release of fieldseal \(format version 1\).*nothing to migrate: to start afresh, move the file aside/);
    }
    expect(readFileSync(path, 'utf8')).toBe(v1);
  });

  it('never serves an old version of the file: another store writes, or a hand edit of the same size keeps the file times', async () => {
    const path = join(dir(), 'keys.json');
    const [reader, writer] = [fileKeyStore(path), fileKeyStore(path)];
    const key = await writer.insert(record('00000001', { parent: 'root-0' }));
    for (let version = 1; version <= 20; version++) {
      expect((await reader.get(key.id))?.parent).toBe(`root-${version - 1}`);
      await writer.compareAndSet(key.id, version, { parent: `root-${version}` });
    }
    const text = readFileSync(path, 'utf8');
    expect((await reader.get(key.id))?.parent).toBe('root-20');
    const times = statSync(path);
    writeFileSync(path, text.replace('"parent":"root-20"', '"parent":"root-99"'));
    utimesSync(path, times.atime, times.mtime);
    const edited = statSync(path);
    expect([edited.size, edited.ino, edited.mtime.getTime()]).toEqual([times.size, times.ino, times.mtime.getTime()]);
    expect((await reader.get(key.id))?.parent).toBe('root-99');
  });

  it('lets two sealers share keys through one file: a rotation by one is seen by the other; a shred leaves the bytes in no file', async () => {
    const folder = dir();
    const path = join(folder, 'keys.json');
    const provider = localKeyProvider({ keys: { main: TEST_KEK } });
    const [a, b] = await Promise.all([createSealer({ provider, store: fileKeyStore(path) }), createSealer({ provider, store: fileKeyStore(path) })]);
    const ctx = { model: 'User', field: 'email' };
    expect(await b.decrypt(await a.encrypt('shared', ctx), ctx)).toBe('shared');
    await a.rotateDataKey();
    expect(await b.decrypt(await a.encrypt('after rotation', ctx), ctx)).toBe('after rotation');
    await a.encrypt('a@example.com', { ...ctx, subject: 'subject-1' });
    const subjectKey = (await fileKeyStore(path).list({ scopePrefix: 'default#', limit: 10 }))[0];
    expect(subjectKey?.wrapped.length).toBeGreaterThan(0);
    // A writer killed between writing its temporary file and renaming it, holding the lock.
    writeFileSync(`${path}.lock`, encodeLockOwner({ ...newLockOwner(), pid: deadPid() }));
    writeFileSync(`${path}.${deadPid()}.a1b2c3d4e5f6.tmp`, readFileSync(path));
    expect(await b.shred({ subject: 'subject-1' })).toBe(1);
    const holding = readdirSync(folder).filter((name) => readFileSync(join(folder, name), 'utf8').includes(subjectKey?.wrapped as string));
    expect(holding).toEqual([]);
  });

  it('writes a damaged record back as it found it, and keeps serving the others', async () => {
    const path = join(dir(), 'keys.json');
    const store = fileKeyStore(path);
    const damaged = await store.insert(record('00000001'));
    const body = JSON.parse(readFileSync(path, 'utf8')) as { keys: Array<Record<string, unknown>> };
    body.keys[0] = { ...body.keys[0], state: 'paused', extra: [1] };
    writeFileSync(path, JSON.stringify(body));
    const added = await store.insert(record('00000002'));
    expect(await store.get(added.id)).toEqual(added);
    await expect(store.get(damaged.id)).rejects.toThrow(/key 00000001 is invalid \(state is not active, decrypt-only or destroyed\)/);
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { keys: Array<Record<string, unknown>> };
    expect(stored.keys[0]).toEqual(body.keys[0]);
  });
});

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number;
}
