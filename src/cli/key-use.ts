/**
 * Whether any value of the configured protected columns is still sealed under a key: what
 * `fieldseal keys destroy` checks before it destroys one.
 *
 * @module
 */
import type { Session } from './session.js';

/** What the check found: nothing uses the key, or why it must not be destroyed (yet). */
export type KeyUse = { readonly kind: 'unused' } | { readonly kind: 'in-use' | 'unknown'; readonly reason: string };

/** Looks for values under `keyId` in every protected column of the config. */
export async function findKeyUse(_session: Session, _keyId: string, _signal: AbortSignal): Promise<KeyUse> {
  return {
    kind: 'unknown',
    reason: 'this version cannot check the protected columns for values under it (the status job is not available yet); pass --force if you know that no value uses it',
  };
}
