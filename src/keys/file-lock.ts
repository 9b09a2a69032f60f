/**
 * An exclusive lock between processes, made of files in one folder, that survives its
 * holder being killed: a lock whose holder died on this machine is taken over at once, one
 * whose holder stopped refreshing it (another machine, or a hung process) after
 * `staleMs`, and in either case exactly one waiter takes it over.
 *
 * Files, next to the lock file `L` (every one is a hard link to, or a rename of, a fully
 * written candidate, so a reader never sees a half-written one):
 * - `L`: the lock. Its content names the holder ({@link LockOwner}); its mtime is refreshed
 *   every `staleMs / 4` while the holder runs.
 * - `L.<id>.cand`: a process's candidate, written once per acquisition, refreshed likewise.
 * - `L.<epoch>.end<k>`: a claim to decide how the hold `<epoch>` (a holder's id) ends.
 * - `L.<id>.take`: a candidate about to be renamed over `L` by a takeover.
 *
 * Why it is race-free. POSIX offers one conditional file operation, "create this name
 * unless it exists" (`link` fails with EEXIST), and no compare-and-swap on contents, so no
 * process ever removes or replaces `L` unless it first won the right to by creating a
 * name nobody else can also create:
 * 1. A hold begins when `link(candidate, L)` succeeds (exactly one racer for an absent `L`),
 *    or when a takeover renames a candidate over `L` (step 3).
 * 2. A hold ends only through its *decider*: whoever creates `L.<epoch>.end0`, or, when the
 *    creator of `end<k>` is dead or stale, `end<k+1>`. The holder itself claims `end0` to
 *    commit and release; a waiter that finds the holder dead or stale claims it to take
 *    over. Each claim name has one creator, and a level is only tried once the creator of
 *    the level below is judged dead or stale, so at most one live process decides an epoch.
 * 3. `L` changes away from epoch E only by E's decider (unlink by the holder, or rename of a
 *    candidate over it by a taker), and holder ids are random and never reused, so `L`
 *    never reads E again once E is over. A decider therefore re-reads `L` after winning its
 *    claim: if `L` still names E, nobody else can change it before the decider does; if it
 *    does not, E is over and the claim is dropped. That is what makes a stale view
 *    harmless: two racers that saw the same dead lock both try `end0`, one wins and replaces
 *    `L`; the other waits on the winner's claim, or, if the claims were already swept, wins
 *    a fresh `end0`, re-reads `L`, sees a newer hold and backs off.
 * 4. Claims of an epoch that is over, and candidates of dead or stale processes, are swept
 *    by the next holder (under the lock: listing before knowing the current epoch would be
 *    racy). A holder never sweeps claims on its own epoch.
 *
 * The only unsafe case is the one every lease has: a holder on another machine (or a local
 * one stopped, e.g. SIGSTOP) that stops refreshing its lock for `staleMs` and then resumes.
 * It notices before committing (its `end0` claim fails) unless it stalls in the middle of
 * the commit itself; pick `staleMs` well above any pause a live process can have.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyStoreError } from '../errors.js';
import { decodeLockOwner, encodeLockOwner, isLockOwnerDead, newLockOwner, type LockOwner } from './lock-owner.js';

/** A lock taken over from a holder that crashed or stopped refreshing it. */
export interface LockTakeover {
  /** `holder-dead`: its process is gone from this machine (taken at once); `holder-stale`: it stopped refreshing the lock for `staleMs`. */
  readonly reason: 'holder-dead' | 'holder-stale';
  /** The previous holder's pid and host, when the lock named them. */
  readonly pid?: number;
  readonly host?: string;
}

/** Options of {@link acquireFileLock}. */
export interface FileLockOptions {
  /** Give up waiting after this long: a KeyStoreError. */
  readonly timeoutMs: number;
  /** A lock (or claim) not refreshed for this long is abandoned. Must be below `timeoutMs`. */
  readonly staleMs: number;
  /** Called once per takeover, e.g. to log it. */
  readonly onTakeover?: (takeover: LockTakeover) => void;
}

/** Claim levels per epoch before giving up: each level is a claimant that died mid-takeover. */
const MAX_CLAIM_LEVELS = 64;
const MAX_PAUSE_MS = 20;

/** A lock, claim or candidate file as read: whose it is and when it was last refreshed. */
interface Observed {
  readonly owner: LockOwner | undefined;
  /** The owner's id, or for a file that names no owner one derived from its inode and content. */
  readonly id: string;
  readonly mtimeMs: number;
}

type Verdict = 'live' | 'dead' | 'stale';

