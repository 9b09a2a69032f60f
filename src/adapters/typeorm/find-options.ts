/**
 * Rewrites TypeORM find options before TypeORM sees them: conditions on protected columns
 * become conditions on lookup tokens (deterministic and FPE columns on their own column,
 * sealed columns on their blind index), `select` gains the row columns that bound values
 * need, and anything that cannot be answered exactly on tokens (Like, MoreThan, Between,
 * Raw, ordering...) is refused with UnsupportedQueryError naming entity, column and operator.
 *
 * @module
 */
import { UnsupportedQueryError } from '../../errors.js';
import type { EntityMetadata, FindOperator } from 'typeorm';
import { lookupTexts } from './field-values.js';
import { hasChecks, lookupCheck, type LookupCheck, type LookupChecks } from './lookup-checks.js';
import type { ProtectedField } from './fields.js';
import { SealedText } from './guard.js';
import { typeorm } from './peer.js';
import type { AdapterState } from './subscriber.js';
import { copyRecord } from '../copy-record.js';

/** Why each refused operator cannot be answered on a protected column. */
const REFUSED: Readonly<Record<string, string>> = {
  like: 'a pattern cannot be matched on ciphertext',
  ilike: 'a pattern cannot be matched on ciphertext',
  moreThan: 'ciphertext order says nothing about the values',
  moreThanOrEqual: 'ciphertext order says nothing about the values',
  lessThan: 'ciphertext order says nothing about the values',
  lessThanOrEqual: 'ciphertext order says nothing about the values',
  between: 'ciphertext order says nothing about the values',
  raw: 'raw SQL would compare the stored ciphertext',
};

