/**
 * How the keyring calls a key provider: a deadline on every call (a KMS outage must
 * fail fast, never hang), retries with exponential backoff and full jitter for errors the
 * provider marks retryable, none for permanent refusals, and every failure surfaced as a
 * {@link ProviderError} naming the provider.
 *
 * @module
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { FieldsealError, ProviderError } from '../errors.js';

/** Retry and timeout policy for provider calls. */
export interface ProviderCallPolicy {
  /** Attempts in all, including the first (default 3). */
  readonly attempts?: number;
  /** First backoff in ms; doubles per retry, with full jitter (default 50). */
  readonly baseDelayMs?: number;
  /** Cap on one backoff in ms (default 1000). */
  readonly maxDelayMs?: number;
  /** Deadline for one attempt in ms (default 5000). */
  readonly timeoutMs?: number;
}

/** Counters of provider calls. */
export interface ProviderCallCounters {
  wrap: number;
  unwrap: number;
  generateDataKey: number;
  rewrap: number;
  retries: number;
  failures: number;
}

/** Runs `fn` under the policy; counts it under `operation`. */
export async function callProvider<T>(
  providerName: string,
  operation: keyof Omit<ProviderCallCounters, 'retries' | 'failures'>,
  counters: ProviderCallCounters,
  policy: ProviderCallPolicy,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const attempts = policy.attempts ?? 3;
  const base = policy.baseDelayMs ?? 50;
  const cap = policy.maxDelayMs ?? 1000;
  const timeoutMs = policy.timeoutMs ?? 5000;
  for (let attempt = 1; ; attempt++) {
    counters[operation]++;
    try {
      return await withDeadline(providerName, timeoutMs, fn);
    } catch (error) {
      const mapped = toProviderError(providerName, error);
      if (!mapped.retryable || attempt >= attempts) {
        counters.failures++;
        throw mapped;
      }
      counters.retries++;
      await sleep(randomInt(0, Math.max(1, Math.min(cap, base * 2 ** (attempt - 1))) + 1));
    }
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
