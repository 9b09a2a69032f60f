/**
 * The `prisma` part of a `fieldseal` config: the protected tables of a Prisma application,
 * read from its schema's `/// @fieldseal.*` annotations instead of listed by hand.
 *
 * ```json
 * { "prisma": { "schema": "prisma/schema.prisma", "models": ["User"] } }
 * ```
 *
 * Each annotated model (or each of `models`) becomes a protected table: its table (`@@map`),
 * primary key column and protected columns as the Prisma extension seals them (the same
 * derivation as `prismaRowSource`), so `fieldseal status --model User` runs on it. The
 * annotations are validated by the generator's own code, with its messages. The rows are
 * read through the command's database connection (`database`, else the key store's), whose
 * type must be the schema's provider.
 *
 * @module
 */
import { resolve } from 'node:path';
import { ConfigurationError } from '../errors.js';
import { AnnotationError } from '../adapters/prisma/generator/annotations.js';
import { fieldsFromDmmf } from '../adapters/prisma/generator/emit.js';
import { modelColumns, protectedModels, type SkippedField } from '../adapters/prisma/model-columns.js';
import type { FieldsConfig } from '../adapters/prisma/config.js';
import type { CliConfig, TableConfig } from './config.js';
import { readPrismaSchema } from './prisma-schema.js';

/** The `prisma` property of a config. */
export interface PrismaConfig {
  /** The schema file, or the folder of a multi-file schema (absolute). */
  readonly schema: string;
  /** The models to protect (default: every model with a protected field the jobs cover). */
  readonly models?: readonly string[];
}

type Fail = (path: string, message: string) => never;

/** Checks the `prisma` property; `dir` is the config's folder (relative paths start there). */
export function parsePrismaConfig(value: unknown, dir: string, fail: Fail): PrismaConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('prisma', 'must be an object { "schema": "prisma/schema.prisma", "models"? }');
  const spec = value as Record<string, unknown>;
  for (const key of Object.keys(spec)) if (key !== 'schema' && key !== 'models') fail(`prisma.${key}`, 'is not an option here (schema, models)');
  if (typeof spec.schema !== 'string' || spec.schema === '') fail('prisma.schema', 'must be the path of the Prisma schema (a file, or the folder of a multi-file schema)');
  const models = spec.models;
  if (models !== undefined && (!Array.isArray(models) || models.length === 0 || !models.every((m) => typeof m === 'string' && m !== ''))) {
    fail('prisma.models', 'must be a non-empty list of model names');
  }
  return { schema: resolve(dir, spec.schema as string), ...(models !== undefined ? { models: models as string[] } : {}) };
}

/** The provider names of the schema, by the database types of a config. */
const PROVIDER_TYPES: Readonly<Record<string, string>> = { postgresql: 'postgres', cockroachdb: 'postgres', mysql: 'mysql', sqlite: 'sqlite' };

/**
 * The config with the protected tables of `config.prisma`'s models added to `tables` (and
 * `models` mapping each model to its table). Throws ConfigurationError for an unreadable
 * schema, an invalid annotation (the generator's message), a model not in the schema or
 * without protected columns, a table also listed in `tables`, or a database of another
 * type than the schema's provider.
 */
export function withPrismaModels(config: CliConfig): CliConfig {
  const prisma = config.prisma;
  if (prisma === undefined) return config;
  const schema = readPrismaSchema(prisma.schema);
  let fields: FieldsConfig;
  try {
    fields = fieldsFromDmmf(schema.dmmf);
  } catch (error) {
    if (error instanceof AnnotationError) throw new ConfigurationError(`prisma.schema: ${error.message}`);
    throw error;
  }
  checkProvider(config, schema.provider);
  const datamodel = { models: schema.dmmf.datamodel.models };
  const names = prisma.models ?? protectedModels(fields, datamodel);
  const tables: Record<string, TableConfig> = { ...config.tables };
  const models: Record<string, string> = { ...config.models };
  const skipped: Record<string, readonly SkippedField[]> = { ...config.skipped };
  for (const model of names) {
    if (!datamodel.models.some((m) => m.name === model)) throw new ConfigurationError(`prisma.models: model ${model} is not in the schema ${prisma.schema}`);
    const target = modelColumns(fields, datamodel, model);
    if (target.columns.length === 0) {
      // Listed by name: say why it has nothing for the jobs. Found by its annotations: only FPE or other skipped fields.
      if (prisma.models !== undefined) {
        const why = target.skipped.length === 0 ? 'it has no @fieldseal annotation' : target.skipped.map((s) => `${s.field}: ${s.reason}`).join('; ');
        throw new ConfigurationError(`prisma.models: model ${model} has no column for the jobs: ${why}`);
      }
      continue;
    }
    const name = target.schema === undefined ? target.table : `${target.schema}.${target.table}`;
    if (Object.hasOwn(tables, name)) throw new ConfigurationError(`tables.${name}: the table of model ${model} is also listed in "tables"; keep one`);
    tables[name] = { primaryKey: target.keyColumn, columns: target.columns as unknown as TableConfig['columns'] };
    models[model] = name;
    if (target.skipped.length > 0) skipped[name] = target.skipped;
  }
  return { ...config, tables, models, skipped };
}

/** Refuses a database whose type is not the schema's provider (the tables would not be there). */
function checkProvider(config: CliConfig, provider: string | undefined): void {
  if (provider === undefined) return;
  const expected = Object.hasOwn(PROVIDER_TYPES, provider) ? PROVIDER_TYPES[provider] : undefined;
  if (expected === undefined) throw new ConfigurationError(`prisma.schema: provider '${provider}' has no row source (PostgreSQL, MySQL/MariaDB and SQLite have)`);
  const store = config.store as { type?: unknown };
  const database = config.database ?? (store.type === 'sqlite' || store.type === 'postgres' || store.type === 'mysql' ? (store as { type: string }) : undefined);
  if (database !== undefined && database.type !== expected) {
    const origin = config.database !== undefined ? 'database' : 'store';
    throw new ConfigurationError(`${origin}.type is '${database.type}' but the Prisma schema's provider is '${provider}': name the application's database in "database"`);
  }
}
