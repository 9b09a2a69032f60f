/**
 * Rewrites the read side of arguments: `select` / `include` / `omit` (recursively through
 * relations and `_count`), `orderBy`, `distinct`, `cursor`, and the filters inside them.
 * Returns a {@link ResultPlan}: which relations to walk in the result and which columns
 * were added only to open row-bound fields (and must be removed again).
 *
 * @module
 */
import type { ProtectedField } from './config.js';
import type { LookupCheck } from './lookup-checks.js';
import { isPlainObject, modelInfo, refuse, type ModelInfo, type Runtime } from './runtime.js';
import { copyRecord } from '../copy-record.js';
import { rewriteWhere } from './where.js';

/** What to do with a result of one model. */
export interface ResultPlan {
  readonly model: string;
  /** Columns added to the selection to open row-bound fields; deleted from the result. */
  readonly strip: string[];
  /** Plans of selected relations (absent: default plan of the related model). */
  readonly relations: Map<string, ResultPlan>;
  /** Conditions of the query's where on protected fields, verified on every record of the result. */
  readonly checks: LookupCheck[];
}

/** A plan with nothing to strip, for a model. */
export function defaultPlan(model: string): ResultPlan {
  return { model, strip: [], relations: new Map(), checks: [] };
}

/** Refuses `orderBy` on protected fields (ciphertext order is meaningless), through relations. */
export function checkOrderBy(rt: Runtime, modelName: string, orderBy: unknown): void {
  if (orderBy === undefined || orderBy === null) return;
  const model = modelInfo(rt, modelName);
  if (!model.reachesProtected) return;
  for (const entry of Array.isArray(orderBy) ? orderBy : [orderBy]) {
    if (!isPlainObject(entry)) continue;
    for (const [key, value] of Object.entries(entry)) {
      const field = model.fields.get(key);
      if (field) refuse(field, 'orderBy', 'ciphertext order is unrelated to plaintext order');
      const relation = model.shape.relations.get(key);
      if (relation && isPlainObject(value) && !('_count' in value)) checkOrderBy(rt, relation.model, value);
      if (key === '_relevance' && isPlainObject(value)) {
        for (const f of Array.isArray(value.fields) ? value.fields : [value.fields]) {
          const pf = model.fields.get(String(f));
          if (pf) refuse(pf, '_relevance', 'full-text search cannot run on ciphertext');
        }
      }
    }
  }
}

/** Refuses `distinct` on protected fields (equal values can have different tokens across keys or rows). */
export function checkDistinct(rt: Runtime, modelName: string, distinct: unknown): void {
  if (distinct === undefined) return;
  const model = modelInfo(rt, modelName);
  for (const name of Array.isArray(distinct) ? distinct : [distinct]) {
    const field = model.fields.get(String(name));
    if (field) refuse(field, 'distinct', 'equal plaintexts do not have one ciphertext');
  }
}

/**
 * Rewrites the read arguments of a query on `modelName` (filters, ordering, selection).
 * `args` is not modified; a new object is returned with the plan for its result.
 */
export async function rewriteReadArgs(
  rt: Runtime,
  modelName: string,
  args: Record<string, unknown>,
  options: { uniqueWhere?: boolean } = {},
): Promise<{ args: Record<string, unknown>; plan: ResultPlan }> {
  const model = modelInfo(rt, modelName);
  const out: Record<string, unknown> = copyRecord(args);
  const plan = defaultPlan(modelName);
  if (!model.reachesProtected) return { args: out, plan };
  checkOrderBy(rt, modelName, args.orderBy);
  checkDistinct(rt, modelName, args.distinct);
  const jobs: Promise<unknown>[] = [];
  rewriteRelationSelections(rt, model, args, out, plan, jobs);
  const where = args.where === undefined ? undefined : rewriteWhere(rt, modelName, args.where, options.uniqueWhere === true, plan.checks);
  if (args.cursor !== undefined) jobs.push(rewriteWhere(rt, modelName, args.cursor, true).then((w) => (out.cursor = w)));
  // A lone where (a lookup: the common case) is awaited as is; Promise.all and a callback per job add promise hops.
  if (jobs.length === 0) {
    if (where !== undefined) out.where = await where;
  } else {
    if (where !== undefined) jobs.push(where.then((w) => (out.where = w)));
    await Promise.all(jobs);
  }
  finishSelection(model, args, out, plan);
  return { args: out, plan };
}

