/**
 * AES-GCM (NIST SP 800-38D) through node:crypto, with 16-byte tags only.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, type CipherGCMTypes } from 'node:crypto';
import { DecryptionError, InvalidInputError } from '../errors.js';
import { equivalentGcmIv, OPENSSL_GCM_MAX_IV } from './gcm-long-iv.js';

/** GCM authentication tag length used everywhere in fieldseal (SP 800-38D §5.2.1.2: the full 128 bits). */
export const GCM_TAG_BYTES = 16;

const GCM_BY_KEY_LENGTH: Record<number, CipherGCMTypes> = { 16: 'aes-128-gcm', 24: 'aes-192-gcm', 32: 'aes-256-gcm' };

function algorithm(key: Uint8Array): CipherGCMTypes {
  const name = GCM_BY_KEY_LENGTH[key.length];
  if (name === undefined) throw new InvalidInputError(`AES-GCM key must be 16, 24 or 32 bytes, got ${key.length}`);
  return name;
}

/** OpenSSL 3 refuses GCM IVs above 128 bytes; such IVs are mapped to an equivalent 16-byte one (SP 800-38D §7.1). */
function usableIv(key: Uint8Array, iv: Uint8Array): Uint8Array {
  return iv.length <= OPENSSL_GCM_MAX_IV ? iv : equivalentGcmIv(key, iv);
}

/** Encrypts and returns ciphertext‖tag. */
export function gcmSeal(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Buffer {
  if (iv.length === 0) throw new InvalidInputError('AES-GCM IV must not be empty');
  const cipher = createCipheriv(algorithm(key), key, usableIv(key, iv), { authTagLength: GCM_TAG_BYTES });
  if (aad !== undefined && aad.length > 0) cipher.setAAD(aad);
  const head = cipher.update(plaintext);
  const tail = cipher.final();
  return Buffer.concat([head, tail, cipher.getAuthTag()]);
}

/** Opens ciphertext‖tag; throws {@link DecryptionError} if authentication fails. */
export function gcmOpen(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Buffer {
  if (iv.length === 0 || sealed.length < GCM_TAG_BYTES) throw new DecryptionError();
  const decipher = createDecipheriv(algorithm(key), key, usableIv(key, iv), { authTagLength: GCM_TAG_BYTES });
  decipher.setAuthTag(sealed.subarray(sealed.length - GCM_TAG_BYTES));
  if (aad !== undefined && aad.length > 0) decipher.setAAD(aad);
  const head = decipher.update(sealed.subarray(0, sealed.length - GCM_TAG_BYTES));
  try {
    const tail = decipher.final();
    return tail.length === 0 ? head : Buffer.concat([head, tail]);
  } catch {
    head.fill(0);
    throw new DecryptionError();
  }
}
