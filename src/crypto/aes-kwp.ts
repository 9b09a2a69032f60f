/**
 * AES Key Wrap with Padding (KWP): RFC 5649, NIST SP 800-38F §6.3 (KWP-AE / KWP-AD).
 *
 * KWP wraps 1 or more octets of key data under a key-encryption key (KEK). RFC 5649 §3
 * prefixes the data with the 64-bit alternative initial value AIV = 0xA65959A6 ‖ MLI (the
 * data length in octets, 32-bit big-endian; SP 800-38F calls the constant ICV2), pads it
 * with zeros to whole 64-bit semiblocks, then encrypts: when the padded data is a single
 * semiblock, AIV ‖ data is one AES block encrypted once (ECB, RFC 5649 §4.1); otherwise the
 * RFC 3394 wrapping function W runs its 6·n steps (SP 800-38F §6.1). Unwrapping inverts that and accepts the result only
 * if the first four octets equal the constant, 8·(n−1) < MLI ≤ 8·n, and the padding octets
 * are all zero (RFC 5649 §3). A wrong KEK or any change to the wrapped bytes fails these
 * checks except with negligible probability; KWP is deterministic and has no associated
 * data (see bound-key-wrap.ts for binding a wrapped key to its record).
 *
 * The computation is OpenSSL's (node:crypto `id-aes{128,192,256}-wrap-pad`), which does
 * the AIV, length and padding checks itself, comparing with CRYPTO_memcmp (constant time),
 * and wipes its output on failure; the vector tests run every Wycheproof case, valid and
 * invalid, against it. It is not trusted at the edges: it "wraps" and "unwraps" empty
 * input to empty output, so lengths are checked here first.
 *
 * OpenSSL's wrap ciphers treat every `update` as one complete wrap or unwrap with the
 * stored key schedule and nothing carries over between calls, so (like AesBlockCipher) one
 * cipher per direction is created per key and never finalised: the key schedule is done
 * once and the key bytes stay inside OpenSSL.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, type Cipher, type Decipher } from 'node:crypto';
import { DecryptionError, InvalidInputError } from '../errors.js';

/** KWP works in 64-bit semiblocks (SP 800-38F §4.1). */
export const KWP_SEMIBLOCK = 8;

/**
 * Largest plaintext, in octets, that {@link AesKwp.wrap} accepts. RFC 5649's 32-bit MLI
 * allows up to 2^32 − 1; OpenSSL stops below 2^31, and key data is far smaller anyway.
 */
export const KWP_MAX_PLAINTEXT = 0x7fffffff;

/** The length of the KWP wrapping of `plaintextLength` octets: padded to semiblocks, plus the AIV semiblock. */
export function kwpWrappedLength(plaintextLength: number): number {
  return Math.ceil(plaintextLength / KWP_SEMIBLOCK) * KWP_SEMIBLOCK + KWP_SEMIBLOCK;
}

/** The 32-bit constant of RFC 5649 §3's AIV (SP 800-38F ICV2); OpenSSL appends the MLI. */
const AIV_CONSTANT = Buffer.from([0xa6, 0x59, 0x59, 0xa6]);

const KWP_BY_KEY_LENGTH: Record<number, string> = { 16: 'id-aes128-wrap-pad', 24: 'id-aes192-wrap-pad', 32: 'id-aes256-wrap-pad' };

/** One message for every unwrap failure: which check failed is not told (the length is public anyway). */
const UNWRAP_FAILED = 'key unwrap failed: the wrapped key was tampered with or truncated, or was wrapped under another key';

/** AES-KWP (RFC 5649) under one 16-, 24- or 32-byte key-encryption key. */
export class AesKwp {
  readonly #wrap: Cipher;
  readonly #unwrap: Decipher;

  /** @param kek the key-encryption key: 16, 24 or 32 bytes (AES-128/192/256). */
  constructor(kek: Uint8Array) {
    const name = KWP_BY_KEY_LENGTH[kek.length];
    if (name === undefined) throw new InvalidInputError(`AES-KWP key must be 16, 24 or 32 bytes, got ${kek.length}`);
    this.#wrap = createCipheriv(name, kek, AIV_CONSTANT);
    this.#unwrap = createDecipheriv(name, kek, AIV_CONSTANT);
  }

  /**
   * Wraps `plaintext` (1 to {@link KWP_MAX_PLAINTEXT} octets; RFC 5649 §4.1):
   * {@link kwpWrappedLength} octets. Deterministic: the same key and plaintext always give
   * the same output. Throws InvalidInputError for an empty or oversized plaintext.
   */
  wrap(plaintext: Uint8Array): Buffer {
    if (plaintext.length === 0 || plaintext.length > KWP_MAX_PLAINTEXT) {
      throw new InvalidInputError(`AES-KWP wraps 1 to ${KWP_MAX_PLAINTEXT} bytes, got ${plaintext.length}`);
    }
    return this.#wrap.update(plaintext);
  }

  /**
   * Unwraps and verifies (RFC 5649 §4.2, §3): returns the key data, or throws
   * DecryptionError when the length is impossible (under 16 octets or not whole
   * semiblocks), the AIV constant or MLI do not check, or the padding is not zero. Never
   * returns partial output.
   */
  unwrap(wrapped: Uint8Array): Buffer {
    const n = wrapped.length;
    if (n < 2 * KWP_SEMIBLOCK || n % KWP_SEMIBLOCK !== 0 || n > kwpWrappedLength(KWP_MAX_PLAINTEXT)) {
      throw new DecryptionError(UNWRAP_FAILED);
    }
    try {
      return this.#unwrap.update(wrapped);
    } catch {
      // OpenSSL reports every integrity failure the same way; the cause holds nothing useful.
      throw new DecryptionError(UNWRAP_FAILED);
    }
  }

  /** Redacts itself: the key schedule lives inside OpenSSL, never in printable state. */
  toJSON(): string {
    return '[AesKwp]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[AesKwp]';
  }
}
