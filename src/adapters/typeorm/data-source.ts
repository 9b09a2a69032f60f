/**
 * `fieldsealDataSource`: attaches fieldseal to a TypeORM DataSource. It checks every
 * protected column against the entity metadata (naming entity and column on any mistake),
 * loads the keys of every scope the entities use, adds the subscriber and wraps the
 * EntityManagers. Returns helpers for QueryBuilder queries on protected columns.
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { lookupColumn, lookupTexts, type TypeormSealer } from './field-values.js';
import { precheckDeclarations, resolveEntities, type ProtectedEntity } from './fields.js';
import { rewriteWhere } from './find-options.js';
import { wrapManager } from './manager.js';
import { FieldsealSubscriber, type AdapterState } from './subscriber.js';

/** Options of {@link fieldsealDataSource}. */
export interface FieldsealDataSourceOptions {
  /** The Sealer (`createSealer`) whose keys seal the protected columns. */
  readonly sealer: TypeormSealer;
}

/** What a lookup on a protected column compares, for QueryBuilder conditions written as SQL. */
export interface ColumnLookup {
  /** The database column to compare (a blind index column for a sealed column). */
  readonly column: string;
  /** The stored texts that match the value: use `column IN (:...values)`. */
  readonly values: string[];
}

/** A DataSource with fieldseal attached, and helpers for QueryBuilder queries. */
export interface FieldsealDataSource {
  readonly dataSource: DataSource;
  /**
   * A `where` object with the conditions on protected columns rewritten, for
   * `queryBuilder.where(await fieldseal.where(User, { email }))`. Refuses what `find` refuses.
   */
  where<E extends ObjectLiteral>(target: EntityTarget<E>, where: Record<string, unknown> | Record<string, unknown>[]): Promise<ObjectLiteral>;
  /** The column and stored texts a lookup of `value` on `property` compares, for SQL conditions. */
  lookup<E extends ObjectLiteral>(target: EntityTarget<E>, property: string, value: unknown): Promise<ColumnLookup>;
  /** The protected columns of an entity, resolved (empty when it has none). */
  protectedColumns<E extends ObjectLiteral>(target: EntityTarget<E>): readonly string[];
}

const attached = new WeakMap<DataSource, FieldsealDataSource>();

/**
 * Attaches fieldseal to `dataSource`. Pass it uninitialized to have the protected columns
 * checked before `synchronize` or `migrationsRun` touch the database (they then run here,
 * after the checks); an initialized DataSource is checked as it is. Calling it again
 * returns the same helpers.
 */
export async function fieldsealDataSource(dataSource: DataSource, options: FieldsealDataSourceOptions): Promise<FieldsealDataSource> {
  const existing = attached.get(dataSource);
  if (existing !== undefined) return existing;
  const sealer = options?.sealer;
  if (sealer === undefined || sealer === null || typeof sealer.encryptMany !== 'function') throw new ConfigurationError('fieldseal/typeorm: fieldsealDataSource needs { sealer }');
  let deferred: { synchronize: boolean; migrationsRun: boolean } | undefined;
  const listed = dataSource.options.entities;
  precheckDeclarations(Array.isArray(listed) ? listed : typeof listed === 'object' && listed !== null ? Object.values(listed) : []);
  if (!dataSource.isInitialized) {
    const settings = dataSource.options as { synchronize?: boolean; migrationsRun?: boolean };
    deferred = { synchronize: settings.synchronize === true, migrationsRun: settings.migrationsRun === true };
    Object.assign(settings, { synchronize: false, migrationsRun: false });
    try {
      await dataSource.initialize();
    } finally {
      Object.assign(settings, deferred);
    }
  }
  let entities: Map<Function | string, ProtectedEntity>;
  try {
    entities = resolveEntities(dataSource, sealer);
    await warmKeys(sealer, entities);
  } catch (error) {
    if (deferred !== undefined) await dataSource.destroy();
    throw error;
  }
  if (deferred?.migrationsRun) await dataSource.runMigrations();
  if (deferred?.synchronize) await dataSource.synchronize();
  const state: AdapterState = { sealer, entities, rowHints: new WeakMap() };
  (dataSource.subscribers as unknown[]).push(new FieldsealSubscriber(state));
  wrapManager(state, dataSource.manager);
  const createEntityManager = dataSource.createEntityManager.bind(dataSource);
  Object.defineProperty(dataSource, 'createEntityManager', {
    configurable: true,
    writable: true,
    value: (...args: Parameters<DataSource['createEntityManager']>) => wrapManager(state, createEntityManager(...args)),
  });
  const modelOf = (target: EntityTarget<ObjectLiteral>): ProtectedEntity | undefined => entities.get(dataSource.getMetadata(target).target);
  const handle: FieldsealDataSource = {
    dataSource,
    async where(target, where) {
      return (await rewriteWhere(state, dataSource.getMetadata(target), where)) as ObjectLiteral;
    },
    async lookup(target, property, value) {
      const metadata = dataSource.getMetadata(target);
      const field = modelOf(target)?.fields.get(property);
      if (field === undefined) throw new ConfigurationError(`fieldseal/typeorm: ${metadata.name}.${property} is not a protected column`);
      if (field.mode === 'blindIndex' || field.shadowOf !== undefined || field.lookupBy === undefined) {
        throw new ConfigurationError(`fieldseal/typeorm: ${metadata.name}.${property} ${field.lookupBy === undefined && field.mode === 'randomized' ? 'has no blind index to look it up by' : `holds lookup tokens of ${String(field.of ?? field.shadowOf)}: look that column up`}`);
      }
      const column = metadata.findColumnWithPropertyName(lookupColumn(field).property);
      if (column === undefined) throw new ConfigurationError(`fieldseal/typeorm: ${metadata.name}.${property} has no lookup column`);
      return { column: column.databaseName, values: await lookupTexts(sealer, field, value) };
    },
    protectedColumns(target) {
      return [...(modelOf(target)?.fields.keys() ?? [])];
    },
  };
  attached.set(dataSource, handle);
  return handle;
}

/** Loads the data and lookup keys of every scope the entities use, so that a misconfigured key provider fails here. */
async function warmKeys(sealer: TypeormSealer, entities: ReadonlyMap<unknown, ProtectedEntity>): Promise<void> {
  const dataScopes = new Set<string>();
  const lookupKeys = new Map<string, { scope: string; version: number | undefined }>();
  for (const model of entities.values()) {
    for (const field of model.fields.values()) {
      const scope = field.scope ?? sealer.defaultScope;
      if (field.mode === 'randomized') dataScopes.add(scope);
      else lookupKeys.set(`${scope}#${field.lookupVersion ?? 1}`, { scope, version: field.lookupVersion });
    }
  }
  for (const scope of dataScopes) (await sealer.keyring.leaseDataKey(scope)).release();
  // Each lookup key version is its own key, made on first use: a reindexing column's is made here.
  for (const { scope, version } of lookupKeys.values()) (await sealer.keyring.leaseLookupKey(scope, version)).release();
}
