/**
 * Rewrites write data: seals protected values, computes blind indexes, and descends into
 * nested writes (create, createMany, connect, connectOrCreate, upsert, update, updateMany,
 * delete, deleteMany, set, disconnect) to any depth, rewriting their `where` targets too.
 *
 * @module
 */
import type { ProtectedField } from './config.js';
import type { RelationShape } from './datamodel.js';
import { rowKey, subjectKey } from './field-access.js';
import type { PendingWrites } from './pending-writes.js';
import { isPlainObject, modelInfo, refuse, type ModelInfo, type Runtime } from './runtime.js';
import type { RowKey } from './sealer-port.js';
import { rewriteWhere } from './where.js';

/** The runtime of one write operation: protected values are recorded in `writes` and sealed when the walk is done. */
export interface WriteRuntime extends Runtime {
  readonly writes: PendingWrites;
}

/** A column value of the record being written, when the write makes it known (undefined: unknown). */
type KnownColumn = (column: string) => unknown;

/**
 * What a nested write knows of its parent record: the parent's known columns, its model,
 * and the relation (on the parent's side) the nested write came through. A child's
 * foreign key to the parent is the parent's referenced column.
 */
interface ParentLink {
  readonly model: string;
  readonly relation: RelationShape;
  readonly known: KnownColumn;
}

/** The row key a unique `where` names for `column`, when it names one by plain equality. */
export function rowFromWhere(where: unknown, column: string): unknown {
  if (!isPlainObject(where)) return undefined;
  const v = where[column];
  if (isPlainObject(v)) return v.equals;
  return v;
}

/** Rewrites create data (one record) of `modelName`; `parent` when it is a nested create. */
export async function rewriteCreateData(rt: WriteRuntime, modelName: string, data: unknown, parent?: ParentLink): Promise<unknown> {
  if (!isPlainObject(data)) return data;
  const model = modelInfo(rt, modelName);
  if (!model.reachesProtected) return data;
  return rewriteData(rt, model, data, 'create', (column) => data[column], knownColumns(model, data, undefined, parent));
}

/**
 * Rewrites update data of `modelName`. `where` is the filter of the record(s) being
 * updated, `unique` whether it is a unique one (row keys are read from it then; data
 * subjects from any where, since every matched record has the subject it names).
 */
export async function rewriteUpdateData(rt: WriteRuntime, modelName: string, data: unknown, where: unknown, parent?: ParentLink, unique = true): Promise<unknown> {
  if (!isPlainObject(data)) return data;
  const model = modelInfo(rt, modelName);
  if (!model.reachesProtected) return data;
  return rewriteData(rt, model, data, 'update', (column) => (unique ? rowFromWhere(where, column) : undefined), knownColumns(model, data, where, parent));
}

/**
 * The columns a write makes known: set in its data (`{ set }` too), the foreign key of a
 * relation it connects by equality, the foreign key to the parent of a nested write, or
 * named by equality in its where.
 */
function knownColumns(model: ModelInfo, data: Record<string, unknown>, where: unknown, parent: ParentLink | undefined): KnownColumn {
  return (column) => {
    const own = data[column];
    if (own !== undefined) return isPlainObject(own) && 'set' in own ? own.set : own;
    for (const [name, relation] of model.shape.relations) {
      const at = relation.from.indexOf(column);
      if (at < 0) continue;
      const to = relation.to[at] as string;
      const link = data[name];
      if (isPlainObject(link) && isPlainObject(link.connect)) {
        const connected = rowFromWhere(link.connect, to);
        if (connected !== undefined) return connected;
      }
      if (parent !== undefined && relation.model === parent.model && relation.name !== undefined && relation.name === parent.relation.name && relation !== parent.relation) {
        const inherited = parent.known(to);
        if (inherited !== undefined) return inherited;
      }
    }
    return rowFromWhere(where, column);
  };
}

/** The data subject `field` is sealed under in a write, from the record's known columns; refuses an unknown one. */
function subjectOfWrite(field: ProtectedField, kind: 'create' | 'update', known: KnownColumn): string | undefined {
  const column = field.subject as string;
  const raw = known(column);
  if (raw === undefined || isPlainObject(raw)) {
    refuse(
      field,
      kind,
      `it is sealed under the data subject in ${field.model}.${column}, which must be known: set it in the data, connect its relation by equality, write it nested under its parent, or name it by equality in the where`,
    );
  }
  return subjectKey(field, raw);
}

