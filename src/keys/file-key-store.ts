/**
 * A JSON-file key store. Writes are atomic (write a temporary file, fsync, rename, fsync
 * the folder), so a crash mid-write leaves either the old file or the new one, never a
 * torn one. Read-modify-write cycles hold an exclusive lock file (`O_CREAT|O_EXCL`), so
 * concurrent processes serialise instead of overwriting each other's changes; a lock
 * left by a crashed process is taken over once it is older than `staleLockMs`.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, constants as fsConstants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyStoreError } from '../errors.js';
import type { DataKeyRecord } from './data-key-record.js';
import type { KeyStore } from './key-store.js';

/** Options of {@link fileKeyStore}. */
export interface FileKeyStoreOptions {
  /** Give up waiting for the lock after this long (default 10 s). */
  readonly lockTimeoutMs?: number;
  /** A lock file older than this is considered abandoned (default 30 s). */
  readonly staleLockMs?: number;
}

interface KeyFile {
  readonly format: 'fieldseal-keys';
  readonly version: 1;
  readonly keys: readonly DataKeyRecord[];
}

/** A key store in one JSON file (created on first write, with mode 0600). */
export function fileKeyStore(path: string, options: FileKeyStoreOptions = {}): KeyStore {
  const file = resolve(path);
  const lockFile = `${file}.lock`;
  const lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
  const staleLockMs = options.staleLockMs ?? 30_000;

  async function read(): Promise<readonly DataKeyRecord[]> {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new KeyStoreError(`cannot read key file ${file}`, { cause: error });
    }
    let parsed: KeyFile;
    try {
      parsed = JSON.parse(text) as KeyFile;
    } catch {
      throw new KeyStoreError(`key file ${file} is not valid JSON`);
    }
    if (parsed?.format !== 'fieldseal-keys' || parsed.version !== 1 || !Array.isArray(parsed.keys)) {
      throw new KeyStoreError(`key file ${file} is not a fieldseal key file (version 1)`);
    }
    return parsed.keys;
  }

  async function write(keys: readonly DataKeyRecord[]): Promise<void> {
    const body: KeyFile = { format: 'fieldseal-keys', version: 1, keys };
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(body, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(tmp, file);
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw error;
    }
    await syncDirectory(dirname(file));
  }

  async function acquireLock(): Promise<void> {
    const deadline = Date.now() + lockTimeoutMs;
    let wait = 5;
    for (;;) {
      try {
        const handle = await fs.open(lockFile, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, 0o600);
        await handle.writeFile(`${process.pid}\n`);
        await handle.close();
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new KeyStoreError(`cannot create lock ${lockFile}`, { cause: error });
      }
      try {
        const stat = await fs.stat(lockFile);
        if (Date.now() - stat.mtimeMs > staleLockMs) {
          await fs.rm(lockFile, { force: true });
          continue;
        }
      } catch {
        continue; // released between our open and stat
      }
      if (Date.now() > deadline) throw new KeyStoreError(`timed out waiting for key file lock ${lockFile}`);
      await sleep(wait);
      wait = Math.min(wait * 2, 100);
    }
  }

  return {
    description: `file:${file}`,
    list: read,
    async update(change) {
      await fs.mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await acquireLock();
      try {
        const next = [...change(await read())];
        await write(next);
        return next;
      } finally {
        await fs.rm(lockFile, { force: true });
      }
    },
  };
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}
