/**
 * FF3-1 format-preserving encryption (NIST SP 800-38G Rev. 1, §5.2, Algorithms 9 and 10),
 * with AES-128/192/256 and 56-bit tweaks.
 *
 * **For interoperability only.** NIST's 2025 draft revision of SP 800-38G (Rev. 2 ipd)
 * withdraws FF3-1 after further cryptanalysis; fieldseal's format-preserving tokens use FF1
 * ({@link Ff1}). Use this class only to read or write tokens of a system that already uses
 * FF3-1.
 *
 * Per §5.2 the AES key actually used is REVB(K): pass K exactly as the other system (or
 * NIST's samples) write it.
 *
 * @module
 */
import { InvalidInputError } from '../errors.js';
import { AesBlockCipher, BLOCK } from './aes-block.js';
import { FF1_MIN_DOMAIN } from './ff1.js';

/** FF3-1 tweak length in bytes (56 bits, SP 800-38G Rev. 1 §5.2). */
export const FF3_1_TWEAK_BYTES = 7;
const ROUNDS = 8;

/**
 * FF3-1 under one AES key and one alphabet (SP 800-38G Rev. 1 §5.2). For interoperability:
 * NIST's 2025 draft revision of SP 800-38G withdraws FF3-1; prefer FF1.
 */
export class Ff3_1 {
  /** The radix (alphabet size). */
  readonly radix: number;
  /** The least n ≥ 2 with radix^n ≥ 1,000,000. */
  readonly minLength: number;
  /** maxlen = 2⌊log_radix(2^96)⌋ (§5.2). */
  readonly maxLength: number;
  readonly #alphabet: readonly string[];
  readonly #index: Map<string, number>;
  readonly #aes: AesBlockCipher;
  readonly #scratch = Buffer.alloc(BLOCK);

