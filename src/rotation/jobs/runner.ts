/**
 * The loop every rotation job runs: claim a range, page through it in key order, plan each
 * batch, write it conditionally, retry the rows the application changed meanwhile, commit
 * the cursor, repeat; stop at a batch boundary when asked.
 *
 * Why a job is safe beside live writes: each write names the values it read (`expected`)
 * and lands only if they are unchanged, so an application write in between is never
 * overwritten; the changed rows are read again and planned from what they hold now.
 * Why a killed job loses nothing: a batch's writes are one transaction, and the cursor is
 * committed only up to batches whose writes have committed (at most every
 * `checkpointIntervalMs`, and always when a range ends, stops or fails); a job killed in
 * between redoes the batches written since its last commit on restart, which changes
 * nothing (every value they wrote is already in its final state, so nothing is planned for it).
 * Why it is fast: within a claimed range the next page is read while a batch is planned, and
 * a batch is planned while the one before is written (writes stay one at a time, in key order).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigurationError } from '../../errors.js';
import type { Sealer } from '../../seal/sealer.js';
import { checkJobName, type JobCheckpoints, type JobKind, type JobSummary, type RangeClaim } from '../checkpoints.js';
import { checkColumns, columnsToRead, keyText, type ProtectedColumn } from '../columns.js';
import { KeyDirectory } from '../key-directory.js';
import { memoryJobCheckpoints } from '../memory-checkpoints.js';
import { DEFAULT_RANGES, keyPosition, splitKeyRange } from '../ranges.js';
import type { RowKey, RowPage, RowSource, SourceRow } from '../row-source.js';
import type { JobOptions, JobReport, RowFailure } from './job-options.js';
import { BatchPlans, emptyCounters, type ColumnCounters, type RowPlan } from './row-plans.js';

/** What a pass (one job kind) gets to work with. */
export interface PassContext {
  readonly sealer: Sealer;
  readonly source: RowSource;
  readonly columns: readonly ProtectedColumn[];
  readonly directory: KeyDirectory;
}

/** One job kind: how it plans a batch. */
export interface JobPass {
  readonly kind: JobKind;
  /** Whether the job writes values (and so keeps checkpoints). */
  readonly writes: boolean;
  /** Settings besides the columns that make two runs different jobs (e.g. key ids), for the job's fingerprint. */
  readonly settings?: unknown;
  /** Said in the report. */
  readonly notes?: readonly string[];
  /** Runs once before the first batch. */
  prepare?(): Promise<void>;
  /** Plans a batch; throws RowValueError to stop the job at this batch boundary. */
  plan(batch: BatchPlans): Promise<void>;
  /** After the last batch: fills in what the pass gathered itself. */
  finish?(counters: ColumnCounters[]): Promise<void>;
}

const DEFAULT_BATCH = 500;
const MAX_BATCH = 10_000;
const DEFAULT_LEASE_MS = 120_000;
const DEFAULT_ATTEMPTS = 5;
const DEFAULT_CHECKPOINT_INTERVAL_MS = 1000;
const MAX_LISTED = 1000;

