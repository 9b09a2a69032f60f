/**
 * The TypeORM subscriber that seals values before every insert and update TypeORM runs
 * with listeners on (save, insert, update, upsert, cascades, QueryBuilder writes) and opens
 * them after every load (find, relations, QueryBuilder `getMany`). TypeORM awaits the
 * promises its subscribers return, so the Sealer's async API does the key work here,
 * before TypeORM's synchronous value transformers run.
 *
 * Sealed values travel to SQL as {@link SealedText} in the very objects TypeORM was given
 * (entities, value sets); the plaintext is put back when the write ends.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { InvalidInputError, UnsupportedQueryError } from '../../errors.js';
import type { EntityMetadata, InsertEvent, UpdateEvent, LoadEvent } from 'typeorm';
import { openValues, rowKey, sealValues, subjectOf, type RowKey, type StoredValue, type TypeormSealer, type ValueToSeal } from './field-values.js';
import type { ProtectedEntity, ProtectedField } from './fields.js';
import { persisting, SealedText, type PersistScope } from './guard.js';
import { refuseMaskWrite, rememberMasks } from './withheld-values.js';

/** What the subscriber and the EntityManager wrapper share. */
export interface AdapterState {
  readonly sealer: TypeormSealer;
  /** Protected entities by target. */
  readonly entities: ReadonlyMap<Function | string, ProtectedEntity>;
  /** Row keys of update value sets whose rows the criteria named (`update(id, {...})`). */
  readonly rowHints: WeakMap<object, RowKey>;
}

/** Values to put back on the caller's objects when a write ends, by object. */
const restores = new WeakMap<object, Map<string, unknown>>();

/** Puts the application values back on an object the subscriber sealed. */
export function restoreValues(target: object): void {
  const values = restores.get(target);
  if (values === undefined) return;
  restores.delete(target);
  for (const [property, value] of values) (target as Record<string, unknown>)[property] = value;
}

/** Loaded entities already opened (TypeORM may broadcast one object twice). */
const opened = new WeakSet<object>();

/** One entity's share of a seal batch: where its values are in the batch, and what to put back. */
interface SealJob {
  readonly entity: Record<string, unknown>;
  readonly start: number;
  readonly properties: string[];
  readonly restore: Map<string, unknown>;
  readonly scope: PersistScope | undefined;
}

/** The values of every entity one write operation seals, sealed in one call per kind. */
interface SealBatch {
  readonly values: ValueToSeal[];
  readonly jobs: SealJob[];
  promise?: Promise<void>;
}

interface LoadBatch {
  readonly items: { entity: Record<string, unknown>; field: ProtectedField }[];
  readonly values: StoredValue[];
  promise?: Promise<void>;
}

/** The subscriber; `fieldsealDataSource` adds one to the DataSource. */
export class FieldsealSubscriber {
  readonly #state: AdapterState;
  /** The load batch being collected, per query runner (TypeORM calls afterLoad for a whole result synchronously). */
  readonly #batches = new Map<unknown, LoadBatch>();
  /**
   * The seal batch being collected, per query runner: TypeORM calls beforeInsert and
   * beforeUpdate for every entity of a save before it awaits any, so a save of many
   * entities seals them in one Sealer call per kind instead of one per entity.
   */
  readonly #sealBatches = new Map<unknown, SealBatch>();

  constructor(state: AdapterState) {
    this.#state = state;
  }

  beforeInsert(event: InsertEvent<unknown>): Promise<void> | void {
    return this.#seal(event.metadata, event.entity as Record<string, unknown> | undefined, 'insert', event.queryRunner, undefined);
  }

  beforeUpdate(event: UpdateEvent<unknown>): Promise<void> | void {
    return this.#seal(event.metadata, event.entity as Record<string, unknown> | undefined, 'update', event.queryRunner, event.databaseEntity as Record<string, unknown> | undefined);
  }

  afterInsert(event: InsertEvent<unknown>): void {
    if (event.entity) restoreValues(event.entity as object);
  }

  afterUpdate(event: UpdateEvent<unknown>): void {
    if (event.entity) restoreValues(event.entity as object);
  }

