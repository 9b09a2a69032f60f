/** Format-preserving tokens (src/tokenize/fpe.ts): round trips, kept digits, Luhn, domains, errors. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { fpeDetokenize, fpeFormats, fpeTokenize, FpeTokenizer, type FpeFormat } from '../../src/tokenize/fpe.js';
import { isLuhnValid, luhnSum, setLuhnDigit } from '../../src/tokenize/luhn.js';

const key = Buffer.alloc(32, 0x42);
const otherKey = Buffer.alloc(32, 0x43);
const digitsArb = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max });

/** A random Luhn-valid card number of 12..19 digits. */
const cardArb = digitsArb(12, 19).map((d) => {
  setLuhnDigit(d, d.length - 1, 0);
  return d.join('');
});

describe('luhn', () => {
  it('recognises known-valid numbers and fixes one digit to any target', () => {
    expect(isLuhnValid('4111111111111111')).toBe(true);
    expect(isLuhnValid('4111111111111112')).toBe(false);
    expect(isLuhnValid('79927398713')).toBe(true);
    fc.assert(
      fc.property(digitsArb(2, 19), fc.nat(), fc.integer({ min: 0, max: 9 }), (d, p, target) => {
        setLuhnDigit(d, p % d.length, target);
        expect(luhnSum(d)).toBe(target);
      }),
    );
  });
});