/** Runs a job with its pass. */
export async function runJob(options: JobOptions, makePass: (context: PassContext) => JobPass): Promise<JobReport> {
  const startedAt = Date.now();
  if (options === null || typeof options !== 'object') throw new ConfigurationError('a rotation job needs { sealer, source, columns }');
  const { sealer, source, columns, signal, onProgress } = options;
  if (sealer === null || typeof sealer !== 'object' || typeof sealer.encryptMany !== 'function') throw new ConfigurationError('a rotation job needs a Sealer (createSealer)');
  if (source === null || typeof source !== 'object' || typeof source.page !== 'function' || typeof source.write !== 'function') throw new ConfigurationError('a rotation job needs a row source');
  const batchSize = integerOption(options.batchSize, DEFAULT_BATCH, 1, MAX_BATCH, 'batchSize');
  const leaseMs = integerOption(options.leaseMs, DEFAULT_LEASE_MS, 1, 2_147_483_647, 'leaseMs');
  const maxAttempts = integerOption(options.maxAttempts, DEFAULT_ATTEMPTS, 1, 100, 'maxAttempts');
  // Several commits per lease, so a live worker's heartbeat never lapses between two.
  const checkpointIntervalMs = Math.min(integerOption(options.checkpointIntervalMs, DEFAULT_CHECKPOINT_INTERVAL_MS, 0, 2_147_483_647, 'checkpointIntervalMs'), Math.floor(leaseMs / 4));
  const dryRun = options.dryRun === true;
  const worker = options.worker ?? `${hostname()}:${process.pid}`;
  if (typeof worker !== 'string' || worker === '' || worker.length > 200) throw new ConfigurationError('worker must be 1-200 characters');
  checkColumns(columns, source.keyColumn);
  const pass = makePass({ sealer, source, columns, directory: new KeyDirectory(sealer) });
  // Every job but status opens values, and most write them back: under an access policy, a
  // mask or a null in a value's place would be sealed over it. Refused before anything is read.
  if (pass.kind !== 'status') for (const spec of columns) sealer.checkClearAccess(spec.model, spec.field);
  const fingerprint = fingerprintOf(pass, source, columns);
  const job = options.job ?? `${pass.kind}:${source.description.slice(0, 150)}:${fingerprint.slice(0, 12)}`;
  checkJobName(job);
  const read = columnsToRead(columns);
  await source.check(read);
  await pass.prepare?.();

  const notes = [...(pass.notes ?? [])];
  // A dry run writes no checkpoint either; a read-only job has nothing to resume (it always scans everything).
  const durable = pass.writes && !dryRun && options.checkpoints !== undefined;
  const checkpoints: JobCheckpoints = durable ? (options.checkpoints as JobCheckpoints) : memoryJobCheckpoints();
  if (options.checkpoints !== undefined && !durable) notes.push(dryRun ? 'dry run: no checkpoint was read or written' : `${pass.kind} writes nothing, checkpoints included: it scans the whole table every run`);
  await checkpoints.migrate();
  if (options.restart === true) await checkpoints.reset(job);
  const bounds = await source.bounds();
  const before = await checkpoints.start({ job, kind: pass.kind, source: source.description, fingerprint }, splitKeyRange(bounds, pass.writes ? (options.ranges ?? DEFAULT_RANGES) : 1));
  const alreadyComplete = before.ranges.every((range) => range.state === 'done');

  const counters = emptyCounters(columns);
  const conflictKeys: RowKey[] = [];
  const failures: RowFailure[] = [];
  let conflictCount = 0;
  let failureCount = 0;
  let rows = 0;
  let changed = 0;
  const eta = etaEstimator(before, bounds);

  const page = (after: RowKey | undefined, until: RowKey | undefined): Promise<SourceRow[]> => {
    const request: { -readonly [K in keyof RowPage]: RowPage[K] } = { columns: read, limit: batchSize };
    if (after !== undefined) request.after = after;
    if (until !== undefined) request.until = until;
    return source.page(request);
  };
  /** Every row with after < key <= until, paged. */
  const readSlice = async (after: RowKey | undefined, until: RowKey): Promise<SourceRow[]> => {
    const out: SourceRow[] = [];
    let cursor = after;
    for (;;) {
      const rowsRead = await page(cursor, until);
      out.push(...rowsRead);
      if (rowsRead.length < batchSize) return out;
      cursor = (rowsRead[rowsRead.length - 1] as SourceRow).key;
    }
  };

  let planning: Promise<unknown> = Promise.resolve();
  /** Plans a batch: what to write into each row. One plan at a time (a retry waits for the next batch's plan), in call order. */
  const planSlice = (rowsRead: readonly SourceRow[]): Promise<RowPlan[]> => {
    const planned = planning.then(async () => {
      const batch = new BatchPlans(rowsRead, read);
      await pass.plan(batch);
      return batch.plans();
    });
    planning = planned.catch(() => undefined);
    return planned;
  };

  /** Writes a planned batch (the rows after `after` up to `last`), retrying rows changed meanwhile, and counts it. */
  const settleSlice = async (planned: RowPlan[], after: RowKey | undefined, last: RowKey): Promise<{ rows: number; changed: number }> => {
    const writes = planned.filter((plan) => plan.next !== undefined);
    // Usually every write lands at once: then every plan is final, with no bookkeeping per row.
    if (writes.length === 0 || dryRun) return tallied(planned, 0);
    const landed = await source.write(writes.map((plan) => ({ key: plan.key, expected: plan.expected, next: plan.next ?? {} })));
    if (landed.length === writes.length) return tallied(planned, 0);
    return retried(planned, new Set(landed.map(keyText)), after, last);
  };

  /** Counts a slice's final plans (and the rows still changing, as conflicts). */
  const tallied = (plans: Iterable<RowPlan>, conflicts: number, pendingKeys: Iterable<RowKey> = []): { rows: number; changed: number } => {
    let rowsTallied = 0;
    let sliceChanged = 0;
    for (const plan of plans) {
      rowsTallied++;
      for (const [col, counter] of plan.tally) {
        const target = counters[col] as ColumnCounters;
        target[counter]++;
        if (counter === 'changed' || counter === 'indexed') sliceChanged++;
      }
      for (const failure of plan.failures) {
        failureCount++;
        if (failures.length < MAX_LISTED) failures.push(failure);
      }
    }
    conflictCount += conflicts;
    for (const key of pendingKeys) if (conflictKeys.length < MAX_LISTED) conflictKeys.push(key);
    return { rows: rowsTallied + conflicts, changed: sliceChanged };
  };

  /** The rows of a slice whose write found them changed: read again, planned again and written, up to maxAttempts in all. */
  const retried = async (planned: RowPlan[], firstWritten: Set<string>, after: RowKey | undefined, last: RowKey): Promise<{ rows: number; changed: number }> => {
    const final = new Map<string, RowPlan>();
    let pending = new Map<string, RowKey>();
    let plans = planned;
    for (let attempt = 1; ; attempt++) {
      let written: Set<string>;
      if (attempt === 1) written = firstWritten;
      else {
        const writes = plans.filter((plan) => plan.next !== undefined);
        written = writes.length === 0 ? new Set() : new Set((await source.write(writes.map((plan) => ({ key: plan.key, expected: plan.expected, next: plan.next ?? {} })))).map(keyText));
      }
      pending = new Map();
      for (const plan of plans) {
        const key = keyText(plan.key);
        if (plan.next === undefined || written.has(key)) final.set(key, plan);
        else pending.set(key, plan.key);
      }
      if (pending.size === 0 || attempt >= maxAttempts) break;
      // The rows of this slice not final yet: those changed meanwhile, and any inserted since (a deleted row is simply gone).
      const current = (await readSlice(after, last)).filter((row) => !final.has(keyText(row.key)));
      if (current.length === 0) {
        pending.clear();
        break;
      }
      plans = await planSlice(current);
    }
    return tallied(final.values(), pending.size, pending.values());
  };

  /**
   * One claimed range, as a pipeline of three stages: the next page is read while this
   * batch is planned, and a batch is planned while the one before is written. Writes stay
   * one at a time and in key order; the cursor is committed at most every
   * `checkpointIntervalMs`, only ever up to a batch whose write has finished, and always
   * before the range is given back, stopped or finished.
   */
  const stopAsked = (): boolean => signal?.aborted === true;
  const runRange = async (claim: RangeClaim): Promise<'done' | 'stopped' | 'lost'> => {
    const until = claim.range.until;
    /** The last key read, and the last key written. */
    let readTo = claim.cursor ?? claim.range.after;
    let writtenTo = readTo;
    let committedTo = writtenTo;
    let uncommitted = { rows: 0, changed: 0 };
    let committedAt = Date.now();
    let writing: Promise<{ rows: number; changed: number; last: RowKey }> | undefined;
    /** Whether `writing` has settled. */
    let written = false;
    const prefetch = (after: RowKey | undefined): Promise<SourceRow[]> => {
      const next = page(after, until);
      next.catch(() => undefined); // seen where it is awaited
      return next;
    };
    let ahead = prefetch(readTo);

    let commitFailed = false;
    /** Commits the cursor of the last batch written, if it moved. False if the claim was lost. */
    const commit = async (): Promise<boolean> => {
      if (writtenTo === committedTo && uncommitted.rows === 0) return true;
      const [to, counts] = [writtenTo as RowKey, uncommitted];
      committedAt = Date.now();
      let held: boolean;
      try {
        held = await checkpoints.advance(claim, to, counts);
      } catch (error) {
        commitFailed = true; // whether it landed is unknown: not tried again
        throw error;
      }
      if (!held) return false;
      committedTo = to;
      uncommitted = { rows: uncommitted.rows - counts.rows, changed: uncommitted.changed - counts.changed };
      return true;
    };
    /** Waits for the batch being written, counts it, and commits when the interval has passed. False if the claim was lost. */
    const settled = async (): Promise<boolean> => {
      if (writing === undefined) return true;
      const inFlight = writing;
      writing = undefined;
      const result = await inFlight;
      eta.covered(writtenTo ?? claim.range.after, result.last);
      writtenTo = result.last;
      uncommitted = { rows: uncommitted.rows + result.rows, changed: uncommitted.changed + result.changed };
      rows += result.rows;
      changed += result.changed;
      if (onProgress !== undefined) {
        const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
        const left = eta.secondsLeft(seconds);
        onProgress({ job, kind: pass.kind, done: rows, changed, rate: rows / seconds, ...(left === undefined ? {} : { eta: left }) });
      }
      return Date.now() - committedAt < checkpointIntervalMs || commit();
    };
    const stop = async (): Promise<'stopped' | 'lost'> => {
      if (!(await settled()) || !(await commit())) return 'lost';
      await checkpoints.release(claim);
      return 'stopped';
    };

    try {
      for (;;) {
        // A synchronous driver (better-sqlite3) never returns to the event loop on its own:
        // yield once per batch, so a stop signal from a timer or Ctrl-C is seen at the boundary.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (stopAsked()) return await stop();
        // A write already done (always, with a synchronous driver) is counted before the next plan, so its batch is not kept alive meanwhile.
        if (written && !(await settled())) return 'lost';
        const batch = await ahead;
        if (batch.length === 0) {
          if (!(await settled()) || !(await commit())) return 'lost';
          return (await checkpoints.finish(claim)) ? 'done' : 'lost';
        }
        const after = readTo;
        const last = (batch[batch.length - 1] as SourceRow).key;
        readTo = last;
        ahead = prefetch(last);
        const planned = await planSlice(batch);
        if (!(await settled())) return 'lost';
        // The batch just planned is not written once the signal is seen: the job stops after the last batch written.
        if (stopAsked()) return await stop();
        written = false;
        writing = settleSlice(planned, after, last).then(
          (result) => ((written = true), { ...result, last }),
          (error: unknown) => {
            written = true;
            throw error;
          },
        );
        writing.catch(() => undefined); // seen where it is awaited
      }
    } catch (error) {
      // The cursor goes to the last batch written (a write that failed is not counted), and
      // the range is given back so a rerun need not wait for the lease.
      if (!commitFailed) {
        await settled()
          .then(commit)
          .catch(() => undefined);
      }
      await checkpoints.release(claim).catch(() => undefined);
      throw error;
    } finally {
      // A page read ahead is not left running past the job (the caller may close its pool next).
      await ahead.then(
        () => undefined,
        () => undefined,
      );
    }
  };

  while (signal?.aborted !== true) {
    const claim = await checkpoints.claim(job, worker, leaseMs);
    if (claim === undefined) break;
    if ((await runRange(claim)) === 'stopped') break;
  }

  if (pass.finish !== undefined) await pass.finish(counters);
  const after = (await checkpoints.summary(job)) ?? before;
  const state = (s: string) => after.ranges.filter((range) => range.state === s).length;
  const ranges = { total: after.ranges.length, done: state('done'), running: state('running'), pending: state('pending') };
  const complete = ranges.done === ranges.total;
  const stopped = signal?.aborted === true && !complete;
  let resume: string | undefined;
  if (!complete) {
    if (!durable) resume = 'stopped at a batch boundary; its checkpoints were in memory (no checkpoints option), so a new run starts from the beginning';
    else if (stopped) resume = `stopped at a batch boundary with its checkpoint saved; run the same job again (job '${job}') to continue from the last committed batch`;
    else resume = `${ranges.running} range(s) are held by other workers; run the job again (job '${job}') once they stop, to take over any range they left unfinished`;
  }
  return {
    job,
    kind: pass.kind,
    source: source.description,
    dryRun,
    complete,
    alreadyComplete,
    stopped,
    ...(resume === undefined ? {} : { resume }),
    rows,
    changed,
    columns: counters,
    conflicts: { count: conflictCount, keys: conflictKeys },
    failures,
    failureCount,
    ranges,
    elapsedMs: Date.now() - startedAt,
    notes,
  };
}

