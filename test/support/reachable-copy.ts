/**
 * A copy of a folder that every OS user can read and run, shared under the OS temp dir.
 *
 * Root runs PostgreSQL as the OS user `postgres`, which cannot reach files inside a private
 * folder (a clone under /root or `mktemp -d`, mode 0700). Opening that folder up would
 * change the user's permissions, so the files are copied instead, once per name, and
 * reused by later runs.
 */
import { cpSync, lstatSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The first folder on the way to `path` (or `path` itself) that other users cannot enter. */
export function closedToOtherUsers(path: string): string | undefined {
  for (let current = path; ; current = dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) return current;
    if (dirname(current) === current) return undefined;
  }
}

/** Folders 0755, files 0644 or 0755 (when their owner may run them); symlinks as they are. */
function openToEveryone(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) openToEveryone(path);
    else if (entry.isFile()) chmodSync(path, (statSync(path).mode & 0o100) !== 0 ? 0o755 : 0o644);
  }
}

/**
 * Refuses a folder that someone else could have planted or could still change: the copy
 * is run by root's processes, so it must be root's and writable by root only.
 */
function assertOwnAndClosedToWriters(path: string): void {
  const stat = lstatSync(path);
  const own = stat.isDirectory() && stat.uid === process.getuid?.() && (stat.mode & 0o022) === 0;
  if (!own) {
    throw new Error(`${path} exists but is not a folder of this user that only it can write; remove it and run again`);
  }
}

/**
 * `join(tmpdir(), name)`: a copy of `source` (symlinks kept verbatim, so relative links stay
 * inside the copy) that every user can read, and run where `source` could be run. Made
 * once: copied under a temporary name, then renamed into place, so a concurrent or
 * interrupted run never sees half a copy; when two runs race, the first rename wins and the
 * other's copy is discarded.
 */
export function reachableCopy(source: string, name: string): string {
  const target = join(tmpdir(), name);
  const closed = closedToOtherUsers(tmpdir());
  if (closed !== undefined) {
    throw new Error(`other users cannot enter ${closed} (the OS temp dir); set TMPDIR to a folder they can enter, such as /tmp`);
  }
  if (!exists(target)) {
    const staging = mkdtempSync(`${target}.partial-`);
    try {
      cpSync(source, staging, { recursive: true, verbatimSymlinks: true });
      openToEveryone(staging);
      renameSync(staging, target);
    } catch (error) {
      const lostTheRace = ['EEXIST', 'ENOTEMPTY'].includes((error as NodeJS.ErrnoException).code ?? '');
      if (!lostTheRace) throw error;
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  assertOwnAndClosedToWriters(target);
  return target;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
