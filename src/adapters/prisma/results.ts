/**
 * Opens protected fields in query results, following the result's shape: only fields that
 * are present (selected) are opened, relations are walked with their related model, and
 * columns added to open row-bound fields are removed again.
 *
 * @module
 */
import type { ProtectedField } from './config.js';
import { openValues, openValuesAtOnce, rowKey, subjectKey, type StoredValue } from './field-access.js';
import { verifyLookup, type LookupCheck } from './lookup-checks.js';
import { defaultPlan, type ResultPlan } from './read-args.js';
import { isPlainObject, modelInfo, type Runtime } from './runtime.js';
import { unpolicedOpener, type UnpolicedOpener } from '../../seal/policy-results.js';

/**
 * Opens every protected field in `result` (a record, a list of records, or anything else) in
 * place. Returns the result at once when the Sealer opens the values without waiting (a
 * single record's few values, keys cached: no promise per read), else a promise of it.
 */
export function openResult(rt: Runtime, plan: ResultPlan, result: unknown): unknown {
  const jobs: OpenJob[] = [];
  const checks: CheckJob[] = [];
  collect(rt, plan, result, jobs, checks);
  const opener = checks.length === 0 ? undefined : unpolicedOpener(rt.sealer);
  if (opener !== undefined) return openChecked(rt, opener, jobs, checks, result);
  // Every protected value in one batch: the Sealer opens a field's short values with a few
  // AES calls per chunk instead of two or three per value (it chunks large batches itself).
  const opened = openValuesAtOnce(rt.sealer, jobs);
  if (!(opened instanceof Promise)) return placeResult(jobs, checks, opened, result);
  return opened.then((values) => placeResult(jobs, checks, values, result));
}

function placeResult(jobs: readonly OpenJob[], checks: readonly CheckJob[], opened: readonly unknown[], result: unknown): unknown {
  // Verified before any value is handed out: a row found through a copied lookup token fails the whole result.
  for (const { check, at } of checks) verifyLookup(check, at < 0 ? null : opened[at]);
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i] as OpenJob;
    if (job.keep) job.target[job.field.field] = opened[i];
  }
  return result;
}

/**
 * {@link openResult} of a lookup's result under an access policy, where the caller may see
 * the looked-up field masked, null, or not at all: the check opens that field past the
 * policy (unaudited; the value is compared, never returned), before anything is handed out;
 * the values the caller keeps are then opened under the policy, and the fields selected
 * only for the check are not opened for the caller at all.
 */
async function openChecked(rt: Runtime, opener: UnpolicedOpener, jobs: readonly OpenJob[], checks: readonly CheckJob[], result: unknown): Promise<unknown> {
  const checkedAt = [...new Set(checks.map((c) => c.at).filter((at) => at >= 0))];
  const clear = await openValues(rt.sealer, checkedAt.map((at) => jobs[at] as OpenJob), opener);
  const clearAt = new Map(checkedAt.map((at, k) => [at, clear[k]]));
  for (const { check, at } of checks) verifyLookup(check, at < 0 ? null : clearAt.get(at));
  const kept = jobs.filter((job) => job.keep);
  const opened = await openValues(rt.sealer, kept);
  for (let i = 0; i < kept.length; i++) {
    const job = kept[i] as OpenJob;
    job.target[job.field.field] = opened[i];
  }
  return result;
}

const SINGLE_RECORD_READS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow']);

/**
 * The plan that fits a result of the fluent API (`prisma.user.findUnique(...).orders()`).
 * Prisma runs such a call as the parent query with `select: { orders: ... }` and hands
 * the hook the related records already unwrapped, so the result is the relation's, not
 * the parent's. Detected from the public hook's view: a single-record read whose
 * select names exactly one relation, and whose result is a list or lacks that key (a
 * plain `select: { orders: true }` result always has it). Chains (`.profile().user()`)
 * are followed level by level.
 */
export function fluentPlan(rt: Runtime, plan: ResultPlan, operation: string, args: unknown, result: unknown): ResultPlan {
  if (!SINGLE_RECORD_READS.has(operation)) return plan;
  let current = plan;
  let selection = args;
  for (;;) {
    const select = isPlainObject(selection) ? selection.select : undefined;
    if (!isPlainObject(select)) return current;
    const keys = Object.keys(select);
    const relation = keys.length === 1 ? modelInfo(rt, current.model).shape.relations.get(keys[0] as string) : undefined;
    if (relation === undefined) return current;
    const name = keys[0] as string;
    const unwrapped = Array.isArray(result) || (isPlainObject(result) && !(name in result));
    if (!unwrapped) return current;
    current = current.relations.get(name) ?? defaultPlan(relation.model);
    selection = select[name];
  }
}

interface OpenJob extends StoredValue {
  readonly target: Record<string, unknown>;
  /** False for a field selected only to check a lookup: opened and checked, never returned. */
  readonly keep: boolean;
}

/** A lookup check on one record: the index of its field's open job, or -1 when the record holds null there. */
interface CheckJob {
  readonly check: LookupCheck;
  readonly at: number;
}

function collect(rt: Runtime, plan: ResultPlan, result: unknown, jobs: OpenJob[], checks: CheckJob[]): void {
  if (result === null || typeof result !== 'object') return;
  if (Array.isArray(result)) {
    for (const row of result) collect(rt, plan, row, jobs, checks);
    return;
  }
  const model = modelInfo(rt, plan.model);
  if (!model.reachesProtected) return;
  const row = result as Record<string, unknown>;
  const first = jobs.length;
  for (const field of model.fields.values()) {
    const stored = row[field.field];
    // Lookup columns (blind indexes, shadows) are tokens: returned as stored when selected.
    if (stored === undefined || stored === null || field.mode === 'blindIndex' || field.shadowOf !== undefined) continue;
    const key = field.row === undefined ? undefined : rowKey(field, row[field.row]);
    // A subject column missing from the result (a global omit) is an error, not a value opened without its subject.
    const subject = field.subject === undefined ? undefined : subjectKey(field, row[field.subject]);
    jobs.push({ target: row, field, stored, row: key, subject, keep: plan.strip.length === 0 || !plan.strip.includes(field.field) });
  }
  for (const check of plan.checks) {
    const stored = row[check.field.field];
    // A field the result does not hold was neither selected nor needed (a deterministic check).
    if (stored === undefined) continue;
    let at = -1;
    for (let i = first; i < jobs.length; i++) if ((jobs[i] as OpenJob).field === check.field) at = i;
    checks.push({ check, at });
  }
  for (const [name, relation] of model.shape.relations) {
    const nested = row[name];
    if (nested === undefined || nested === null) continue;
    collect(rt, plan.relations.get(name) ?? defaultPlan(relation.model), nested, jobs, checks);
  }
  for (const column of plan.strip) delete row[column];
}