function integerOption(value: number | undefined, fallback: number, min: number, max: number, name: string): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new ConfigurationError(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** A digest of what makes a job this job: kind, table, columns as configured, the pass's settings. */
function fingerprintOf(pass: JobPass, source: RowSource, columns: readonly ProtectedColumn[]): string {
  const described = columns.map((spec) => ({
    column: spec.column,
    model: spec.model,
    field: spec.field,
    mode: spec.mode,
    rowBound: spec.rowBound === true,
    scope: spec.scope ?? null,
    subjectColumn: spec.subjectColumn ?? null,
    domain: spec.domain ?? null,
    plaintextType: spec.plaintextType ?? 'string',
    blindIndex:
      spec.blindIndex === undefined
        ? null
        : {
            column: spec.blindIndex.column,
            normalize: typeof spec.blindIndex.normalize === 'function' ? 'custom' : (spec.blindIndex.normalize ?? 'none'),
            bits: spec.blindIndex.bits ?? 256,
            domain: spec.blindIndex.domain ?? null,
          },
  }));
  return createHash('sha256')
    .update(JSON.stringify({ kind: pass.kind, source: source.description, columns: described, settings: pass.settings ?? null }))
    .digest('hex');
}

/** Seconds left, from the share of the integer key space this run covered. */
function etaEstimator(summary: JobSummary, bounds: { readonly first: RowKey; readonly last: RowKey } | undefined) {
  const first = keyPosition(bounds?.first);
  const last = keyPosition(bounds?.last);
  let remaining: number | undefined;
  if (first !== undefined && last !== undefined) {
    remaining = 0;
    for (const range of summary.ranges) {
      if (range.state === 'done') continue;
      const low = keyPosition(range.cursor ?? range.after) ?? first - 1;
      const high = keyPosition(range.until) ?? last;
      remaining += Math.max(0, high - low);
    }
  }
  let covered = 0;
  return {
    covered(from: RowKey | undefined, to: RowKey): void {
      const low = keyPosition(from) ?? (first === undefined ? undefined : first - 1);
      const high = keyPosition(to);
      if (low !== undefined && high !== undefined) covered += Math.max(0, high - low);
    },
    secondsLeft(elapsedSeconds: number): number | undefined {
      if (remaining === undefined || covered === 0) return undefined;
      return (Math.max(0, remaining - covered) * elapsedSeconds) / covered;
    },
  };
}
