/**
 * What the lookup key version and data subject suites share: the typed client over the
 * harness's base client with a given fields config, the application's configs of each
 * phase of a lookup key replacement, and the models' row sources on each database.
 */
import { prismaRowSource, type DatamodelInput, type FieldsConfig, type PrismaModelSource, type RotationJobKind } from '../../../src/adapters/prisma/index.js';
import { datamodel as mysqlDatamodel } from '../../../prisma/generated/mysql/fieldseal.js';
import { datamodel as postgresDatamodel } from '../../../prisma/generated/postgresql/fieldseal.js';
import { datamodel as sqliteDatamodel, fields as generatedFields, withFieldseal } from '../../../prisma/generated/sqlite/fieldseal.js';
import type { DatabaseKind } from '../../support/databases.js';
import type { Harness } from '../support/harness.js';

const DATAMODELS: Readonly<Record<DatabaseKind, DatamodelInput>> = { sqlite: sqliteDatamodel, postgresql: postgresDatamodel, mysql: mysqlDatamodel };

/** The shadow columns of ReindexCustomer's version 2 lookups. */
export const SHADOWS = ['emailIdxV2', 'ssnV2', 'cardV2'] as const;

/** ReindexCustomer as annotated, changed by `edit` (the rest of the schema as generated). */
function reindexCustomerWith(edit: (model: Record<string, Record<string, unknown>>) => void): FieldsConfig {
  const model = Object.fromEntries(Object.entries(generatedFields.ReindexCustomer).map(([name, field]) => [name, { ...field }])) as Record<string, Record<string, unknown>>;
  edit(model);
  return { ...(generatedFields as FieldsConfig), ReindexCustomer: model } as FieldsConfig;
}

/** Phase 1 (before the dual write): the application knows no version 2 column. */
export const beforeDualWrite: FieldsConfig = reindexCustomerWith((model) => {
  for (const shadow of SHADOWS) delete model[shadow];
});

/** Phase 2 (dual write): the schema as annotated, version 2 columns reindexing. */
export const dualWrite: FieldsConfig = generatedFields as FieldsConfig;

/** Phase 4 (switched): `reindexing` removed, lookups go through version 2. */
export const switched: FieldsConfig = reindexCustomerWith((model) => {
  for (const shadow of SHADOWS) delete model[shadow]!.reindexing;
});

/** The typed client over the harness's base client, with `fields`. */
export function typedClient(h: Harness, fields: FieldsConfig) {
  return withFieldseal(h.base, { sealer: h.sealer, fields });
}

/** The rotation jobs' row source and columns of `model` on this database (PostgreSQL: the test schema). */
export function modelSource(h: Harness, model: string, fields: FieldsConfig, job?: RotationJobKind): PrismaModelSource {
  return prismaRowSource(h.base, model, { fields, datamodel: DATAMODELS[h.kind], ...(h.kind === 'postgresql' ? { schema: h.db.name } : {}), ...(job !== undefined ? { job } : {}) });
}
