/**
 * Blind indexes are typed (src/tokenize/blind-index.ts, docs/tokenization.md §Blind indexes):
 * values of different types never share an index, equal numbers do, the normalizer applies
 * to strings only, and truncation follows the documented sizing rule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacSha256Key } from '../../src/crypto/hmac-sha256-key.js';
import { InvalidInputError } from '../../src/errors.js';
import {
  BLIND_INDEX_MIN_BITS,
  blindIndexBits,
  blindIndexFalsePositiveRate,
  blindIndexInput,
  blindIndexValue,
  type BlindIndexable,
} from '../../src/tokenize/blind-index.js';
import { testSealer } from '../support/sealer.js';

const key = new HmacSha256Key(Buffer.alloc(32, 9));
const index = (value: BlindIndexable, normalizer?: Parameters<typeof blindIndexInput>[1]) => blindIndexValue(key, blindIndexInput(value, normalizer));
const ctx = { model: 'User', field: 'code' };

describe('blind index values of different types never share an index', () => {
  it('separates the pairs that used to collide', () => {
    const pairs: [BlindIndexable, BlindIndexable][] = [
      [1, '1'],
      [1n, '1'],
      [true, 'true'],
      [false, 'false'],
      [1.5, '1.5'],
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
      [new Uint8Array([0x61, 0x62, 0xe9]), Buffer.from([0x61, 0x62, 0xe9]).toString('latin1')],
      [new Uint8Array([0x61, 0x62]), 'ab'],
      [new Date(0), new Date(0).toISOString()],
      [new Date(0), 0],
      [new Date(1), '1'],
      [true, 1],
      [false, 0],
    ];
    for (const [a, b] of pairs) expect(index(a)).not.toBe(index(b));
  });

  it('holds for any string against any number, bigint or boolean (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.oneof(fc.double(), fc.bigInt(), fc.boolean()), (s, other) => {
        fc.pre(s.isWellFormed());
        expect(index(s)).not.toBe(index(other));
        expect(index(String(other))).not.toBe(index(other));
      }),
    );
  });

  it('holds through the Sealer too', async () => {
    const sealer = await testSealer();
    expect(await sealer.blindIndex(1, ctx)).not.toBe(await sealer.blindIndex('1', ctx));
    expect(await sealer.blindIndex(true, ctx)).not.toBe(await sealer.blindIndex('true', ctx));
    expect(await sealer.blindIndex(new Uint8Array([0x78]), ctx)).not.toBe(await sealer.blindIndex('x', ctx));
    const many = await sealer.blindIndexMany([1, '1', true, 'true'].map((value) => ({ value: value as BlindIndexable, options: ctx })));
    expect(new Set(many).size).toBe(4);
    expect(await sealer.blindIndexCandidates(1, ctx)).toEqual([many[0]]);
  });
});

describe('equal values share an index', () => {
  it('numbers by value: -0 and 0, 1 and 1n, 2^60 and 2n^60n, every NaN', () => {
    expect(index(-0)).toBe(index(0));
    expect(index(0n)).toBe(index(0));
    expect(index(1)).toBe(index(1n));
    expect(index(-7)).toBe(index(-7n));
    expect(index(2 ** 60)).toBe(index(2n ** 60n));
    expect(index(1e21)).toBe(index(10n ** 21n));
    expect(index(Number.NaN)).toBe(index(0 / 0));
    const otherNaN = new DataView(new ArrayBuffer(8));
    otherNaN.setUint32(0, 0x7ff00000);
    otherNaN.setUint32(4, 1);
    expect(index(otherNaN.getFloat64(0))).toBe(index(Number.NaN));
    expect(index(0.1 + 0.2)).not.toBe(index(0.3));
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(index(n)).toBe(index(BigInt(n)));
      }),
    );
  });

  it('Buffer and Uint8Array of the same bytes; Dates by instant', () => {
    expect(index(Buffer.from([1, 2, 3]))).toBe(index(new Uint8Array([1, 2, 3])));
    expect(index(new Date('2024-01-01T00:00:00Z'))).toBe(index(new Date(Date.UTC(2024, 0, 1))));
  });

  it('strings after their normalizer; the normalizer does not touch other types', () => {
    expect(index('  Alice@Example.com', 'email')).toBe(index('alice@example.com'));
    expect(index('4111-1111', 'digits')).toBe(index('41111111'));
    expect(index(41111111, 'digits')).toBe(index(41111111));
    expect(index(41111111, 'digits')).not.toBe(index('41111111', 'digits'));
  });

  it('refuses what it cannot index with typed errors', () => {
    expect(() => index(new Date(Number.NaN))).toThrow(InvalidInputError);
    expect(() => index(null as never)).toThrow(InvalidInputError);
    expect(() => index({} as never)).toThrow(InvalidInputError);
    expect(() => index('a\uD800')).toThrow(InvalidInputError);
    expect(() => index('ok', () => 'a\uDC00')).toThrow(InvalidInputError);
  });
});

describe('sizing truncated indexes', () => {
  it('blindIndexBits gives ⌈log2(N / fp)⌉ within 16..256, and the false-positive rate then stays within fp', () => {
    expect(blindIndexBits(1_000_000, 0.01)).toBe(27);
    expect(blindIndexBits(1_000_000, 1)).toBe(20);
    expect(blindIndexBits(1_000_000, 16)).toBe(BLIND_INDEX_MIN_BITS);
    expect(blindIndexBits(100, 1)).toBe(BLIND_INDEX_MIN_BITS);
    expect(blindIndexBits(2 ** 300, 1e-9)).toBe(256);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.double({ min: 1e-6, max: 100, noNaN: true }), (n, fp) => {
        const bits = blindIndexBits(n, fp);
        expect(blindIndexFalsePositiveRate(bits, n)).toBeLessThanOrEqual(fp);
        // Minimal: one bit fewer would expect more than fp false positives.
        if (bits > BLIND_INDEX_MIN_BITS) expect(n / 2 ** (bits - 1)).toBeGreaterThan(fp);
      }),
    );
    expect(() => blindIndexBits(0, 1)).toThrow(InvalidInputError);
    expect(() => blindIndexBits(10, 0)).toThrow(InvalidInputError);
  });

  it('a truncated index keeps exactly `bits` bits', async () => {
    const sealer = await testSealer();
    for (const bits of [16, 17, 20, 24, 27, 255]) {
      const bytes = Buffer.from(await sealer.blindIndex('alice', { ...ctx, bits }), 'base64url');
      expect(bytes.length).toBe(Math.ceil(bits / 8));
      if (bits % 8 !== 0) expect((bytes[bytes.length - 1] as number) & ((1 << (8 - (bits % 8))) - 1)).toBe(0);
    }
    await expect(sealer.blindIndex('alice', { ...ctx, bits: 15 })).rejects.toBeInstanceOf(InvalidInputError);
  });
});
