/**
 * The SHA-256 compression function (FIPS 180-4 §6.2.2) and its message padding (§5.1.1),
 * for {@link HmacSha256Key}: HMAC of short messages from precomputed key states.
 *
 * node:crypto computes SHA-256 faster per byte, but every `createHmac` sets up an OpenSSL
 * context (algorithm fetch, key schedule, allocation) that costs more than hashing a short
 * value, and far more when it runs with cold caches between the database calls of a
 * request (bench/). Two compressions over 32-bit words, with no table indexed by data and
 * no branch on data, is the whole cost of an HMAC of a value under 56 bytes here.
 *
 * Checked against FIPS 180-4's examples and, through HMAC, RFC 4231 and Wycheproof
 * (test/crypto/hmac-sha256-key.test.ts).
 *
 * @module
 */

/** SHA-256 block size in bytes. */
export const SHA256_BLOCK = 64;

/** FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = Uint32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
  0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
  0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** FIPS 180-4 §5.3.3: the initial hash value H(0). */
const INITIAL = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/** The message schedule, reused by every call (the functions here are synchronous); wiped after each use. */
const W = new Int32Array(64);

/** A fresh chaining state set to H(0). */
export function initialState(): Int32Array {
  return INITIAL.slice();
}

/**
 * Runs the compression function over the `blocks` 64-byte blocks of `data` starting at
 * `offset`, updating `state` (eight 32-bit words) in place.
 */
export function compress(state: Int32Array, data: Uint8Array, offset: number, blocks: number): void {
  let h0 = state[0] as number;
  let h1 = state[1] as number;
  let h2 = state[2] as number;
  let h3 = state[3] as number;
  let h4 = state[4] as number;
  let h5 = state[5] as number;
  let h6 = state[6] as number;
  let h7 = state[7] as number;
  for (let block = 0; block < blocks; block++) {
    const at = offset + block * SHA256_BLOCK;
    for (let t = 0; t < 16; t++) {
      const i = at + 4 * t;
      W[t] = ((data[i] as number) << 24) | ((data[i + 1] as number) << 16) | ((data[i + 2] as number) << 8) | (data[i + 3] as number);
    }
    for (let t = 16; t < 64; t++) {
      const x = W[t - 15] as number;
      const y = W[t - 2] as number;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[t] = ((W[t - 16] as number) + s0 + (W[t - 7] as number) + s1) | 0;
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let h = h7;
    for (let t = 0; t < 64; t++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + s1 + ((e & f) ^ (~e & g)) + (K[t] as number) + (W[t] as number)) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  state[0] = h0;
  state[1] = h1;
  state[2] = h2;
  state[3] = h3;
  state[4] = h4;
  state[5] = h5;
  state[6] = h6;
  state[7] = h7;
  W.fill(0);
}

/** Bytes of padding (§5.1.1: 0x80, zeros, 64-bit length) after a message of `length` bytes: the total is whole blocks. */
export function paddedLength(length: number): number {
  return Math.ceil((length + 9) / SHA256_BLOCK) * SHA256_BLOCK;
}

/**
 * Writes the §5.1.1 padding of a message whose last `length` bytes (of `totalBytes` hashed
 * in all, blocks before this buffer included) sit at the start of `buf`: 0x80, zeros, then
 * the message length in bits as a 64-bit big-endian integer. `buf` must hold
 * {@link paddedLength}(length) bytes. Returns the number of blocks to compress.
 */
export function pad(buf: Uint8Array, length: number, totalBytes: number): number {
  const end = paddedLength(length);
  buf[length] = 0x80;
  buf.fill(0, length + 1, end - 8);
  const bits = totalBytes * 8;
  const high = Math.floor(bits / 0x1_0000_0000);
  const low = bits >>> 0;
  buf[end - 8] = high >>> 24;
  buf[end - 7] = (high >>> 16) & 0xff;
  buf[end - 6] = (high >>> 8) & 0xff;
  buf[end - 5] = high & 0xff;
  buf[end - 4] = low >>> 24;
  buf[end - 3] = (low >>> 16) & 0xff;
  buf[end - 2] = (low >>> 8) & 0xff;
  buf[end - 1] = low & 0xff;
  return end / SHA256_BLOCK;
}

/** Writes `state` big-endian into `out` at `offset` (32 bytes): the digest. */
export function writeState(state: Int32Array, out: Uint8Array, offset: number): void {
  for (let i = 0; i < 8; i++) {
    const word = state[i] as number;
    const at = offset + 4 * i;
    out[at] = word >>> 24;
    out[at + 1] = (word >>> 16) & 0xff;
    out[at + 2] = (word >>> 8) & 0xff;
    out[at + 3] = word & 0xff;
  }
}
