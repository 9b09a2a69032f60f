/**
 * A Prisma model as the rotation jobs see it: its table, its primary key column, and its
 * protected columns described exactly as the extension seals them (the context's model and
 * field names, the row binding, the mode, scope, token domain, blind index and logical
 * type), derived from the same `fields` and data model the extension is given. One
 * derivation serves `prismaRowSource` and the `fieldseal` command's Prisma configuration,
 * so the jobs and the application cannot drift apart.
 *
 * Fields the jobs cannot cover the way the extension seals them are left out and listed,
 * with the reason, in `skipped`: FPE fields (whose tokens data key rotations leave alone,
 * and which `backfill` and `decrypt` refuse), fields stored in `Bytes` columns (row sources
 * read and write text columns), fields bound to a column other than the primary key, a
 * second blind index of one field, and a blind index kept under another scope than its field.
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';
import type { PlaintextType, ProtectedColumn } from '../../rotation/columns.js';
import { resolveFields, type FieldsConfig, type LogicalType, type ProtectedField } from './config.js';
import { indexDatamodel, type DatamodelField, type DatamodelInput, type DatamodelModel } from './datamodel.js';

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
export function modelColumns(fields: FieldsConfig, datamodel: DatamodelInput, model: string): ModelColumns {
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
    // A blind index goes with its field: the jobs neither fill nor check it.
    for (const index of field.mode === 'blindIndex' ? [] : field.indexes) skip(index, `the blind index of ${field.field}, which the jobs skip`);
  };
  for (const field of resolved?.fields.values() ?? []) {
    if (field.mode === 'blindIndex') continue; // with the field it indexes
    if (field.mode === 'fpe') {
      // ProtectedColumn takes FPE columns (status, verify, reindex), but backfill and decrypt refuse them, and a data key rotation leaves them alone.
      skip(field, "an FPE field: its tokens are under the scope's lookup key, which data key rotations leave alone, and backfill cannot tell them from plaintext");
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
    const spec: { -readonly [K in keyof ProtectedColumn]: ProtectedColumn[K] } = {
      column: column(field.field),
      model,
      field: field.field,
      mode: field.mode,
      plaintextType: PLAINTEXT_TYPES[field.type],
    };
    if (field.row !== undefined) spec.rowBound = true;
    if (field.scope !== undefined) spec.scope = field.scope;
    if (field.mode === 'deterministic' && field.domain !== undefined) spec.domain = field.domain;
    for (const [i, index] of field.indexes.entries()) {
      if (i > 0) {
        skipped.push({ field: `${model}.${index.field}`, reason: `a second blind index of ${field.field}; the jobs fill and check one blind index per field (${field.indexes[0]?.field})` });
      } else if (index.scope !== field.scope) {
        skipped.push({ field: `${model}.${index.field}`, reason: `its scope (${index.scope ?? 'default'}) is not ${field.field}'s (${field.scope ?? 'default'}); the jobs compute a blind index under its field's scope` });
      } else {
        spec.blindIndex = {
          column: column(index.field),
          ...(index.normalize !== undefined ? { normalize: index.normalize } : {}),
          ...(index.bits !== undefined ? { bits: index.bits } : {}),
          ...(index.domain !== undefined ? { domain: index.domain } : {}),
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
