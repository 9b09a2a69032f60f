/**
 * Golden values: tokens and pseudonyms must never change between releases (stored tokens
 * and joins depend on them). A change here is a breaking change of the token format.
 * One case is recomputed independently from the documented tweak layout with @noble/ciphers FF1.
 */
import { createHmac } from 'node:crypto';
import { FF1 as nobleFf1 } from '@noble/ciphers/ff1.js';
import { describe, expect, it } from 'vitest';
import { FpeTokenizer, fpeFormats } from '../../src/tokenize/fpe.js';
import { pseudonymize } from '../../src/tokenize/pseudonymize.js';

const key = Buffer.alloc(32, 1);

describe('golden tokens and pseudonyms (key = 32 × 0x01)', () => {
  it('FPE presets', () => {
    const tok = (format: Parameters<typeof fpeFormats.card>[0] | undefined, v: string, ctx: string) =>
      new FpeTokenizer(key, fpeFormats.card(format)).tokenize(v, ctx);
    expect(tok({ keep: { last: 4 }, luhn: 'valid' }, '4111 1111 1111 1111', 'Card.pan')).toBe('6651 1235 0875 1111');
    expect(tok({ keep: { first: 6, last: 4 } }, '4111111111111111', 'Card.pan')).toBe('4111110919711111');
    expect(tok({ luhn: 'invalid' }, '4111111111111111', 'Card.pan')).toBe('5245899628062911');
    expect(new FpeTokenizer(key, fpeFormats.ssn()).tokenize('123-45-6789', 'User.ssn')).toBe('464-44-6109');
    expect(new FpeTokenizer(key, fpeFormats.phone({ keep: { first: 1 } })).tokenize('+1 (555) 123-4567', 'User.phone')).toBe('+1 (369) 946-7164');
    expect(new FpeTokenizer(key, fpeFormats.numeric()).tokenize('0001234567', 'Account.number')).toBe('1723058321');
    expect(new FpeTokenizer(key, fpeFormats.alphanumeric()).tokenize('AB12CD34', 'Order.code')).toBe('53O1DUNB');
    expect(new FpeTokenizer(key, fpeFormats.alphabet('αβγδεζηθικλμνξοπρστυφχψω')).tokenize('αβγδεζ', 'X.y')).toBe('τλθαθη');
  });

  it('the card tweak is exactly the documented layout (recomputed with noble FF1)', () => {
    const lp = (s: string) => {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      return Buffer.concat([len, b]);
    };
    const tweak = Buffer.concat(['fieldseal/fpe/v1', 'card;f=6;l=4;luhn=none', 'Card.pan', '411111', '1111'].map(lp));
    const middle = nobleFf1(10, key, tweak).encrypt([1, 1, 1, 1, 1, 1]).join('');
    expect(`411111${middle}1111`).toBe('4111110919711111');
  });

  it('pseudonyms', () => {
    expect(pseudonymize.email(key, 'alice@example.com')).toBe('uhpatlwvdxophyn5@example.com');
    expect(pseudonymize.name(key, 'Alice Liddell')).toBe('Ravi Fernandez');
    expect(pseudonymize.id(key, 'u-42')).toBe('arc6cplzh76kfmlowmw4');
    expect(pseudonymize.ip(key, '203.0.113.77', { mode: 'keyed' })).toBe('165.206.125.197');
    expect(pseudonymize.date(key, '2024-03-01', { mode: 'shift', subject: 'u-42' })).toBe('2024-02-06');
  });

  it('the e-mail pseudonym is HMAC-SHA256 over the documented encoding (recomputed)', () => {
    const lp = (s: string) => {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      return Buffer.concat([len, b]);
    };
    const mac = createHmac('sha256', key)
      .update(Buffer.concat(['fieldseal/pseudonym/v1', 'email-local', '', 'alice@example.com'].map(lp)))
      .digest();
    const bits = Array.from(mac, (b) => b.toString(2).padStart(8, '0')).join('');
    const b32 = Array.from({ length: 16 }, (_, i) => 'abcdefghijklmnopqrstuvwxyz234567'[parseInt(bits.slice(5 * i, 5 * i + 5), 2)]).join('');
    expect(`${b32}@example.com`).toBe(pseudonymize.email(key, 'Alice@Example.com'));
  });
});
