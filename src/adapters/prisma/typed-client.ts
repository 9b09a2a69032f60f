/**
 * The typed way to extend a Prisma client: the generated module's `withFieldseal(prisma,
 * { sealer })` applies {@link fieldsealExtension} and returns the client typed with the
 * logical field types ({@link FieldsealClient}). At runtime it is exactly
 * `prisma.$extends(fieldsealExtension(...))`, so a JavaScript project can call it untyped.
 *
 * @module
 */
import type { FieldsConfig } from './config.js';
import type { DatamodelInput } from './datamodel.js';
import { fieldsealExtension, type FieldsealPrismaExtension } from './extension.js';
import type { FieldSealer } from './sealer-port.js';
import type { FieldsealClient, ModelsTypeInfo } from './types.js';

/** What `withFieldseal` takes besides the client. */
export interface WithFieldsealOptions {
  /** The Sealer (from `createSealer`). */
  readonly sealer: FieldSealer;
  /** Protected fields to use instead of the generated ones (the types stay those of the schema). */
  readonly fields?: FieldsConfig;
}

/** A Prisma client, base or already extended: anything with `$extends`. */
export interface PrismaClientLike {
  readonly $extends: unknown;
}

/** The generated `withFieldseal`: extends `client` with fieldseal and types it for the schema `All`. */
export type WithFieldseal<All extends ModelsTypeInfo> = <C extends PrismaClientLike>(client: C, options: WithFieldsealOptions) => FieldsealClient<C, All>;

/**
 * Builds `withFieldseal` for one schema: `All` is the generator's `FieldsealModels`, `config`
 * its `fields` and `datamodel`. Called by the generated module, not by applications.
 */
export function createWithFieldseal<All extends ModelsTypeInfo>(config: { readonly fields: FieldsConfig; readonly datamodel: DatamodelInput }): WithFieldseal<All> {
  return <C extends PrismaClientLike>(client: C, options: WithFieldsealOptions): FieldsealClient<C, All> => {
    const extension = fieldsealExtension({ sealer: options.sealer, fields: options.fields ?? config.fields, datamodel: config.datamodel });
    // The one place the client's type is restated: $extends returns the same client typed
    // from Prisma's own type map, and FieldsealClient is that type built from the rewritten map.
    const extendable = client as unknown as { $extends(extension: FieldsealPrismaExtension): unknown };
    return extendable.$extends(extension) as FieldsealClient<C, All>;
  };
}
