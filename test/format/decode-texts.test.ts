/**
 * decodeTexts (the batch decoder behind Sealer.decryptMany) accepts exactly the texts
 * parseText accepts, and decodes them to the same bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTexts, parseText } from '../../src/format/envelope.js';

function parses(text: unknown): Buffer | undefined {
  try {
    const envelope = parseText(text, 500);
    return Buffer.concat([envelope.header, envelope.body]);
  } catch {
    return undefined;
  }
}

/** Texts near the valid set (short, and long enough for the re-encoding check): real envelopes, one character changed, truncated, other alphabets and junk. */
const candidate: fc.Arbitrary<unknown> = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 300 }).map((b) => `fs1:${Buffer.from(b).toString('base64url')}`),
  fc
    .tuple(fc.uint8Array({ minLength: 5, maxLength: 300 }), fc.nat(), fc.constantFrom('A', 'B', '-', '_', '=', '+', '/', ' ', 'é', '\u0000'))
    .map(([b, at, c]) => {
      const text = `fs1:${Buffer.from(b).toString('base64url')}`;
      const i = 4 + (at % (text.length - 4));
      return text.slice(0, i) + c + text.slice(i + 1);
    }),
  fc.uint8Array({ minLength: 5, maxLength: 300 }).map((b) => `fs1:${Buffer.from(b).toString('base64url')}`.slice(0, -1)),
  fc.uint8Array({ minLength: 5, maxLength: 90 }).map((b) => `fs1:${Buffer.from(b).toString('base64')}`),
  fc.string({ maxLength: 40 }).map((s) => `fs1:${s}`),
  fc.string({ maxLength: 20 }),
  fc.constantFrom(null, 42, undefined, 'fs1:', `fs1:${'A'.repeat(600)}`),
);

describe('decodeTexts', () => {
  it('accepts exactly what parseText accepts, with the same bytes', () => {
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 20 }), (texts) => {
        const decoded = decodeTexts(texts, 500);
        texts.forEach((text, i) => {
          const expected = parses(text);
          const start = decoded.starts[i]!;
          if (expected === undefined) expect(start, String(text)).toBe(-1);
          else expect(decoded.data.subarray(start, start + decoded.lengths[i]!).toString('hex'), String(text)).toBe(expected.toString('hex'));
        });
      }),
      { numRuns: 2000 },
    );
  });
});
