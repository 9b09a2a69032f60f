/**
 * decodeValueAt (src/format/value-codec.ts) reads a value from a range of a shared buffer,
 * decoding strings without a view: it must give exactly what decodeValue gives on the same
 * bytes, including the FormatError for bytes that are not UTF-8, a genuine U+FFFD, and a
 * leading U+FEFF.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import { decodeValue, decodeValueAt, encodeValue, ValueType } from '../../src/format/value-codec.js';

/** decodeValue's result, or the class of what it throws. */
function outcome(decode: () => unknown): unknown {
  try {
    return { value: decode() };
  } catch (error) {
    return { error: (error as Error).constructor.name };
  }
}

describe('decodeValueAt', () => {
  it('gives what decodeValue gives on the same bytes, for any bytes of any type, anywhere in a buffer', () => {
    const type = fc.constantFrom(...Object.values(ValueType), 15);
    // Mostly continuation and lead bytes, so that invalid and valid UTF-8 both come up often.
    const bytes = fc.uint8Array({ maxLength: 24 });
    const utf8ish = fc.array(fc.oneof(fc.integer({ min: 0x80, max: 0xff }), fc.integer({ min: 0, max: 0x7f }), fc.constantFrom(0xef, 0xbb, 0xbf, 0xbd)), { maxLength: 24 }).map((a) => Uint8Array.from(a));
    fc.assert(
      fc.property(type, fc.oneof(bytes, utf8ish), fc.nat(8), fc.nat(8), (t, payload, before, after) => {
        const buffer = Buffer.concat([Buffer.alloc(before, 0xa5), payload, Buffer.alloc(after, 0xbf)]);
        expect(outcome(() => decodeValueAt(t, buffer, before, before + payload.length))).toStrictEqual(outcome(() => decodeValue(t, Buffer.from(payload))));
      }),
      { numRuns: 3000 },
    );
  });

  it('decodes encoded strings exactly, with U+FFFD, U+FEFF and astral characters, and refuses bytes that are not UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('', '\uFEFF', '\uFFFD', '😀'), (text, prefix) => {
        const value = prefix + text;
        const { type, bytes } = encodeValue(value);
        const buffer = Buffer.concat([Buffer.from([1, 2, 3]), bytes]);
        expect(decodeValueAt(type, buffer, 3, buffer.length)).toBe(value);
      }),
    );
    for (const bad of [[0xed, 0xa0, 0x80], [0xc0, 0x80], [0x80], [0xf0, 0x9f, 0x98]]) {
      expect(() => decodeValueAt(ValueType.string, Buffer.from([0x41, ...bad]), 0, bad.length + 1)).toThrow(FormatError);
    }
  });
});
