/**
 * Maps Cloud KMS client (gRPC) errors to {@link ProviderError}, deciding `retryable`.
 *
 * Retryable (code `PROVIDER_UNAVAILABLE`): UNAVAILABLE, DEADLINE_EXCEEDED,
 * RESOURCE_EXHAUSTED (quota), ABORTED and INTERNAL, as Google's retry guidance lists
 * (https://cloud.google.com/kms/docs/reference/rpc-retry-strategy). Everything else
 * (INVALID_ARGUMENT for a wrong key or AAD, PERMISSION_DENIED, NOT_FOUND,
 * FAILED_PRECONDITION for a disabled or destroyed version, UNAUTHENTICATED, non-gRPC
 * errors) is permanent. The client error is not attached as `cause` (it carries metadata
 * and status details); a plain Error with the status name and a redacted message is.
 *
 * @module
 */
import { ProviderError } from '../errors.js';
import { abortedCallError } from '../keys/kms/call-signal.js';
import { redactMessage } from '../keys/kms/redact.js';

/** The provider name used in errors and stats. */
export const GCP_PROVIDER = 'gcp-kms';

/** gRPC status names by code (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
const STATUS = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

const RETRYABLE = new Set(['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'RESOURCE_EXHAUSTED', 'ABORTED', 'INTERNAL']);

/** The gRPC status name of an error, if it has a numeric gRPC `code`. */
export function grpcStatusName(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? STATUS[code] : undefined;
}

/** Whether a Cloud KMS client error is worth retrying. */
export function isRetryableGcpError(error: unknown): boolean {
  const status = grpcStatusName(error);
  return status !== undefined && RETRYABLE.has(status);
}

/**
 * Converts anything a Cloud KMS call threw into a {@link ProviderError}. `aborted` says
 * whether the call's signal fired (caller abort or deadline), which wins; `secrets` (the
 * call's key and wrapped bytes) are scrubbed from any text copied from the error.
 */
export function toGcpProviderError(
  operation: string,
  what: string,
  error: unknown,
  aborted?: 'caller' | 'deadline',
  timeoutMs?: number,
  secrets: readonly Uint8Array[] = [],
): ProviderError {
  if (error instanceof ProviderError) return error;
  if (aborted !== undefined) return abortedCallError(GCP_PROVIDER, operation, what, aborted, timeoutMs);
  const status = grpcStatusName(error);
  const e = (typeof error === 'object' && error !== null ? error : {}) as { details?: unknown; message?: unknown; name?: unknown };
  const text = typeof e.details === 'string' && e.details !== '' ? e.details : typeof e.message === 'string' ? e.message : '';
  const label = status ?? (typeof e.name === 'string' ? e.name : 'Error');
  const detail = text === '' ? label : `${label}: ${redactMessage(text, secrets)}`;
  const retryable = isRetryableGcpError(error);
  const cause = new Error(detail);
  cause.name = label;
  return new ProviderError(GCP_PROVIDER, `${operation} for ${what} failed (${detail})`, {
    retryable,
    code: retryable ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_FAILED',
    cause,
  });
}
