/**
 * The stored form of a data key: only ever wrapped. A key store holds these.
 *
 * @module
 */

/**
 * Lifecycle of a data key.
 * - `active`: decrypts, is a lookup candidate, and encrypts when it is the scope's primary;
 * - `decrypt-only`: retired from encryption (after a rotation) but still opens old values;
 * - `destroyed`: its wrapped bytes are erased; values under it are unrecoverable (crypto-shredding).
 */
export type DataKeyState = 'active' | 'decrypt-only' | 'destroyed';

/** A data key as a key store keeps it. */
export interface DataKeyRecord {
  /** 8 lowercase hex digits (the u32 written into every value's header). */
  readonly id: string;
  /** `default`, a tenant, or a data subject. */
  readonly scope: string;
  readonly state: DataKeyState;
  /** Exactly one active key per scope is primary: it seals new values. */
  readonly primary: boolean;
  /** The KEK that wrapped it, in its provider's terms. */
  readonly kekRef: string;
  /** Wrapped key bytes, base64. Empty once destroyed. */
  readonly wrapped: string;
  /** ISO-8601 creation time. */
  readonly createdAt: string;
  /** ISO-8601 time of the last state change or rewrap. */
  readonly updatedAt: string;
}

/** The default scope name. */
export const DEFAULT_SCOPE = 'default';
