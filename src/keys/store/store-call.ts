/**
 * One call of a SQL key store: bounded by the store's `timeoutMs`, retried on deadlocks and
 * busy databases within that time, and failing only with fieldseal's typed errors.
 *
 * @module
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigurationError, FieldsealError, KeyStoreError } from '../../errors.js';
import { driverErrorKind, storeFailure } from './driver-errors.js';
import type { SqlCallOptions } from './sql-connection.js';

/** The default time limit of one key store call, in milliseconds. */
export const DEFAULT_KEY_STORE_TIMEOUT_MS = 5000;

/** Refuses a `timeoutMs` option that is not a positive integer of milliseconds (setTimeout's range). */
export function checkTimeoutMs(timeoutMs: number | undefined): number {
  const ms = timeoutMs ?? DEFAULT_KEY_STORE_TIMEOUT_MS;
  if (!Number.isSafeInteger(ms) || ms < 1 || ms > 2_147_483_647) throw new ConfigurationError('key store timeoutMs must be a positive integer of milliseconds');
  return ms;
}

/** What a call is, for its errors. */
export interface StoreCall {
  /** The store's description. */
  readonly source: string;
  /** What the call does, e.g. `insert of key 0a1b2c3d`. */
  readonly operation: string;
  readonly timeoutMs: number;
  /** Texts the call sent that must not appear in its errors (see `storeFailure`). */
  readonly scrub?: readonly string[];
  /** The errors the call fails with; default `KeyStoreError`s (other callers than the key stores bring their own). */
  readonly errors?: CallErrors;
}

/** How a call reports a time out and a driver failure. */
export interface CallErrors {
  /** The error of a call that ran out of time; `message` says so, naming the call. */
  timedOut(message: string): FieldsealError;
  /** The error of a call the driver failed (`error` is the driver's, not yet scrubbed). */
  failed(error: unknown): FieldsealError;
}

/**
 * Runs `body` within `call.timeoutMs`. On time out the signal given to `body` is aborted
 * (the adapter then rolls back or drops its connection) and the call fails at once with a
 * `KeyStoreError`; a late result of `body` is discarded.
 */
export async function withinTimeLimit<T>(call: StoreCall, body: (options: SqlCallOptions) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const { signal } = controller;
  const deadline = Date.now() + call.timeoutMs;
  const timedOut = new Promise<never>((_, reject) => {
    const message = `${call.source}: ${call.operation} timed out after ${call.timeoutMs} ms; a write it made is either complete or absent, never partial`;
    signal.addEventListener('abort', () => reject(call.errors === undefined ? new KeyStoreError(message) : call.errors.timedOut(message)), { once: true });
  });
  timedOut.catch(() => undefined);
  const timer = setTimeout(() => controller.abort(), call.timeoutMs);
  const work = retrying(body, signal, deadline);
  work.catch(() => undefined); // a late failure after a time out is expected, not unhandled
  try {
    return await Promise.race([work, timedOut]);
  } catch (error) {
    if (signal.aborted) throw await timedOut.catch((timeout: unknown) => timeout);
    if (error instanceof FieldsealError) throw error;
    throw call.errors === undefined ? storeFailure(call.source, call.operation, error, call.scrub ?? []) : call.errors.failed(error);
  } finally {
    clearTimeout(timer);
  }
}

async function retrying<T>(body: (options: SqlCallOptions) => Promise<T>, signal: AbortSignal, deadline: number): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await body({ signal, timeoutMs: Math.max(1, deadline - Date.now()) });
    } catch (error) {
      if (signal.aborted || error instanceof FieldsealError || driverErrorKind(error) !== 'retry') throw error;
      // Backoff with jitter, so racing writers (several processes on one SQLite file) spread out.
      const base = Math.min(2 ** attempt * 4, 100);
      await sleep(base / 2 + randomInt(0, base + 1), undefined, { signal });
    }
  }
}
