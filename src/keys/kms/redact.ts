/**
 * Message hygiene for errors that wrap SDK errors: service messages are kept (they say which
 * principal lacked which permission) but cut short, and bytes are kept out of them two ways:
 * the call's own secrets (the data key, the wrapped key) are removed exactly in every
 * encoding, and any other run that looks like encoded bytes is replaced as well.
 *
 * @module
 */

/** Long runs of the base64/base64url alphabet, and long pure-hex runs. */
const CANDIDATE = /[A-Za-z0-9+/=_-]{32,}/g;
const MAX_LENGTH = 300;
const REDACTED = '[redacted]';

/**
 * Returns `message` without `secrets` (in hex, base64 and base64url) and without runs that
 * look like encoded bytes, at most 300 characters. A run looks encoded when it is 32+ hex
 * digits, or 40+ base64 characters mixing upper and lower case that are not a resource path
 * (`projects/p/locations/l/keyRings/r/...`: 4+ segments, each starting with a lower-case letter or
 * digit, with at most 2 capitals, no `+` or `=`).
 * ARNs, UUIDs and resource names stay readable.
 */
export function redactMessage(message: string, secrets: readonly Uint8Array[] = []): string {
  let cleaned = message;
  for (const secret of secrets) {
    const bytes = Buffer.from(secret);
    for (const form of [bytes.toString('hex'), bytes.toString('hex').toUpperCase(), bytes.toString('base64'), bytes.toString('base64url')]) {
      if (form.length >= 16) cleaned = cleaned.split(form).join(REDACTED);
    }
  }
  cleaned = cleaned.replace(CANDIDATE, (run) => (looksEncoded(run) ? REDACTED : run));
  return cleaned.length > MAX_LENGTH ? `${cleaned.slice(0, MAX_LENGTH)}…` : cleaned;
}

function looksEncoded(run: string): boolean {
  if (/^[0-9a-fA-F]+$/.test(run)) return true;
  if (run.length < 40 || !/[A-Z]/.test(run) || !/[a-z]/.test(run)) return false;
  const segments = run.split('/');
  const resourcePath =
    segments.length >= 4 && segments.every((segment) => /^[a-z0-9][A-Za-z0-9._-]*$/.test(segment) && (segment.match(/[A-Z]/g)?.length ?? 0) <= 2);
  return !resourcePath;
}
