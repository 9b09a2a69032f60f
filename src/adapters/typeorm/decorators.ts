/**
 * The property decorators that declare protected columns. Each one declares the TypeORM
 * column (a text column holding sealed text or a token, with the guard transformer) and
 * records how it is protected; `fieldsealDataSource` checks every declaration against the
 * DataSource's metadata before the first query.
 *
 * TypeORM's decorators are legacy (`experimentalDecorators`) property decorators; these are
 * too. Do not add TypeORM's own `@Column` to the same property.
 *
 * @module
 */
import { declare, type BlindIndexColumnOptions, type ColumnPlacement, type Declaration, type DeterministicColumnOptions, type FpeColumnOptions, type SealedColumnOptions } from './declarations.js';
import { guardTransformer } from './guard.js';
import { typeorm } from './peer.js';

/** A legacy property decorator, as TypeORM's. */
export type FieldsealPropertyDecorator = (target: object, propertyKey: string | symbol) => void;

/** The varchar length of a blind index of `bits` bits (base64url of its bytes). */
export function blindIndexLength(bits = 256): number {
  return Math.ceil((Math.ceil(bits / 8) * 4) / 3);
}

/** Default varchar length of an FPE token column. */
export const FPE_DEFAULT_LENGTH = 64;

function decorator(declaration: Declaration, column: (entity: string, property: string) => Record<string, unknown>): FieldsealPropertyDecorator {
  return (target, propertyKey) => {
    const property = String(propertyKey);
    const entityClass = (target as { constructor: Function }).constructor;
    declare(entityClass, property, declaration);
    typeorm().Column(column(entityClass.name, property) as never)(target, propertyKey);
  };
}

function placement(options: ColumnPlacement | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (options?.name !== undefined) out.name = options.name;
  if (options?.nullable !== undefined) out.nullable = options.nullable;
  return out;
}

function sealedColumn(options: SealedColumnOptions | DeterministicColumnOptions | undefined, unique: boolean | undefined) {
  return (entity: string, property: string) => ({
    ...placement(options),
    ...(options?.length !== undefined ? { type: 'varchar', length: options.length } : { type: 'text' }),
    ...(unique !== undefined ? { unique } : {}),
    transformer: guardTransformer(entity, property),
  });
}

/**
 * A randomized column: sealed with fresh randomness on every write (reversible, leaks only
 * length), optionally bound to its row by `row`. Query it through a `@BlindIndexColumn`.
 */
export function SealedColumn(options: SealedColumnOptions = {}): FieldsealPropertyDecorator {
  return decorator({ kind: 'randomized', options }, sealedColumn(options, undefined));
}

/**
 * A deterministic column (AES-SIV): equal values give equal texts, so `where` equality,
 * `In`, `Not` and `IsNull` work on it, and it can be UNIQUE. Leaks equality.
 */
export function DeterministicColumn(options: DeterministicColumnOptions = {}): FieldsealPropertyDecorator {
  return decorator({ kind: 'deterministic', options }, sealedColumn(options, options.unique));
}

/**
 * A blind index of another column (`of`): computed on every write of that column, and used
 * for `where` conditions on it. Read as stored (it is one-way).
 */
export function BlindIndexColumn(options: BlindIndexColumnOptions): FieldsealPropertyDecorator {
  return decorator({ kind: 'blindIndex', options }, (entity, property) => ({
    ...placement(options),
    type: 'varchar',
    length: blindIndexLength(typeof options?.bits === 'number' ? options.bits : 256),
    ...(options?.unique !== undefined ? { unique: options.unique } : {}),
    transformer: guardTransformer(entity, property),
  }));
}

/**
 * A format-preserving token column (FF1 under the scope's lookup key): the token has the
 * value's length and alphabet (a card number stays a Luhn-valid card number), opens back to
 * the value on read, and can be queried by equality.
 */
export function FpeColumn(options: FpeColumnOptions): FieldsealPropertyDecorator {
  return decorator({ kind: 'fpe', options }, (entity, property) => ({
    ...placement(options),
    type: 'varchar',
    length: options?.length ?? FPE_DEFAULT_LENGTH,
    ...(options?.unique !== undefined ? { unique: options.unique } : {}),
    transformer: guardTransformer(entity, property),
  }));
}
