/**
 * Integrity of blind index lookups. A lookup on a randomized column compares its blind
 * index in the database; someone who can write to the database can copy or swap indexes
 * between rows, and a lookup for A would then return row B, whose values open correctly.
 *
 * So every entity a `find*` through a blind index returns is checked: the indexed column
 * (opened by then) is brought to the form the index hashed (the column's type, then the
 * index's normalizer) and must equal the value looked up (one of them, for `In`). A
 * mismatch fails the whole result with LookupIntegrityError, naming entity and column.
 *
 * @module
 */
import { LookupIntegrityError } from '../../errors.js';
import { blindIndexInput } from '../../tokenize/blind-index.js';
import { indexable } from './field-values.js';
import type { ProtectedField } from './fields.js';

/** One blind index condition of a `where` object: the column, its index, and the forms of the values looked up. */
export interface LookupCheck {
  readonly field: ProtectedField;
  readonly index: ProtectedField;
  readonly expected: ReadonlySet<string>;
}

/**
 * The checks of a find: one list per `where` object (several for an array of them, any of
 * which a row may match). Empty when no condition went through a blind index.
 */
export type LookupChecks = LookupCheck[][];

/** What stands for a NULL (or a value of another type): equal to no looked-up value. */
const NO_VALUE = '\u0000';

/** The form of `value` of `field` that its blind index `index` hashes. */
function indexForm(field: ProtectedField, index: ProtectedField, value: unknown): string {
  if (value === null || value === undefined) return NO_VALUE;
  try {
    const { tag, payload } = blindIndexInput(indexable(index, field, value), index.normalize);
    return `${tag[0] ?? ''}:${typeof payload === 'string' ? payload : Buffer.from(payload).toString('hex')}`;
  } catch {
    return NO_VALUE;
  }
}

/** The check of a lookup of `values` on the randomized `field` through `index`. */
export function lookupCheck(field: ProtectedField, index: ProtectedField, values: readonly unknown[]): LookupCheck {
  return { field, index, expected: new Set(values.map((v) => indexForm(field, index, v))) };
}

/** Whether any check applies (some `where` object looked a value up through a blind index). */
export function hasChecks(checks: LookupChecks): boolean {
  return checks.some((branch) => branch.length > 0);
}

/**
 * Throws LookupIntegrityError unless every entity (opened) satisfies every check of at
 * least one `where` object.
 */
export function verifyLookups(checks: LookupChecks, entities: readonly unknown[]): void {
  if (!hasChecks(checks)) return;
  for (const entity of entities) {
    if (entity === null || typeof entity !== 'object') continue;
    const record = entity as Record<string, unknown>;
    let failed: LookupCheck | undefined;
    const passes = checks.some((branch) =>
      branch.every((check) => {
        const ok = check.expected.has(indexForm(check.field, check.index, record[check.field.property]));
        if (!ok) failed ??= check;
        return ok;
      }),
    );
    if (!passes) {
      const check = failed as LookupCheck;
      throw new LookupIntegrityError(check.field.entity, check.field.property);
    }
  }
}
