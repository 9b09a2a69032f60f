/**
 * Per-test-file Prisma harness: an isolated database of one kind, the generated client for
 * its provider (typed as the SQLite client: the models are identical), a Sealer with local
 * keys, and the client extended with fieldseal using the generator's config.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createSealer, localKeyProvider, memoryKeyStore, type KeyStore, type Sealer } from '../../../src/index.js';
import { fieldsealExtension, fieldsealRaw, type FieldsConfig } from '../../../src/adapters/prisma/index.js';
import { PrismaClient as SqliteClient } from '../../../prisma/generated/sqlite/client.js';
import { PrismaClient as PostgresClient } from '../../../prisma/generated/postgresql/client.js';
import { PrismaClient as MysqlClient } from '../../../prisma/generated/mysql/client.js';
import { datamodel, fields as generatedFields } from '../../../prisma/generated/sqlite/fieldseal.js';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from '../../support/databases.js';

/** The generator's fields, minus FPE fields when the Sealer has no tokenizer yet. */
export function testFields(sealer: Sealer): FieldsConfig {
  const hasFpe = typeof (sealer as unknown as { fpe?: unknown }).fpe === 'function';
  const out: Record<string, Record<string, unknown>> = {};
  for (const [model, fields] of Object.entries(generatedFields as FieldsConfig)) {
    out[model] = Object.fromEntries(Object.entries(fields).filter(([, f]) => hasFpe || f.mode !== 'fpe'));
  }
  return out as FieldsConfig;
}

/** Whether FPE fields are active in this run. */
export function fpeAvailable(sealer: Sealer): boolean {
  return typeof (sealer as unknown as { fpe?: unknown }).fpe === 'function';
}

/** A fresh Sealer with a random local KEK and `store` (default: a new in-memory key store). */
export async function newSealer(store: KeyStore = memoryKeyStore()): Promise<Sealer> {
  return createSealer({ provider: localKeyProvider({ keys: { main: randomBytes(32).toString('base64') } }), store });
}

/** Creates an unextended client of the provider's generated class. */
export function baseClient(db: TestDatabase): SqliteClient {
  const Ctor = (db.kind === 'sqlite' ? SqliteClient : db.kind === 'postgresql' ? PostgresClient : MysqlClient) as typeof SqliteClient;
  return new Ctor({ adapter: db.adapter() as never });
}

/** The client extended with fieldseal. */
export function extend(base: SqliteClient, sealer: Sealer, fields: FieldsConfig = testFields(sealer)) {
  return base.$extends(fieldsealExtension({ sealer, fields, datamodel }));
}

/** The extended client type. */
export type SealedClient = ReturnType<typeof extend>;

/** Everything a suite needs; fields are set in beforeAll. */
export interface Harness {
  kind: DatabaseKind;
  db: TestDatabase;
  sealer: Sealer;
  base: SqliteClient;
  prisma: SealedClient;
  raw: ReturnType<typeof fieldsealRaw>;
  /** Reads a table as stored, bypassing Prisma and fieldseal. */
  rows(table: string, orderBy?: string): Promise<Record<string, unknown>[]>;
}

/**
 * Registers hooks that open the database before the file's tests, empty it before each
 * test, and drop it afterwards. The returned object is filled in by `beforeAll`.
 */
export function useHarness(kind: DatabaseKind, label: string): Harness {
  const h = { kind } as Harness;
  beforeAll(async () => {
    h.db = await openTestDatabase(kind, `${label}_${kind}`);
    h.sealer = await newSealer();
    h.base = baseClient(h.db);
    h.prisma = extend(h.base, h.sealer);
    h.raw = fieldsealRaw({ sealer: h.sealer, fields: testFields(h.sealer), datamodel });
    h.rows = (table, orderBy = 'id') => h.db.query(`SELECT * FROM ${h.db.quote(table)} ORDER BY ${h.db.quote(orderBy)}`);
  });
  beforeEach(async () => {
    await h.db.truncate();
  });
  afterAll(async () => {
    await h.base?.$disconnect();
    await h.db?.close();
  });
  return h;
}
