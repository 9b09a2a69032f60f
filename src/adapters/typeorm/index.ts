/**
 * `fieldseal/typeorm`: transparent field protection for TypeORM 1.x entities.
 *
 * ```ts
 * import { fieldsealDataSource, SealedColumn, BlindIndexColumn } from 'fieldseal/typeorm'
 * const fieldseal = await fieldsealDataSource(dataSource, { sealer })
 * ```
 *
 * See docs/typeorm.md for the decorators, the queries that work and those refused, column
 * sizing and migrating an existing column. `typeorm` is an optional peer dependency, loaded
 * only by this entry point: using it without `typeorm` installed throws a
 * ConfigurationError that names the package (`npm install typeorm`).
 *
 * @module
 */
export { SealedColumn, DeterministicColumn, BlindIndexColumn, FpeColumn, blindIndexLength, FPE_DEFAULT_LENGTH, type FieldsealPropertyDecorator } from './decorators.js';
export type { BlindIndexColumnOptions, ColumnPlacement, DeterministicColumnOptions, FpeColumnOptions, FpePreset, LookupVersioned, SealedColumnOptions } from './declarations.js';
export { fieldsealDataSource, type ColumnLookup, type FieldsealDataSource, type FieldsealDataSourceOptions } from './data-source.js';
export { SealedText } from './guard.js';
export { typeormRowSource, type TypeormRowSourceOptions } from './row-source.js';
export { typeormSqlConnection, typeormSqlDialect, type TypeormSqlConnection } from '../../keys/store/typeorm-sql-connection.js';
export type { TypeormSealer, RowKey } from './field-values.js';
export { VALUE_TYPES, canonicalDecimal, type ValueType } from './value-types.js';
export { UnsupportedQueryError, PlaintextRejectedError, ConfigurationError, DecryptionError, LookupIntegrityError, KeyDestroyedError } from '../../errors.js';
export { typeormInventoryColumns } from './inventory-columns.js';
