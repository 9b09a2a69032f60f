/**
 * Scope names. A scope is `default`, a tenant, or any name the application chooses; a
 * context may also name a data *subject* within its scope. Lookup keys live at the scope
 * (a customer must be findable by e-mail before the subject is known); data keys may live
 * at the subject, so that erasing a subject is destroying its data keys.
 *
 * A subject's data keys are stored under the record scope `scope#subject`. `#` is not a
 * scope or subject character, so the record scope names exactly one (scope, subject).
 *
 * @module
 */
import { ConfigurationError } from '../errors.js';

/** The default scope name. */
export const DEFAULT_SCOPE = 'default';

const NAME = /^[\p{L}\p{N}_.:@/+=-]{1,120}$/u;

/** Separates scope and subject in a record scope. */
const SUBJECT_SEPARATOR = '#';

/** Throws ConfigurationError unless `name` is a valid scope or subject name (`what` says which). */
export function checkScopeName(name: unknown, what: 'scope' | 'subject' = 'scope'): asserts name is string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ConfigurationError(`${what} must be 1-120 letters, digits or _ . : @ / + = -`);
  }
}

/** The record scope of a subject's data keys, or of the scope's own keys when `subject` is undefined. */
export function recordScope(scope: string, subject: string | undefined): string {
  return subject === undefined ? scope : `${scope}${SUBJECT_SEPARATOR}${subject}`;
}

/** The first record scope after every `scope#…` (for range listings of a scope's subjects). */
export function subjectScopePrefix(scope: string): string {
  return `${scope}${SUBJECT_SEPARATOR}`;
}

/** The highest lookup key version a token context may name. */
export const MAX_LOOKUP_VERSION = 65535;

/** Marks a versioned lookup key's record scope: `~` is not a subject character, so it never names a subject. */
const LOOKUP_VERSION_MARK = '~v';

/**
 * Throws ConfigurationError unless `version` is a lookup key version: an integer from 1 (the
 * scope's original lookup key) to {@link MAX_LOOKUP_VERSION}.
 */
export function checkLookupVersion(version: unknown): asserts version is number {
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > MAX_LOOKUP_VERSION) {
    throw new ConfigurationError(`lookupVersion must be an integer from 1 to ${MAX_LOOKUP_VERSION}`);
  }
}

/**
 * The record scope of a scope's lookup key of `version`. Version 1 is the scope's own lookup
 * key (record scope = the scope); a later version, made for a reindex migration, lives at
 * `scope#~vN`: under the scope's subject prefix, so that shredding the scope destroys every
 * version, and never equal to a subject's record scope (`~` is not a subject character).
 */
export function lookupKeyScope(scope: string, version: number | undefined): string {
  return version === undefined || version === 1 ? scope : `${scope}${SUBJECT_SEPARATOR}${LOOKUP_VERSION_MARK}${version}`;
}

/** Whether `recordScope` holds a lookup key (of any version) of `scope`. */
export function isLookupKeyScopeOf(recordScope: string, scope: string): boolean {
  return recordScope === scope || (recordScope.startsWith(`${scope}${SUBJECT_SEPARATOR}${LOOKUP_VERSION_MARK}`) && /^\d+$/.test(recordScope.slice(scope.length + 3)));
}
