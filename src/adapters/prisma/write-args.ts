/**
 * Rewrites write data: seals protected values, computes blind indexes, and descends into
 * nested writes (create, createMany, connect, connectOrCreate, upsert, update, updateMany,
 * delete, deleteMany, set, disconnect) to any depth, rewriting their `where` targets too.
 *
 * @module
 */
import { rowKey } from './field-access.js';
import type { PendingWrites } from './pending-writes.js';
import { isPlainObject, modelInfo, refuse, type ModelInfo, type Runtime } from './runtime.js';
import type { RowKey } from './sealer-port.js';
import { rewriteWhere } from './where.js';

/** The runtime of one write operation: protected values are recorded in `writes` and sealed when the walk is done. */
export interface WriteRuntime extends Runtime {
  readonly writes: PendingWrites;
}

/** The row key a unique `where` names for `column`, when it names one by plain equality. */
export function rowFromWhere(where: unknown, column: string): unknown {
  if (!isPlainObject(where)) return undefined;
  const v = where[column];
  if (isPlainObject(v)) return v.equals;
  return v;
}

/** Rewrites create data (one record) of `modelName`. */
export async function rewriteCreateData(rt: WriteRuntime, modelName: string, data: unknown): Promise<unknown> {
  if (!isPlainObject(data)) return data;
  const model = modelInfo(rt, modelName);
  if (!model.reachesProtected) return data;
  return rewriteData(rt, model, data, 'create', (column) => data[column]);
}

/**
 * Rewrites update data of `modelName`. `where` is the unique filter of the record being
 * updated, when there is one (row keys are read from it).
 */
export async function rewriteUpdateData(rt: WriteRuntime, modelName: string, data: unknown, where: unknown): Promise<unknown> {
  if (!isPlainObject(data)) return data;
  const model = modelInfo(rt, modelName);
  if (!model.reachesProtected) return data;
  return rewriteData(rt, model, data, 'update', (column) => rowFromWhere(where, column));
}

async function rewriteData(
  rt: WriteRuntime,
  model: ModelInfo,
  data: Record<string, unknown>,
  kind: 'create' | 'update',
  rowOf: (column: string) => unknown,
): Promise<Record<string, unknown>> {
  // Object.assign, not a spread: V8 gives a spread copy a shape that turns slow when keys
  // are added to it (the blind index columns), measured at ~2 µs per record.
  const out: Record<string, unknown> = Object.assign({}, data);
  const jobs: Promise<unknown>[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    const relation = model.shape.relations.get(key);
    if (relation) {
      jobs.push(rewriteNested(rt, relation.model, relation.isList, value).then((v) => (out[key] = v)));
      continue;
    }
    const field = model.fields.get(key);
    if (!field) {
      if (kind === 'update' && model.rowColumns.has(key)) {
        for (const bound of model.fields.values()) {
          if (bound.row === key) refuse(bound, 'update of row key', `changing ${model.name}.${key} would orphan the values bound to it; re-encrypt them with the new key`);
        }
      }
      continue;
    }
    if (field.mode === 'blindIndex') {
      refuse(field, kind, `a blind index is computed from ${field.of!} on write; set ${field.of!} instead`);
    }
    let plain: unknown = value;
    let wrap = false;
    // `{ set: v }` is Prisma's update operation on the (String) column. A Json-typed field
    // takes plain objects as values, so only an update's exact `{ set }` is unwrapped there.
    const isJsonValue = field.type === 'Json' && (kind === 'create' || !(isPlainObject(value) && Object.keys(value).length === 1 && 'set' in value));
    if (isPlainObject(value) && !isJsonValue) {
      const ops = Object.keys(value);
      if (ops.length !== 1 || ops[0] !== 'set') refuse(field, ops.find((o) => o !== 'set') ?? 'update', 'only { set } can update a protected field');
      plain = value.set;
      wrap = true;
    }
    let row: RowKey | undefined;
    if (field.row !== undefined && plain !== null) {
      const raw = rowOf(field.row);
      if (raw === undefined || raw === null || isPlainObject(raw)) {
        refuse(field, kind, `it is bound to ${model.name}.${field.row}, which must be ${kind === 'create' ? 'set in the data (use client-generated ids)' : 'named by equality in a unique where'}`);
      }
      row = rowKey(field, raw);
    }
    rt.writes.seal(field, plain, row, (sealed) => {
      out[key] = wrap ? { set: sealed } : sealed;
    });
    for (const index of field.indexes) {
      rt.writes.index(index, plain, (token) => {
        out[index.field] = wrap ? { set: token } : token;
      });
    }
  }
  await Promise.all(jobs);
  return out;
}