function isFindOperator(value: unknown): value is FindOperator<unknown> {
  if (value === null || typeof value !== 'object') return false;
  const brand = (value as Record<string, unknown>)['@instanceof'];
  // Equal() is an EqualOperator, a FindOperator subclass with a brand of its own.
  return brand === Symbol.for('FindOperator') || brand === Symbol.for('EqualOperator');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function refuse(field: ProtectedField, operator: string, why?: string): never {
  throw new UnsupportedQueryError(field.entity, field.property, operator, why ?? REFUSED[operator] ?? 'only equality, In, Not and IsNull can be answered on tokens');
}

/**
 * `where` with its conditions on protected columns rewritten (objects, arrays of them,
 * relation conditions). `checks`, when given, receives the blind index conditions of the
 * entity's own columns, one list per `where` object, for {@link verifyLookups}.
 */
export async function rewriteWhere(state: AdapterState, metadata: EntityMetadata, where: unknown, checks?: LookupChecks): Promise<unknown> {
  if (Array.isArray(where)) return Promise.all(where.map((w) => rewriteWhere(state, metadata, w, checks)));
  if (where === null || typeof where !== 'object' || isFindOperator(where) || where instanceof Date || Buffer.isBuffer(where)) return where;
  const model = state.entities.get(metadata.target);
  const out: Record<string, unknown> = {};
  const jobs: Promise<void>[] = [];
  const branch: LookupCheck[] = [];
  checks?.push(branch);
  for (const [key, value] of Object.entries(where as Record<string, unknown>)) {
    const field = model?.fields.get(key);
    if (field === undefined) {
      const relation = metadata.findRelationWithPropertyPath(key);
      if (relation !== undefined && (isPlainObject(value) || Array.isArray(value))) {
        jobs.push(rewriteWhere(state, relation.inverseEntityMetadata, value).then((v) => void (out[key] = v)));
      } else {
        out[key] = value;
      }
      continue;
    }
    if (value === undefined) {
      out[key] = value;
      continue;
    }
    if (field.mode === 'blindIndex' || field.shadowOf !== undefined) {
      if (isRewritten(value)) out[key] = value;
      else refuse(field, 'where', `it holds lookup tokens of ${String(field.of ?? field.shadowOf)}: query ${String(field.of ?? field.shadowOf)} by its value instead`);
      continue;
    }
    // NULL tests stay on the column itself (a shadow or index may not be filled yet).
    if (isNullCheck(value) || isRewritten(value)) {
      out[key] = value;
      continue;
    }
    const column = field.lookupBy;
    if (column === undefined) refuse(field, operatorName(value), 'a randomized column without a blind index can only be tested with IsNull');
    if (column !== field) {
      if (Object.hasOwn(where, column.property) || Object.hasOwn(out, column.property)) refuse(field, operatorName(value), `one condition at a time on ${field.property} and its lookup column ${column.property}`);
      out[column.property] = undefined;
    }
    if (field.mode === 'randomized') {
      const looked = lookedUpValues(value);
      if (looked !== undefined) branch.push(lookupCheck(field, column, looked));
    }
    jobs.push(rewriteCondition(state, field, value).then((v) => void (out[column.property] = v)));
  }
  await Promise.all(jobs);
  return out;
}

/** The values an equality or `In` condition looks up (undefined for `Not`, whose rows hold other values). */
function lookedUpValues(value: unknown): unknown[] | undefined {
  if (!isFindOperator(value)) return [value];
  if (value.type === 'equal') return lookedUpValues(value.value);
  if (value.type === 'in' && Array.isArray(value.value)) return [...(value.value as unknown[])];
  return undefined;
}

function operatorName(value: unknown): string {
  return isFindOperator(value) ? value.type : 'equal';
}

function isNullCheck(value: unknown): boolean {
  if (value === null) return true;
  if (!isFindOperator(value)) return false;
  if (value.type === 'isNull') return true;
  return value.type === 'not' && value.child !== undefined && value.child.type === 'isNull';
}

/** A value the adapter already rewrote (`findOneOrFail` calls `findOne`: options pass twice). */
function isRewritten(value: unknown): boolean {
  if (value instanceof SealedText) return true;
  if (!isFindOperator(value)) return false;
  const inner: unknown = value.child ?? value.value;
  if (Array.isArray(inner)) return inner.length > 0 && inner.every((v) => v instanceof SealedText);
  return isRewritten(inner);
}

/** A condition on a deterministic or FPE column, or on a sealed column's blind index: tokens in place of values. */
async function rewriteCondition(state: AdapterState, field: ProtectedField, value: unknown): Promise<unknown> {
  const { In, Not } = typeorm();
  if (value === null || value instanceof SealedText) return value;
  if (!isFindOperator(value)) return tokensOf(await lookupTexts(state.sealer, field, value));
  switch (value.type) {
    case 'isNull':
      return value;
    case 'equal':
      return rewriteCondition(state, field, value.value);
    case 'in': {
      const values = value.value as unknown;
      if (!Array.isArray(values)) refuse(field, 'in', 'In needs an array');
      const texts = (await Promise.all(values.map((v) => lookupTexts(state.sealer, field, v)))).flat();
      return In(texts.map((t) => new SealedText(t)));
    }
    case 'not': {
      const child = value.child;
      if (child !== undefined && !['equal', 'in', 'isNull'].includes(child.type)) refuse(field, `not ${child.type}`);
      const inner = child !== undefined ? await rewriteCondition(state, field, child) : await rewriteCondition(state, field, value.value);
      return Not(inner);
    }
    default:
      return refuse(field, value.type);
  }
}

function tokensOf(texts: string[]): unknown {
  if (texts.length === 1) return new SealedText(texts[0] as string);
  return typeorm().In(texts.map((t) => new SealedText(t)));
}

/** Refuses ordering by a protected column (at any depth of relations). */
export function checkOrder(state: AdapterState, metadata: EntityMetadata, order: unknown): void {
  if (!isPlainObject(order)) return;
  const model = state.entities.get(metadata.target);
  for (const [key, value] of Object.entries(order)) {
    if (value === undefined) continue;
    const field = model?.fields.get(key);
    if (field !== undefined) refuse(field, 'order', 'ciphertext order says nothing about the values');
    const relation = metadata.findRelationWithPropertyPath(key);
    if (relation !== undefined) checkOrder(state, relation.inverseEntityMetadata, value);
  }
}

/** `select` with the row column of every selected row-bound column added (at any depth of relations). */
export function completeSelect(state: AdapterState, metadata: EntityMetadata, select: unknown): unknown {
  if (!isPlainObject(select)) return select;
  const model = state.entities.get(metadata.target);
  const out: Record<string, unknown> = copyRecord(select);
  for (const [key, value] of Object.entries(select)) {
    const field = model?.fields.get(key);
    if (field?.row !== undefined && value === true) out[field.row] = true;
    if (field?.subject !== undefined && value === true) out[field.subject] = true;
    const relation = metadata.findRelationWithPropertyPath(key);
    if (relation !== undefined && isPlainObject(value)) out[key] = completeSelect(state, relation.inverseEntityMetadata, value);
  }
  return out;
}

/**
 * Find options (`find`, `findOne`, `count`, `exists`...) rewritten. With `checks`, the blind
 * index conditions are collected in it, and a `select` gains the looked-up columns (their
 * properties are returned in `added`, for the caller to remove after checking).
 */
export async function rewriteFindOptions(state: AdapterState, metadata: EntityMetadata, options: unknown, checks?: LookupChecks, added?: string[]): Promise<unknown> {
  if (!isPlainObject(options)) return options;
  checkOrder(state, metadata, options.order);
  const out: Record<string, unknown> = copyRecord(options);
  if (options.where !== undefined) out.where = await rewriteWhere(state, metadata, options.where, checks);
  let select = options.select;
  if (checks !== undefined && hasChecks(checks) && isPlainObject(select)) {
    const extended: Record<string, unknown> = copyRecord(select);
    for (const check of checks.flat()) {
      if (extended[check.field.property] === true) continue;
      extended[check.field.property] = true;
      added?.push(check.field.property);
    }
    select = extended;
  }
  if (select !== undefined) out.select = completeSelect(state, metadata, select);
  return out;
}
