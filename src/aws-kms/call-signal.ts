/**
 * One AbortSignal per KMS call: the caller's signal (fieldseal's keyring sets it from its
 * own timeouts) combined with the provider's own per-call deadline, so a call can never
 * hang on a peer that accepted the connection and went silent.
 *
 * @module
 */

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
