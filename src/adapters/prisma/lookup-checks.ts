/**
 * Integrity of lookups. A lookup on a protected field compares tokens in the database: a
 * blind index column for a randomized field, the deterministic column itself. Someone who
 * can write to the database can copy or swap those tokens between rows, and a lookup for
 * A would then return row B, with B's (correctly opening) values and no error.
 *
 * So every row such a lookup returns is checked: the looked-up field is opened, brought to
 * the form the lookup compared (the blind index's normalizer and typed encoding, or the
 * field's canonical value), and must equal the value asked for (be one of the list, for
 * `in`). A mismatch fails the whole result with {@link LookupIntegrityError}.
 *
 * @module
 */
import { LookupIntegrityError } from '../../errors.js';
import { blindIndexInput, type BlindIndexable } from '../../tokenize/blind-index.js';
import { toSealable } from './codec.js';
import type { ProtectedField } from './config.js';

/** One condition a lookup put on a protected field, checked on every row it returns. */
export interface LookupCheck {
  /** The field opened for the check: a blind index's (randomized) source, or the deterministic field. */
  readonly field: ProtectedField;
  /** Canonical forms of the values looked up: one for equality, several for `in`. */
  readonly expected: ReadonlySet<string>;
  /**
   * The string looked up, when the lookup asked for exactly one string. An opened value
   * identical to it has its canonical form (the form is a function of the value), so the
   * check passes without bringing the opened value to that form a second time.
   */
  readonly asked: string | undefined;
  /** The canonical form of a value of the field under the lookup's rules (one function per field, made once). */
  readonly form: CanonicalForm;
  /**
   * Whether the result must hold the field for the check even when the query did not
   * select it (then it is selected, opened, checked and removed). True for blind index
   * lookups; a deterministic token opens only to its own value, so there the check runs
   * when the field is selected anyway.
   */
  readonly select: boolean;
}

/** The canonical form of a value under a lookup's rules; throws InvalidInputError for a value of the wrong type. */
export type CanonicalForm = (value: unknown) => string;

/** What a stored null (or a value that fails to convert) canonicalizes to: equal to no lookup value. */
const NO_VALUE = '\u0000';

/**
 * The blind-index form of a value of `source`: converted to the field's type first (so a
 * DateTime given as text and the Date read back agree), then the typed, normalized input
 * the index hashes. Throws InvalidInputError (naming model and field) for a value of the
 * wrong type.
 */
function blindIndexText(source: ProtectedField, index: ProtectedField, value: unknown): string {
  const sealable = toSealable(source, value);
  const indexable: BlindIndexable = typeof sealable === 'object' && !(sealable instanceof Date) && !(sealable instanceof Uint8Array) ? JSON.stringify(sealable) : (sealable as BlindIndexable);
  const { tag, payload } = blindIndexInput(indexable, index.normalize);
  return `${tag[0]!}:${typeof payload === 'string' ? payload : Buffer.from(payload).toString('hex')}`;
}

/** The canonical form of a deterministic field's value: its sealable value, tagged by type. */
function sealableForm(field: ProtectedField, value: unknown): string {
  const v = toSealable(field, value);
  if (typeof v === 'string') return `s:${v}`;
  if (typeof v === 'number') return `n:${Object.is(v, -0) ? 0 : v}`;
  if (typeof v === 'bigint') return `i:${v}`;
  if (typeof v === 'boolean') return `b:${v}`;
  if (v instanceof Date) return `d:${v.getTime()}`;
  if (v instanceof Uint8Array) return `x:${Buffer.from(v).toString('hex')}`;
  return `j:${JSON.stringify(v)}`;
}

/** The form of lookups through `index`, a blind index of `source` (make it once per field). */
export function blindIndexForm(source: ProtectedField, index: ProtectedField): CanonicalForm {
  return (v) => blindIndexText(source, index, v);
}

/** The form of lookups on the deterministic field `field` (make it once per field). */
export function deterministicForm(field: ProtectedField): CanonicalForm {
  return (v) => sealableForm(field, v);
}

/**
 * The check of a lookup for `values` on `field` under `form`. Computing it validates each
 * value's type. `select`: whether the field is selected for the check (blind index lookups).
 */
export function lookupCheck(field: ProtectedField, form: CanonicalForm, select: boolean, values: readonly unknown[]): LookupCheck {
  const expected = new Set<string>();
  for (let i = 0; i < values.length; i++) expected.add(form(values[i]));
  const asked = values.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
  return { field, expected, asked, form, select };
}

/** The canonical form of a stored (opened) value; null, or a value that does not convert, matches no lookup value. */
function canonicalOf(check: LookupCheck, value: unknown): string {
  if (value === null || value === undefined) return NO_VALUE;
  try {
    return check.form(value);
  } catch {
    return NO_VALUE;
  }
}

/**
 * The checks of a write's unique where that still hold for the record it returns: not those
 * of a field the write sets (`update` data), nor, for an upsert, those its `create` data
 * would not satisfy (the created record holds the created value, which may differ).
 */
export function verifiableChecks(checks: readonly LookupCheck[] | undefined, update: unknown, create?: unknown): LookupCheck[] {
  if (checks === undefined || checks.length === 0) return [];
  const sets = (data: unknown, name: string): unknown => (data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[name] : undefined);
  return checks.filter((check) => {
    const name = check.field.field;
    if (sets(update, name) !== undefined) return false;
    if (create === undefined) return true;
    const created = sets(create, name);
    return created !== undefined && check.expected.has(canonicalOf(check, created));
  });
}

/** Throws LookupIntegrityError unless `opened` (the row's opened field value) is one of the looked-up values. */
export function verifyLookup(check: LookupCheck, opened: unknown): void {
  if (check.asked !== undefined && opened === check.asked) return;
  if (!check.expected.has(canonicalOf(check, opened))) throw new LookupIntegrityError(check.field.model, check.field.field);
}
