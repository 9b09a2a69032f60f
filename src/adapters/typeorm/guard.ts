/**
 * The value transformer on every protected column: the last line of defence at TypeORM's
 * synchronous paths. It does no cryptography and calls no key provider. The adapter seals
 * values before TypeORM runs (in its subscriber and EntityManager wrapper) and hands them
 * over as {@link SealedText}; the transformer unwraps those. A plain value that reaches a
 * protected column any other way (a QueryBuilder `where` object, a write with listeners
 * off) is refused with UnsupportedQueryError rather than written or compared as plaintext.
 *
 * Inside `save` / `remove` / `softRemove` / `recover` TypeORM also passes entity values
 * through the transformer to tell which columns changed; there, and only there, plain
 * values are compared as they are (the adapter seals every changed value before the
 * UPDATE is built).
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { UnsupportedQueryError } from '../../errors.js';

/** Text the adapter sealed (or a lookup token it computed), on its way into SQL. */
export class SealedText {
  /** The sealed text or token. */
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }

  toJSON(): string {
    return '[sealed]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'SealedText';
  }
}

/** A persist operation under way (save, remove, softRemove, recover) and what it changed on the caller's objects. */
export interface PersistScope {
  /** Objects whose properties the subscriber replaced with sealed text, to restore when the operation ends. */
  readonly touched: Set<object>;
}

/** The persist operation the current async call chain is in, if any. */
export const persisting = new AsyncLocalStorage<PersistScope>();

/** A TypeORM ValueTransformer for a protected column (structurally typed). */
export interface GuardTransformer {
  to(value: unknown): unknown;
  from(value: unknown): unknown;
}

/** The transformer of `entity.property`. */
export function guardTransformer(entity: string, property: string): GuardTransformer {
  return {
    to(value: unknown): unknown {
      if (value instanceof SealedText) return value.text;
      if (value === null || value === undefined) return value;
      if (persisting.getStore() !== undefined) return value;
      throw new UnsupportedQueryError(
        entity,
        property,
        'plain value',
        'a value reached the protected column without fieldseal: query through the EntityManager or a repository of a DataSource passed to fieldsealDataSource, or use its where() helper with a QueryBuilder; writes need listeners on',
      );
    },
    from(value: unknown): unknown {
      return value;
    },
  };
}
