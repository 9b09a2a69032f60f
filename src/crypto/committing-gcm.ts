/**
 * AES-256-GCM (NIST SP 800-38D) under a key derived per nonce prefix, with key commitment,
 * built like the AWS Encryption SDK's committing suite ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY
 * (suite 0x0478; aws-encryption-sdk-specification, framework/transitive-requirements.md
 * "HKDF Encryption Key" and "HKDF Commit Key"), with SHA-256 in place of SHA-512:
 *
 *     PRK        = HKDF-Extract(salt = R, IKM = K)                        RFC 5869 §2.2
 *     key        = HKDF-Expand(PRK, LABEL ‖ "DERIVEKEY", 32)               RFC 5869 §2.3
 *     commitment = HKDF-Expand(PRK, LABEL ‖ "COMMITKEY", 32)
 *
 * K is a 256-bit key, R a 96-bit random nonce prefix that selects the GCM key; the GCM
 * nonce is separate. The commitment is stored beside the ciphertext and compared in
 * constant time before GCM runs.
 *
 * Why: GCM is not key-committing. Whoever knows two keys can solve one linear equation in
 * GF(2^128) for a ciphertext whose tag verifies under both, and it opens to two different
 * plaintexts ("invisible salamanders", Dodis et al. 2018; partitioning oracles, Len et al.
 * 2021). The commitment is an HMAC-SHA256 output (HKDF-Expand), a collision-resistant
 * function of the key: two keys that pass the same commitment would need a SHA-256
 * collision, about 2^128 work for these 256 bits. This commits to the key (and so to the
 * GCM key derived from it), not to the associated data: anyone holding the key can still
 * make other ciphertexts under it, as with any AEAD.
 *
 * @module
 */
import { createCipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { gcmOpen } from './aes-gcm.js';
import { DecryptionError, InvalidInputError } from '../errors.js';

/** Length of the key commitment in bytes (256 bits, as in the AWS Encryption SDK). */
export const COMMITMENT_BYTES = 32;
/** Length of the nonce prefix R that selects the derived key. */
export const KEY_NONCE_BYTES = 12;
/** Length of the GCM nonce under a derived key. */
export const GCM_NONCE_BYTES = 12;
/** GCM tag length (the full 128 bits). */
export const COMMITTING_GCM_TAG_BYTES = 16;

const LABEL = 'fieldseal/v1/committing-aes-256-gcm ';
const DERIVE_KEY_INFO = Buffer.from(`${LABEL}DERIVEKEY\x01`, 'latin1');
const COMMIT_KEY_INFO = Buffer.from(`${LABEL}COMMITKEY\x01`, 'latin1');

/** The GCM key for one nonce prefix, and the public value that commits to it. */
export interface CommittedKey {
  /** AES-256-GCM key (secret). */
  readonly key: Buffer;
  /** Key commitment (not secret): stored with every ciphertext under `key`. */
  readonly commitment: Buffer;
}

/**
 * Derives the GCM key and the commitment for nonce prefix `r` under `key` (HKDF-SHA256
 * extract once, expand twice, as the module comment gives). Both outputs are one HKDF block
 * (32 bytes), so each Expand is one HMAC: T(1) = HMAC(PRK, info ‖ 0x01).
 */
export function deriveCommittedKey(key: Uint8Array, r: Uint8Array): CommittedKey {
  if (key.length !== 32) throw new InvalidInputError(`committing AES-256-GCM key must be 32 bytes, got ${key.length}`);
  if (r.length !== KEY_NONCE_BYTES) throw new InvalidInputError(`committing AES-256-GCM nonce prefix must be ${KEY_NONCE_BYTES} bytes`);
  const prk = createHmac('sha256', r).update(key).digest();
  const derived = {
    key: createHmac('sha256', prk).update(DERIVE_KEY_INFO).digest(),
    commitment: createHmac('sha256', prk).update(COMMIT_KEY_INFO).digest(),
  };
  prk.fill(0);
  return derived;
}

/** Constant-time check that a stored commitment is the expected one (false on any length mismatch). */
export function commitmentMatches(expected: Uint8Array, stored: Uint8Array): boolean {
  return stored.length === expected.length && timingSafeEqual(expected, stored);
}

/**
 * One-shot committing AES-256-GCM under one key: `seal` returns commitment ‖ ciphertext ‖ tag;
 * `open` checks the commitment before GCM. The field cipher (seal/randomized-field.ts) uses
 * {@link deriveCommittedKey} directly to keep derived keys across values; this class is the
 * reference form of the same construction.
 */
export class CommittingAes256Gcm {
  readonly #key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new InvalidInputError(`committing AES-256-GCM key must be 32 bytes, got ${key.length}`);
    this.#key = Buffer.from(key);
  }

  /** The derived key and commitment for nonce prefix `r`. */
  derive(r: Uint8Array): CommittedKey {
    return deriveCommittedKey(this.#key, r);
  }

  /** Encrypts under the key derived for `r`, GCM nonce `nonce`; returns commitment ‖ ciphertext ‖ tag. */
  seal(r: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Buffer {
    checkNonce(nonce);
    const { key, commitment } = this.derive(r);
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: COMMITTING_GCM_TAG_BYTES });
    if (aad !== undefined) cipher.setAAD(aad);
    const out = Buffer.concat([commitment, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    key.fill(0);
    return out;
  }

  /** Opens commitment ‖ ciphertext ‖ tag; throws {@link DecryptionError} when the commitment or the tag does not verify. */
  open(r: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Buffer {
    checkNonce(nonce);
    if (sealed.length < COMMITMENT_BYTES + COMMITTING_GCM_TAG_BYTES) throw new DecryptionError();
    const { key, commitment } = this.derive(r);
    try {
      if (!commitmentMatches(commitment, sealed.subarray(0, COMMITMENT_BYTES))) throw new DecryptionError();
      return gcmOpen(key, nonce, sealed.subarray(COMMITMENT_BYTES), aad);
    } finally {
      key.fill(0);
    }
  }

  toJSON(): string {
    return '[CommittingAes256Gcm]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[CommittingAes256Gcm]';
  }
}

function checkNonce(nonce: Uint8Array): void {
  if (nonce.length !== GCM_NONCE_BYTES) throw new InvalidInputError(`committing AES-256-GCM nonce must be ${GCM_NONCE_BYTES} bytes, got ${nonce.length}`);
}
