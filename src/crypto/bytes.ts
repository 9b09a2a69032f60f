/**
 * Byte helpers shared by the primitives: constant-time comparison, XOR, concatenation.
 *
 * @module
 */
import { timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two byte strings (length is not secret). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/**
 * Constant-time equality of a[aOff, aOff + length) and b[bOff, bOff + length), for
 * comparing tags inside batch buffers without making views: every byte is read, and the
 * result depends only on the OR of all differences.
 */
export function equalBytesAt(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, length: number): boolean {
  let diff = 0;
  for (let i = 0; i < length; i++) diff |= (a[aOff + i] as number) ^ (b[bOff + i] as number);
  return diff === 0;
}

/** XORs `b` into `a` in place over `a.length` bytes and returns `a`. */
export function xorInto(a: Uint8Array, b: Uint8Array, bOffset = 0): Uint8Array {
  for (let i = 0; i < a.length; i++) a[i] = (a[i] as number) ^ (b[bOffset + i] as number);
  return a;
}

/**
 * Copies `length` bytes from `from[fromOff]` to `to[toOff]`. For the short copies of
 * per-value batch loops (a block, a state): Buffer#copy of part of a buffer makes a view
 * object per call (measured: a partial copy allocates, a whole-buffer copy and this loop do not).
 */
export function copyBytes(to: Uint8Array, toOff: number, from: Uint8Array, fromOff: number, length: number): void {
  for (let i = 0; i < length; i++) to[toOff + i] = from[fromOff + i] as number;
}

/** Overwrites key material that is no longer needed. Best effort: JS may hold copies. */
export function wipe(...buffers: Uint8Array[]): void {
  for (const b of buffers) b.fill(0);
}