type NestedHandler = (rt: WriteRuntime, target: string, isList: boolean, value: unknown) => Promise<unknown>;

const eachOf =
  (one: (rt: WriteRuntime, target: string, isList: boolean, value: unknown) => Promise<unknown>): NestedHandler =>
  async (rt, target, isList, value) =>
    Array.isArray(value) ? Promise.all(value.map((v) => one(rt, target, isList, v))) : one(rt, target, isList, value);

const whereUnique: NestedHandler = eachOf((rt, target, _isList, v) => rewriteWhere(rt, target, v, true));
const whereMany: NestedHandler = eachOf((rt, target, _isList, v) => rewriteWhere(rt, target, v, false));

/** `update` in a nested write: `{ where, data }` (to-many), or the data itself / `{ where?, data }` (to-one). */
async function nestedUpdate(rt: WriteRuntime, target: string, isList: boolean, v: unknown): Promise<unknown> {
  if (!isPlainObject(v)) return v;
  const wrapped = isList || (isPlainObject(v.data) && !modelInfo(rt, target).shape.scalars.has('data') && !modelInfo(rt, target).shape.relations.has('data'));
  if (!wrapped) return rewriteUpdateData(rt, target, v, undefined);
  const [where, data] = await Promise.all([
    v.where === undefined ? undefined : rewriteWhere(rt, target, v.where, isList),
    rewriteUpdateData(rt, target, v.data, v.where),
  ]);
  return { ...v, ...(where === undefined ? {} : { where }), data };
}

const NESTED: Record<string, NestedHandler> = {
  create: eachOf((rt, target, _l, v) => rewriteCreateData(rt, target, v)),
  createMany: async (rt, target, _l, v) => {
    if (!isPlainObject(v)) return v;
    const data = Array.isArray(v.data)
      ? await Promise.all(v.data.map((d) => rewriteCreateData(rt, target, d)))
      : await rewriteCreateData(rt, target, v.data);
    return { ...v, data };
  },
  connect: whereUnique,
  set: whereUnique,
  connectOrCreate: eachOf(async (rt, target, _l, v) => {
    if (!isPlainObject(v)) return v;
    const [where, create] = await Promise.all([rewriteWhere(rt, target, v.where, true), rewriteCreateData(rt, target, v.create)]);
    return { ...v, where, create };
  }),
  upsert: eachOf(async (rt, target, isList, v) => {
    if (!isPlainObject(v)) return v;
    const [where, create, update] = await Promise.all([
      v.where === undefined ? undefined : rewriteWhere(rt, target, v.where, isList),
      rewriteCreateData(rt, target, v.create),
      rewriteUpdateData(rt, target, v.update, v.where),
    ]);
    return { ...v, ...(where === undefined ? {} : { where }), create, update };
  }),
  update: eachOf(nestedUpdate),
  updateMany: eachOf(async (rt, target, _l, v) => {
    if (!isPlainObject(v)) return v;
    const [where, data] = await Promise.all([rewriteWhere(rt, target, v.where, false), rewriteUpdateData(rt, target, v.data, undefined)]);
    return { ...v, where, data };
  }),
  delete: async (rt, target, isList, v) => (typeof v === 'boolean' ? v : isList ? whereUnique(rt, target, isList, v) : whereMany(rt, target, isList, v)),
  disconnect: async (rt, target, isList, v) => (typeof v === 'boolean' ? v : isList ? whereUnique(rt, target, isList, v) : whereMany(rt, target, isList, v)),
  deleteMany: whereMany,
};

async function rewriteNested(rt: WriteRuntime, target: string, isList: boolean, value: unknown): Promise<unknown> {
  if (!isPlainObject(value)) return value;
  if (!modelInfo(rt, target).reachesProtected) return value;
  const out: Record<string, unknown> = {};
  await Promise.all(
    Object.entries(value).map(async ([op, arg]) => {
      const handler = NESTED[op];
      out[op] = handler && arg !== undefined ? await handler(rt, target, isList, arg) : arg;
    }),
  );
  return out;
}
