/**
 * The Prisma Client extension: `prisma.$extends(fieldsealExtension({ sealer, fields, datamodel }))`.
 * Built only on Prisma's public client-extension API (a `query` component on every model
 * operation); nothing reads Prisma internals.
 *
 * @module
 */
import type { FieldsConfig } from './config.js';
import type { DatamodelInput } from './datamodel.js';
import { omitLookupColumns } from './lookup-columns.js';
import { rewriteOperation, type Rewritten } from './operations.js';
import { fluentPlan, openResult } from './results.js';
import { buildRuntime } from './runtime.js';
import type { FieldSealer } from './sealer-port.js';
import { rewriteUniqueLookup } from './unique-lookup.js';

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
 * with UnsupportedQueryError, and results are opened through select/include/omit. Lookup
 * (blind index) columns are left out of results unless the query selects them or sets
 * `omit: { column: false }`.
 */
export function fieldsealExtension(options: FieldsealExtensionOptions): FieldsealPrismaExtension {
  const rt = buildRuntime(options.sealer, options.datamodel, options.fields);
  return {
    name: 'fieldseal',
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }: QueryHookParams): Promise<unknown> {
          if (model === undefined) return query(args);
          // A one-key unique read whose token is at hand is rewritten at once; anything else awaits.
          const lookup = rewriteUniqueLookup(rt, model, operation, args);
          let rewritten: Rewritten;
          if (lookup === undefined) rewritten = await rewriteOperation(rt, model, operation, omitLookupColumns(rt, model, operation, args));
          else rewritten = lookup instanceof Promise ? await lookup : lookup;
          const result = await query(rewritten.args);
          return rewritten.plan === undefined ? result : openResult(rt, fluentPlan(rt, rewritten.plan, operation, args, result), result);
        },
      },
    },
  };
}