/** Waits for the lock at `lockPath` and takes it. */
export async function acquireFileLock(lockPath: string, options: FileLockOptions): Promise<FileLockHold> {
  const candidate = await Candidate.create(lockPath, Math.max(10, Math.floor(options.staleMs / 4)));
  try {
    const deadline = Date.now() + options.timeoutMs;
    let pause = 2;
    for (;;) {
      if (await createName(candidate.path, lockPath)) return new FileLockHold(lockPath, candidate, options.staleMs);
      const current = await observe(lockPath);
      if (current !== undefined) {
        const verdict = judge(current, options.staleMs);
        if (verdict !== 'live' && (await takeOver(lockPath, current, candidate, options.staleMs))) {
          options.onTakeover?.({
            reason: verdict === 'dead' ? 'holder-dead' : 'holder-stale',
            ...(current.owner === undefined ? {} : { pid: current.owner.pid, host: current.owner.host }),
          });
          return new FileLockHold(lockPath, candidate, options.staleMs);
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const holder = current?.owner === undefined ? '' : ` (held by pid ${current.owner.pid} on ${current.owner.host})`;
        throw new KeyStoreError(`timed out after ${options.timeoutMs} ms waiting for the lock ${lockPath}${holder}`);
      }
      // An absent lock (released between our link and our read) is retried at once.
      if (current !== undefined) {
        await sleep(Math.min(pause, left));
        pause = Math.min(pause * 2, MAX_PAUSE_MS);
      }
    }
  } catch (error) {
    await candidate.dispose();
    throw error;
  }
}

/** A held lock. End it with {@link FileLockHold.release} (always, also on failure). */
export class FileLockHold {
  readonly #lockPath: string;
  readonly #candidate: Candidate;
  readonly #staleMs: number;
  #ended = false;

  /** @internal */
  constructor(lockPath: string, candidate: Candidate, staleMs: number) {
    this.#lockPath = lockPath;
    this.#candidate = candidate;
    this.#staleMs = staleMs;
  }

  /**
   * Removes what crashed processes left next to the lock: claims on holds that are over,
   * candidates of dead or stale processes. Call while holding.
   */
  async sweep(): Promise<void> {
    const dir = dirname(this.#lockPath);
    const pattern = debrisPattern(this.#lockPath);
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const match = pattern.exec(name);
      if (match === null || match[1] === this.#candidate.owner.id) continue;
      const path = join(dir, name);
      // A claim on another epoch: that hold is over, since this one is current (rule 4).
      if (match[2]?.startsWith('end')) await removeIfPresent(path);
      else {
        const file = await observe(path);
        if (file !== undefined && judge(file, this.#staleMs) !== 'live') await removeIfPresent(path);
      }
    }
  }

  /**
   * Ends the hold. `commit`, when given, runs first, while no other process can change the
   * lock; it does not run, and a KeyStoreError is thrown, when the lock was taken over
   * meanwhile (this process was unresponsive for `staleMs`). Idempotent.
   */
  async release(commit?: () => Promise<void>): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    const claim = claimPath(this.#lockPath, this.#candidate.owner.id, 0);
    try {
      if (!(await createName(this.#candidate.path, claim))) throw this.#lost();
      if ((await observe(this.#lockPath))?.id !== this.#candidate.owner.id) {
        await removeIfPresent(claim);
        throw this.#lost();
      }
      try {
        if (commit !== undefined) await commit();
      } finally {
        await removeIfPresent(this.#lockPath);
        await removeIfPresent(claim);
      }
    } finally {
      await this.#candidate.dispose();
    }
  }

  #lost(): KeyStoreError {
    return new KeyStoreError(`lost the lock ${this.#lockPath}: another process took it over while this one was unresponsive`);
  }
}

/**
 * Takes over the hold `current` (dead or stale): wins the right to decide how it ends
 * (rule 2), re-reads the lock (rule 3) and renames our candidate over it. `false` when
 * another live process is deciding, or the hold is already over.
 */
async function takeOver(lockPath: string, current: Observed, candidate: Candidate, staleMs: number): Promise<boolean> {
  const claim = await claimEpoch(lockPath, current.id, candidate, staleMs);
  if (claim === undefined) return false;
  const again = await observe(lockPath);
  // Over (the lock names another hold), or the holder came back to life: not ours to end.
  if (again?.id !== current.id || judge(again, staleMs) === 'live') {
    await removeIfPresent(claim);
    return false;
  }
  const staging = `${lockPath}.${candidate.owner.id}.take`;
  await removeIfPresent(staging);
  if (!(await createName(candidate.path, staging))) throw new KeyStoreError(`cannot stage a takeover of the lock ${lockPath}`);
  try {
    await fs.rename(staging, lockPath);
  } catch (error) {
    await removeIfPresent(staging);
    throw new KeyStoreError(`cannot take over the lock ${lockPath}`, { cause: error });
  }
  // Rule 3 makes this hold; reading it back costs one read and catches a process that
  // does not follow the protocol (an older version, or someone deleting files by hand).
  return (await observe(lockPath))?.id === candidate.owner.id;
}

/** Climbs the claim levels of `epoch` past dead or stale claimants; the claim won, or `undefined` while a live process holds one. */
async function claimEpoch(lockPath: string, epoch: string, candidate: Candidate, staleMs: number): Promise<string | undefined> {
  let level = 0;
  while (level < MAX_CLAIM_LEVELS) {
    const claim = claimPath(lockPath, epoch, level);
    if (await createName(candidate.path, claim)) return claim;
    const claimant = await observe(claim);
    // Swept between our link and our read (the epoch is over): try the same level again.
    if (claimant === undefined) continue;
    if (judge(claimant, staleMs) === 'live') return undefined;
    level++;
  }
  throw new KeyStoreError(`cannot take over the lock ${lockPath}: ${MAX_CLAIM_LEVELS} takeovers of it were abandoned; remove ${basename(lockPath)}* by hand once no process uses the store`);
}

/** A process's candidate lock file, written in full before any name points to it, and refreshed while it exists. */
class Candidate {
  readonly owner: LockOwner;
  readonly path: string;
  readonly #handle: fs.FileHandle;
  readonly #refresh: NodeJS.Timeout;

  private constructor(owner: LockOwner, path: string, handle: fs.FileHandle, refreshMs: number) {
    this.owner = owner;
    this.path = path;
    this.#handle = handle;
    this.#refresh = setInterval(() => {
      const now = new Date();
      // The lock and claims are links to this file: refreshing it refreshes them all.
      this.#handle.utimes(now, now).catch(() => undefined);
    }, refreshMs);
    this.#refresh.unref();
  }

  static async create(lockPath: string, refreshMs: number): Promise<Candidate> {
    const owner = newLockOwner();
    const path = `${lockPath}.${owner.id}.cand`;
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, 'wx', 0o600);
    } catch (error) {
      throw new KeyStoreError(`cannot create a lock candidate next to ${lockPath}`, { cause: error });
    }
    try {
      await handle.writeFile(encodeLockOwner(owner), 'utf8');
    } catch (error) {
      await handle.close();
      await removeIfPresent(path);
      throw new KeyStoreError(`cannot write a lock candidate next to ${lockPath}`, { cause: error });
    }
    return new Candidate(owner, path, handle, refreshMs);
  }

  async dispose(): Promise<void> {
    clearInterval(this.#refresh);
    await this.#handle.close().catch(() => undefined);
    await removeIfPresent(this.path);
  }
}

/** `link(existing, name)`: `false` when `name` exists, the one conditional create POSIX offers. */
async function createName(existing: string, name: string): Promise<boolean> {
  try {
    await fs.link(existing, name);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new KeyStoreError(`cannot create ${name} (the file key store needs hard links)`, { cause: error });
  }
}

/** Reads a lock, claim or candidate file; `undefined` when it does not exist. */
async function observe(path: string): Promise<Observed | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KeyStoreError(`cannot read ${path}`, { cause: error });
  }
  try {
    const text = await handle.readFile('utf8');
    const stat = await handle.stat();
    const owner = decodeLockOwner(text);
    // A file in another format (an older version's lock) still needs an epoch id for its claims.
    const id = owner?.id ?? `x${createHash('sha256').update(`${stat.dev}:${stat.ino}:${text}`).digest('hex').slice(0, 31)}`;
    return { owner, id, mtimeMs: stat.mtimeMs };
  } catch (error) {
    throw new KeyStoreError(`cannot read ${path}`, { cause: error });
  } finally {
    await handle.close();
  }
}

function judge(file: Observed, staleMs: number): Verdict {
  if (file.owner !== undefined && isLockOwnerDead(file.owner)) return 'dead';
  return Date.now() - file.mtimeMs > staleMs ? 'stale' : 'live';
}

function claimPath(lockPath: string, epoch: string, level: number): string {
  return `${lockPath}.${epoch}.end${level}`;
}

function debrisPattern(lockPath: string): RegExp {
  const base = basename(lockPath).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${base}\\.([0-9a-z]+)\\.(cand|take|end\\d+)$`);
}

async function removeIfPresent(path: string): Promise<void> {
  await fs.rm(path, { force: true });
}
