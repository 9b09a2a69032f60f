/**
 * Job checkpoints in memory: for tests and for a job run in one process, where resuming
 * after the process ends is not needed. The same rules as the SQL stores.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { checkJobName, checkSameJob, type JobCheckpoints, type JobDefinition, type JobSummary, type KeyRange, type RangeCheckpoint, type RangeClaim } from './checkpoints.js';

type MutableRange = { -readonly [K in keyof RangeCheckpoint]: RangeCheckpoint[K] } & { token?: string };

/** {@link JobCheckpoints} held in this process's memory. */
export function memoryJobCheckpoints(): JobCheckpoints {
  const jobs = new Map<string, { definition: JobDefinition; ranges: MutableRange[] }>();
  const snapshot = (job: string): JobSummary | undefined => {
    const entry = jobs.get(job);
    if (entry === undefined) return undefined;
    return { ...entry.definition, ranges: entry.ranges.map(({ token: _token, ...range }) => ({ ...range })) };
  };
  const held = (claim: RangeClaim): MutableRange | undefined => {
    const range = jobs.get(claim.job)?.ranges[claim.range.index];
    return range !== undefined && range.state === 'running' && range.token === claim.token ? range : undefined;
  };
  return {
    description: 'memory',
    async migrate() {},
    async start(definition, ranges: readonly KeyRange[]) {
      checkJobName(definition.job);
      const existing = jobs.get(definition.job);
      if (existing !== undefined) checkSameJob(existing.definition, definition);
      else jobs.set(definition.job, { definition: { ...definition }, ranges: ranges.map((range, index) => ({ ...range, index, state: 'pending', rows: 0, changed: 0 })) });
      return snapshot(definition.job) as JobSummary;
    },
    async summary(job) {
      return snapshot(job);
    },
    async claim(job, worker, leaseMs) {
      const now = Date.now();
      const range = jobs
        .get(job)
        ?.ranges.find((r) => r.state === 'pending' || (r.state === 'running' && (r.worker === worker || (r.heartbeatAt ?? 0) < now - leaseMs)));
      if (range === undefined) return undefined;
      const token = randomBytes(12).toString('hex');
      Object.assign(range, { state: 'running', worker, heartbeatAt: now, token });
      const claim: RangeClaim = { job, range: { index: range.index, after: range.after, until: range.until }, cursor: range.cursor, worker, token };
      return claim;
    },
    async advance(claim, cursor, counts) {
      const range = held(claim);
      if (range === undefined) return false;
      Object.assign(range, { cursor, heartbeatAt: Date.now(), rows: range.rows + counts.rows, changed: range.changed + counts.changed });
      return true;
    },
    async finish(claim) {
      const range = held(claim);
      if (range === undefined) return false;
      Object.assign(range, { state: 'done', heartbeatAt: Date.now(), token: undefined });
      return true;
    },
    async release(claim) {
      const range = held(claim);
      if (range !== undefined) Object.assign(range, { state: 'pending', heartbeatAt: undefined, token: undefined });
    },
    async reset(job) {
      const count = jobs.get(job)?.ranges.length ?? 0;
      jobs.delete(job);
      return count;
    },
  };
}
