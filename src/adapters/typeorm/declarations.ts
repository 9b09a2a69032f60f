/**
 * What the fieldseal decorators record about entity properties, kept until
 * `fieldsealDataSource` resolves them against the DataSource's metadata (where every
 * mistake is reported, naming entity and column).
 *
 * @module
 */
import type { Normalizer } from '../../index.js';
import type { ValueType } from './value-types.js';

/** The FPE presets, each with the options it takes. */
export type FpePreset = 'card' | 'ssn' | 'phone' | 'numeric' | 'alphanumeric';

/** Where and how the column is stored; every field is optional. */
export interface ColumnPlacement {
  /** Database column name (default: TypeORM's naming of the property). */
  readonly name?: string;
  /** Whether the column accepts NULL (default false, as TypeORM's own default). */
  readonly nullable?: boolean;
  /**
   * A `varchar` length. Without it, sealed values go in a `text` column. With it, the
   * column must fit the longest sealed text: `fieldsealDataSource` checks this with
   * `sealer.ciphertextLength` and names the size needed.
   */
  readonly length?: number;
}

/** Options shared by randomized and deterministic columns. */
interface SealedBase extends ColumnPlacement {
  /** What the property holds in the application (default `string`). */
  readonly valueType?: ValueType;
  /**
   * Longest plaintext in bytes (UTF-8 for strings, JSON text for `json`), for checking a
   * `length` against the sealed text. Fixed-size types (number, date, boolean) need none;
   * bigint defaults to 20 (any 64-bit integer).
   */
  readonly maxBytes?: number;
  /**
   * Accept legacy plaintext found in the column on read (writes always seal), while an
   * existing column is being moved over. Default false: plaintext found is an error.
   */
  readonly migrating?: boolean;
  /** A fixed key scope (default: the sealer's default scope). */
  readonly scope?: string;
}

/** Options of `@SealedColumn`: randomized encryption (reversible, no lookups). */
export interface SealedColumnOptions extends SealedBase {
  /**
   * A plain property of the entity whose value binds the ciphertext to its row (usually the
   * primary key): a value copied to another row no longer opens. Its value must be known
   * when the column is written (a `@PrimaryColumn`, or a `uuid` primary generated column,
   * which the adapter fills before insert when it is empty).
   */
  readonly row?: string;
}

/** Options of `@DeterministicColumn`: equal values give equal texts, so the column can be queried by equality. */
export interface DeterministicColumnOptions extends SealedBase {
  /** A token domain shared with other columns on purpose (to join on them). */
  readonly domain?: string;
  /** A UNIQUE constraint on the column (needs `length`: a TEXT column cannot be UNIQUE in MySQL). */
  readonly unique?: boolean;
}

/** Options of `@BlindIndexColumn`: a keyed hash of another column's value, for equality lookups on it. */
export interface BlindIndexColumnOptions extends Omit<ColumnPlacement, 'length'> {
  /** The property whose value is indexed (a `@SealedColumn` of the same entity). */
  readonly of: string;
  /** Normalizer applied before hashing (`email`, `lowercase`, `trim`, `digits`, `phone` or a function). */
  readonly normalize?: Normalizer;
  /** Bits kept (16..256, default 256): fewer bits, more false positives, less leakage. */
  readonly bits?: number;
  /** A UNIQUE constraint on the index (unique source values, as normalized). */
  readonly unique?: boolean;
  /** A token domain shared with other columns on purpose. */
  readonly domain?: string;
  /** A fixed key scope (default: the indexed column's). */
  readonly scope?: string;
}

/** FPE options shared by every preset. */
interface FpeBase extends ColumnPlacement {
  /** A fixed key scope. */
  readonly scope?: string;
  /** A UNIQUE constraint on the token column. */
  readonly unique?: boolean;
}

/** Options of `@FpeColumn`: a format-preserving token (FF1), reversible, equal values give equal tokens. */
export type FpeColumnOptions =
  | (FpeBase & { readonly preset: 'card'; readonly keepFirst?: number; readonly keepLast?: number; readonly luhn?: 'valid' | 'invalid' })
  | (FpeBase & { readonly preset: 'ssn' })
  | (FpeBase & { readonly preset: 'phone'; readonly keepFirst?: number; readonly keepLast?: number })
  | (FpeBase & { readonly preset: 'numeric'; readonly keepFirst?: number; readonly keepLast?: number })
  | (FpeBase & { readonly preset: 'alphanumeric'; readonly keepFirst?: number; readonly keepLast?: number; readonly letterCase?: 'upper' | 'lower' | 'mixed' });

/** One decorated property, as declared. */
export type Declaration =
  | { readonly kind: 'randomized'; readonly options: SealedColumnOptions }
  | { readonly kind: 'deterministic'; readonly options: DeterministicColumnOptions }
  | { readonly kind: 'blindIndex'; readonly options: BlindIndexColumnOptions }
  | { readonly kind: 'fpe'; readonly options: FpeColumnOptions };

/** A decorated property: its declaration, or the several that conflict on it. */
export interface DeclaredProperty {
  readonly declarations: Declaration[];
}

const declared = new Map<Function, Map<string, DeclaredProperty>>();

/** Records a decorator on `target.property` (called by the decorators). */
export function declare(target: Function, property: string, declaration: Declaration): void {
  let properties = declared.get(target);
  if (properties === undefined) declared.set(target, (properties = new Map()));
  const entry = properties.get(property);
  if (entry === undefined) properties.set(property, { declarations: [declaration] });
  else entry.declarations.push(declaration);
}

/** The declaration of `property` on the class `target` declared it on, if any. */
export function declarationOf(target: Function | string, property: string): DeclaredProperty | undefined {
  return typeof target === 'function' ? declared.get(target)?.get(property) : undefined;
}

/** Every decorated property of `target` itself (not inherited). */
export function declaredProperties(target: Function): ReadonlyMap<string, DeclaredProperty> {
  return declared.get(target) ?? new Map();
}
