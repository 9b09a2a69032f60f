/**
 * The part of Prisma's data model the adapter needs to walk nested arguments and results:
 * which fields are relations (and to which model), and each scalar's Prisma type.
 *
 * The `prisma-client` generator of Prisma 7 does not expose its DMMF at runtime, so the
 * data model comes from the `fieldseal` generator's output (which receives the DMMF through
 * Prisma's public generator protocol) or is passed in by hand. Both DMMF shapes are
 * accepted: `{ models: [{ name, fields }] }` (generator DMMF) and
 * `{ models: { Name: { fields } } }` (Prisma's runtime data model).
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';

/** One field of a model, as described by Prisma's DMMF. */
export interface DatamodelField {
  /** Field name in the Prisma schema. */
  readonly name: string;
  /** `scalar`, `object` (relation), `enum` or `unsupported`. */
  readonly kind: string;
  /** Prisma type (`String`, `Int`, `Bytes`, ...) or, for relations, the related model's name. */
  readonly type: string;
  /** Whether it is a list (to-many relation, scalar list). */
  readonly isList?: boolean;
  /** The column's name in the database (`@map`), when it differs from the field's; for the rotation jobs. */
  readonly dbName?: string | null;
  /** Whether the field is the model's primary key (`@id`); for the rotation jobs. */
  readonly isId?: boolean;
  /** A relation's name, shared by its two sides; to find a nested write's parent key. */
  readonly relationName?: string | null;
  /** A relation's foreign key fields on this side (`@relation(fields: [...])`). */
  readonly relationFromFields?: readonly string[];
  /** The fields of the related model the foreign key references (`@relation(references: [...])`). */
  readonly relationToFields?: readonly string[];
}

/** A model: its name and fields. */
export interface DatamodelModel {
  readonly name: string;
  readonly fields: readonly DatamodelField[];
  /** The table's name in the database (`@@map`), when it differs from the model's; for the rotation jobs. */
  readonly dbName?: string | null;
  /** The PostgreSQL schema of the table (`@@schema`), with multiple schemas; for the rotation jobs. */
  readonly schema?: string | null;
  /** A primary key declared with `@@id([...])`: its fields; for the rotation jobs. */
  readonly primaryKey?: { readonly fields: readonly string[] } | null;
}

/** A data model in either DMMF shape (see the module comment). */
export type DatamodelInput =
  | {
      readonly models: readonly DatamodelModel[];
      /** The datasource's provider (`sqlite`, `postgresql`, `mysql`, ...), which the rotation jobs' row sources need. */
      readonly provider?: string;
    }
  | { readonly models: { readonly [name: string]: { readonly fields: readonly DatamodelField[] } } };

/** One relation field of a model. */
export interface RelationShape {
  readonly model: string;
  readonly isList: boolean;
  /** The relation's name (both sides share it). */
  readonly name?: string | undefined;
  /** The foreign key fields on this side, and the related fields they reference (empty on the side without the key). */
  readonly from: readonly string[];
  readonly to: readonly string[];
}

/** Indexed view of one model, built once per extension. */
export interface ModelShape {
  readonly name: string;
  /** Relation field → related model name and whether it is to-many (and, when the data model says, its name and keys). */
  readonly relations: ReadonlyMap<string, RelationShape>;
  /** Scalar (and enum) field → Prisma type. */
  readonly scalars: ReadonlyMap<string, string>;
}

/** Builds the indexed view of every model; throws ConfigurationError on a malformed input. */
export function indexDatamodel(input: DatamodelInput): ReadonlyMap<string, ModelShape> {
  if (input === null || typeof input !== 'object' || input.models === null || typeof input.models !== 'object') {
    throw new ConfigurationError('fieldseal/prisma: `datamodel` must be the DMMF datamodel ({ models }) written by the fieldseal generator');
  }
  const list: DatamodelModel[] = Array.isArray(input.models)
    ? (input.models as readonly DatamodelModel[]).slice()
    : Object.entries(input.models as Record<string, { fields: readonly DatamodelField[] }>).map(([name, m]) => ({ name, fields: m.fields }));
  const out = new Map<string, ModelShape>();
  for (const model of list) {
    if (typeof model?.name !== 'string' || !Array.isArray(model.fields)) {
      throw new ConfigurationError('fieldseal/prisma: `datamodel.models` entries need a name and a fields array');
    }
    const relations = new Map<string, RelationShape>();
    const scalars = new Map<string, string>();
    for (const field of model.fields) {
      if (field.kind === 'object') {
        relations.set(field.name, {
          model: field.type,
          isList: field.isList === true,
          name: field.relationName ?? undefined,
          from: field.relationFromFields ?? [],
          to: field.relationToFields ?? [],
        });
      }
      else scalars.set(field.name, field.type);
    }
    out.set(model.name, { name: model.name, relations, scalars });
  }
  return out;
}
