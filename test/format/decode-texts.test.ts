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

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('');
/** `length` characters of the base64url alphabet (the length drawn first: fast-check keeps arrays short otherwise). */
const alphabetChars = (min: number, max: number) => fc.integer({ min, max }).chain((n) => fc.array(fc.constantFrom(...ALPHABET), { minLength: n, maxLength: n }).map((c) => c.join('')));
/** Any string over the base64url alphabet (every length, every trailing-bit pattern) behind the prefix. */
const alphabetText = alphabetChars(0, 120).map((c) => `fs1:${c}`);
/** The same, long enough for a short randomized envelope and starting with its algorithm (3). */
const algorithm3Text = fc.tuple(fc.constantFrom('M', 'N', 'O', 'P'), alphabetChars(49, 160)).map(([first, c]) => `fs1:${first}${c}`);

/** The reference: a text is canonical when Node's decoder, re-encoding, gives it back; its bytes are Node's. */
function reference(text: string): Buffer | undefined {
  const b64 = text.slice(4);
  const bytes = Buffer.from(b64, 'base64url');
  return bytes.toString('base64url') === b64 ? bytes : undefined;
}

describe('parseText', () => {
  it('decodes exactly the canonical base64url texts, to the bytes Node decodes', () => {
    fc.assert(
      fc.property(fc.oneof(alphabetText, algorithm3Text, candidate.filter((t): t is string => typeof t === 'string' && t.startsWith('fs1:'))), (text) => {
        const expected = reference(text);
        const got = parses(text);
        // parseText also refuses canonical texts too short for their algorithm or of an unknown one; a
        // short randomized envelope (algorithm 3, 37 bytes or more) of a canonical text always parses.
        if (expected === undefined) expect(got, text).toBeUndefined();
        else if (got !== undefined) expect(got.toString('hex'), text).toBe(expected.toString('hex'));
        if (text.length <= 500 && expected !== undefined && expected.length >= 37 && expected[0]! >>> 4 === 3) expect(got, text).toBeDefined();
      }),
      { numRuns: 3000 },
    );
  });
});

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
