/**
 * Key wrapping bound to a record's identity: AES-KWP (RFC 5649, NIST SP 800-38F KWP) under a
 * key-encryption key derived per record with HKDF-SHA256 (RFC 5869) from a root key.
 *
 * KWP has no associated data, so a wrapped key says nothing about the record it belongs to:
 * copied into another record (another id, scope, purpose or parent) it would still unwrap
 * under the same root key. Here the KEK is
 *
 *     KEK = HKDF-SHA256(IKM = root key, salt = "fieldseal/v1/bound-key-wrap", info = identity, L = 32)
 *
 * where `identity` is an injective byte encoding of the record's identity fields, made by
 * the caller (the key layer encodes id, scope, purpose and parent with the length-prefixed
 * `encodeParts` of format/context; primitives do not depend on format/). Why this binds:
 *
 * - HKDF is a PRF keyed by the root key, so a different `identity` gives an independent,
 *   pseudorandom KEK. An injective encoding makes any change to any field (or moving a
 *   value between fields) a different `identity`.
 * - A record moved to another id or scope is therefore unwrapped with W⁻¹ under a key
 *   unrelated to the one that wrapped it. The recovered AIV semiblock is then effectively
 *   random, and it passes KWP's checks (the 32-bit constant, an MLI consistent with the
 *   wrapped length, zero padding) with probability about 2⁻⁶⁰ or less: unwrap throws
 *   DecryptionError instead of returning a key.
 * - The root key itself never wraps anything, and each derived KEK wraps the keys of one
 *   record only. The fixed salt separates these KEKs from any other HKDF use of the same
 *   root key.
 *
 * KWP is deterministic: wrapping the same key for the same identity twice gives the same
 * bytes, which reveals nothing beyond that equality (SP 800-38F's intended use).
 *
 * @module
 */
import { InvalidInputError } from '../errors.js';
import { AesKwp } from './aes-kwp.js';
import { wipe } from './bytes.js';
import { hkdfSha256 } from './hmac.js';

/** Root key length in bytes. */
export const BOUND_KEY_WRAP_ROOT_BYTES = 32;

/** Domain separation for the per-record KEKs (the HKDF salt). */
const SALT = Buffer.from('fieldseal/v1/bound-key-wrap', 'utf8');

/** AES-256-KWP under per-record KEKs derived from one 32-byte root key (see the module comment). */
export class BoundKeyWrap {
  readonly #rootKey: Buffer;

  /** @param rootKey 32 bytes; copied (HKDF needs it for every record), so the caller may wipe its own. */
  constructor(rootKey: Uint8Array) {
    if (rootKey.length !== BOUND_KEY_WRAP_ROOT_BYTES) {
      throw new InvalidInputError(`bound key wrap root key must be ${BOUND_KEY_WRAP_ROOT_BYTES} bytes, got ${rootKey.length}`);
    }
    this.#rootKey = Buffer.from(rootKey);
  }

  /**
   * Wraps `key` (1 or more bytes) for the record named by `identity`, an injective,
   * non-empty encoding of its identity fields. Deterministic.
   */
  wrap(key: Uint8Array, identity: Uint8Array): Buffer {
    return this.#withKwp(identity, (kwp) => kwp.wrap(key));
  }

  /**
   * Unwraps a value from {@link wrap} for the record named by `identity`. Throws
   * DecryptionError if `identity` differs in any byte from the one it was wrapped for, or
   * the wrapped bytes were changed.
   */
  unwrap(wrapped: Uint8Array, identity: Uint8Array): Buffer {
    return this.#withKwp(identity, (kwp) => kwp.unwrap(wrapped));
  }

  #withKwp(identity: Uint8Array, use: (kwp: AesKwp) => Buffer): Buffer {
    // An empty identity would bind to nothing: every caller forgetting it would share one KEK.
    if (identity.length === 0) throw new InvalidInputError('bound key wrap identity must not be empty');
    const kek = hkdfSha256(this.#rootKey, SALT, identity, 32);
    try {
      return use(new AesKwp(kek));
    } finally {
      wipe(kek);
    }
  }

  /** Overwrites its copy of the root key; any later use fails (HKDF of zeros would still run, so callers drop the object too). */
  wipe(): void {
    this.#rootKey.fill(0);
  }

  /** Redacts itself: never prints the root key. */
  toJSON(): string {
    return '[BoundKeyWrap]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[BoundKeyWrap]';
  }
}
