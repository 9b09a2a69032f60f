/**
 * FF1 format-preserving encryption (NIST SP 800-38G Rev. 1, §5.1, Algorithms 7 and 8) with
 * AES-128/192/256 as CIPH, over any radix 2..2^16.
 *
 * Why not a textbook port: FF1 is ten rounds of a CBC-MAC (the PRF of Algorithm 6) over
 * P‖Q. P depends only on (radix, n, t), and the leading blocks of Q only on the tweak, so
 * their CBC-MAC state is computed once and cached; each round then costs one AES call on a
 * cached {@link AesBlockCipher} for the usual sizes. The halves A and B are kept as integers
 * (NUM_radix values) for the whole Feistel network instead of numeral strings: plain numbers
 * when radix^v ≤ 2^45 (every decimal input up to 26 digits, every card and SSN), BigInt
 * above. Numerals are only converted at the ends.
 *
 * FF1 gives confidentiality of the numeral string only: no integrity, and equal inputs under
 * equal key and tweak give equal outputs (deterministic by design).
 *
 * @module
 */
import { InvalidInputError } from '../errors.js';
import { AesBlockCipher, BLOCK } from './aes-block.js';

/** SP 800-38G Rev. 1 §5.1: radix^minlen ≥ 1,000,000. */
export const FF1_MIN_DOMAIN = 1_000_000;
/** The original (2016) SP 800-38G bound, radix^minlen ≥ 100: only for reading legacy tokens. */
export const FF1_LEGACY_MIN_DOMAIN = 100;
/** Default maximum numeral-string length (the spec allows up to 2^32 − 1; this bounds work per call). */
export const FF1_DEFAULT_MAX_LENGTH = 4096;
/** Maximum tweak length in bytes accepted by default (SP 800-38G lets the implementation choose maxTlen). */
export const FF1_DEFAULT_MAX_TWEAK_BYTES = 4096;

const ROUNDS = 10;
const EMPTY = new Uint8Array(0);
/** radix^v up to this value keeps every intermediate of the number path below 2^53. */
const NUMBER_PATH_LIMIT = 2 ** 45;

/** Options of {@link Ff1}. */
export interface Ff1Options {
  /**
   * Smallest allowed radix^n. Default {@link FF1_MIN_DOMAIN} (SP 800-38G Rev. 1 §5.1).
   * Lowering it (never below {@link FF1_LEGACY_MIN_DOMAIN}) exists only to decrypt values
   * produced under the original 2016 bound; small domains are open to known attacks.
   */
  readonly minDomain?: number;
  /** Largest allowed numeral-string length (default {@link FF1_DEFAULT_MAX_LENGTH}). */
  readonly maxLength?: number;
  /** Largest allowed tweak in bytes (default {@link FF1_DEFAULT_MAX_TWEAK_BYTES}). */
  readonly maxTweakBytes?: number;
}

/** Everything that depends only on (n, t): SP 800-38G Algorithm 7 steps 1–5, and CIPH_K(P). */
interface LengthPlan {
  readonly n: number;
  readonly u: number;
  readonly v: number;
  readonly b: number;
  readonly d: number;
  /** Total length of Q in bytes (a multiple of 16 once P is prepended). */
  readonly qLength: number;
  /** Offset in Q of the first byte that changes per round ([i]^1). */
  readonly varStart: number;
  /** CBC-MAC state after P: CIPH_K(P). */
  readonly afterP: Buffer;
  /** radix^u and radix^v, as numbers (number path) or bigints. */
  readonly modU: number | bigint;
  readonly modV: number | bigint;
  readonly useNumbers: boolean;
}

/** A plan bound to one tweak: the CBC-MAC state after every block of Q that holds no round data. */
interface TweakPlan {
  readonly plan: LengthPlan;
  readonly tweak: Uint8Array;
  /** State after P and Q's constant blocks. */
  readonly state: Buffer;
  /** Q's remaining bytes (tweak tail, zero padding, then [i]^1‖[NUM(B)]^b), rewritten per round. */
  readonly tail: Buffer;
  /** Offset of [i]^1 in `tail`. */
  readonly roundAt: number;
}

/**
 * FF1 under one AES key and one radix (SP 800-38G §5.1). Instances cache per-length and
 * per-tweak state and are safe to reuse across calls (JS is single-threaded).
 */
