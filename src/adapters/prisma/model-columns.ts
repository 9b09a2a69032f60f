/**
 * A Prisma model as the rotation jobs see it: its table, its primary key column, and its
 * protected columns described exactly as the extension seals them (the context's model and
 * field names, the row binding, the mode, scope, token domain, blind index and logical
 * type), derived from the same `fields` and data model the extension is given. One
 * derivation serves `prismaRowSource` and the `fieldseal` command's Prisma configuration,
 * so the jobs and the application cannot drift apart.
 *
 * Fields the jobs cannot cover the way the extension seals them are left out and listed,
 * with the reason, in `skipped`: fields stored in `Bytes` columns (row sources read and
 * write text columns), fields bound to a column other than the primary key, a second blind
 * index of one field, a blind index kept under another scope than its field, a field whose
 * data subject is the primary key (row sources read the key apart), and a third
 * lookup key version of one lookup. FPE fields are columns of `status`, `verify`,
 * `reindex` and `reencrypt` (which leaves them alone); `backfill` and `decrypt` refuse
 * them, so they are left out (and listed in `skipped`) unless the job is named and takes
 * them: see {@link RotationJobKind}.
 *
 * Lookup key replacements (docs/rotation.md §6) map to the columns' `lookupVersion` and
 * `reindex` targets: a lookup's column of the lowest version is the column, the highest
 * other version its `reindex` (`blindIndex.reindex`) target, reindexing or not.
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';
import type { PlaintextType, ProtectedColumn } from '../../rotation/columns.js';
import type { ReindexColumn } from '../../rotation/columns.js';
import { indexGroups, resolveFields, type FieldsConfig, type LogicalType, type ProtectedField } from './config.js';
import { indexDatamodel, type DatamodelField, type DatamodelInput, type DatamodelModel } from './datamodel.js';

/**
 * The rotation job a model's columns are for. `status`, `verify`, `reindex` and `reencrypt`
 * take FPE columns; `backfill` and `decrypt` refuse them. Without a job, the columns are
 * those every job takes (FPE columns left out), as before FPE columns had a place in the jobs.
 */
export type RotationJobKind = 'status' | 'verify' | 'reindex' | 'reencrypt' | 'backfill' | 'decrypt';

const JOBS_WITH_FPE: ReadonlySet<string> = new Set(['status', 'verify', 'reindex', 'reencrypt']);
const JOBS: ReadonlySet<string> = new Set([...JOBS_WITH_FPE, 'backfill', 'decrypt']);

/** An annotated field the jobs leave out, and why. */
export interface SkippedField {
  /** `Model.field`. */
  readonly field: string;
  readonly reason: string;
}

/** A model's table, key and protected columns. */
export interface ModelColumns {
  /** The model's name. */
  readonly model: string;
  /** The table (`@@map`, else the model's name). */
  readonly table: string;
  /** The PostgreSQL schema of the table (`@@schema`), when the schema sets one. */
  readonly schema: string | undefined;
  /** The primary key column (`@map` of the `@id` field, else its name). */
  readonly keyColumn: string;
  /** The protected columns, in the order of the model's fields (empty when every annotated field is skipped). */
  readonly columns: readonly ProtectedColumn[];
  /** Annotated fields the jobs do not cover. */
  readonly skipped: readonly SkippedField[];
}

/**
 * How legacy plaintext of a logical type parses for `backfill`, as the extension reads it.
 * Decimal: the extension seals its canonical decimal text, and `backfill` seals the text as
 * stored (the same, for canonical text). Bytes: no plaintext type says bytes; only the
 * jobs that do not parse plaintext (`status`, `reencrypt`, `verify`) apply.
 */
const PLAINTEXT_TYPES: Readonly<Record<LogicalType, PlaintextType>> = {
  String: 'string',
  Int: 'number',
  Float: 'number',
  BigInt: 'bigint',
  // The extension seals a Decimal as its decimal text.
  Decimal: 'string',
  Boolean: 'boolean',
  DateTime: 'date',
  Json: 'json',
  // No plaintext form of bytes: `status`, `reencrypt` and `verify` do not parse plaintext.
  Bytes: 'string',
};

