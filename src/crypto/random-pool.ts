/**
 * Pooled CSPRNG output. `randomBytes(16)` per value costs more than sealing a short value
 * (a syscall-sized call into OpenSSL each time); filling a 4 KiB pool from the same CSPRNG
 * and handing out slices costs almost nothing per value. Bytes are handed out once and
 * overwritten in the pool as they are taken.
 *
 * @module
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;

/** A pool of cryptographically secure random bytes. */
export class RandomPool {
  readonly #pool = Buffer.allocUnsafe(POOL_BYTES);
  #offset = POOL_BYTES;

  /** Copies `length` (≤ 4096) fresh random bytes into `target` at `offset`. */
  fill(target: Uint8Array, offset: number, length: number): void {
    if (this.#offset + length > POOL_BYTES) {
      randomFillSync(this.#pool);
      this.#offset = 0;
    }
    const pool = this.#pool;
    const start = this.#offset;
    // A plain loop: for the 16-byte nonces taken here it beats subarray/set/fill, each of
    // which builds an object or crosses into C++.
    for (let i = 0; i < length; i++) {
      target[offset + i] = pool[start + i] as number;
      pool[start + i] = 0;
    }
    this.#offset = start + length;
  }
}
