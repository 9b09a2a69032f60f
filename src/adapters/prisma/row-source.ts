/**
 * The rotation jobs over a Prisma model: the SQL row source of the model's table through
 * the application's Prisma client (`prismaSqlConnection`: raw queries and interactive
 * transactions, no second connection pool), and the model's protected columns derived from
 * the generator's output exactly as the extension seals them (model-columns.ts).
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';
import { prismaSqlConnection, type PrismaClientLike } from '../../keys/store/prisma-sql-connection.js';
import type { SqlDialectName } from '../../keys/store/sql-identifier.js';
import type { ProtectedColumn } from '../../rotation/columns.js';
import type { RowSource } from '../../rotation/row-source.js';
import { sqlRowSource } from '../../rotation/sql-row-source.js';
import type { FieldsConfig } from './config.js';
import type { DatamodelInput } from './datamodel.js';
import { modelColumns, type RotationJobKind, type SkippedField } from './model-columns.js';

export type { RotationJobKind, SkippedField } from './model-columns.js';

/** Options of {@link prismaRowSource}: the generator's output (`...fieldseal`), and overrides. */
export interface PrismaRowSourceOptions {
  /** The protected fields, as given to the extension. */
  readonly fields: FieldsConfig;
  /** The data model written by the fieldseal generator (it names tables, columns, the primary key and the provider). */
  readonly datamodel: DatamodelInput;
  /**
   * The datasource's provider: `postgresql`, `mysql` or `sqlite`. Default: the one the
   * generator recorded in `datamodel`; give it for a data model written by hand.
   */
  readonly provider?: string;
  /** PostgreSQL only: the table's schema. Default: the model's `@@schema`, else the connection's `search_path`. */
  readonly schema?: string;
  /** Time limit of each row source call in milliseconds (default 30 000). */
  readonly timeoutMs?: number;
  /**
   * The job the columns are for. Without it, `columns` holds what every job takes: FPE
   * fields are left out (listed in `skipped`), since `backfill` and `decrypt` refuse FPE
   * columns. Name `status`, `verify`, `reindex` or `reencrypt` to have FPE columns (and
   * their reindex targets) too.
   */
  readonly job?: RotationJobKind;
}

/** A Prisma model as the rotation jobs take it: spread into `runReencrypt({ sealer, ...user })`. */
export interface PrismaModelSource {
  /** The model's table, read and written through the Prisma client. */
  readonly source: RowSource;
  /** The model's protected columns, as the extension seals them. */
  readonly columns: readonly ProtectedColumn[];
  /** Annotated fields the jobs do not cover, and why (FPE fields, Bytes columns, ...). */
  readonly skipped: readonly SkippedField[];
}

const DIALECTS: Readonly<Record<string, SqlDialectName>> = {
  postgresql: 'postgres',
  postgres: 'postgres',
  cockroachdb: 'postgres',
  mysql: 'mysql',
  sqlite: 'sqlite',
};

/**
 * The rotation jobs' row source and protected columns of `model`, over `prisma` (the base
 * client or the extended one: the row source uses raw queries only, which the extension
 * leaves alone). Throws ConfigurationError for a model that is not in the data model, has
 * no single-field primary key, or has no protected column the jobs cover, and for a
 * provider other than PostgreSQL, MySQL/MariaDB and SQLite.
 *
 * @example
 * ```ts
 * import { prismaRowSource } from 'fieldseal/prisma';
 * import { runReencrypt, runStatus } from 'fieldseal/rotation';
 * import { fieldseal } from './generated/fieldseal.js';
 *
 * const users = prismaRowSource(prisma, 'User', fieldseal);
 * await sealer.rotateDataKey();
 * await runReencrypt({ sealer, ...users });
 * const status = await runStatus({ sealer, ...users });
 * // FPE columns and their shadows too:
 * await runReindex({ sealer, ...prismaRowSource(prisma, 'User', { ...fieldseal, job: 'reindex' }) });
 * ```
 */
export function prismaRowSource(prisma: PrismaClientLike, model: string, options: PrismaRowSourceOptions): PrismaModelSource {
  if (options === null || typeof options !== 'object') throw new ConfigurationError('prismaRowSource needs { fields, datamodel } (spread the generated `fieldseal`)');
  if (prisma === null || typeof prisma !== 'object' || typeof prisma.$queryRawUnsafe !== 'function' || typeof prisma.$transaction !== 'function') {
    throw new ConfigurationError('prismaRowSource needs a Prisma client');
  }
  const provider = options.provider ?? ('provider' in options.datamodel ? options.datamodel.provider : undefined);
  if (provider === undefined) {
    throw new ConfigurationError('prismaRowSource: the data model does not name its provider; run `prisma generate` again, or pass { provider: "postgresql" | "mysql" | "sqlite" }');
  }
  const dialect = Object.hasOwn(DIALECTS, provider) ? DIALECTS[provider] : undefined;
  if (dialect === undefined) throw new ConfigurationError(`prismaRowSource: provider '${provider}' has no row source (PostgreSQL, MySQL/MariaDB and SQLite have)`);
  const target = modelColumns(options.fields, options.datamodel, model, options.job);
  if (target.columns.length === 0) {
    const why = target.skipped.length === 0 ? 'it has no protected fields' : `the jobs skip every protected field (${target.skipped.map((s) => `${s.field}: ${s.reason}`).join('; ')})`;
    throw new ConfigurationError(`prismaRowSource: model ${model} has no column for the rotation jobs: ${why}`);
  }
  const schema = dialect === 'postgres' ? (options.schema ?? target.schema) : undefined;
  if (options.schema !== undefined && dialect !== 'postgres') throw new ConfigurationError('prismaRowSource: a schema is a PostgreSQL option');
  const source = sqlRowSource({
    connection: prismaSqlConnection(prisma),
    dialect,
    table: target.table,
    keyColumn: target.keyColumn,
    ...(schema !== undefined ? { schema } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  return { source, columns: target.columns, skipped: target.skipped };
}