export class Ff1 {
  /** The radix (alphabet size). */
  readonly radix: number;
  /** The alphabet as code points, when built from a string. */
  readonly alphabet: readonly string[] | undefined;
  /** The smallest accepted length: the least n ≥ 2 with radix^n ≥ minDomain. */
  readonly minLength: number;
  /** The largest accepted length. */
  readonly maxLength: number;
  readonly #maxTweakBytes: number;
  readonly #aes: AesBlockCipher;
  readonly #plans = new Map<number, LengthPlan>();
  #lastTweak: TweakPlan | undefined;
  readonly #scratch = Buffer.alloc(BLOCK);
  /** Code unit → numeral lookup for single-unit alphabets; -1 marks "not in the alphabet". */
  readonly #lookup: Int32Array | undefined;
  readonly #lookupMap: Map<string, number> | undefined;

  /**
   * @param key AES key, 16, 24 or 32 bytes.
   * @param alphabet the numerals as a string (numeral i = i-th code point; radix = number of
   *   code points) or, for the numeral-array API only, the radix as a number 2..65536.
   */
  constructor(key: Uint8Array, alphabet: string | number, options: Ff1Options = {}) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
      throw new InvalidInputError(`FF1 key must be 16, 24 or 32 bytes, got ${key.length}`);
    }
    if (typeof alphabet === 'string') {
      const symbols = Array.from(alphabet);
      if (new Set(symbols).size !== symbols.length) throw new InvalidInputError('FF1 alphabet has repeated characters');
      this.alphabet = Object.freeze(symbols);
      this.radix = symbols.length;
      if (symbols.every((s) => s.length === 1)) {
        let max = 0;
        for (const s of symbols) max = Math.max(max, s.charCodeAt(0));
        this.#lookup = new Int32Array(max + 1).fill(-1);
        symbols.forEach((s, i) => ((this.#lookup as Int32Array)[s.charCodeAt(0)] = i));
      } else {
        this.#lookupMap = new Map(symbols.map((s, i) => [s, i]));
      }
    } else {
      this.radix = alphabet;
    }
    // §5.1 "radix ∈ [2..2^16]".
    if (!Number.isInteger(this.radix) || this.radix < 2 || this.radix > 65536) {
      throw new InvalidInputError('FF1 radix must be an integer in 2..65536');
    }
    const minDomain = options.minDomain ?? FF1_MIN_DOMAIN;
    if (!(minDomain >= FF1_LEGACY_MIN_DOMAIN)) throw new InvalidInputError(`FF1 minDomain must be at least ${FF1_LEGACY_MIN_DOMAIN}`);
    let minLength = 0;
    for (let domain = 1; domain < minDomain; domain *= this.radix) minLength++;
    this.minLength = Math.max(2, minLength);
    this.maxLength = options.maxLength ?? FF1_DEFAULT_MAX_LENGTH;
    if (!Number.isInteger(this.maxLength) || this.maxLength < this.minLength || this.maxLength >= 2 ** 32) {
      throw new InvalidInputError('FF1 maxLength must be an integer in minLength..2^32-1');
    }
    this.#maxTweakBytes = options.maxTweakBytes ?? FF1_DEFAULT_MAX_TWEAK_BYTES;
    if (!Number.isInteger(this.#maxTweakBytes) || this.#maxTweakBytes < 0 || this.#maxTweakBytes >= 2 ** 20) {
      throw new InvalidInputError('FF1 maxTweakBytes must be an integer in 0..2^20-1');
    }
    this.#aes = new AesBlockCipher(key);
  }

  /** Encrypts a string over the alphabet (Algorithm 7). Output: same length, same alphabet. */
  encrypt(plaintext: string, tweak: Uint8Array = EMPTY): string {
    return this.#format(this.encryptNumerals(this.#parse(plaintext), tweak));
  }

  /** Decrypts a string over the alphabet (Algorithm 8). */
  decrypt(ciphertext: string, tweak: Uint8Array = EMPTY): string {
    return this.#format(this.decryptNumerals(this.#parse(ciphertext), tweak));
  }

  /** Algorithm 7 on numerals (each an integer in 0..radix−1). */
  encryptNumerals(x: ArrayLike<number>, tweak: Uint8Array = EMPTY): number[] {
    return this.#run(x, tweak, true);
  }

  /** Algorithm 8 on numerals. */
  decryptNumerals(x: ArrayLike<number>, tweak: Uint8Array = EMPTY): number[] {
    return this.#run(x, tweak, false);
  }

  #run(x: ArrayLike<number>, tweak: Uint8Array, encrypt: boolean): number[] {
    const n = x.length;
    if (n < this.minLength) {
      throw new InvalidInputError(
        `FF1 input of ${n} numerals is below the minimum length ${this.minLength} for radix ${this.radix} (SP 800-38G requires radix^n ≥ 1,000,000)`,
      );
    }
    if (n > this.maxLength) throw new InvalidInputError(`FF1 input of ${n} numerals exceeds the maximum length ${this.maxLength}`);
    if (tweak.length > this.#maxTweakBytes) throw new InvalidInputError(`FF1 tweak exceeds ${this.#maxTweakBytes} bytes`);
    const radix = this.radix;
    for (let i = 0; i < n; i++) {
      const digit = x[i] as number;
      if (!Number.isInteger(digit) || digit < 0 || digit >= radix) throw new InvalidInputError('FF1 input has a numeral outside the radix');
    }
    const tp = this.#tweakPlan(n, tweak);
    const { u, v } = tp.plan;
    if (tp.plan.useNumbers) {
      let a = numNumber(x, 0, u, radix);
      let b = numNumber(x, u, n, radix);
      const mu = tp.plan.modU as number;
      const mv = tp.plan.modV as number;
      if (encrypt) {
        for (let i = 0; i < ROUNDS; i++) {
          const m = (i & 1) === 0 ? mu : mv;
          const y = this.#prfNumber(tp, i, b, m);
          // a < m and y < m (A always holds m numerals here), so one subtraction reduces.
          let c = a + y;
          if (c >= m) c -= m;
          a = b;
          b = c;
        }
      } else {
        for (let i = ROUNDS - 1; i >= 0; i--) {
          const m = (i & 1) === 0 ? mu : mv;
          const y = this.#prfNumber(tp, i, a, m);
          let c = b - y;
          if (c < 0) c += m;
          b = a;
          a = c;
        }
      }
      return strNumber(a, u, radix, strNumber(b, v, radix, new Array<number>(n), n), u);
    }
    let a = numBig(x, 0, u, radix);
    let b = numBig(x, u, n, radix);
    const mu = tp.plan.modU as bigint;
    const mv = tp.plan.modV as bigint;
    if (encrypt) {
      for (let i = 0; i < ROUNDS; i++) {
        const m = (i & 1) === 0 ? mu : mv;
        const y = this.#prfBig(tp, i, b);
        const c = (a + y) % m;
        a = b;
        b = c;
      }
    } else {
      for (let i = ROUNDS - 1; i >= 0; i--) {
        const m = (i & 1) === 0 ? mu : mv;
        const y = this.#prfBig(tp, i, a);
        let c = (b - y) % m;
        if (c < 0n) c += m;
        b = a;
        a = c;
      }
    }
    return strBig(a, u, radix, strBig(b, v, radix, new Array<number>(n), n), u);
  }

  /** Steps 6.ii–6.v: R = PRF(P‖Q), S = first d bytes of R‖CIPH(R⊕[1])‖…, y = NUM(S) mod m. */
  #prfNumber(tp: TweakPlan, round: number, numB: number, m: number): number {
    const tail = tp.tail;
    tail[tp.roundAt] = round;
    // [NUM_radix(B)]^b, big-endian; b ≤ 6 and NUM(B) < 2^45 on this path.
    let lo = numB >>> 0;
    let hi = Math.floor(numB / 4294967296);
    for (let j = tail.length - 1, k = 0; j > tp.roundAt; j--, k++) {
      if (k < 4) {
        tail[j] = lo & 0xff;
        lo >>>= 8;
      } else {
        tail[j] = hi & 0xff;
        hi >>>= 8;
      }
    }
    const s = this.#prf(tp);
    // y = NUM(S) mod m, 16 bits at a time while y·2^16 stays exact (m ≤ 2^37), else 8.
    const d = tp.plan.d;
    let y = 0;
    if (m <= 2 ** 37) {
      for (let j = 0; j < d; j += 2) y = modExact(y * 65536 + (((s[j] as number) << 8) | (s[j + 1] as number)), m);
    } else {
      for (let j = 0; j < d; j++) y = modExact(y * 256 + (s[j] as number), m);
    }
    return y;
  }

  #prfBig(tp: TweakPlan, round: number, numB: bigint): bigint {
    const tail = tp.tail;
    tail[tp.roundAt] = round;
    const bBytes = tp.plan.b;
    if (bBytes > 0) {
      const hex = numB.toString(16).padStart(bBytes * 2, '0');
      tail.write(hex, tail.length - bBytes, 'hex');
    }
    const s = this.#prf(tp);
    return BigInt(`0x${s.toString('hex', 0, tp.plan.d)}`);
  }

  /** Algorithm 6 (PRF) from the cached state, then the S expansion of step 6.iv. */
  #prf(tp: TweakPlan): Buffer {
    const tail = tp.tail;
    let r = tp.state;
    const block = this.#scratch;
    for (let off = 0; off < tail.length; off += BLOCK) {
      for (let j = 0; j < BLOCK; j++) block[j] = (r[j] as number) ^ (tail[off + j] as number);
      // update() consumes its input before returning, so the scratch block can be reused.
      r = this.#aes.encrypt(block);
    }
    const d = tp.plan.d;
    if (d <= BLOCK) return r;
    // S = R ‖ CIPH(R ⊕ [1]^16) ‖ … ‖ CIPH(R ⊕ [⌈d/16⌉−1]^16): independent blocks, one call.
    const extra = Math.ceil(d / BLOCK) - 1;
    const input = Buffer.allocUnsafe(extra * BLOCK);
    for (let j = 1; j <= extra; j++) {
      const off = (j - 1) * BLOCK;
      r.copy(input, off);
      // [j]^16 is j big-endian over 16 bytes; j < 2^32 here.
      input.writeUInt32BE((r.readUInt32BE(BLOCK - 4) ^ j) >>> 0, off + BLOCK - 4);
    }
    return Buffer.concat([r, this.#aes.encrypt(input)]);
  }

  #tweakPlan(n: number, tweak: Uint8Array): TweakPlan {
    const last = this.#lastTweak;
    if (last !== undefined && last.plan.n === n && sameBytes(last.tweak, tweak)) return last;
    const plan = this.#lengthPlan(n, tweak.length);
    // Q = T ‖ [0]^((−t−b−1) mod 16) ‖ [i]^1 ‖ [NUM_radix(B)]^b (step 6.i).
    const q = Buffer.alloc(plan.qLength);
    q.set(tweak, 0);
    const constantBlocks = Math.floor(plan.varStart / BLOCK);
    let state = plan.afterP;
    for (let k = 0; k < constantBlocks; k++) {
      const block = Buffer.allocUnsafe(BLOCK);
      for (let j = 0; j < BLOCK; j++) block[j] = (state[j] as number) ^ (q[k * BLOCK + j] as number);
      state = this.#aes.encrypt(block);
    }
    const tail = Buffer.from(q.subarray(constantBlocks * BLOCK));
    const tp: TweakPlan = { plan, tweak: Uint8Array.from(tweak), state, tail, roundAt: plan.varStart - constantBlocks * BLOCK };
    this.#lastTweak = tp;
    return tp;
  }

  #lengthPlan(n: number, t: number): LengthPlan {
    const cacheKey = n * 2 ** 20 + t;
    const cached = this.#plans.get(cacheKey);
    if (cached !== undefined) return cached;
    const radix = this.radix;
    // Steps 1–4: u = ⌊n/2⌋, v = n − u, b = ⌈⌈v·log2(radix)⌉/8⌉, d = 4⌈b/4⌉ + 4.
    const u = Math.floor(n / 2);
    const v = n - u;
    const bigModV = BigInt(radix) ** BigInt(v);
    // ⌈v·log2(radix)⌉ computed exactly: the bit length of radix^v − 1.
    const b = bigModV === 1n ? 0 : Math.ceil((bigModV - 1n).toString(2).length / 8);
    const d = 4 * Math.ceil(b / 4) + 4;
    // Step 5: P = [1]^1 ‖ [2]^1 ‖ [1]^1 ‖ [radix]^3 ‖ [10]^1 ‖ [u mod 256]^1 ‖ [n]^4 ‖ [t]^4.
    const p = Buffer.alloc(BLOCK);
    p[0] = 1;
    p[1] = 2;
    p[2] = 1;
    p[3] = (radix >>> 16) & 0xff;
    p[4] = (radix >>> 8) & 0xff;
    p[5] = radix & 0xff;
    p[6] = 10;
    p[7] = u % 256;
    p.writeUInt32BE(n, 8);
    p.writeUInt32BE(t, 12);
    const pad = mod(-t - b - 1, BLOCK);
    const qLength = t + pad + 1 + b;
    const useNumbers = bigModV <= BigInt(NUMBER_PATH_LIMIT);
    const bigModU = BigInt(radix) ** BigInt(u);
    const plan: LengthPlan = {
      n,
      u,
      v,
      b,
      d,
      qLength,
      varStart: t + pad,
      afterP: this.#aes.encrypt(p),
      modU: useNumbers ? Number(bigModU) : bigModU,
      modV: useNumbers ? Number(bigModV) : bigModV,
      useNumbers,
    };
    if (this.#plans.size >= 256) this.#plans.clear();
    this.#plans.set(cacheKey, plan);
    return plan;
  }

  #parse(text: string): number[] {
    if (typeof text !== 'string') throw new InvalidInputError('FF1 input must be a string');
    const out: number[] = [];
    const lookup = this.#lookup;
    if (lookup !== undefined) {
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        const digit = code < lookup.length ? (lookup[code] as number) : -1;
        if (digit < 0) throw new InvalidInputError('FF1 input has a character outside the alphabet');
        out.push(digit);
      }
      return out;
    }
    const map = this.#lookupMap;
    if (map === undefined) throw new InvalidInputError('this FF1 instance was built from a radix: use encryptNumerals/decryptNumerals');
    for (const ch of text) {
      const digit = map.get(ch);
      if (digit === undefined) throw new InvalidInputError('FF1 input has a character outside the alphabet');
      out.push(digit);
    }
    return out;
  }

  #format(numerals: number[]): string {
    const alphabet = this.alphabet as readonly string[];
    let s = '';
    for (const digit of numerals) s += alphabet[digit] as string;
    return s;
  }

  toJSON(): string {
    return '[Ff1]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[Ff1]';
  }
}

