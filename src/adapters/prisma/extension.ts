/**
 * The Prisma Client extension: `prisma.$extends(fieldsealExtension({ sealer, fields, datamodel }))`.
 * Built only on Prisma's public client-extension API (a `query` component on every model
 * operation); nothing reads Prisma internals.
 *
 * @module
 */
import type { FieldsConfig } from './config.js';
import type { DatamodelInput } from './datamodel.js';
import { rewriteOperation } from './operations.js';
import { fluentPlan, openResult } from './results.js';
import { buildRuntime } from './runtime.js';
import { uniqueAlternatives } from './where.js';
import type { FieldSealer } from './sealer-port.js';

/**
 * Operations on one record by a unique where, and how they report a miss: `null`, or
 * Prisma's P2025 "record not found" error. A miss is retried with older keys' tokens.
 */
const UNIQUE_TARGETS: Readonly<Record<string, 'null' | 'P2025'>> = {
  findUnique: 'null',
  findUniqueOrThrow: 'P2025',
  update: 'P2025',
  delete: 'P2025',
};

/**
 * An operation on one record whose unique where names a protected field: tried with the
 * primary data key's token first, then (only when nothing matched) with each older live
 * key's token, so that rows written before a rotation are still found, updated and deleted.
 */
async function queryUnique(args: Record<string, unknown>, query: QueryHookParams['query'], operation: string): Promise<unknown> {
  const where = args.where;
  const alternatives = typeof where === 'object' && where !== null ? uniqueAlternatives.get(where) : undefined;
  if (alternatives === undefined) return query(args);
  const attempts = [undefined, ...alternatives.tokens];
  // When every token misses, the primary token's error is the one to report: it is what
  // the caller would have seen without a rotation (a nested write's P2025 keeps its message).
  let firstError: unknown;
  for (const token of attempts) {
    const next = token === undefined ? args : { ...args, where: { ...(where as Record<string, unknown>), [alternatives.column]: token } };
    try {
      const result = await query(next);
      if (result !== null) return result;
    } catch (error) {
      // "Not found" (P2025) moves on to the next token; anything else is real.
      if (UNIQUE_TARGETS[operation] !== 'P2025' || (error as { code?: unknown }).code !== 'P2025') throw error;
      firstError ??= error;
    }
  }
  if (firstError !== undefined) throw firstError;
  return null;
}

/** Options of {@link fieldsealExtension}. */
export interface FieldsealExtensionOptions {
  /** The Sealer (from `createSealer`). */
  readonly sealer: FieldSealer;
  /** Protected fields by model and field (typed config, or the `fields` the generator emits). */
  readonly fields: FieldsConfig;
  /**
   * The Prisma data model (relations and column types), as emitted by the `fieldseal`
   * generator (`datamodel` export). Needed to follow nested writes, filters and results.
   */
  readonly datamodel: DatamodelInput;
}

/** The parameters Prisma passes to a `$allOperations` query hook. */
export interface QueryHookParams {
  readonly model?: string;
  readonly operation: string;
  readonly args: unknown;
  query(args: unknown): PromiseLike<unknown>;
}

/** The extension object returned by {@link fieldsealExtension}, to pass to `$extends`. */
export interface FieldsealPrismaExtension {
  readonly name: 'fieldseal';
  readonly query: {
    readonly $allModels: {
      $allOperations(params: QueryHookParams): Promise<unknown>;
    };
  };
}

/**
 * Creates the extension. Validates the configuration against the data model at once:
 * a mistake (unknown model or field, a blind index of a missing field, a row column that
 * does not exist, FPE without a tokenizer) throws ConfigurationError here, not on first use.
 *
 * Every model operation is rewritten: values of protected fields are sealed on write
 * (nested writes included), filters on them are turned into token comparisons or refused
 * with UnsupportedQueryError, and results are opened through select/include/omit.
 */
export function fieldsealExtension(options: FieldsealExtensionOptions): FieldsealPrismaExtension {
  const rt = buildRuntime(options.sealer, options.datamodel, options.fields);
  return {
    name: 'fieldseal',
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }: QueryHookParams): Promise<unknown> {
          if (model === undefined) return query(args);
          const rewritten = await rewriteOperation(rt, model, operation, args);
          const result = UNIQUE_TARGETS[operation] !== undefined ? await queryUnique(rewritten.args, query, operation) : await query(rewritten.args);
          return rewritten.plan === undefined ? result : openResult(rt, fluentPlan(rt, rewritten.plan, operation, args, result), result);
        },
      },
    },
  };
}