/** The models of a data model in either DMMF shape, by name, with their table details. */
function modelsOf(datamodel: DatamodelInput): Map<string, DatamodelModel> {
  const models = datamodel.models;
  const list: DatamodelModel[] = Array.isArray(models)
    ? (models as readonly DatamodelModel[]).slice()
    : Object.entries(models as Record<string, Omit<DatamodelModel, 'name'>>).map(([name, m]) => ({ ...m, name }));
  return new Map(list.map((m) => [m.name, m]));
}

/** The model's single-field primary key. */
function keyFieldOf(model: DatamodelModel): DatamodelField {
  const ids = model.fields.filter((f) => f.isId === true);
  const compound = model.primaryKey?.fields ?? [];
  if (ids.length === 0 && compound.length === 0) {
    throw new ConfigurationError(
      `fieldseal/prisma: model ${model.name} has no primary key in the data model; run \`prisma generate\` again (the fieldseal generator records @id since this version)`,
    );
  }
  if (compound.length > 1) throw new ConfigurationError(`fieldseal/prisma: model ${model.name} has a compound primary key (${compound.join(', ')}); the rotation jobs need a single-column primary key`);
  const name = ids[0]?.name ?? (compound[0] as string);
  const field = model.fields.find((f) => f.name === name);
  if (field === undefined) throw new ConfigurationError(`fieldseal/prisma: model ${model.name}: primary key field ${name} is not among its fields`);
  return field;
}

const columnOf = (field: DatamodelField): string => field.dbName ?? field.name;

/**
 * The table, key and protected columns of `model`. Throws ConfigurationError when the
 * model is not in the data model, `fields` does not validate against it (the message the
 * extension would give), or the model has no single-field primary key.
 */
