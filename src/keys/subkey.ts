/**
 * Per-purpose, per-field subkeys: HKDF-SHA256 (RFC 5869) from a data or lookup key,
 * so that one field's tokens never match another's and a key derived for one purpose is
 * never used for another. `info` = purpose ‖ length-prefixed domain parts.
 *
 * @module
 */
import { hkdfSha256 } from '../crypto/hmac.js';
import { encodeParts } from '../format/context.js';

/** What a subkey is for; part of the HKDF info so purposes never share a key. */
export type SubkeyPurpose = 'aead' | 'aead-siv' | 'siv' | 'bidx' | 'fpe' | 'pseudonym';

const SALT = Buffer.from('fieldseal/v1/subkey', 'utf8');

/** Subkey length per purpose: AES-SIV takes K1‖K2 of AES-256 (64 bytes), the rest 32. */
export const SUBKEY_BYTES: Record<SubkeyPurpose, number> = { aead: 32, 'aead-siv': 64, siv: 64, bidx: 32, fpe: 32, pseudonym: 32 };

/** Derives the subkey for `purpose` and `domain` (e.g. [model, field], or a shared token domain). */
export function deriveSubkey(dataKey: Uint8Array, purpose: SubkeyPurpose, domain: readonly string[]): Buffer {
  const info = Buffer.concat([Buffer.from(purpose, 'utf8'), Buffer.of(0), encodeParts(domain)]);
  return hkdfSha256(dataKey, SALT, info, SUBKEY_BYTES[purpose]);
}
