/**
 * Checks that an error (its message, stack, own properties and whole `cause` chain, as
 * `util.inspect` renders them) contains none of a set of secret byte strings in any of the
 * encodings a log line could carry them: hex, base64, base64url, and the way `util.inspect`
 * prints a Buffer (`<Buffer 0a 1b ...>`) or a Uint8Array (`[ 10, 27, ... ]`).
 *
 * @module
 */
import { inspect } from 'node:util';

/** The textual forms in which `bytes` could appear in a log. */
export function encodingsOf(bytes: Uint8Array): string[] {
  const b = Buffer.from(bytes);
  const head = [...b.subarray(0, 16)];
  const forms = [
    b.toString('hex'),
    b.toString('hex').toUpperCase(),
    b.toString('base64'),
    b.toString('base64url'),
    head.map((x) => x.toString(16).padStart(2, '0')).join(' '),
    head.join(', '),
  ];
  // Shorter secrets than 12 bytes would make false positives likely; all fieldseal secrets are longer.
  return forms.filter((form) => form.length >= 16);
}

/** Everything about an error that could end up in a log. */
export function renderError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current !== undefined && current !== null; depth++) {
    parts.push(inspect(current, { depth: 6, breakLength: Infinity, maxArrayLength: 64 }));
    if (current instanceof Error) parts.push(String(current.message), String(current.stack));
    try {
      parts.push(JSON.stringify(current) ?? '');
    } catch {
      // Circular structures cannot be JSON-rendered; inspect above covered them.
    }
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}

/** Names the first secret found in `error`'s rendering, or `undefined` when it is clean. */
export function findLeak(error: unknown, secrets: ReadonlyArray<{ label: string; bytes: Uint8Array }>): string | undefined {
  const text = renderError(error);
  for (const secret of secrets) {
    for (const form of encodingsOf(secret.bytes)) {
      if (text.includes(form)) return secret.label;
    }
  }
  return undefined;
}
