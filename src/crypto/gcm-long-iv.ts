/**
 * Support for AES-GCM IVs longer than OpenSSL 3 accepts (128 bytes).
 *
 * For any IV other than 96 bits, GCM computes the pre-counter block
 * J0 = GHASH_H(IV ‖ 0^(s+64) ‖ [len(IV)]_64) (NIST SP 800-38D §7.1 step 2), and nothing else
 * depends on the IV. A 16-byte IV′ gives J0′ = ((IV′·H) ⊕ L)·H with L = [0]_64 ‖ [128]_64, so
 * IV′ = ((J0·H⁻¹) ⊕ L)·H⁻¹ yields exactly the same J0, hence the same ciphertext and tag,
 * and OpenSSL accepts it. Slow (BigInt field arithmetic), and only reached for IVs above
 * 128 bytes, which fieldseal itself never uses (it uses 96-bit GCM nonces).
 *
 * @module
 */
import { AesBlockCipher, BLOCK } from './aes-block.js';

/** Longest IV node:crypto (OpenSSL 3) takes for GCM, in bytes. */
export const OPENSSL_GCM_MAX_IV = 128;

const R = 0xe1n << 120n;
const MASK = (1n << 128n) - 1n;

/** Multiplication in GF(2^128) with GCM's bit order (SP 800-38D §6.3, Algorithm 1). */
export function gfMul(x: bigint, y: bigint): bigint {
  let z = 0n;
  let v = y;
  for (let i = 127; i >= 0; i--) {
    if ((x >> BigInt(i)) & 1n) z ^= v;
    v = v & 1n ? (v >> 1n) ^ R : v >> 1n;
  }
  return z;
}

/** x^(2^128 − 2) = x⁻¹ for x ≠ 0. */
export function gfInv(x: bigint): bigint {
  let result = 1n << 127n; // the field's 1 in GCM bit order
  let base = x;
  // 2^128 − 2 = 0b111…110: every bit set except bit 0.
  for (let i = 1; i < 128; i++) {
    base = gfMul(base, base);
    result = gfMul(result, base);
  }
  return result;
}

const toBig = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
const toBytes = (x: bigint): Buffer => Buffer.from((x & MASK).toString(16).padStart(32, '0'), 'hex');

/** A 16-byte IV that OpenSSL accepts and that gives the same J0 as `iv` under `key`. */
export function equivalentGcmIv(key: Uint8Array, iv: Uint8Array): Buffer {
  const h = toBig(new AesBlockCipher(key).encrypt(new Uint8Array(BLOCK)));
  // GHASH over IV ‖ 0^(s+64) ‖ [len(IV)]_64.
  const padded = Buffer.alloc(Math.ceil(iv.length / BLOCK) * BLOCK + BLOCK);
  padded.set(iv);
  padded.writeBigUInt64BE(BigInt(iv.length) * 8n, padded.length - 8);
  let j0 = 0n;
  for (let off = 0; off < padded.length; off += BLOCK) j0 = gfMul(j0 ^ toBig(padded.subarray(off, off + BLOCK)), h);
  const hInv = gfInv(h);
  return toBytes(gfMul(gfMul(j0, hInv) ^ 128n, hInv));
}
