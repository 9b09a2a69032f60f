/**
 * `fieldseal/prisma`: transparent field protection for Prisma 7 models.
 *
 * ```ts
 * import { fieldsealExtension } from 'fieldseal/prisma'
 * import { fieldseal } from './generated/fieldseal.js'   // from the `fieldseal` generator
 * const prisma = new PrismaClient({ adapter }).$extends(fieldsealExtension({ sealer, ...fieldseal }))
 * ```
 *
 * See docs/prisma.md for annotations, supported and refused queries, column sizing and
 * migrating an existing column. `@prisma/client` is an optional peer dependency, loaded
 * only by this entry point: importing it without `@prisma/client` installed throws a
 * ConfigurationError that names the package (`npm install @prisma/client`).
 *
 * @module
 */
export { fieldsealExtension, type FieldsealExtensionOptions, type FieldsealPrismaExtension, type QueryHookParams } from './extension.js';
export {
  defineFields,
  LOGICAL_TYPES,
  type BlindIndexFieldConfig,
  type DeterministicFieldConfig,
  type FieldConfig,
  type FieldsConfig,
  type FpeFieldConfig,
  type FpeFieldOptions,
  type FpePreset,
  type LogicalType,
  type LookupVersionOptions,
  type ProtectedField,
  type RandomizedFieldConfig,
} from './config.js';
export type { DatamodelField, DatamodelInput, DatamodelModel } from './datamodel.js';
export { fieldsealRaw, type RawFieldHelpers, type RawValueOptions } from './raw.js';
export { createWithFieldseal, type PrismaClientLike, type WithFieldseal, type WithFieldsealOptions } from './typed-client.js';
export type {
  ExtendablePrismaClient,
  FieldTypeInfo,
  FieldsealClient,
  LogicalFilter,
  LogicalInputTypes,
  LogicalOutputTypes,
  ModelTypeInfo,
  ModelsTypeInfo,
  SealedTypeMap,
  SealedTypeMapCb,
} from './types.js';
export { prismaRowSource, type PrismaRowSourceOptions, type PrismaModelSource, type RotationJobKind, type SkippedField } from './row-source.js';
export { classifyStored, needsSealing, openValue, sealValue, type StoredState } from './field-access.js';
export type { FieldSealer, RowKey } from './sealer-port.js';
export { UnsupportedQueryError, PlaintextRejectedError, ConfigurationError, LookupIntegrityError } from '../../errors.js';
