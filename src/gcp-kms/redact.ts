/**
 * Message hygiene for errors that wrap client-library errors (a copy of src/aws-kms/redact.ts, kept
 * separate so that each optional subpath stands alone): service messages are kept (they say which
 * principal lacked which permission) but cut short, and anything that looks like encoded key
 * or ciphertext bytes is replaced, so no such bytes reach a log even if a peer echoed them.
 *
 * @module
 */

/** Long runs of the base64/base64url alphabet, and long pure-hex runs. */
const CANDIDATE = /[A-Za-z0-9+/=_-]{40,}|[0-9a-fA-F]{32,}/g;
const MAX_LENGTH = 300;

/**
 * Returns `message` with encoded-bytes-looking runs replaced by `[redacted]`, at most 300
 * characters. A base64 run is one that mixes upper case, lower case and digits (random bytes
 * almost always do; ARNs, UUIDs and resource names do not), a hex run is 32+ hex digits.
 */
export function redactMessage(message: string): string {
  const cleaned = message.replace(CANDIDATE, (run) =>
    /^[0-9a-fA-F]+$/.test(run) || (/[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run)) ? '[redacted]' : run,
  );
  return cleaned.length > MAX_LENGTH ? `${cleaned.slice(0, MAX_LENGTH)}…` : cleaned;
}
