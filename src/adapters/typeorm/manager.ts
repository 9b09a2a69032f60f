/**
 * The EntityManager wrapper: every EntityManager of a fieldseal DataSource (the DataSource's
 * own, those of its query runners and transactions, and so every Repository and BaseEntity
 * call) rewrites its find options and criteria before TypeORM builds SQL, and runs its
 * persist operations in a scope where the subscriber's sealing is put back on the caller's
 * objects when the operation ends, whatever its outcome.
 *
 * @module
 */
import { UnsupportedQueryError } from '../../errors.js';
import type { EntityManager, EntityMetadata } from 'typeorm';
import { rewriteFindOptions, rewriteWhere } from './find-options.js';
import { hasChecks, verifyLookups, type LookupChecks } from './lookup-checks.js';
import { persisting, type PersistScope } from './guard.js';
import { restoreValues, type AdapterState } from './subscriber.js';

type Method = (...args: unknown[]) => unknown;

const wrapped = new WeakSet<object>();

/** Find methods taking (target, options). */
const WITH_OPTIONS = ['find', 'findOne', 'findAndCount', 'count', 'exists'] as const;
/** Find methods taking (target, where). */
const WITH_WHERE = ['findBy', 'findOneBy', 'findAndCountBy', 'countBy', 'existsBy'] as const;
/** Find methods returning entities (`findAndCount*`: entities and a count), whose blind index lookups are checked. */
const RETURNS_ROWS: ReadonlySet<string> = new Set(['find', 'findOne', 'findAndCount', 'findBy', 'findOneBy', 'findAndCountBy']);
/** Write methods taking (target, criteria, ...). */
const WITH_CRITERIA = ['update', 'delete', 'softDelete', 'restore'] as const;
/** Aggregates taking (target, columnName, where). */
const AGGREGATES = ['sum', 'average', 'minimum', 'maximum'] as const;
/** Persist operations (with subscribers and change detection). */
const PERSIST = ['save', 'remove', 'softRemove', 'recover'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Checks the entities a find returned against its blind index lookups (LookupIntegrityError
 * on a row holding another value), then removes the columns added to `select` for the check.
 */
function checkResult(checks: LookupChecks, added: readonly string[], result: unknown): void {
  if (!hasChecks(checks)) return;
  const entities = Array.isArray(result) ? (Array.isArray(result[0]) && typeof result[1] === 'number' ? (result[0] as unknown[]) : result) : result === null || result === undefined ? [] : [result];
  verifyLookups(checks, entities);
  for (const entity of entities) if (entity !== null && typeof entity === 'object') for (const property of added) delete (entity as Record<string, unknown>)[property];
}

/** Restores every object a persist scope's writes sealed (and the arguments themselves). */
function restoreAll(scope: PersistScope, args: readonly unknown[]): void {
  for (const target of scope.touched) restoreValues(target);
  for (const arg of args) {
    if (Array.isArray(arg)) for (const item of arg) if (item !== null && typeof item === 'object') restoreValues(item);
    if (arg !== null && typeof arg === 'object') restoreValues(arg);
  }
}

/**
 * The wrapped prototypes, per adapter state and original EntityManager class prototype.
 * TypeORM makes an EntityManager for every query runner (so for most queries): wrapping
 * one only sets its prototype, so the wrapper methods are made once per state and class.
 */
const wrappedPrototypes = new WeakMap<AdapterState, Map<object, object>>();

/** Wraps `manager` in place (idempotent) and returns it. */
export function wrapManager<M extends EntityManager>(state: AdapterState, manager: M): M {
  if (wrapped.has(manager)) return manager;
  wrapped.add(manager);
  const original = Object.getPrototypeOf(manager) as object;
  let prototypes = wrappedPrototypes.get(state);
  if (prototypes === undefined) wrappedPrototypes.set(state, (prototypes = new Map()));
  let prototype = prototypes.get(original);
  if (prototype === undefined) prototypes.set(original, (prototype = wrappedPrototype(state, original as Record<string, unknown>)));
  Object.setPrototypeOf(manager, prototype);
  return manager;
}

/** A prototype inheriting from `base` (an EntityManager class's) whose methods rewrite and restore around the originals. */
function wrappedPrototype(state: AdapterState, base: Record<string, unknown>): object {
  const proto = Object.create(base) as Record<string, Method>;
  const metadataOf = (manager: EntityManager, target: unknown): EntityMetadata | undefined => (manager.connection.hasMetadata(target as never) ? manager.connection.getMetadata(target as never) : undefined);
  /** Defines `name` on the prototype; `make` gets the manager and its original method (bound). */
  const replace = (name: string, make: (original: Method, manager: EntityManager) => Method): void => {
    const method = base[name];
    if (typeof method !== 'function') return;
    proto[name] = function (this: EntityManager, ...args: unknown[]) {
      return make((...a: unknown[]) => (method as Method).apply(this, a), this)(...args);
    };
  };

  for (const name of WITH_OPTIONS) {
    replace(name, (original, manager) => async (target, options, ...rest) => {
      const metadata = metadataOf(manager, target);
      if (metadata === undefined) return original(target, options, ...rest);
      const checks: LookupChecks | undefined = RETURNS_ROWS.has(name) ? [] : undefined;
      const added: string[] = [];
      const result = await original(target, await rewriteFindOptions(state, metadata, options, checks, added), ...rest);
      if (checks !== undefined) checkResult(checks, added, result);
      return result;
    });
  }
  for (const name of WITH_WHERE) {
    replace(name, (original, manager) => async (target, where, ...rest) => {
      const metadata = metadataOf(manager, target);
      if (metadata === undefined) return original(target, where, ...rest);
      const checks: LookupChecks | undefined = RETURNS_ROWS.has(name) ? [] : undefined;
      const result = await original(target, await rewriteWhere(state, metadata, where, checks), ...rest);
      if (checks !== undefined) checkResult(checks, [], result);
      return result;
    });
  }
  for (const name of AGGREGATES) {
    replace(name, (original, manager) => async (target, column, where, ...rest) => {
      const metadata = metadataOf(manager, target);
      if (metadata === undefined) return original(target, column, where, ...rest);
      const field = state.entities.get(metadata.target)?.fields.get(String(column));
      if (field !== undefined) throw new UnsupportedQueryError(field.entity, field.property, name, 'an aggregate of ciphertext says nothing about the values');
      return original(target, column, where === undefined ? where : await rewriteWhere(state, metadata, where), ...rest);
    });
  }
  for (const name of ['increment', 'decrement']) {
    replace(name, (original, manager) => async (target, conditions, path, ...rest) => {
      const metadata = metadataOf(manager, target);
      if (metadata === undefined) return original(target, conditions, path, ...rest);
      const field = state.entities.get(metadata.target)?.fields.get(String(path));
      if (field !== undefined) throw new UnsupportedQueryError(field.entity, field.property, name, 'arithmetic on ciphertext: read, change and save the value instead');
      return original(target, await rewriteWhere(state, metadata, conditions), path, ...rest);
    });
  }
  for (const name of WITH_CRITERIA) {
    replace(name, (original, manager) => async (target, criteria, ...rest) => {
      const metadata = metadataOf(manager, target);
      if (metadata === undefined) return original(target, criteria, ...rest);
      if (name === 'update') noteRow(state, metadata, criteria, rest[0]);
      const rewritten = isPlainObject(criteria) || Array.isArray(criteria) ? await rewriteWhere(state, metadata, criteria) : criteria;
      try {
        return await original(target, rewritten, ...rest);
      } finally {
        if (name === 'update' && rest[0] !== null && typeof rest[0] === 'object') restoreValues(rest[0]);
      }
    });
  }
  replace('updateAll', (original, manager) => async (target, partial, ...rest) => {
    try {
      return await original(target, partial, ...rest);
    } finally {
      if (partial !== null && typeof partial === 'object') restoreValues(partial);
    }
  });
  replace('insert', (original, manager) => async (target, entities, ...rest) => {
    try {
      return await original(target, entities, ...rest);
    } finally {
      restoreAll({ touched: new Set() }, [entities]);
    }
  });
  replace('upsert', (original, manager) => async (target, entities, conflict, ...rest) => {
    const metadata = metadataOf(manager, target);
    const model = metadata === undefined ? undefined : state.entities.get(metadata.target);
    if (model !== undefined) {
      const paths = Array.isArray(conflict) ? conflict : isPlainObject(conflict) && conflict.conflictPaths !== undefined ? (Array.isArray(conflict.conflictPaths) ? conflict.conflictPaths : Object.keys(conflict.conflictPaths as object)) : [];
      for (const path of paths) {
        const field = model.fields.get(String(path));
        if (field?.mode === 'randomized') throw new UnsupportedQueryError(field.entity, field.property, 'upsert conflict', 'randomized values never repeat: conflict on a deterministic or FPE column, or on a blind index');
      }
    }
    // TypeORM picks the columns to overwrite from the values present before the subscriber
    // runs: a blind index the subscriber will compute must be present already.
    for (const entity of Array.isArray(entities) ? entities : [entities]) {
      if (model === undefined || entity === null || typeof entity !== 'object') continue;
      const record = entity as Record<string, unknown>;
      for (const field of model.fields.values()) {
        const of = field.of ?? field.shadowOf;
        if (of !== undefined && record[of] !== undefined && record[field.property] === undefined) record[field.property] = null;
      }
    }
    try {
      return await original(target, entities, conflict, ...rest);
    } finally {
      restoreAll({ touched: new Set() }, [entities]);
    }
  });
  for (const name of PERSIST) {
    replace(name, (original, manager) => async (...args) => {
      if (name === 'save') refuseSilentSave(state, manager, args);
      const scope: PersistScope = { touched: new Set() };
      try {
        return await persisting.run(scope, () => original(...args));
      } finally {
        restoreAll(scope, args);
      }
    });
  }
  return proto;
}

/** `save(..., { listeners: false })` would skip the subscriber, and so the sealing: refused. */
function refuseSilentSave(state: AdapterState, manager: EntityManager, args: readonly unknown[]): void {
  const options = args.find((arg, i) => i > 0 && isPlainObject(arg) && Object.hasOwn(arg, 'listeners')) as { listeners?: unknown } | undefined;
  if (options?.listeners !== false) return;
  const first = args[0];
  const target = typeof first === 'function' || typeof first === 'string' ? first : (Array.isArray(first) ? first[0] : first)?.constructor;
  const metadata = target !== undefined && manager.connection.hasMetadata(target as never) ? manager.connection.getMetadata(target as never) : undefined;
  const model = metadata === undefined ? undefined : state.entities.get(metadata.target);
  if (metadata !== undefined && model === undefined) return;
  const field = model?.fields.values().next().value;
  throw new UnsupportedQueryError(model?.name ?? 'entity', field?.property ?? '*', 'save with listeners: false', 'the values would be written without being sealed');
}

/**
 * `update(criteria, partial)` of a row-bound column: the row key comes from the criteria
 * (a primary key value, or `{ rowColumn: value }`).
 */
function noteRow(state: AdapterState, metadata: EntityMetadata, criteria: unknown, partial: unknown): void {
  const model = state.entities.get(metadata.target);
  if (model === undefined || !isPlainObject(partial)) return;
  for (const field of model.fields.values()) {
    if (field.row === undefined || partial[field.property] === undefined || partial[field.property] === null || partial[field.row] !== undefined) continue;
    let row: unknown;
    const primaries = metadata.primaryColumns;
    if ((typeof criteria === 'string' || typeof criteria === 'number') && primaries.length === 1 && primaries[0]?.propertyName === field.row) row = criteria;
    else if (isPlainObject(criteria) && (typeof criteria[field.row] === 'string' || typeof criteria[field.row] === 'number')) row = criteria[field.row];
    if (row === undefined) {
      throw new UnsupportedQueryError(field.entity, field.property, 'update', `the column is bound to ${field.row}: update by ${field.row} (one row), or load and save the entity`);
    }
    state.rowHints.set(partial, row as string | number);
  }
}