  afterLoad(entity: unknown, event?: LoadEvent<unknown>): Promise<void> | void {
    if (event === undefined || entity === null || typeof entity !== 'object' || opened.has(entity)) return;
    const model = this.#state.entities.get(event.metadata.target);
    if (model === undefined) return;
    opened.add(entity);
    const record = entity as Record<string, unknown>;
    const key = event.queryRunner ?? this;
    let batch = this.#batches.get(key);
    if (batch === undefined) {
      const created: LoadBatch = { items: [], values: [] };
      created.promise = Promise.resolve().then(async () => {
        this.#batches.delete(key);
        const values = await openValues(this.#state.sealer, created.values);
        created.items.forEach(({ entity: target, field }, i) => (target[field.property] = values[i]));
        rememberMasks(values, created.items);
      });
      this.#batches.set(key, (batch = created));
    }
    for (const field of model.fields.values()) {
      // Blind indexes and shadow columns stay as stored: results come from the logical column.
      if (field.mode === 'blindIndex' || field.shadowOf !== undefined) continue;
      const stored = record[field.property];
      if (stored === undefined || stored === null) continue;
      batch.items.push({ entity: record, field });
      batch.values.push({
        field,
        stored,
        row: field.row !== undefined ? (record[field.row] as RowKey) : undefined,
        subject: field.subject !== undefined ? subjectOf(field, record[field.subject]) : undefined,
      });
    }
    return batch.promise;
  }

  #seal(metadata: EntityMetadata, entity: Record<string, unknown> | undefined, kind: 'insert' | 'update', queryRunner: unknown, databaseEntity: Record<string, unknown> | undefined): Promise<void> | void {
    if (entity === undefined || entity === null) return;
    const model = this.#state.entities.get(metadata.target);
    if (model === undefined) return;
    const toSeal: ValueToSeal[] = [];
    const properties: string[] = [];
    const restore = new Map<string, unknown>();
    for (const field of model.fields.values()) {
      const value = entity[field.property];
      if (field.mode === 'blindIndex' || field.shadowOf !== undefined) {
        const of = (field.of ?? field.shadowOf) as string;
        const source = entity[of];
        if (source === undefined && value !== undefined && !(value instanceof SealedText) && kind === 'insert') {
          throw new InvalidInputError(`${model.name}.${field.property} is ${field.mode === 'blindIndex' ? 'a blind index' : 'a shadow column'} computed from ${of}: write ${of}, not ${field.property}`);
        }
        continue;
      }
      if (value === undefined || value instanceof SealedText) continue;
      refuseMaskWrite(entity, field, value);
      let row: RowKey | undefined;
      if (field.row !== undefined && value !== null) {
        let rowValue = entity[field.row] ?? this.#state.rowHints.get(entity);
        if (rowValue === undefined && field.rowIsGeneratedUuid && kind === 'insert') entity[field.row] = rowValue = randomUUID();
        row = rowKey(field, rowValue);
      }
      let subject: string | undefined;
      if (field.subject !== undefined && value !== null) {
        const known = Object.hasOwn(entity, field.subject) ? entity[field.subject] : databaseEntity?.[field.subject];
        if (known === undefined && kind === 'update') {
          throw new UnsupportedQueryError(field.entity, field.property, 'update', `the column is sealed under the row's data subject (${field.subject}): include ${field.subject} in the update, or load and save the entity`);
        }
        subject = subjectOf(field, known);
      }
      toSeal.push({ field, value, row, subject });
      properties.push(field.property);
      restore.set(field.property, value);
      for (const derived of field.mode === 'randomized' ? field.indexes : field.shadows) {
        toSeal.push({ field: derived, value, source: field });
        properties.push(derived.property);
      }
    }
    if (toSeal.length === 0) return;
    const key = queryRunner ?? this;
    let batch = this.#sealBatches.get(key);
    if (batch === undefined) {
      const created: SealBatch = { values: [], jobs: [] };
      created.promise = Promise.resolve().then(async () => {
        this.#sealBatches.delete(key);
        const texts = await sealValues(this.#state.sealer, created.values);
        for (const job of created.jobs) applySealed(job, texts);
      });
      this.#sealBatches.set(key, (batch = created));
    }
    batch.jobs.push({ entity, start: batch.values.length, properties, restore, scope: persisting.getStore() });
    for (const value of toSeal) batch.values.push(value);
    return batch.promise;
  }
}

/** Puts one entity's sealed texts on it (as SealedText) and records its values to restore. */
function applySealed(job: SealJob, texts: readonly (string | null)[]): void {
  const { entity, restore } = job;
  job.properties.forEach((property, i) => {
    const text = texts[job.start + i] as string | null;
    if (!restore.has(property)) restore.set(property, text);
    entity[property] = text === null ? null : new SealedText(text);
  });
  const previous = restores.get(entity);
  restores.set(entity, previous === undefined ? restore : new Map([...restore, ...previous]));
  job.scope?.touched.add(entity);
}
