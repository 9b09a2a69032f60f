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
