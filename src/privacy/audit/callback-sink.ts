/**
 * The simplest audit sink: a function called with each event.
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';
import type { AuditEvent, AuditSink } from '../../seal/audit-events.js';

/**
 * A sink that calls `onEvent` with each event, e.g. to hand it to your logger or queue.
 * Throwing (or returning a rejected promise) is a sink failure, handled by the Sealer's
 * `onSinkError`; returning a promise makes a `fail-read` Sealer wait for it.
 *
 * @example
 * ```ts
 * const sealer = await createSealer({ provider, store, audit: { sink: callbackAuditSink((event) => logger.info(event, 'fieldseal audit')) } });
 * ```
 */
export function callbackAuditSink(onEvent: (event: AuditEvent) => void | PromiseLike<void>): AuditSink {
  if (typeof onEvent !== 'function') throw new ConfigurationError('callbackAuditSink needs a function');
  return { write: (event) => onEvent(event) };
}
