/**
 * The adapter's most common read: `findUnique({ where: { key: value } })` and
 * `findUniqueOrThrow`, with nothing else in the arguments, where `key` is one protected field
 * looked up by its token (a blind-indexed field, its index column, a deterministic or FPE
 * field) or one plain column (`id`).
 *
 * The general rewriting (operations.ts) walks every argument with code written for any
 * query. Run between a database driver's work on every request, that walk's code and data
 * are out of the CPU caches: profiled inside Prisma, it cost about ten times its tight-loop
 * time, several microseconds per lookup. For this shape its outcome is known in advance
 * except for the token, so the arguments and the result plan come from a template made once
 * per model and key by that same general code (lookup-columns.ts, read-args.ts), and the
 * token and the rows' check from the same lookup (where.ts). With the lookup key cached the
 * whole rewriting is synchronous. test/prisma/unique-lookup.test.ts holds both paths to the
 * same arguments and plans.
 *
 * @module
 */
import { omitLookupColumns } from './lookup-columns.js';
import type { Rewritten } from './operations.js';
import { copyRecord } from '../copy-record.js';
import { defaultPlan, finishSelection, type ResultPlan } from './read-args.js';
import { isPlainObject, type ModelInfo, type Runtime } from './runtime.js';
import type { LookupCheck } from './lookup-checks.js';
import { isScalarValue, uniqueEquality } from './where.js';

/** What every lookup of one model by one key sends besides its where, and how its result is opened. */
interface Template {
  /** The arguments besides `where` (the omitted lookup columns), shared and frozen. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly strip: string[];
  readonly relations: ResultPlan['relations'];
}

const templates = new WeakMap<ModelInfo, Map<string, Template>>();

/**
 * The rewritten arguments and result plan of a one-key unique read, or `undefined` when
 * `args` has any other shape (the general rewriting then runs). At once when the lookup token
 * is (its key cached), else a promise. Errors (a refused lookup, a value of the wrong type)
 * come as a rejected promise, as from the general rewriting.
 */
export function rewriteUniqueLookup(rt: Runtime, modelName: string, operation: string, args: unknown): Rewritten | Promise<Rewritten> | undefined {
  if ((operation !== 'findUnique' && operation !== 'findUniqueOrThrow') || !isPlainObject(args) || onlyKey(args) !== 'where') return undefined;
  const where = args.where;
  if (!isPlainObject(where)) return undefined;
  const key = onlyKey(where);
  if (key === undefined) return undefined;
  const value = where[key];
  if (value === undefined || value === null || !isScalarValue(value)) return undefined;
  const model = rt.models.get(modelName);
  if (model === undefined || !model.reachesProtected) return undefined;
  const field = model.fields.get(key);
  if (field === undefined && !model.shape.scalars.has(key)) return undefined;
  const checks: LookupCheck[] = [];
  let column = key;
  // A plain column is compared with the value itself.
  let token: unknown = value;
  try {
    if (field !== undefined) ({ column, token } = uniqueEquality(rt, field, value, checks));
  } catch (error) {
    return Promise.reject(error);
  }
  const template = templateOf(rt, model, key, checks);
  const plan: ResultPlan = { model: modelName, strip: template.strip, relations: template.relations, checks };
  // The token is at hand when its key is cached (every lookup but the first): no promise.
  if (!(token instanceof Promise)) return { args: withWhere({ [column]: token }, template), plan };
  return token.then((t: unknown) => ({ args: withWhere({ [column]: t }, template), plan }));
}

function withWhere(where: Record<string, unknown>, template: Template): Record<string, unknown> {
  return Object.assign({ where }, template.args);
}

/**
 * The template of lookups of `model` by `key`, made on the first one by the general code:
 * the lookup columns omitted, then the columns the checks and row-bound fields need (the
 * checks' fields and flags depend on the key, not on the value looked up).
 */
function templateOf(rt: Runtime, model: ModelInfo, key: string, checks: readonly LookupCheck[]): Template {
  let byKey = templates.get(model);
  if (byKey === undefined) templates.set(model, (byKey = new Map()));
  const known = byKey.get(key);
  if (known !== undefined) return known;
  const base = omitLookupColumns(rt, model.name, 'findUnique', {}) as Record<string, unknown>;
  const out = copyRecord(base);
  const plan = defaultPlan(model.name);
  plan.checks.push(...checks);
  finishSelection(model, base, out, plan);
  const template: Template = { args: Object.freeze(out), strip: plan.strip, relations: plan.relations };
  byKey.set(key, template);
  return template;
}

/** The one own key of a record, or `undefined` when it has none or several. */
function onlyKey(record: Record<string, unknown>): string | undefined {
  let only: string | undefined;
  for (const key in record) {
    // An inherited key (a polluted prototype) is not the caller's: the general path decides.
    if (only !== undefined || !Object.prototype.hasOwnProperty.call(record, key)) return undefined;
    only = key;
  }
  return only;
}