/**
 * x mod m for integers 0 ≤ x < 2^53, 0 < m: one float division and a correction instead of
 * `%` on doubles (fmod), which is several times slower in V8.
 */
function modExact(x: number, m: number): number {
  let r = x - Math.floor(x / m) * m;
  if (r < 0) r += m;
  else if (r >= m) r -= m;
  return r;
}

function mod(a: number, m: number): number {
  return ((a % m) + m) % m;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NUM_radix(X[from..to]) (§4.5 Algorithm 1) when the result is below 2^45. */
function numNumber(x: ArrayLike<number>, from: number, to: number, radix: number): number {
  let r = 0;
  for (let i = from; i < to; i++) r = r * radix + (x[i] as number);
  return r;
}

function numBig(x: ArrayLike<number>, from: number, to: number, radix: number): bigint {
  // Group numerals into chunks that stay below 2^53 to limit BigInt operations.
  let chunk = 1;
  let chunkLen = 0;
  while (chunk * radix <= 2 ** 45) {
    chunk *= radix;
    chunkLen++;
  }
  let r = 0n;
  let i = from;
  while (i < to) {
    const len = Math.min(chunkLen, to - i);
    let part = 0;
    for (let k = 0; k < len; k++) part = part * radix + (x[i + k] as number);
    r = r * BigInt(radix ** len) + BigInt(part);
    i += len;
  }
  return r;
}

/** STR^m_radix(x) (§4.5 Algorithm 3) written into out[end−m..end). */
function strNumber(x: number, m: number, radix: number, out: number[], end: number): number[] {
  let rest = x;
  for (let i = end - 1; i >= end - m; i--) {
    out[i] = rest % radix;
    rest = Math.floor(rest / radix);
  }
  return out;
}

function strBig(x: bigint, m: number, radix: number, out: number[], end: number): number[] {
  let rest = x;
  const r = BigInt(radix);
  for (let i = end - 1; i >= end - m; i--) {
    out[i] = Number(rest % r);
    rest /= r;
  }
  return out;
}