export function modelColumns(fields: FieldsConfig, datamodel: DatamodelInput, model: string, job?: RotationJobKind): ModelColumns {
  if (job !== undefined && !JOBS.has(job)) throw new ConfigurationError(`fieldseal/prisma: unknown rotation job '${String(job)}' (use ${[...JOBS].join(', ')})`);
  const resolved = resolveFields(fields, indexDatamodel(datamodel)).get(model);
  const shape = modelsOf(datamodel).get(model);
  if (shape === undefined) throw new ConfigurationError(`fieldseal/prisma: model ${model} is not in the Prisma data model`);
  const keyField = keyFieldOf(shape);
  const byName = new Map(shape.fields.map((f) => [f.name, f]));
  const column = (name: string): string => columnOf(byName.get(name) as DatamodelField);
  const columns: ProtectedColumn[] = [];
  const skipped: SkippedField[] = [];
  const skip = (field: ProtectedField, reason: string): void => {
    skipped.push({ field: `${model}.${field.field}`, reason });
    // Lookup columns go with their field: the jobs neither fill nor check them.
    for (const index of field.mode === 'blindIndex' ? [] : field.indexes) skip(index, `the blind index of ${field.field}, which the jobs skip`);
    for (const shadow of field.shadows) skip(shadow, `the shadow of ${field.field}, which the jobs skip`);
  };
  /** The column of a lookup's lowest version and the reindex target of its highest other one; a third version is skipped. */
  const versions = (lookup: readonly ProtectedField[], of: string): { base: ProtectedField; reindex: ReindexColumn | undefined } => {
    const sorted = [...lookup].sort((a, b) => a.version - b.version);
    const base = sorted[0] as ProtectedField;
    const target = sorted.length > 1 ? (sorted[sorted.length - 1] as ProtectedField) : undefined;
    for (const middle of sorted.slice(1, -1)) {
      skipped.push({ field: `${model}.${middle.field}`, reason: `a third lookup key version of ${of}; the jobs take a column and one reindex target (${base.field}, ${target!.field})` });
    }
    return { base, reindex: target === undefined ? undefined : { column: column(target.field), lookupVersion: target.version } };
  };
  for (const field of resolved?.fields.values() ?? []) {
    if (field.mode === 'blindIndex' || field.shadowOf !== undefined) continue; // with the field they belong to
    if (field.mode === 'fpe' && (job === undefined || !JOBS_WITH_FPE.has(job))) {
      skip(
        field,
        job === undefined
          ? 'an FPE field: backfill and decrypt refuse FPE columns, so they are left out unless the job is named (status, verify, reindex and reencrypt take them)'
          : `an FPE field: ${job} refuses FPE columns (their tokens look like plaintext)`,
      );
      continue;
    }
    if (field.storage === 'Bytes') {
      skip(field, 'a Bytes column; the row sources read and write text columns only');
      continue;
    }
    if (field.row !== undefined && field.row !== keyField.name) {
      skip(field, `bound to ${field.row}, which is not the primary key; the jobs bind values to the primary key only`);
      continue;
    }
    if (field.subject !== undefined && field.subject === keyField.name) {
      skip(field, `its subject is the primary key ${field.subject}, which the row sources read as the row's key only; keep the subject in a column of its own`);
      continue;
    }
    const own = field.mode === 'randomized' ? undefined : versions([field, ...field.shadows], field.field);
    const spec: { -readonly [K in keyof ProtectedColumn]: ProtectedColumn[K] } = {
      column: column((own?.base ?? field).field),
      model,
      field: field.field,
      mode: field.mode as ProtectedColumn['mode'],
      plaintextType: PLAINTEXT_TYPES[field.type],
    };
    if (field.row !== undefined) spec.rowBound = true;
    if (field.fpeFormat !== undefined) spec.format = field.fpeFormat;
    if (own !== undefined && own.base.version !== 1) spec.lookupVersion = own.base.version;
    if (own?.reindex !== undefined) spec.reindex = own.reindex;
    if (field.scope !== undefined) spec.scope = field.scope;
    if (field.subject !== undefined) spec.subjectColumn = column(field.subject);
    if (field.mode !== 'randomized' && field.domain !== undefined) spec.domain = field.domain;
    const groups = indexGroups(field.indexes);
    for (const [i, group] of groups.entries()) {
      const first = group[0] as ProtectedField;
      if (i > 0) {
        for (const index of group) skipped.push({ field: `${model}.${index.field}`, reason: `a second blind index of ${field.field}; the jobs fill and check one blind index per field (${groups[0]?.[0]?.field})` });
      } else if (first.scope !== field.scope) {
        for (const index of group) skipped.push({ field: `${model}.${index.field}`, reason: `its scope (${index.scope ?? 'default'}) is not ${field.field}'s (${field.scope ?? 'default'}); the jobs compute a blind index under its field's scope` });
      } else {
        const { base, reindex } = versions(group, `${field.field}'s blind index`);
        spec.blindIndex = {
          column: column(base.field),
          ...(base.normalize !== undefined ? { normalize: base.normalize } : {}),
          ...(base.bits !== undefined ? { bits: base.bits } : {}),
          ...(base.domain !== undefined ? { domain: base.domain } : {}),
          ...(base.version !== 1 ? { lookupVersion: base.version } : {}),
          ...(reindex !== undefined ? { reindex } : {}),
        };
      }
    }
    columns.push(spec);
  }
  const schema = shape.schema ?? undefined;
  return { model, table: shape.dbName ?? model, schema, keyColumn: columnOf(keyField), columns, skipped };
}

/** The models of `fields` (the annotated ones), in the data model's order. */
export function protectedModels(fields: FieldsConfig, datamodel: DatamodelInput): string[] {
  return [...modelsOf(datamodel).keys()].filter((name) => Object.keys(fields[name] ?? {}).length > 0);
}
