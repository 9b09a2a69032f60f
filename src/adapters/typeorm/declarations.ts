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
  /**
   * A plain property of the entity holding the row's data subject (a customer id): values
   * are sealed under that subject's own data keys, so that `sealer.shred({ subject })`
   * erases exactly that subject's values. A row whose subject is NULL is sealed under the
   * scope's keys. Lookup tokens (blind indexes) stay under the scope's lookup key. The
   * subject must be known when the column is written, and must not change afterwards
   * without the value being written again.
   */
  readonly subject?: string;
}

/**
 * Options of a column holding lookup tokens (deterministic, blind index, FPE) during a
 * replacement of the scope's lookup key (docs/rotation.md §6): a shadow column is written
 * beside the old one under the next key version, a job fills it, then reads switch to it.
 */
export interface LookupVersioned {
  /**
   * The lookup key version of the column's tokens (default 1, the scope's original lookup
   * key; each version is its own key, made on first use). Lookups of a value compare the
   * column of the highest version not marked `reindexing`.
   */
  readonly lookupVersion?: number;
  /**
   * Written on every write of the value, never read yet: a shadow column being filled by
   * the `reindex` job. Remove it once the job and `verify` are done, to switch reads over.
   */
  readonly reindexing?: boolean;
}

/** Options of `@DeterministicColumn`: equal values give equal texts, so the column can be queried by equality. */
export interface DeterministicColumnOptions extends SealedBase, LookupVersioned {
  /** A token domain shared with other columns on purpose (to join on them). */
  readonly domain?: string;
  /** A UNIQUE constraint on the column (needs `length`: a TEXT column cannot be UNIQUE in MySQL). */
  readonly unique?: boolean;
  /**
   * Makes this column the shadow of another deterministic column of the entity (named by
   * property): written with the value of that column, under this column's `lookupVersion`,
   * in that column's context (model, field, scope, domain, type). Its value is never read
   * into the entity: results come from the logical column.
   */
  readonly shadowOf?: string;
}

/** Options of `@BlindIndexColumn`: a keyed hash of another column's value, for equality lookups on it. */
export interface BlindIndexColumnOptions extends Omit<ColumnPlacement, 'length'>, LookupVersioned {
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
interface FpeBase extends ColumnPlacement, LookupVersioned {
  /** A fixed key scope. */
  readonly scope?: string;
  /** A UNIQUE constraint on the token column. */
  readonly unique?: boolean;
  /**
   * Makes this column the shadow of another FPE column of the entity (named by property,
   * with the same preset and options): written with that column's value under this
   * column's `lookupVersion`; never read into the entity.
   */
  readonly shadowOf?: string;
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
