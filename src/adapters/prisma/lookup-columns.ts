/**
 * Lookup columns (blind indexes, and the shadow columns of a lookup key replacement) are the adapter's business: written from their field on every
 * write, compared in rewritten filters, and of no use to the application (a keyed hash of a
 * value it already reads opened). So results leave them out unless the query asks for one:
 * `select: { emailIndex: true }`, or `omit: { emailIndex: false }` beside the default
 * selection. This runs before the other rewriting and adds `omit` entries for them, at the
 * top and in every relation returned with its default selection; the database then does not
 * send them at all. The types of `withFieldseal` clients say the same.
 *
 * @module
 */
import { isPlainObject, type Runtime } from './runtime.js';
import { copyRecord } from '../copy-record.js';

/** Operations whose result holds records (and so accept `select` / `include` / `omit`). */
const RECORD_RESULTS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'create',
  'createManyAndReturn',
  'update',
  'updateManyAndReturn',
  'upsert',
  'delete',
]);

interface LookupView {
  /** Each model's lookup columns, `{ column: true }` (absent: none). */
  readonly omits: ReadonlyMap<string, Readonly<Record<string, true>>>;
  /** Models from which a model with lookup columns can be reached through relations (itself included). */
  readonly reaching: ReadonlySet<string>;
}

const views = new WeakMap<Runtime, LookupView>();

function viewOf(rt: Runtime): LookupView {
  const known = views.get(rt);
  if (known) return known;
  const omits = new Map<string, Record<string, true>>();
  for (const model of rt.models.values()) {
    for (const field of model.fields.values()) {
      if (field.mode === 'blindIndex' || field.shadowOf !== undefined) (omits.get(model.name) ?? omits.set(model.name, {}).get(model.name)!)[field.field] = true;
    }
  }
  // Shared by every query's arguments: frozen, so that nothing downstream can change them.
  for (const own of omits.values()) Object.freeze(own);
  const reaching = new Set(omits.keys());
  for (let grew = true; grew; ) {
    grew = false;
    for (const model of rt.models.values()) {
      if (reaching.has(model.name)) continue;
      for (const relation of model.shape.relations.values()) {
        if (reaching.has(relation.model)) {
          reaching.add(model.name);
          grew = true;
          break;
        }
      }
    }
  }
  const view = { omits, reaching };
  views.set(rt, view);
  return view;
}

/**
 * `args` of `operation` on `modelName` with lookup columns omitted wherever the query does
 * not ask for them. `args` is not modified; it is returned as is when there is nothing to omit.
 */
export function omitLookupColumns(rt: Runtime, modelName: string, operation: string, args: unknown): unknown {
  if (!RECORD_RESULTS.has(operation)) return args;
  const view = viewOf(rt);
  if (!view.reaching.has(modelName)) return args;
  return withOmits(rt, view, modelName, isPlainObject(args) ? args : {});
}

function withOmits(rt: Runtime, view: LookupView, modelName: string, args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = copyRecord(args);
  const select = args.select;
  if (isPlainObject(select)) {
    out.select = relationsWithOmits(rt, view, modelName, select);
    return out;
  }
  const own = view.omits.get(modelName);
  // The query's own omit entries win: `omit: { emailIndex: false }` returns the column.
  if (own) out.omit = isPlainObject(args.omit) ? Object.assign(copyRecord(own), args.omit) : own;
  if (isPlainObject(args.include)) out.include = relationsWithOmits(rt, view, modelName, args.include);
  return out;
}

/** A `select` or `include` whose relations omit their lookup columns. */
function relationsWithOmits(rt: Runtime, view: LookupView, modelName: string, selection: Record<string, unknown>): Record<string, unknown> {
  const relations = rt.models.get(modelName)?.shape.relations;
  if (!relations) return selection;
  let out: Record<string, unknown> | undefined;
  for (const [name, value] of Object.entries(selection)) {
    const relation = relations.get(name);
    if (!relation || !view.reaching.has(relation.model)) continue;
    // `true` is the default selection, without relations: only the related model's own columns matter.
    const args = value === true ? (view.omits.has(relation.model) ? {} : undefined) : isPlainObject(value) ? value : undefined;
    if (args === undefined) continue;
    out ??= copyRecord(selection);
    out[name] = withOmits(rt, view, relation.model, args);
  }
  return out ?? selection;
}
