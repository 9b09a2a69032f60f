/**
 * Job checkpoints: where a rotation job records, per primary-key range, how far it got, so
 * that a job stopped or killed at any point resumes from its last committed batch and never
 * redoes a finished range, and so that several workers split a job by claiming ranges.
 *
 * A job is one row per range in a checkpoint store: the range's bounds, its cursor (the
 * last key whose batch was committed), its state (`pending`, `running`, `done`), the worker
 * that claimed it and its heartbeat, and counters. A worker claims a pending range, its own
 * running range (a restarted worker with the same id resumes at once), or one whose
 * heartbeat is older than the lease (its worker died); it commits the cursor after its
 * batches are written (a job: at most every `checkpointIntervalMs`, several times per
 * lease), and a commit under a claim that another worker took over fails, so two workers
 * never both advance one range.
 *
 * Implementations: {@link memoryJobCheckpoints} (tests, one process) and the SQL stores
 * (`sqlJobCheckpoints` and the per-driver helpers), a `fieldseal_jobs` table in the
 * application's own database.
 *
 * @module
 */
import { ConfigurationError, FormatError } from '../errors.js';
import type { RowKey } from './row-source.js';

/** The rotation jobs. */
export type JobKind = 'status' | 'backfill' | 'reencrypt' | 'reindex' | 'decrypt' | 'verify';

/** A primary-key range: keys with `after < key <= until`; an absent bound is open. */
export interface KeyRange {
  /** 0-based position of the range in its job. */
  readonly index: number;
  readonly after?: RowKey;
  readonly until?: RowKey;
}

/** What a job is: a rerun under the same name must be the same job. */
export interface JobDefinition {
  /** The job's name, 1..200 characters. */
  readonly job: string;
  readonly kind: JobKind;
  /** The row source's description. */
  readonly source: string;
  /** A digest of the job's settings (columns, key ids): a job name reused for other settings is refused. */
  readonly fingerprint: string;
}

/** Where a range is. */
export type RangeState = 'pending' | 'running' | 'done';

/** One range's checkpoint. */
export interface RangeCheckpoint extends KeyRange {
  readonly state: RangeState;
  /** The last key of the last committed batch; absent before the first. */
  readonly cursor?: RowKey;
  /** The worker that claimed the range last. */
  readonly worker?: string;
  /** When that worker last committed or claimed (ms since the epoch, its clock). */
  readonly heartbeatAt?: number;
  /** Rows examined, over every run. */
  readonly rows: number;
  /** Values written, over every run. */
  readonly changed: number;
}

/** A job's checkpoints. */
export interface JobSummary extends JobDefinition {
  /** In range order. */
  readonly ranges: readonly RangeCheckpoint[];
}

/** A worker's hold on one range. */
export interface RangeClaim {
  readonly job: string;
  readonly range: KeyRange;
  /** Where the range's last committed batch ended. */
  readonly cursor?: RowKey;
  readonly worker: string;
  /** Unique per claim: commits under a claim another worker took over fail. */
  readonly token: string;
}

/** Counters a batch adds to its range. */
export interface RangeCounts {
  readonly rows: number;
  readonly changed: number;
}

/** Where rotation jobs keep their checkpoints. */
export interface JobCheckpoints {
  /** Names the store, e.g. `postgres:fieldseal_jobs`; never credentials. */
  readonly description: string;
  /** Creates the table if missing; idempotent, safe to race. */
  migrate(): Promise<void>;
  /**
   * Creates the job with `ranges` if it does not exist (all pending), atomically: when two
   * workers start a new job at once, one set of ranges wins and both use it. Returns the
   * job's checkpoints. Throws ConfigurationError if a job of that name exists with another
   * definition.
   */
  start(definition: JobDefinition, ranges: readonly KeyRange[]): Promise<JobSummary>;
  /** The job's checkpoints, or undefined if there is no such job. */
  summary(job: string): Promise<JobSummary | undefined>;
  /**
   * Claims one range for `worker`: a pending one, one this worker held (it restarted), or
   * one whose heartbeat is older than `leaseMs`; lowest index first. Undefined when none is
   * left to claim.
   */
  claim(job: string, worker: string, leaseMs: number): Promise<RangeClaim | undefined>;
  /** Commits a batch: the cursor, the counters and a heartbeat. False if the claim was lost (nothing is written then). */
  advance(claim: RangeClaim, cursor: RowKey, counts: RangeCounts): Promise<boolean>;
  /** Marks the claimed range done. False if the claim was lost. */
  finish(claim: RangeClaim): Promise<boolean>;
  /** Gives the claimed range back (pending, cursor kept), for another worker or a later run. */
  release(claim: RangeClaim): Promise<void>;
  /** Deletes the job's checkpoints (to run it again from the start); returns the ranges deleted. */
  reset(job: string): Promise<number>;
}

/** Throws ConfigurationError unless `job` is a usable job name. */
export function checkJobName(job: unknown): asserts job is string {
  if (typeof job !== 'string' || job.length === 0 || job.length > 200 || !job.isWellFormed() || job.includes('\0')) {
    throw new ConfigurationError('a job name must be 1-200 characters (well-formed, no NUL)');
  }
}

/** Throws ConfigurationError unless an existing job has the definition a run expects. */
export function checkSameJob(existing: JobDefinition, wanted: JobDefinition): void {
  if (existing.kind !== wanted.kind || existing.source !== wanted.source || existing.fingerprint !== wanted.fingerprint) {
    const what = existing.kind !== wanted.kind ? `a ${existing.kind} job` : existing.source !== wanted.source ? `a job on ${existing.source}` : 'a job with other columns or key ids';
    throw new ConfigurationError(`job '${wanted.job}' exists as ${what}: choose another job name, or reset it to start over`);
  }
}

/** A row key as checkpoint text: its type, then its value (`n:42`, `b:42`, `s:abc`), so it reads back as the same type. */
export function encodeRowKey(key: RowKey): string {
  if (typeof key === 'number') {
    if (!Number.isFinite(key)) throw new ConfigurationError('a numeric primary key must be finite');
    return `n:${String(key)}`;
  }
  if (typeof key === 'bigint') return `b:${key.toString(10)}`;
  if (typeof key === 'string') return `s:${key}`;
  throw new ConfigurationError('a primary key must be a string, a number or a bigint');
}

/** Reverses {@link encodeRowKey}. */
export function decodeRowKey(text: string): RowKey {
  const value = text.slice(2);
  if (text.startsWith('n:')) return Number(value);
  if (text.startsWith('b:')) return BigInt(value);
  if (text.startsWith('s:')) return value;
  throw new FormatError('checkpoint key is not in the n:/b:/s: form');
}
