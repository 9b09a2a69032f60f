/**
 * How the keyring calls key providers:
 * - a deadline on every call (a KMS outage must fail fast, never hang);
 * - retries with exponential backoff and full jitter for errors the provider marks
 *   retryable, none for permanent refusals;
 * - fail-fast during an outage: after `failFast.afterFailures` consecutive retryable
 *   failures of one provider, further calls fail at once for `failFast.coolDownMs` (then
 *   one call is let through to probe), so cold keys fail in microseconds instead of each
 *   waiting out the deadlines and retries;
 * - every failure surfaced as a {@link ProviderError} naming the provider.
 *
 * @module
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigurationError, FieldsealError, ProviderError } from '../errors.js';
import type { KeyProvider } from './provider.js';

/** Retry, timeout and fail-fast policy for provider calls. */
export interface ProviderCallPolicy {
  /** Attempts in all, including the first (default 3). */
  readonly attempts?: number;
  /** First backoff in ms; doubles per retry, with full jitter (default 50). */
  readonly baseDelayMs?: number;
  /** Cap on one backoff in ms (default 1000). */
  readonly maxDelayMs?: number;
  /** Deadline for one attempt in ms (default 5000). */
  readonly timeoutMs?: number;
  /** Fail at once after this many consecutive retryable failures, for a cool-down (defaults 3 and 5000 ms; `false` turns it off). */
  readonly failFast?: false | { readonly afterFailures?: number; readonly coolDownMs?: number };
}

/** Counters of provider calls. `wrap`/`unwrap`/… count attempts, retries included. */
export interface ProviderCallCounters {
  wrap: number;
  unwrap: number;
  generateDataKey: number;
  rewrap: number;
  retries: number;
  failures: number;
  /** Calls refused at once because the provider was failing (no request sent). */
  failedFast: number;
}

/** The counted operations. */
export type ProviderOperation = 'wrap' | 'unwrap' | 'generateDataKey' | 'rewrap';

/** Calls providers under one policy, with counters and per-provider fail-fast state. */
export class ProviderCaller {
  readonly counters: ProviderCallCounters = { wrap: 0, unwrap: 0, generateDataKey: 0, rewrap: 0, retries: 0, failures: 0, failedFast: 0 };
  readonly #attempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #timeoutMs: number;
  readonly #afterFailures: number;
  readonly #coolDownMs: number;
  /** Per provider name: consecutive retryable failures and until when calls fail fast. */
  readonly #health = new Map<string, { failures: number; openUntil: number }>();

  constructor(policy: ProviderCallPolicy = {}) {
    this.#attempts = policy.attempts ?? 3;
    this.#baseDelayMs = policy.baseDelayMs ?? 50;
    this.#maxDelayMs = policy.maxDelayMs ?? 1000;
    this.#timeoutMs = policy.timeoutMs ?? 5000;
    const failFast = policy.failFast === false ? { afterFailures: Number.POSITIVE_INFINITY, coolDownMs: 0 } : (policy.failFast ?? {});
    this.#afterFailures = failFast.afterFailures ?? 3;
    this.#coolDownMs = failFast.coolDownMs ?? 5000;
    if (!Number.isInteger(this.#attempts) || this.#attempts < 1) throw new ConfigurationError('providerCalls.attempts must be a positive integer');
    if (!(this.#timeoutMs > 0)) throw new ConfigurationError('providerCalls.timeoutMs must be positive');
    if (!(this.#afterFailures >= 1)) throw new ConfigurationError('providerCalls.failFast.afterFailures must be at least 1');
  }

  /** Runs `fn` against `provider` under the policy, counting it under `operation`. */
  async call<T>(provider: KeyProvider, operation: ProviderOperation, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const health = this.#healthOf(provider.name);
    if (Date.now() < health.openUntil) {
      this.counters.failedFast++;
      throw new ProviderError(provider.name, `unavailable: failing fast for up to ${this.#coolDownMs} ms after ${health.failures} consecutive failures`, {
        retryable: true,
        code: 'PROVIDER_UNAVAILABLE',
      });
    }
    for (let attempt = 1; ; attempt++) {
      this.counters[operation]++;
      try {
        const result = await withDeadline(provider.name, this.#timeoutMs, fn);
        health.failures = 0;
        return result;
      } catch (error) {
        const mapped = toProviderError(provider.name, error);
        if (mapped.retryable && ++health.failures >= this.#afterFailures) health.openUntil = Date.now() + this.#coolDownMs;
        if (!mapped.retryable || attempt >= this.#attempts || Date.now() < health.openUntil) {
          this.counters.failures++;
          throw mapped;
        }
        this.counters.retries++;
        await sleep(randomInt(0, Math.max(1, Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (attempt - 1))) + 1));
      }
    }
  }

  #healthOf(name: string): { failures: number; openUntil: number } {
    let health = this.#health.get(name);
    if (health === undefined) this.#health.set(name, (health = { failures: 0, openUntil: 0 }));
    return health;
  }
}

async function withDeadline<T>(providerName: string, timeoutMs: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ProviderError(providerName, `call timed out after ${timeoutMs} ms`, { retryable: true, code: 'PROVIDER_UNAVAILABLE' }));
    }, timeoutMs);
    timer.unref?.();
  });
  try {
    // Race, so that a provider ignoring the signal still cannot hang the caller.
    return await Promise.race([fn(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Maps anything a provider throws to a ProviderError, without copying its message when it is not ours. */
function toProviderError(providerName: string, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof FieldsealError) return new ProviderError(providerName, error.message, { cause: error });
  // A third-party error message could echo request bytes: keep only its name.
  const name = error instanceof Error ? error.name : typeof error;
  return new ProviderError(providerName, `provider call failed (${name})`);
}