/**
 * Rewrites `select` / `include` / `omit` of `args` into `out`, filling `plan`. Call it once
 * `plan.checks` holds the checks of the operation's where (their fields are selected).
 */
export async function rewriteSelection(rt: Runtime, model: ModelInfo, args: Record<string, unknown>, out: Record<string, unknown>, plan: ResultPlan): Promise<void> {
  const jobs: Promise<unknown>[] = [];
  rewriteRelationSelections(rt, model, args, out, plan, jobs);
  await Promise.all(jobs);
  finishSelection(model, args, out, plan);
}

/** Rewrites the relations selected in `select` / `include` (their own read arguments), adding the work to `jobs`. */
function rewriteRelationSelections(rt: Runtime, model: ModelInfo, args: Record<string, unknown>, out: Record<string, unknown>, plan: ResultPlan, jobs: Promise<unknown>[]): void {
  for (const key of ['select', 'include'] as const) {
    const selection = args[key];
    if (!isPlainObject(selection)) continue;
    const next: Record<string, unknown> = copyRecord(selection);
    out[key] = next;
    for (const [name, value] of Object.entries(selection)) {
      const relation = model.shape.relations.get(name);
      if (relation) {
        if (isPlainObject(value)) {
          jobs.push(
            rewriteReadArgs(rt, relation.model, value).then((r) => {
              next[name] = r.args;
              plan.relations.set(name, r.plan);
            }),
          );
        }
        continue;
      }
      if (name === '_count' && isPlainObject(value) && isPlainObject(value.select)) {
        jobs.push(rewriteCountSelect(rt, model, value).then((v) => (next[name] = v)));
      }
    }
  }
}

/**
 * Makes the result hold what opening and checking it needs: the fields of blind index
 * lookup checks, and the row column of every row-bound field returned. Columns the query
 * did not ask for are selected (or un-omitted) and recorded in `plan.strip`.
 */
export function finishSelection(model: ModelInfo, args: Record<string, unknown>, out: Record<string, unknown>, plan: ResultPlan): void {
  if (plan.checks.length > 0) {
    for (const check of plan.checks) {
      // Deterministic checks run only when the field is returned anyway (their token opens to its own value).
      if (check.select) ensureReturned(args, out, plan, check.field.field);
    }
  }
  // Row-bound fields need their row column in the result to be opened, subject-bound ones their subject column.
  if (model.rowColumns.size === 0 && model.subjectColumns.size === 0) return;
  for (const field of model.fields.values()) {
    if ((field.row === undefined && field.subject === undefined) || !isReturned(field.field, out)) continue;
    if (field.row !== undefined) ensureReturned(args, out, plan, field.row);
    if (field.subject !== undefined) ensureReturned(args, out, plan, field.subject);
  }
}

/** Selects `column` (or lifts its omission) when the result would not hold it, and records it for removal. */
function ensureReturned(args: Record<string, unknown>, out: Record<string, unknown>, plan: ResultPlan, column: string): void {
  if (isReturned(column, out)) return;
  const select = out.select as Record<string, unknown> | undefined;
  if (select !== undefined) {
    if (select === args.select) out.select = Object.assign(copyRecord(select), { [column]: true });
    else select[column] = true;
  } else {
    const omit = out.omit as Record<string, unknown>;
    out.omit = Object.assign(omit === args.omit ? copyRecord(omit) : omit, { [column]: false });
  }
  if (!plan.strip.includes(column)) plan.strip.push(column);
}

/** Whether the rewritten arguments `out` return `column`. */
function isReturned(column: string, out: Record<string, unknown>): boolean {
  const select = out.select;
  if (isPlainObject(select)) return Boolean(select[column]);
  const omit = out.omit;
  return !(isPlainObject(omit) && omit[column] === true);
}

async function rewriteCountSelect(rt: Runtime, model: ModelInfo, count: Record<string, unknown>): Promise<unknown> {
  const select = count.select as Record<string, unknown>;
  const next: Record<string, unknown> = {};
  await Promise.all(
    Object.entries(select).map(async ([name, value]) => {
      const relation = model.shape.relations.get(name);
      if (relation && isPlainObject(value) && value.where !== undefined) {
        next[name] = { ...value, where: await rewriteWhere(rt, relation.model, value.where) };
      } else next[name] = value;
    }),
  );
  return { ...count, select: next };
}
