/** Masking (src/tokenize/mask.ts): grapheme-aware, presets for card, email and phone. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { mask, maskCard, maskEmail, maskPhone, redact } from '../../src/tokenize/mask.js';
import { graphemes } from '../../src/tokenize/text.js';

describe('mask', () => {
  it('keeps first and last graphemes and masks the rest, one mask char per grapheme', () => {
    expect(mask('4111111111111111', { keepLast: 4 })).toBe('************1111');
    expect(mask('secret', { keepFirst: 1, keepLast: 1, char: '#' })).toBe('s####t');
    expect(mask('secret')).toBe('******');
  });

  it('never splits emoji sequences or combining marks', () => {
    expect(mask('👍🏽👩‍👩‍👧e\u0301x', { keepFirst: 1, keepLast: 1 })).toBe('👍🏽**x');
    expect(mask('Zoë\u0301 👨‍👩‍👧‍👦', { keepLast: 1 })).toBe('****👨‍👩‍👧‍👦');
    expect(mask('日本語テキスト', { keepFirst: 2 })).toBe('日本*****');
    expect(mask('abc', { char: '•' })).toBe('•••');
    expect(mask('abc', { char: '👍🏽' })).toBe('👍🏽👍🏽👍🏽');
  });

  it('property: grapheme count preserved, kept ends intact, at least minMasked masked', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.nat(10), fc.nat(10), fc.integer({ min: 0, max: 5 }), (value, keepFirst, keepLast, minMasked) => {
        const g = graphemes(value);
        const out = graphemes(mask(value, { keepFirst, keepLast, minMasked, char: '¤' }));
        expect(out.length).toBe(g.length);
        // Documented rule: at most n − minMasked shown, trailing characters have priority.
        const showable = Math.max(0, g.length - minMasked);
        const last = Math.min(keepLast, showable);
        const first = Math.min(keepFirst, showable - last);
        expect(out.slice(0, first)).toEqual(g.slice(0, first));
        expect(out.slice(g.length - last)).toEqual(g.slice(g.length - last));
        expect(out.slice(first, g.length - last).every((c) => c === '¤')).toBe(true);
        expect(g.length - first - last).toBeGreaterThanOrEqual(Math.min(minMasked, g.length));
      }),
    );
  });

  it('never shows a short value whole', () => {
    expect(mask('ab', { keepLast: 4 })).toBe('*b');
    expect(mask('a', { keepFirst: 1, keepLast: 1 })).toBe('*');
    expect(mask('abcd', { keepLast: 4, minMasked: 2 })).toBe('**cd');
    expect(mask('abcdef', { keepFirst: 2, keepLast: 2, fixedMaskLength: 3 })).toBe('ab***ef');
  });

  it('refuses bad options and ill-formed text', () => {
    expect(() => mask('abc', { char: '**' })).toThrow(InvalidInputError);
    expect(() => mask('abc', { keepFirst: -1 })).toThrow(InvalidInputError);
    expect(() => mask('ab\udc00c')).toThrow(InvalidInputError);
    expect(() => mask(42 as unknown as string)).toThrow(InvalidInputError);
  });
});

describe('presets', () => {
  it('card: last four by default, BIN on request, separators kept', () => {
    expect(maskCard('4111 1111 1111 1111')).toBe('**** **** **** 1111');
    expect(maskCard('4111-1111-1111-1111', { keepFirst: 6 })).toBe('4111-11**-****-1111');
    expect(maskCard('4111111111111111', { keepFirst: 8, keepLast: 0, char: 'X' })).toBe('41111111XXXXXXXX');
    expect(() => maskCard('4111 1111')).toThrow(InvalidInputError);
    expect(() => maskCard('4111111111111111', { keepFirst: 9 as 8 })).toThrow(InvalidInputError);
  });

  it('email: a***@example.com, length hidden', () => {
    expect(maskEmail('alice@example.com')).toBe('a***@example.com');
    expect(maskEmail('al@example.com')).toBe('a***@example.com');
    expect(maskEmail('a@example.com')).toBe('***@example.com');
    expect(maskEmail('👩‍💻dev@example.com')).toBe('👩‍💻***@example.com');
    expect(maskEmail('alice@mail.example.com', { maskDomain: true })).toBe('a***@***.com');
    expect(() => maskEmail('alice')).toThrow(InvalidInputError);
  });

  it('phone: last four digits, formatting kept', () => {
    expect(maskPhone('+1 (555) 123-4567')).toBe('+* (***) ***-4567');
    expect(maskPhone('+44 20 7946 0958', { keepLast: 2 })).toBe('+** ** **** **58');
    expect(maskPhone('123')).toBe('*23');
    expect(() => maskPhone('call me')).toThrow(InvalidInputError);
  });

  it('redact hides content and length', () => {
    expect(redact('anything at all')).toBe('[REDACTED]');
    expect(redact(12345, '∅')).toBe('∅');
  });
});
