/**
 * Per-operation rewriting: which arguments of each Prisma model operation are filters,
 * unique filters, write data or selections, and whether the result holds records.
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';
import { checkDistinct, checkOrderBy, defaultPlan, rewriteReadArgs, rewriteSelection, type ResultPlan } from './read-args.js';
import { isPlainObject, modelInfo, refuse, type Runtime } from './runtime.js';
import { copyRecord } from '../copy-record.js';
import { rewriteWhere } from './where.js';
import { verifiableChecks, type LookupCheck } from './lookup-checks.js';
import { PendingWrites } from './pending-writes.js';
import { rewriteCreateData, rewriteUpdateData, type WriteRuntime } from './write-args.js';

/** Rewritten arguments and the plan for opening the result (absent: the result holds no records). */
export interface Rewritten {
  readonly args: Record<string, unknown>;
  readonly plan: ResultPlan | undefined;
}

const UNIQUE_READS = new Set(['findUnique', 'findUniqueOrThrow']);
const MANY_READS = new Set(['findFirst', 'findFirstOrThrow', 'findMany']);
const UNIQUE_WHERE = Object.freeze({ uniqueWhere: true });

/**
 * Rewrites the arguments of `operation` on `model`. Unknown operations are refused on
 * protected models. Protected values in write data are sealed together once the whole
 * argument tree has been walked (see PendingWrites).
 */
export function rewriteOperation(rt: Runtime, modelName: string, operation: string, rawArgs: unknown): Promise<Rewritten> {
  // Reads write nothing: straight to their rewriting, without a write batch or another async frame.
  const unique = UNIQUE_READS.has(operation);
  if (unique || MANY_READS.has(operation)) {
    const args = isPlainObject(rawArgs) ? rawArgs : {};
    const model = modelInfo(rt, modelName);
    if (!model.reachesProtected) return Promise.resolve({ args, plan: undefined });
    return rewriteReadArgs(rt, modelName, args, unique ? UNIQUE_WHERE : {});
  }
  return rewriteWriteOperation(rt, modelName, operation, rawArgs);
}

async function rewriteWriteOperation(rt: Runtime, modelName: string, operation: string, rawArgs: unknown): Promise<Rewritten> {
  const writes = new PendingWrites();
  const rewritten = await rewriteArgs({ sealer: rt.sealer, models: rt.models, writes }, modelName, operation, rawArgs);
  if (!writes.empty) await writes.flush(rt.sealer);
  return rewritten;
}

