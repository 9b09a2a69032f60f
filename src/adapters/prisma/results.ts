/**
 * Opens protected fields in query results, following the result's shape: only fields that
 * are present (selected) are opened, relations are walked with their related model, and
 * columns added to open row-bound fields are removed again.
 *
 * @module
 */
import type { ProtectedField } from './config.js';
import { openValue, rowKey } from './field-access.js';
import type { RowKey } from './sealer-port.js';
import { defaultPlan, type ResultPlan } from './read-args.js';
import { modelInfo, type Runtime } from './runtime.js';

/** Opens every protected field in `result` (a record, a list of records, or anything else) in place. */
export async function openResult(rt: Runtime, plan: ResultPlan, result: unknown): Promise<unknown> {
  const jobs: OpenJob[] = [];
  collect(rt, plan, result, jobs);
  // One value at a time: with cached keys each open completes synchronously, so this costs
  // no waiting, and only one value's buffers are alive at once. Starting all of them
  // together (Promise.all) kept thousands alive and measured up to 2x slower in GC.
  for (const job of jobs) job.row[job.field.field] = await openValue(rt.sealer, job.field, job.stored, job.key);
  return result;
}

interface OpenJob {
  readonly row: Record<string, unknown>;
  readonly field: ProtectedField;
  readonly stored: unknown;
  readonly key: RowKey | undefined;
}

function collect(rt: Runtime, plan: ResultPlan, result: unknown, jobs: OpenJob[]): void {
  if (result === null || typeof result !== 'object') return;
  if (Array.isArray(result)) {
    for (const row of result) collect(rt, plan, row, jobs);
    return;
  }
  const model = modelInfo(rt, plan.model);
  if (!model.reachesProtected) return;
  const row = result as Record<string, unknown>;
  for (const field of model.fields.values()) {
    const stored = row[field.field];
    if (stored === undefined || stored === null || field.mode === 'blindIndex') continue;
    const key = field.row === undefined ? undefined : rowKey(field, row[field.row]);
    jobs.push({ row, field, stored, key });
  }
  for (const [name, relation] of model.shape.relations) {
    const nested = row[name];
    if (nested === undefined || nested === null) continue;
    collect(rt, plan.relations.get(name) ?? defaultPlan(relation.model), nested, jobs);
  }
  for (const column of plan.strip) delete row[column];
}
