/**
 * Maps AWS SDK v3 errors to {@link ProviderError}, deciding `retryable`.
 *
 * Retryable (code `PROVIDER_UNAVAILABLE`): throttling, KMS internal errors, dependency
 * timeouts, temporarily unavailable key material, any 5xx/429, network failures and
 * timeouts/aborts. Permanent (code `PROVIDER_FAILED`): AccessDenied, InvalidCiphertext,
 * IncorrectKey, NotFound, Disabled, KMSInvalidState, validation and credential errors, and
 * anything unrecognised (failing closed: a permanent error is not retried blindly).
 * See https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html#API_Decrypt_Errors
 *
 * The SDK error is never attached as `cause` (it carries the raw HTTP response); a plain
 * Error with the error name, a redacted message and the request id is attached instead.
 *
 * @module
 */
import { ProviderError } from '../errors.js';
import { abortedCallError } from '../keys/kms/call-signal.js';
import { redactMessage } from '../keys/kms/redact.js';

/** The provider name used in errors and stats. */
export const AWS_PROVIDER = 'aws-kms';

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'KMSInternalException',
  'InternalFailure',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'DependencyTimeoutException',
  'KeyUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
}

/** Whether an AWS SDK (or network) error is worth retrying. */
export function isRetryableAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkErrorShape;
  const name = typeof e.name === 'string' ? e.name : '';
  if (RETRYABLE_NAMES.has(name)) return true;
  if (typeof e.code === 'string' && RETRYABLE_NETWORK_CODES.has(e.code)) return true;
  if (e.$retryable !== undefined && e.$retryable !== null && e.$retryable !== false) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  return e.$fault === 'server';
}

/**
 * Converts anything a KMS call threw into a {@link ProviderError}. `operation` is the KMS
 * action, `what` names the wrapped key (never its bytes), `aborted` says whether the call's
 * signal fired (caller abort or deadline), which wins over whatever the SDK reported;
 * `secrets` (the call's key and wrapped bytes) are scrubbed from any text copied from it.
 */
export function toAwsProviderError(
  operation: string,
  what: string,
  error: unknown,
  aborted?: 'caller' | 'deadline',
  timeoutMs?: number,
  secrets: readonly Uint8Array[] = [],
): ProviderError {
  if (error instanceof ProviderError) return error;
  if (aborted !== undefined) return abortedCallError(AWS_PROVIDER, operation, what, aborted, timeoutMs);
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const rawMessage = typeof e.message === 'string' && e.message !== '' && e.message !== 'UnknownError' ? e.message : '';
  const code = typeof e.code === 'string' ? e.code : undefined;
  const requestId = typeof e.$metadata?.requestId === 'string' ? e.$metadata.requestId : undefined;
  const retryable = isRetryableAwsError(error);
  const detail = [name, code, rawMessage && redactMessage(rawMessage, secrets)].filter(Boolean).join(': ');
  const cause = new Error(`${detail}${requestId ? ` (request id ${requestId})` : ''}`);
  cause.name = name;
  return new ProviderError(AWS_PROVIDER, `${operation} for ${what} failed (${detail})`, {
    retryable,
    code: retryable ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_FAILED',
    cause,
  });
}
