/**
 * A JSON-file key store. Writes are atomic (write a temporary file, fsync, rename, fsync
 * the folder), so a crash mid-write leaves either the old file or the new one, never a
 * torn one. Read-modify-write cycles hold a lock ({@link acquireFileLock}) that names its
 * holder, so concurrent processes serialise instead of overwriting each other's changes,
 * and a lock left by a crashed process on this machine is taken over at once.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigurationError, KeyStoreError } from '../errors.js';
import type { DataKeyRecord } from './data-key-record.js';
import { acquireFileLock, type LockTakeover } from './file-lock.js';
import type { KeyStore } from './key-store.js';

/** Options of {@link fileKeyStore}. Give every process that shares a file the same values. */
export interface FileKeyStoreOptions {
  /**
   * A lock whose holder has not refreshed it for this long is abandoned and taken over
   * (default 30 s). Holders refresh their lock every quarter of it, so this only matters
   * for a holder on another machine that hung or crashed, or a local one that hung; a
   * holder whose process is gone from this machine is taken over at once.
   */
  readonly staleLockMs?: number;
  /** Give up waiting for the lock after this long (default twice `staleLockMs`); must be longer than `staleLockMs`. */
  readonly lockTimeoutMs?: number;
  /** Called when an update took over a lock from a crashed or hung holder (e.g. to log it). */
  readonly onLockTakeover?: (takeover: LockTakeover) => void;
}

interface KeyFile {
  readonly format: 'fieldseal-keys';
  readonly version: 1;
  readonly keys: readonly DataKeyRecord[];
}

/** A key store in one JSON file (created on first write, with mode 0600). */
export function fileKeyStore(path: string, options: FileKeyStoreOptions = {}): KeyStore {
  const file = resolve(path);
  const folder = dirname(file);
  const lockFile = `${file}.lock`;
  const staleLockMs = options.staleLockMs ?? 30_000;
  const lockTimeoutMs = options.lockTimeoutMs ?? 2 * staleLockMs;
  checkLockTimes(staleLockMs, lockTimeoutMs);
  const lockOptions = { staleMs: staleLockMs, timeoutMs: lockTimeoutMs, ...(options.onLockTakeover === undefined ? {} : { onTakeover: options.onLockTakeover }) };
  const tempPattern = new RegExp(`^${escapeRegExp(basename(file))}\\.\\d+\\.[0-9a-f]+\\.tmp$`);

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

  /** Writes the next content to a fsynced temporary file; removes it again if that fails. */
  async function writeTemporary(keys: readonly DataKeyRecord[]): Promise<string> {
    const body: KeyFile = { format: 'fieldseal-keys', version: 1, keys };
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const handle = await fs.open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(body, null, 2)}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw new KeyStoreError(`cannot write key file ${file}`, { cause: error });
    }
    return tmp;
  }

  /**
   * Removes temporary files left by writers that crashed between writing and renaming:
   * they hold wrapped keys, maybe ones `shred` has since erased. Only a lock holder writes
   * temporary files, so under the lock every one of them belongs to a writer that is gone
   * (or lost the lock, whose commit must then fail anyway).
   */
  async function removeOrphanTemporaries(): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(folder);
    } catch (error) {
      throw new KeyStoreError(`cannot list ${folder}`, { cause: error });
    }
    for (const name of names) {
      if (tempPattern.test(name)) await fs.rm(join(folder, name), { force: true });
    }
  }

  return {
    description: `file:${file}`,
    list: read,
    async update(change) {
      await fs.mkdir(folder, { recursive: true, mode: 0o700 });
      const hold = await acquireFileLock(lockFile, lockOptions);
      let tmp: string | undefined;
      try {
        await hold.sweep();
        await removeOrphanTemporaries();
        const next = [...change(await read())];
        const written = await writeTemporary(next);
        tmp = written;
        await hold.release(async () => {
          await fs.rename(written, file);
          tmp = undefined;
          await syncDirectory(folder);
        });
        return next;
      } catch (error) {
        if (tmp !== undefined) await fs.rm(tmp, { force: true });
        await hold.release().catch(() => undefined); // already released when the commit itself failed
        throw error;
      }
    },
  };
}

function checkLockTimes(staleLockMs: number, lockTimeoutMs: number): void {
  for (const [name, value] of [['staleLockMs', staleLockMs], ['lockTimeoutMs', lockTimeoutMs]] as const) {
    if (!Number.isFinite(value) || value <= 0) throw new ConfigurationError(`fileKeyStore: ${name} must be a positive number of milliseconds`);
  }
  if (lockTimeoutMs <= staleLockMs) {
    throw new ConfigurationError(
      `fileKeyStore: lockTimeoutMs (${lockTimeoutMs}) must be longer than staleLockMs (${staleLockMs}), or a waiter gives up before a hung holder's lock may be taken over`,
    );
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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
