/**
 * What the ported prisma-field-encryption scenarios share: the typed client (`withFieldseal`
 * from the generated module, so the scenarios need no casts), rows as stored, and the
 * models' row sources for the rotation jobs on each database.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { createSealer, localKeyProvider, memoryKeyStore, type Sealer, type SealerOptions } from '../../../src/index.js';
import { prismaRowSource, type DatamodelInput, type FieldsConfig, type PrismaModelSource } from '../../../src/adapters/prisma/index.js';
import { datamodel as mysqlDatamodel } from '../../../prisma/generated/mysql/fieldseal.js';
import { datamodel as postgresDatamodel } from '../../../prisma/generated/postgresql/fieldseal.js';
import { datamodel as sqliteDatamodel, withFieldseal } from '../../../prisma/generated/sqlite/fieldseal.js';
import type { DatabaseKind } from '../../support/databases.js';
import { testFields, type Harness } from '../support/harness.js';

const DATAMODELS: Readonly<Record<DatabaseKind, DatamodelInput>> = { sqlite: sqliteDatamodel, postgresql: postgresDatamodel, mysql: mysqlDatamodel };

/** The typed client over the harness's base client (the harness's Sealer and the generated fields unless given). */
export function pfeClient(h: Harness, sealer: Sealer = h.sealer, fields: FieldsConfig = testFields(sealer)) {
  return withFieldseal(h.base, { sealer, fields });
}

/** The typed client of the ported scenarios. */
export type PfeClient = ReturnType<typeof pfeClient>;

/** One row of `table` as stored, found by an unprotected column (fails the test when absent). */
export async function storedRow(h: Harness, table: string, column: string, value: unknown): Promise<Record<string, unknown>> {
  const [row] = await h.db.query(`SELECT * FROM ${h.db.quote(table)} WHERE ${h.db.quote(column)} = ${h.db.param(1)}`, [value]);
  if (row === undefined) expect.fail(`no ${table} row with ${column} = ${String(value)}`);
  return row;
}

/** A sealed value as stored: fieldseal's text prefix, never the plaintext. */
export const SEALED = /^fs1:/;

/** A blind index as stored: base64url of a 256-bit HMAC. */
export const BLIND_INDEX = /^[A-Za-z0-9_-]{43}$/;

/** A Sealer with a random local KEK, an in-memory key store and other options (maxTextLength, ...). */
export function sealerWith(options: Omit<SealerOptions, 'provider' | 'store'>): Promise<Sealer> {
  return createSealer({ provider: localKeyProvider({ keys: { main: randomBytes(32).toString('base64') } }), store: memoryKeyStore(), ...options });
}

/** The rotation jobs' row source and columns of `model` on this database (PostgreSQL: the test schema). */
export function modelSource(h: Harness, model: string, fields: FieldsConfig = testFields(h.sealer)): PrismaModelSource {
  return prismaRowSource(h.base, model, { fields, datamodel: DATAMODELS[h.kind], ...(h.kind === 'postgresql' ? { schema: h.db.name } : {}) });
}
