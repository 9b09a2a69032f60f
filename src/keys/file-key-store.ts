/**
 * A {@link KeyStore} in one JSON file (key-file.ts), for **one machine and small key
 * counts**: every write rewrites the whole file, and processes share it through a lock
 * file, so it suits a development setup, tests, or a small self-managed deployment (a few
 * processes, hundreds of keys), not a key per data subject. Use a SQL store beyond that.
 *
 * The operations are those of the memory store (key-table.ts) applied to the records read
 * from the file:
 * - Reads (`get`, `getMany`, `primary`, `list`) read the file without the lock: it is only
 *   ever replaced whole, by a rename, so a reader sees one complete version. The parsed
 *   table is kept while the file's content is byte for byte the same.
 * - Writes (`insert`, `compareAndSet`) take the lock ({@link acquireFileLock}: it names its
 *   holder, and a lock left by a crashed process on this machine is taken over at once),
 *   read the file again, apply the change, and write it atomically: a temporary file,
 *   fsync, rename over the file, fsync of the folder. A crash leaves the old file or the
 *   new one, never a torn one; the next writer removes the temporary files crashed writers
 *   left (they may hold wrapped keys since destroyed). Within a process, writes take turns
 *   before they take the lock.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigurationError, FieldsealError, KeyStoreError } from '../errors.js';
import { acquireFileLock, type LockTakeover } from './file-lock.js';
import { emptyKeyFileTable, keyFileBytes, parseKeyFile } from './key-file.js';
import type { InsertKeyOptions, KeyListPage, KeyPurpose, KeyRecordChange, KeyStore, NewKeyRecord } from './store/key-store.js';
import type { KeyTable } from './store/key-table.js';
import { nowIso, type KeyEntry } from './store/record-row.js';
import { checkChange, checkDemote, checkKeyId, checkNewRecord, checkPage, checkPurpose, checkScope, checkVersion } from './store/record-rules.js';
import { TurnQueue } from './store/turn-queue.js';

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
  /** Called when a write took over a lock from a crashed or hung holder (e.g. to log it). */
  readonly onLockTakeover?: (takeover: LockTakeover) => void;
}

/** What a write did to the table: its result, and whether there is anything to save. */
interface WriteOutcome<T> {
  readonly result: T;
  readonly changed: boolean;
}

/**
 * A key store in the JSON file at `path` (created on the first write, mode 0600; a folder it
 * creates gets 0700), for one machine and small key counts.
 */
