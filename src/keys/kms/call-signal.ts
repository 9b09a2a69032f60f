/**
 * Shared by the KMS providers (fieldseal/aws-kms, fieldseal/gcp-kms).
 *
 * One AbortSignal per KMS call: the caller's signal (fieldseal's keyring sets it from its
 * own timeouts) combined with the provider's own per-call deadline, so a call can never
 * hang on a peer that accepted the connection and went silent.
 *
 * @module
 */
import { ProviderError } from '../../errors.js';

/** The combined signal, and how to tell afterwards which of the two fired. */
export interface CallSignal {
  readonly signal: AbortSignal;
  /** `caller` if the caller aborted, `deadline` if the per-call timeout fired, else `undefined`. */
  readonly reason: () => 'caller' | 'deadline' | undefined;
}

/** Combines `signal` with a `timeoutMs` deadline (AbortSignal.any, Node >= 20.3). */
export function callSignal(signal: AbortSignal | undefined, timeoutMs: number): CallSignal {
  const deadline = AbortSignal.timeout(timeoutMs);
  const combined = signal === undefined ? deadline : AbortSignal.any([signal, deadline]);
  return {
    signal: combined,
    reason: () => (signal?.aborted ? 'caller' : deadline.aborted ? 'deadline' : undefined),
  };
}

/**
 * The error for a call whose signal fired: the caller's abort or the deadline. Both are
 * retryable and `PROVIDER_UNAVAILABLE`; the message names the operation and the data key.
 */
export function abortedCallError(provider: string, operation: string, what: string, aborted: 'caller' | 'deadline', timeoutMs?: number): ProviderError {
  const why = aborted === 'caller' ? 'aborted by the caller' : `timed out after ${timeoutMs ?? '?'} ms`;
  return new ProviderError(provider, `${operation} for ${what} ${why}`, { retryable: true, code: 'PROVIDER_UNAVAILABLE' });
}
