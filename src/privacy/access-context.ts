/**
 * Who acts and why, carried through asynchronous code: every decrypt, export and key
 * operation inside `withAccess({ actor, purpose }, fn)` is audited under that actor and
 * purpose, however deep the call, across awaits, timers and promise chains, without
 * passing them down by hand. Concurrent requests each keep their own (AsyncLocalStorage).
 *
 * @module
 */
import { InvalidInputError } from '../errors.js';
import { accessStorage, currentAccess } from '../seal/access-store.js';
import type { AccessContext } from '../seal/audit-events.js';

export { currentAccess };
export type { AccessContext };

/** The longest actor or purpose accepted, in characters. */
export const MAX_ACCESS_TEXT = 256;

/**
 * Runs `fn` with `access` as the actor and purpose of every audit event it causes, and
 * returns what `fn` returns. A nested `withAccess` replaces both for its own `fn` only; the
 * outer ones apply again after it. Actor and purpose are non-empty strings of at most
 * {@link MAX_ACCESS_TEXT} characters without control characters (they end up in log lines).
 *
 * @example
 * ```ts
 * app.get('/tickets/:id', (req, res) =>
 *   withAccess({ actor: req.user.id, purpose: 'support-ticket' }, async () => {
 *     res.json(await loadTicket(req.params.id)); // its decrypts are audited as req.user.id
 *   }),
 * );
 * ```
 */
export function withAccess<R>(access: AccessContext, fn: () => R): R {
  if (access === null || typeof access !== 'object') throw new InvalidInputError('withAccess needs { actor, purpose }');
  const checked: AccessContext = Object.freeze({ actor: accessText(access.actor, 'actor'), purpose: accessText(access.purpose, 'purpose') });
  if (typeof fn !== 'function') throw new InvalidInputError('withAccess needs a function to run');
  return accessStorage.run(checked, fn);
}

function accessText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ACCESS_TEXT) {
    throw new InvalidInputError(`withAccess ${what} must be a non-empty string of at most ${MAX_ACCESS_TEXT} characters`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value) || !value.isWellFormed()) throw new InvalidInputError(`withAccess ${what} must not contain control characters or lone surrogates`);
  return value;
}