async function rewriteArgs(rt: WriteRuntime, modelName: string, operation: string, rawArgs: unknown): Promise<Rewritten> {
  const args = isPlainObject(rawArgs) ? rawArgs : {};
  const model = modelInfo(rt, modelName);
  if (!model.reachesProtected) return { args, plan: undefined };

  if (UNIQUE_READS.has(operation)) return rewriteReadArgs(rt, modelName, args, { uniqueWhere: true });
  if (MANY_READS.has(operation)) return rewriteReadArgs(rt, modelName, args);

  switch (operation) {
    case 'count': {
      const out: Record<string, unknown> = copyRecord(args);
      checkOrderBy(rt, modelName, args.orderBy);
      checkDistinct(rt, modelName, args.distinct);
      if (args.where !== undefined) out.where = await rewriteWhere(rt, modelName, args.where);
      if (args.cursor !== undefined) out.cursor = await rewriteWhere(rt, modelName, args.cursor, true);
      return { args: out, plan: undefined };
    }
    case 'aggregate':
    case 'groupBy':
      return rewriteAggregate(rt, modelName, operation, args);
    case 'create':
    case 'createManyAndReturn':
    case 'createMany': {
      const out: Record<string, unknown> = copyRecord(args);
      out.data = Array.isArray(args.data)
        ? await Promise.all(args.data.map((d) => rewriteCreateData(rt, modelName, d)))
        : await rewriteCreateData(rt, modelName, args.data);
      return withSelection(rt, modelName, operation, args, out);
    }
    case 'update':
    case 'updateMany':
    case 'updateManyAndReturn': {
      const unique = operation === 'update';
      const out: Record<string, unknown> = copyRecord(args);
      const checks = operation === 'updateMany' ? undefined : [];
      const [where, data] = await Promise.all([
        rewriteWhere(rt, modelName, args.where, unique, checks),
        rewriteUpdateData(rt, modelName, args.data, args.where, undefined, unique),
      ]);
      if (args.where !== undefined) out.where = where;
      out.data = data;
      return withSelection(rt, modelName, operation, args, out, verifiableChecks(checks, args.data));
    }
    case 'upsert': {
      const out: Record<string, unknown> = copyRecord(args);
      const checks: LookupCheck[] = [];
      const [where, create, update] = await Promise.all([
        rewriteWhere(rt, modelName, args.where, true, checks),
        rewriteCreateData(rt, modelName, args.create),
        rewriteUpdateData(rt, modelName, args.update, args.where),
      ]);
      Object.assign(out, { where, create, update });
      return withSelection(rt, modelName, operation, args, out, verifiableChecks(checks, args.update, args.create));
    }
    case 'delete':
    case 'deleteMany': {
      const out: Record<string, unknown> = copyRecord(args);
      const checks = operation === 'delete' ? [] : undefined;
      if (args.where !== undefined) out.where = await rewriteWhere(rt, modelName, args.where, operation === 'delete', checks);
      return withSelection(rt, modelName, operation, args, out, checks);
    }
    default:
      // Fail closed: an operation this adapter does not know (a future Prisma addition,
      // findRaw/aggregateRaw) might read or write protected columns unrewritten.
      if (model.fields.size > 0) {
        throw new ConfigurationError(`fieldseal/prisma: operation ${operation} on ${modelName} is not supported by the adapter; use the raw helpers`);
      }
      return { args, plan: undefined };
  }
}

async function withSelection(
  rt: Runtime,
  modelName: string,
  operation: string,
  args: Record<string, unknown>,
  out: Record<string, unknown>,
  checks: readonly LookupCheck[] = [],
): Promise<Rewritten> {
  if (operation === 'createMany' || operation === 'updateMany' || operation === 'deleteMany') return { args: out, plan: undefined };
  const plan = defaultPlan(modelName);
  plan.checks.push(...checks);
  await rewriteSelection(rt, modelInfo(rt, modelName), args, out, plan);
  return { args: out, plan };
}

const AGGREGATES = ['_min', '_max', '_sum', '_avg'];

async function rewriteAggregate(rt: Runtime, modelName: string, operation: string, args: Record<string, unknown>): Promise<Rewritten> {
  const model = modelInfo(rt, modelName);
  const out: Record<string, unknown> = copyRecord(args);
  for (const key of AGGREGATES) {
    const selection = args[key];
    if (!isPlainObject(selection)) continue;
    for (const name of Object.keys(selection)) {
      const field = model.fields.get(name);
      if (field && selection[name]) refuse(field, `${operation} ${key}`, 'aggregates of ciphertext are meaningless');
    }
  }
  for (const name of Array.isArray(args.by) ? args.by : args.by === undefined ? [] : [args.by]) {
    const field = model.fields.get(String(name));
    if (field) refuse(field, 'groupBy', 'grouping by ciphertext splits equal plaintexts (and randomized values never group)');
  }
  if (isPlainObject(args.having)) {
    for (const name of Object.keys(args.having)) {
      const field = model.fields.get(name);
      if (field) refuse(field, 'having', 'aggregates of ciphertext are meaningless');
    }
  }
  checkOrderBy(rt, modelName, args.orderBy);
  if (args.where !== undefined) out.where = await rewriteWhere(rt, modelName, args.where);
  if (args.cursor !== undefined) out.cursor = await rewriteWhere(rt, modelName, args.cursor, true);
  return { args: out, plan: undefined };
}