describe('FPE card tokens', () => {
  const layouts: { first: number; last: number }[] = [
    { first: 0, last: 0 },
    { first: 0, last: 4 },
    { first: 6, last: 0 },
    { first: 6, last: 4 },
  ];

  it('round-trip, keep the requested digits, and are Luhn-valid when asked', () => {
    fc.assert(
      fc.property(cardArb, fc.constantFrom(...layouts), fc.constantFrom<'valid' | 'invalid' | undefined>('valid', 'invalid', undefined), fc.string(), (pan, keep, luhn, ctx) => {
        const format = fpeFormats.card({ keep, ...(luhn === undefined ? {} : { luhn }) });
        const t = new FpeTokenizer(key, format);
        const free = pan.length - keep.first - keep.last - (luhn === undefined ? 0 : 1);
        if (free < 6) {
          expect(() => t.tokenize(pan, ctx)).toThrow(InvalidInputError);
          return;
        }
        const token = t.tokenize(pan, ctx);
        expect(token).toMatch(/^[0-9]+$/);
        expect(token.length).toBe(pan.length);
        expect(token.slice(0, keep.first)).toBe(pan.slice(0, keep.first));
        expect(token.slice(pan.length - keep.last)).toBe(pan.slice(pan.length - keep.last));
        if (luhn === 'valid') expect(isLuhnValid(token)).toBe(true);
        if (luhn === 'invalid') expect(isLuhnValid(token)).toBe(false);
        expect(t.detokenize(token, ctx)).toBe(pan);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps separators in place and tokenizes the same digits regardless of formatting', () => {
    const t = new FpeTokenizer(key, fpeFormats.card({ keep: { last: 4 }, luhn: 'valid' }));
    const spaced = t.tokenize('4111 1111 1111 1111', 'Card.pan');
    expect(spaced).toMatch(/^\d{4} \d{4} \d{4} 1111$/);
    expect(spaced.replace(/ /g, '')).toBe(t.tokenize('4111111111111111', 'Card.pan'));
    expect(t.tokenize('4111-1111-1111-1111', 'Card.pan').replace(/-/g, '')).toBe(spaced.replace(/ /g, ''));
    expect(t.detokenize(spaced, 'Card.pan')).toBe('4111 1111 1111 1111');
  });

  it('binds tokens to key, context, format and the kept digits', () => {
    const f = fpeFormats.card({ keep: { last: 4 } });
    const a = fpeTokenize(key, '4111111111111111', f, 'Card.pan');
    expect(fpeTokenize(key, '4111111111111111', f, 'Card.pan')).toBe(a);
    expect(fpeTokenize(otherKey, '4111111111111111', f, 'Card.pan')).not.toBe(a);
    expect(fpeTokenize(key, '4111111111111111', f, 'Order.pan')).not.toBe(a);
    expect(fpeTokenize(key, '4111111111111111', fpeFormats.card({ keep: { last: 4 }, luhn: 'valid' }), 'Card.pan')).not.toBe(a);
    // Same middle digits, different last four: unrelated middles.
    expect(fpeTokenize(key, '4111111111112222', f, 'Card.pan').slice(0, 12)).not.toBe(a.slice(0, 12));
    expect(fpeDetokenize(key, a, f, 'Card.pan')).toBe('4111111111111111');
  });

  it('refuses non-Luhn input when a Luhn option is set, and tokens of the wrong checksum on detokenize', () => {
    const t = new FpeTokenizer(key, fpeFormats.card({ keep: { last: 4 }, luhn: 'valid' }));
    expect(() => t.tokenize('4111111111111112')).toThrow(InvalidInputError);
    expect(() => t.detokenize('4111111111111112')).toThrow(InvalidInputError);
  });

  it('states the domain problem clearly: 6 + 4 kept with Luhn on 16 digits leaves 5', () => {
    const t = new FpeTokenizer(key, fpeFormats.card({ keep: { first: 6, last: 4 }, luhn: 'valid' }));
    expect(() => t.tokenize('4111111111111111')).toThrow(/leaves 5 characters.*1,000,000/);
    // Without Luhn the 6 middle digits are exactly 10^6 values: allowed.
    expect(new FpeTokenizer(key, fpeFormats.card({ keep: { first: 6, last: 4 } })).tokenize('4111111111111111')).toMatch(/^411111\d{6}1111$/);
  });

  it('refuses malformed card numbers without echoing them', () => {
    const t = new FpeTokenizer(key, fpeFormats.card());
    for (const bad of ['41111111111', '41111111111111111111', '4111x11111111111', '4111\u00a01111 1111 1111']) {
      try {
        t.tokenize(bad);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidInputError);
        expect((e as Error).message).not.toContain('4111');
      }
    }
  });
});

describe('FPE presets', () => {
  it('SSN: 9 digits, dashes kept, round trip', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{9}$/), fc.boolean(), (ssn, dashed) => {
        const value = dashed ? `${ssn.slice(0, 3)}-${ssn.slice(3, 5)}-${ssn.slice(5)}` : ssn;
        const t = new FpeTokenizer(key, fpeFormats.ssn());
        const token = t.tokenize(value, 'User.ssn');
        expect(token).toMatch(dashed ? /^\d{3}-\d{2}-\d{4}$/ : /^\d{9}$/);
        expect(t.detokenize(token, 'User.ssn')).toBe(value);
      }),
    );
    expect(() => fpeTokenize(key, '12345678', fpeFormats.ssn())).toThrow(InvalidInputError);
  });

  it('phone: formatting kept, digits tokenized, kept digits honoured', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{10,12}$/), (digits) => {
        const value = `+${digits.slice(0, 2)} (${digits.slice(2, 5)}) ${digits.slice(5, 8)}-${digits.slice(8)}`;
        const t = new FpeTokenizer(key, fpeFormats.phone({ keep: { first: 2 } }));
        const token = t.tokenize(value);
        expect(token.replace(/[0-9]/g, '0')).toBe(value.replace(/[0-9]/g, '0'));
        expect(token.slice(0, 3)).toBe(value.slice(0, 3));
        expect(t.detokenize(token)).toBe(value);
      }),
    );
    expect(() => fpeTokenize(key, '+1 555 1', fpeFormats.phone())).toThrow(InvalidInputError);
    expect(() => fpeTokenize(key, '+1 555 1234 ext 5', fpeFormats.phone())).toThrow(InvalidInputError);
  });

  it('numeric ids keep leading zeros and length', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{6,40}$/), (id) => {
        const token = fpeTokenize(key, id, fpeFormats.numeric(), 'Account.number');
        expect(token.length).toBe(id.length);
        expect(fpeDetokenize(key, token, fpeFormats.numeric(), 'Account.number')).toBe(id);
      }),
    );
    expect(fpeTokenize(key, '000000', fpeFormats.numeric())).toMatch(/^\d{6}$/);
    expect(() => fpeTokenize(key, '12345', fpeFormats.numeric())).toThrow(/1,000,000/);
  });

  it('alphanumeric codes stay in their alphabet; 4 characters of radix 36 are the minimum', () => {
    const cases: [FpeFormat, RegExp, fc.Arbitrary<string>][] = [
      [fpeFormats.alphanumeric(), /^[0-9A-Z]+$/, fc.stringMatching(/^[0-9A-Z]{4,20}$/)],
      [fpeFormats.alphanumeric({ letterCase: 'lower' }), /^[0-9a-z]+$/, fc.stringMatching(/^[0-9a-z]{4,20}$/)],
      [fpeFormats.alphanumeric({ letterCase: 'mixed' }), /^[0-9A-Za-z]+$/, fc.stringMatching(/^[0-9A-Za-z]{4,20}$/)],
    ];
    for (const [format, re, arb] of cases) {
      fc.assert(
        fc.property(arb, (code) => {
          const token = fpeTokenize(key, code, format);
          expect(token).toMatch(re);
          expect(token.length).toBe(code.length);
          expect(fpeDetokenize(key, token, format)).toBe(code);
        }),
        { numRuns: 100 },
      );
    }
    expect(() => fpeTokenize(key, 'ABC', fpeFormats.alphanumeric())).toThrow(InvalidInputError);
    expect(() => fpeTokenize(key, 'abcd', fpeFormats.alphanumeric())).toThrow(InvalidInputError);
  });

  it('generic alphabets: other scripts and emoji as numerals, passthrough kept', () => {
    const format = fpeFormats.alphabet('αβγδεζηθικλμνξοπρστυφχψω', { passthrough: ' ·' });
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...Array.from('αβγδεζηθικλμνξοπρστυφχψω ·')), { minLength: 6, maxLength: 30 }), (chars) => {
        const value = chars.join('');
        const letters = chars.filter((c) => c !== ' ' && c !== '·').length;
        if (letters < 5) {
          expect(() => fpeTokenize(key, value, format)).toThrow(InvalidInputError);
          return;
        }
        const token = fpeTokenize(key, value, format);
        expect(Array.from(token).map((c) => (c === ' ' || c === '·' ? c : 'x'))).toEqual(chars.map((c) => (c === ' ' || c === '·' ? c : 'x')));
        expect(fpeDetokenize(key, token, format)).toBe(value);
      }),
    );
    const emoji = fpeFormats.alphabet('😀😁😂🤣😃😄😅😆😉😊');
    const token = fpeTokenize(key, '😀😀😀😀😀😀', emoji);
    expect(Array.from(token)).toHaveLength(6);
    expect(fpeDetokenize(key, token, emoji)).toBe('😀😀😀😀😀😀');
  });

  it('refuses combining marks, emoji modifiers and lone surrogates not in the alphabet', () => {
    const format = fpeFormats.alphabet('abcdefghijklmnopqrstuvwxyz');
    expect(() => fpeTokenize(key, 'cafe\u0301abc', format)).toThrow(InvalidInputError);
    expect(() => fpeTokenize(key, 'abcdef👍🏽', format)).toThrow(InvalidInputError);
    expect(() => fpeTokenize(key, 'abcdef\ud800', format)).toThrow(InvalidInputError);
    expect(() => fpeTokenize(key, 'abcdef', fpeFormats.alphabet('ab', { passthrough: 'a' }))).toThrow(InvalidInputError);
    expect(() => fpeTokenize(key, 'abcdef', { kind: 'nope' } as unknown as FpeFormat)).toThrow(InvalidInputError);
    expect(() => fpeTokenize(key, '123456', fpeFormats.numeric({ keep: { first: -1 } }))).toThrow(InvalidInputError);
    expect(() => fpeTokenize(Buffer.alloc(7), '123456', fpeFormats.numeric())).toThrow(InvalidInputError);
  });

  it('redacts itself', () => {
    expect(JSON.stringify(new FpeTokenizer(key, fpeFormats.ssn()))).toBe('"[FpeTokenizer]"');
  });
});