  /**
   * @param key 16, 24 or 32 bytes, as published (REVB is applied here).
   * @param alphabet numeral i = i-th code point; radix = number of code points, 2..65536.
   */
  constructor(key: Uint8Array, alphabet: string) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
      throw new InvalidInputError(`FF3-1 key must be 16, 24 or 32 bytes, got ${key.length}`);
    }
    const symbols = Array.from(alphabet);
    if (new Set(symbols).size !== symbols.length) throw new InvalidInputError('FF3-1 alphabet has repeated characters');
    this.radix = symbols.length;
    if (this.radix < 2 || this.radix > 65536) throw new InvalidInputError('FF3-1 radix must be in 2..65536');
    this.#alphabet = symbols;
    this.#index = new Map(symbols.map((s, i) => [s, i]));
    let minLength = 0;
    for (let domain = 1; domain < FF1_MIN_DOMAIN; domain *= this.radix) minLength++;
    this.minLength = Math.max(2, minLength);
    // 2⌊log_radix(2^96)⌋: the largest k with radix^k ≤ 2^96, doubled (exact, in BigInt).
    let k = 0;
    for (let p = BigInt(this.radix); p <= 2n ** 96n; p *= BigInt(this.radix)) k++;
    this.maxLength = 2 * k;
    const reversed = Uint8Array.from(key).reverse();
    this.#aes = new AesBlockCipher(reversed);
    reversed.fill(0);
  }

  /** Algorithm 9. `tweak` is 7 bytes. */
  encrypt(plaintext: string, tweak: Uint8Array): string {
    return this.#run(plaintext, tweak, true);
  }

  /** Algorithm 10. `tweak` is 7 bytes. */
  decrypt(ciphertext: string, tweak: Uint8Array): string {
    return this.#run(ciphertext, tweak, false);
  }

  #run(text: string, tweak: Uint8Array, encrypt: boolean): string {
    if (typeof text !== 'string') throw new InvalidInputError('FF3-1 input must be a string');
    if (tweak.length !== FF3_1_TWEAK_BYTES) throw new InvalidInputError('FF3-1 tweak must be 7 bytes');
    const x: number[] = [];
    for (const ch of text) {
      const digit = this.#index.get(ch);
      if (digit === undefined) throw new InvalidInputError('FF3-1 input has a character outside the alphabet');
      x.push(digit);
    }
    const n = x.length;
    if (n < this.minLength || n > this.maxLength) {
      throw new InvalidInputError(`FF3-1 input length ${n} is outside ${this.minLength}..${this.maxLength} for radix ${this.radix}`);
    }
    const radix = BigInt(this.radix);
    // Step 1: u = ⌈n/2⌉, v = n − u (FF3-1 puts the longer half first, unlike FF1).
    const u = Math.ceil(n / 2);
    const v = n - u;
    // Step 3: T_L = T[0..27] ‖ 0^4, T_R = T[32..55] ‖ T[28..31] ‖ 0^4.
    const tl = [tweak[0] as number, tweak[1] as number, tweak[2] as number, (tweak[3] as number) & 0xf0];
    const tr = [tweak[4] as number, tweak[5] as number, tweak[6] as number, ((tweak[3] as number) & 0x0f) << 4];
    const mu = radix ** BigInt(u);
    const mv = radix ** BigInt(v);
    // A and B are held as NUM_radix(REV(·)): numeral strings read least significant first.
    let a = numReversed(x, 0, u, radix);
    let b = numReversed(x, u, n, radix);
    if (encrypt) {
      for (let i = 0; i < ROUNDS; i++) {
        const even = (i & 1) === 0;
        const m = even ? mu : mv;
        const y = this.#round(even ? tr : tl, i, b);
        const c = (a + y) % m;
        a = b;
        b = c;
      }
    } else {
      for (let i = ROUNDS - 1; i >= 0; i--) {
        const even = (i & 1) === 0;
        const m = even ? mu : mv;
        const y = this.#round(even ? tr : tl, i, a);
        let c = (b - y) % m;
        if (c < 0n) c += m;
        b = a;
        a = c;
      }
    }
    return this.#strReversed(a, u, radix) + this.#strReversed(b, v, radix);
  }

  /** Steps 4.ii–4.iv: P = W ⊕ [i]^4 ‖ [NUM(REV(B))]^12; S = REVB(CIPH_REVB(K)(REVB(P))); y = NUM(S). */
  #round(w: readonly number[], i: number, numB: bigint): bigint {
    const p = this.#scratch;
    // REVB(P) is built directly: byte j of the block is byte 15 − j of P.
    const bHex = numB.toString(16).padStart(24, '0');
    if (bHex.length > 24) throw new InvalidInputError('FF3-1 block value exceeds 96 bits');
    for (let j = 0; j < 12; j++) p[11 - j] = parseInt(bHex.slice(2 * j, 2 * j + 2), 16);
    p[12] = (w[3] as number) ^ i;
    p[13] = w[2] as number;
    p[14] = w[1] as number;
    p[15] = w[0] as number;
    const out = this.#aes.encrypt(p);
    // NUM(REVB(out)): read the AES output least significant byte first.
    let y = 0n;
    for (let j = BLOCK - 1; j >= 0; j--) y = (y << 8n) | BigInt(out[j] as number);
    return y;
  }

  /** REV(STR^m_radix(x)): the numerals of x least significant first. */
  #strReversed(x: bigint, m: number, radix: bigint): string {
    let s = '';
    let rest = x;
    for (let i = 0; i < m; i++) {
      s += this.#alphabet[Number(rest % radix)] as string;
      rest /= radix;
    }
    return s;
  }

  toJSON(): string {
    return '[Ff3_1]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[Ff3_1]';
  }
}

/** NUM_radix(REV(X[from..to])). */
function numReversed(x: readonly number[], from: number, to: number, radix: bigint): bigint {
  let r = 0n;
  for (let i = to - 1; i >= from; i--) r = r * radix + BigInt(x[i] as number);
  return r;
}
