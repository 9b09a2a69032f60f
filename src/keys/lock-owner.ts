/**
 * Who holds a file lock, and whether that holder can still be running. A lock file names
 * its holder: a random id for this one acquisition, the process id, and the machine (host
 * name plus, on Linux, the pid namespace). A process id means something only on the
 * machine that issued it, so a holder is judged dead only when it ran here and its pid is
 * gone; anywhere else the lock's age is all there is to go on.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/** The holder of a file lock (or of a claim to end one), as written in the file. */
export interface LockOwner {
  /** 16 random bytes (node:crypto), hex: one acquisition, never reused. */
  readonly id: string;
  readonly pid: number;
  readonly host: string;
  /**
   * The pid namespace (`pid:[4026531836]`) on Linux: containers can share a host name (host
   * networking) yet number their processes apart, so a pid is only compared within one.
   */
  readonly pidNamespace?: string;
}

const ID_PATTERN = /^[0-9a-f]{32}$/;

let machine: { readonly host: string; readonly pidNamespace?: string } | undefined;

function thisMachine(): { readonly host: string; readonly pidNamespace?: string } {
  if (machine === undefined) {
    let pidNamespace: string | undefined;
    try {
      pidNamespace = readlinkSync('/proc/self/ns/pid');
    } catch {
      // Not Linux, or /proc hidden: the host name alone identifies the machine.
    }
    machine = pidNamespace === undefined ? { host: hostname() } : { host: hostname(), pidNamespace };
  }
  return machine;
}

/** A fresh owner for one acquisition by this process. */
export function newLockOwner(): LockOwner {
  return { id: randomBytes(16).toString('hex'), pid: process.pid, ...thisMachine() };
}

/** The file content naming `owner`. */
export function encodeLockOwner(owner: LockOwner): string {
  return `${JSON.stringify(owner)}\n`;
}

/** The owner named by a lock file's content, or `undefined` when it is not one of ours (e.g. written by an older version). */
export function decodeLockOwner(text: string): LockOwner | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, pid, host, pidNamespace } = value as Record<string, unknown>;
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) return undefined;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  if (typeof host !== 'string') return undefined;
  if (pidNamespace !== undefined && typeof pidNamespace !== 'string') return undefined;
  return pidNamespace === undefined ? { id, pid, host } : { id, pid, host, pidNamespace };
}

/**
 * Whether `owner` is certainly not running: it ran on this machine and no process has its
 * pid. A pid that was reused by another process reads as alive (the safe mistake: the lock
 * then ages out instead). Another machine's owner is never judged dead.
 */
export function isLockOwnerDead(owner: LockOwner): boolean {
  const here = thisMachine();
  if (owner.host !== here.host || owner.pidNamespace !== here.pidNamespace) return false;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  return isZombie(owner.pid);
}

/**
 * A killed process stays in the process table until its parent reaps it; when that parent
 * is gone and pid 1 does not reap (common in containers), it stays there indefinitely. It
 * never runs again, so on Linux its state (`Z`, or `X` while being reaped) counts as dead.
 */
function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return false; // no procfs, or it exited just now: the next look finds it gone
  }
  // "pid (comm) state ...": comm may itself contain spaces and parentheses.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}
