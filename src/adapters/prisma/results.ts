/**
 * Opens protected fields in query results, following the result's shape: only fields that
 * are present (selected) are opened, relations are walked with their related model, and
 * columns added to open row-bound fields are removed again.
 *
 * @module
 */
import type { ProtectedField } from './config.js';
import { openValues, rowKey, type StoredValue } from './field-access.js';
import { defaultPlan, type ResultPlan } from './read-args.js';
import { modelInfo, type Runtime } from './runtime.js';

/** Opens every protected field in `result` (a record, a list of records, or anything else) in place. */
export async function openResult(rt: Runtime, plan: ResultPlan, result: unknown): Promise<unknown> {
  const jobs: OpenJob[] = [];
  collect(rt, plan, result, jobs);
  // Protected values in batches: the Sealer opens a field's short values with a few AES
  // calls per batch instead of two or three per value. Batches of OPEN_BATCH keep few
  // per-value objects alive at once (young-generation GC copies every live one).
  for (let start = 0; start < jobs.length; start += OPEN_BATCH) {
    const batch = jobs.slice(start, start + OPEN_BATCH);
    const opened = await openValues(rt.sealer, batch);
    for (let i = 0; i < batch.length; i++) {
      const job = batch[i] as OpenJob;
      job.target[job.field.field] = opened[i];
    }
  }
  return result;
}

/** Values opened per Sealer call. */
const OPEN_BATCH = 256;

interface OpenJob extends StoredValue {
  readonly target: Record<string, unknown>;
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
    jobs.push({ target: row, field, stored, row: key });
  }
  for (const [name, relation] of model.shape.relations) {
    const nested = row[name];
    if (nested === undefined || nested === null) continue;
    collect(rt, plan.relations.get(name) ?? defaultPlan(relation.model), nested, jobs);
  }
  for (const column of plan.strip) delete row[column];
}
