/**
 * FF1 properties: decrypt(encrypt(x)) = x, same length and alphabet, agreement with
 * @noble/ciphers FF1 (an independent implementation) on random radixes, lengths and tweaks,
 * and typed errors for everything outside the domain.
 */
import { FF1 as nobleFf1 } from '@noble/ciphers/ff1.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ff1 } from '../../src/crypto/ff1.js';
import { Ff3_1 } from '../../src/crypto/ff3-1.js';
import { InvalidInputError } from '../../src/errors.js';

const keyArb = fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const tweakArb = fc.uint8Array({ maxLength: 40 });

/** Smallest FF1 length for a radix under the 1,000,000 bound. */
const minLen = (radix: number): number => Math.max(2, Math.ceil(6 / Math.log10(radix) - 1e-9));

describe('FF1 properties', () => {
  it('agrees with @noble/ciphers FF1 on random radix, length, tweak and key, and round-trips', () => {
    fc.assert(
      fc.property(
        keyArb,
        tweakArb,
        fc.integer({ min: 2, max: 65535 }).chain((radix) =>
          fc.tuple(fc.constant(radix), fc.array(fc.integer({ min: 0, max: radix - 1 }), { minLength: minLen(radix), maxLength: minLen(radix) + 60 })),
        ),
        (key, tweak, [radix, x]) => {
          const ours = new Ff1(key, radix);
          const ct = ours.encryptNumerals(x, tweak);
          expect(ct).toEqual(nobleFf1(radix, key, tweak).encrypt(x));
          expect(ct.length).toBe(x.length);
          expect(ct.every((d) => d >= 0 && d < radix)).toBe(true);
          expect(ours.decryptNumerals(ct, tweak)).toEqual(x);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('round-trips decimal strings of every length 6..64 and keeps the alphabet', () => {
    fc.assert(
      fc.property(keyArb, tweakArb, fc.stringMatching(/^[0-9]{6,64}$/), (key, tweak, x) => {
        const ff1 = new Ff1(key, '0123456789');
        const ct = ff1.encrypt(x, tweak);
        expect(ct).toMatch(/^[0-9]+$/);
        expect(ct.length).toBe(x.length);
        expect(ff1.decrypt(ct, tweak)).toBe(x);
      }),
      { numRuns: 300 },
    );
  });

  it('works over an alphabet of non-ASCII code points (Cyrillic, CJK, emoji)', () => {
    const alphabet = 'абвгдеёжзий中文字😀🎉';
    const symbols = Array.from(alphabet);
    fc.assert(
      fc.property(keyArb, fc.array(fc.constantFrom(...symbols), { minLength: 6, maxLength: 30 }), (key, chars) => {
        const ff1 = new Ff1(key, alphabet);
        const x = chars.join('');
        const ct = ff1.encrypt(x, new Uint8Array(0));
        expect(Array.from(ct).length).toBe(chars.length);
        expect(Array.from(ct).every((c) => symbols.includes(c))).toBe(true);
        expect(ff1.decrypt(ct)).toBe(x);
      }),
      { numRuns: 100 },
    );
  });

  it('radix 2^16 (numeral API) round-trips', () => {
    const ff1 = new Ff1(new Uint8Array(16).fill(9), 65536);
    expect(ff1.minLength).toBe(2);
    const x = [65535, 0, 12345];
    expect(ff1.decryptNumerals(ff1.encryptNumerals(x, Buffer.from('t')), Buffer.from('t'))).toEqual(x);
  });

  it('different tweaks give different ciphertexts (with overwhelming probability)', () => {
    const ff1 = new Ff1(new Uint8Array(32), '0123456789');
    const x = '4111111111111111';
    expect(ff1.encrypt(x, Buffer.from('User.card'))).not.toBe(ff1.encrypt(x, Buffer.from('Order.card')));
  });

  it('refuses out-of-domain input with InvalidInputError and never echoes the value', () => {
    const ff1 = new Ff1(new Uint8Array(16), '0123456789');
    expect(ff1.minLength).toBe(6);
    expect(() => ff1.encrypt('12345')).toThrow(InvalidInputError);
    expect(() => ff1.encrypt('12345a')).toThrow(InvalidInputError);
    expect(() => ff1.encrypt('1'.repeat(ff1.maxLength + 1))).toThrow(InvalidInputError);
    expect(() => ff1.encrypt('123456', new Uint8Array(5000))).toThrow(InvalidInputError);
    try {
      ff1.encrypt('98765x');
    } catch (e) {
      expect((e as Error).message).not.toContain('98765');
    }
    expect(() => new Ff1(new Uint8Array(20), '0123456789')).toThrow(InvalidInputError);
    expect(() => new Ff1(new Uint8Array(16), '0')).toThrow(InvalidInputError);
    expect(() => new Ff1(new Uint8Array(16), '00123')).toThrow(InvalidInputError);
    expect(() => new Ff1(new Uint8Array(16), 65537)).toThrow(InvalidInputError);
    expect(() => new Ff1(new Uint8Array(16), '0123456789', { minDomain: 99 })).toThrow(InvalidInputError);
    expect(() => new Ff1(new Uint8Array(16), 10).encrypt('123456')).toThrow(InvalidInputError);
    expect(() => ff1.encryptNumerals([1, 2, 3, 4, 5, 10])).toThrow(InvalidInputError);
    expect(() => ff1.encryptNumerals([1, 2, 3, 4, 5, 1.5])).toThrow(InvalidInputError);
  });

  it('redacts itself', () => {
    const ff1 = new Ff1(new Uint8Array(16).fill(0xab), '0123456789');
    expect(JSON.stringify({ ff1 })).not.toContain('ab');
  });
});

describe('FF3-1 properties', () => {
  it('round-trips and keeps length and alphabet', () => {
    fc.assert(
      fc.property(keyArb, fc.uint8Array({ minLength: 7, maxLength: 7 }), fc.stringMatching(/^[0-9a-z]{4,30}$/), (key, tweak, x) => {
        const ff3 = new Ff3_1(key, '0123456789abcdefghijklmnopqrstuvwxyz');
        const ct = ff3.encrypt(x, tweak);
        expect(ct.length).toBe(x.length);
        expect(ct).toMatch(/^[0-9a-z]+$/);
        expect(ff3.decrypt(ct, tweak)).toBe(x);
      }),
      { numRuns: 200 },
    );
  });

  it('enforces minlen and maxlen = 2⌊log_radix 2^96⌋', () => {
    const ff3 = new Ff3_1(new Uint8Array(16), '0123456789');
    expect(ff3.maxLength).toBe(56);
    expect(() => ff3.encrypt('12345', new Uint8Array(7))).toThrow(InvalidInputError);
    expect(() => ff3.encrypt('1'.repeat(57), new Uint8Array(7))).toThrow(InvalidInputError);
    expect(() => ff3.encrypt('123456', new Uint8Array(8))).toThrow(InvalidInputError);
  });
});