async function rewriteData(
  rt: WriteRuntime,
  model: ModelInfo,
  data: Record<string, unknown>,
  kind: 'create' | 'update',
  rowOf: (column: string) => unknown,
  known: KnownColumn,
): Promise<Record<string, unknown>> {
  // Object.assign, not a spread: V8 gives a spread copy a shape that turns slow when keys
  // are added to it (the blind index columns), measured at ~2 µs per record.
  const out: Record<string, unknown> = Object.assign({}, data);
  const jobs: Promise<unknown>[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    const relation = model.shape.relations.get(key);
    if (relation) {
      jobs.push(rewriteNested(rt, relation.model, relation.isList, value, { model: model.name, relation, known }).then((v) => (out[key] = v)));
      continue;
    }
    const field = model.fields.get(key);
    if (!field) {
      if (kind === 'update' && model.rowColumns.has(key)) {
        for (const bound of model.fields.values()) {
          if (bound.row === key) refuse(bound, 'update of row key', `changing ${model.name}.${key} would orphan the values bound to it; re-encrypt them with the new key`);
        }
      }
      if (kind === 'update' && model.subjectColumns.has(key)) {
        for (const bound of model.fields.values()) {
          if (bound.subject === key && data[bound.field] === undefined) {
            refuse(bound, 'update of subject', `changing ${model.name}.${key} would leave ${bound.field} sealed under the old subject's keys; write ${bound.field} in the same update`);
          }
        }
      }
      continue;
    }
    if (field.mode === 'blindIndex') {
      refuse(field, kind, `a blind index is computed from ${field.of!} on write; set ${field.of!} instead`);
    }
    if (field.shadowOf !== undefined) {
      refuse(field, kind, `a shadow column is computed from ${field.shadowOf} on write; set ${field.shadowOf} instead`);
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
    const subject = field.subject !== undefined && plain !== null ? subjectOfWrite(field, kind, known) : undefined;
    rt.writes.seal(field, plain, row, subject, (sealed) => {
      out[key] = wrap ? { set: sealed } : sealed;
    });
    // Every lookup column of the field is written, each under its own lookup key version.
    for (const shadow of field.shadows) {
      rt.writes.seal(shadow, plain, undefined, undefined, (sealed) => {
        out[shadow.field] = wrap ? { set: sealed } : sealed;
      });
    }
    for (const index of field.indexes) {
      rt.writes.index(index, plain, (token) => {
        out[index.field] = wrap ? { set: token } : token;
      });
    }
  }
  await Promise.all(jobs);
  return out;
}

type NestedHandler = (rt: WriteRuntime, target: string, isList: boolean, value: unknown, parent: ParentLink) => Promise<unknown>;

const eachOf =
  (one: NestedHandler): NestedHandler =>
  async (rt, target, isList, value, parent) =>
    Array.isArray(value) ? Promise.all(value.map((v) => one(rt, target, isList, v, parent))) : one(rt, target, isList, value, parent);

const whereUnique: NestedHandler = eachOf((rt, target, _isList, v) => rewriteWhere(rt, target, v, true));
const whereMany: NestedHandler = eachOf((rt, target, _isList, v) => rewriteWhere(rt, target, v, false));

/** `update` in a nested write: `{ where, data }` (to-many), or the data itself / `{ where?, data }` (to-one). */
async function nestedUpdate(rt: WriteRuntime, target: string, isList: boolean, v: unknown, parent: ParentLink): Promise<unknown> {
  if (!isPlainObject(v)) return v;
  const wrapped = isList || (isPlainObject(v.data) && !modelInfo(rt, target).shape.scalars.has('data') && !modelInfo(rt, target).shape.relations.has('data'));
  if (!wrapped) return rewriteUpdateData(rt, target, v, undefined, parent);
  const [where, data] = await Promise.all([
    v.where === undefined ? undefined : rewriteWhere(rt, target, v.where, isList),
    rewriteUpdateData(rt, target, v.data, v.where, parent),
  ]);
  return { ...v, ...(where === undefined ? {} : { where }), data };
}

const NESTED: Record<string, NestedHandler> = {
  create: eachOf((rt, target, _l, v, parent) => rewriteCreateData(rt, target, v, parent)),
  createMany: async (rt, target, _l, v, parent) => {
    if (!isPlainObject(v)) return v;
    const data = Array.isArray(v.data)
      ? await Promise.all(v.data.map((d) => rewriteCreateData(rt, target, d, parent)))
      : await rewriteCreateData(rt, target, v.data, parent);
    return { ...v, data };
  },
  connect: whereUnique,
  set: whereUnique,
  connectOrCreate: eachOf(async (rt, target, _l, v, parent) => {
    if (!isPlainObject(v)) return v;
    const [where, create] = await Promise.all([rewriteWhere(rt, target, v.where, true), rewriteCreateData(rt, target, v.create, parent)]);
    return { ...v, where, create };
  }),
  upsert: eachOf(async (rt, target, isList, v, parent) => {
    if (!isPlainObject(v)) return v;
    const [where, create, update] = await Promise.all([
      v.where === undefined ? undefined : rewriteWhere(rt, target, v.where, isList),
      rewriteCreateData(rt, target, v.create, parent),
      rewriteUpdateData(rt, target, v.update, v.where, parent),
    ]);
    return { ...v, ...(where === undefined ? {} : { where }), create, update };
  }),
  update: eachOf(nestedUpdate),
  updateMany: eachOf(async (rt, target, _l, v, parent) => {
    if (!isPlainObject(v)) return v;
    const [where, data] = await Promise.all([rewriteWhere(rt, target, v.where, false), rewriteUpdateData(rt, target, v.data, v.where, parent, false)]);
    return { ...v, where, data };
  }),
  delete: async (rt, target, isList, v, parent) => (typeof v === 'boolean' ? v : isList ? whereUnique(rt, target, isList, v, parent) : whereMany(rt, target, isList, v, parent)),
  disconnect: async (rt, target, isList, v, parent) => (typeof v === 'boolean' ? v : isList ? whereUnique(rt, target, isList, v, parent) : whereMany(rt, target, isList, v, parent)),
  deleteMany: whereMany,
};

async function rewriteNested(rt: WriteRuntime, target: string, isList: boolean, value: unknown, parent: ParentLink): Promise<unknown> {
  if (!isPlainObject(value)) return value;
  if (!modelInfo(rt, target).reachesProtected) return value;
  const out: Record<string, unknown> = {};
  await Promise.all(
    Object.entries(value).map(async ([op, arg]) => {
      const handler = NESTED[op];
      out[op] = handler && arg !== undefined ? await handler(rt, target, isList, arg, parent) : arg;
    }),
  );
  return out;
}