export function fileKeyStore(path: string, options: FileKeyStoreOptions = {}): KeyStore {
  const file = resolve(path);
  const folder = dirname(file);
  const description = `file:${file}`;
  const staleLockMs = options.staleLockMs ?? 30_000;
  const lockTimeoutMs = options.lockTimeoutMs ?? 2 * staleLockMs;
  checkLockTimes(staleLockMs, lockTimeoutMs);
  const lockOptions = { staleMs: staleLockMs, timeoutMs: lockTimeoutMs, ...(options.onLockTakeover === undefined ? {} : { onTakeover: options.onLockTakeover }) };
  const tempPattern = new RegExp(`^${escapeRegExp(basename(file))}\\.\\d+\\.[0-9a-f]+\\.tmp$`);
  const turns = new TurnQueue();
  const failure = (what: string, cause: unknown): KeyStoreError => new KeyStoreError(`${description}: ${what}`, { cause });

  /**
   * The last content read or written, and its table. Keyed by the content itself, not the
   * file's size and times: timestamps are as coarse as the kernel's clock tick, and a
   * rewrite can reuse the inode of the version before last, so two versions of equal size
   * can look alike. Comparing a small file's bytes costs less than parsing it. The table is
   * only read from; a write works on a table of its own.
   */
  let cache: { readonly bytes: Buffer; readonly table: KeyTable<KeyEntry> } | undefined;

  async function readBytes(): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw failure('cannot read the key file', error);
    }
  }

  /** The current records, for a read. */
  async function current(): Promise<KeyTable<KeyEntry>> {
    const bytes = await readBytes();
    if (bytes === undefined) return emptyKeyFileTable(description);
    if (cache !== undefined && cache.bytes.equals(bytes)) return cache.table;
    const table = parseKeyFile(bytes, description);
    cache = { bytes, table };
    return table;
  }

  /** Writes `bytes` to a fsynced temporary file; removes it again if that fails. */
  async function writeTemporary(bytes: Buffer): Promise<string> {
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const handle = await fs.open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw failure('cannot write the key file', error);
    }
    return tmp;
  }

  /**
   * Removes temporary files left by writers that crashed between writing and renaming:
   * they hold wrapped keys, maybe ones destroyed since. Only a lock holder writes
   * temporary files, so under the lock every one of them belongs to a writer that is gone
   * (or lost the lock, whose commit must then fail anyway).
   */
  async function removeOrphanTemporaries(): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(folder);
    } catch (error) {
      throw failure(`cannot list ${folder}`, error);
    }
    for (const name of names) {
      if (tempPattern.test(name)) await fs.rm(join(folder, name), { force: true });
    }
  }

  /** Applies `change` to the records under the lock, and saves them if it changed them. */
  function write<T>(change: (table: KeyTable<KeyEntry>) => WriteOutcome<T>): Promise<T> {
    return turns.run(async () => {
      try {
        await fs.mkdir(folder, { recursive: true, mode: 0o700 });
      } catch (error) {
        throw failure(`cannot create ${folder}`, error);
      }
      const hold = await acquireFileLock(`${file}.lock`, lockOptions).catch((error: unknown) => {
        throw named(error);
      });
      let tmp: string | undefined;
      try {
        await hold.sweep();
        await removeOrphanTemporaries();
        // Parsed afresh, never the cache: the change must not touch a table readers share.
        const before = await readBytes();
        const table = before === undefined ? emptyKeyFileTable(description) : parseKeyFile(before, description);
        const outcome = change(table);
        if (!outcome.changed) {
          await hold.release();
          return outcome.result;
        }
        const bytes = keyFileBytes(table);
        const written = await writeTemporary(bytes);
        tmp = written;
        await hold.release(async () => {
          await fs.rename(written, file);
          tmp = undefined;
          await syncDirectory(folder);
        });
        cache = { bytes, table };
        return outcome.result;
      } catch (error) {
        if (tmp !== undefined) await fs.rm(tmp, { force: true });
        await hold.release().catch(() => undefined); // already released when the commit itself failed
        throw named(error);
      }
    });
  }

  /** A failure of the lock or the file system as a `KeyStoreError` naming the store; fieldseal's other errors as they are. */
  function named(error: unknown): Error {
    if (error instanceof KeyStoreError && !error.message.startsWith(description)) return new KeyStoreError(`${description}: ${error.message}`, { cause: error });
    if (error instanceof FieldsealError) return error;
    return failure('cannot write the key file', error);
  }

  return {
    description,
    async migrate() {
      try {
        await fs.mkdir(folder, { recursive: true, mode: 0o700 });
      } catch (error) {
        throw failure(`cannot create ${folder}`, error);
      }
      await current(); // refuses a file this version does not read, now rather than at the first key
    },
    async get(id) {
      checkKeyId(id);
      return (await current()).get(id);
    },
    async getMany(ids) {
      ids.forEach((id) => checkKeyId(id));
      return (await current()).getMany(ids);
    },
    async primary(scope: string, purpose: KeyPurpose) {
      checkScope(scope);
      checkPurpose(purpose);
      return (await current()).primary(scope, purpose);
    },
    async list(page: KeyListPage) {
      checkPage(page);
      return (await current()).list(page);
    },
    async insert(input: NewKeyRecord, options: InsertKeyOptions = {}) {
      const fields = checkNewRecord(input);
      const demote = checkDemote(fields, options);
      return write((table) => ({ result: table.insert(fields, demote, nowIso()), changed: true }));
    },
    async compareAndSet(id: string, expectedVersion: number, change: KeyRecordChange) {
      checkKeyId(id);
      checkVersion(expectedVersion);
      checkChange(id, change);
      return write((table) => {
        const result = table.compareAndSet(id, expectedVersion, change, nowIso());
        return { result, changed: result !== undefined };
      });
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
