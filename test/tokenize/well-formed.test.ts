/**
 * Every tokenize helper that takes a pseudonym domain or a tweak context refuses lone UTF-16
 * surrogates: UTF-8 would turn them into U+FFFD, so two domains would share pseudonyms and
 * two contexts would share FPE tokens.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { FpeTokenizer, fpeFormats } from '../../src/tokenize/fpe.js';
import { keyedDigest } from '../../src/tokenize/keyed.js';
import { pseudonymize } from '../../src/tokenize/pseudonymize.js';
import { pseudonymizeRecord } from '../../src/tokenize/pseudonymize-record.js';

const key = Buffer.alloc(32, 1);
const LONE = ['d\uD800', 'd\uDBFF', 'd\uDC00'];

describe('pseudonym domains must be well-formed', () => {
  it('keyedDigest refuses an ill-formed domain or value', () => {
    for (const bad of LONE) {
      expect(() => keyedDigest(key, 'id', bad, 'v')).toThrow(InvalidInputError);
      expect(() => keyedDigest(key, 'id', '', bad)).toThrow(InvalidInputError);
    }
    expect(keyedDigest(key, 'id', 'd\uFFFD', 'v').equals(keyedDigest(key, 'id', 'd', 'v'))).toBe(false);
  });

  it('every keyed helper refuses it', () => {
    for (const domain of LONE) {
      expect(() => pseudonymize.email(key, 'alice@example.com', { domain })).toThrow(InvalidInputError);
      expect(() => pseudonymize.name(key, 'Alice', { domain })).toThrow(InvalidInputError);
      expect(() => pseudonymize.id(key, 'u-1', { domain })).toThrow(InvalidInputError);
      expect(() => pseudonymize.ip(key, '192.0.2.1', { mode: 'keyed', domain })).toThrow(InvalidInputError);
      expect(() => pseudonymize.date(key, '2024-01-01', { mode: 'shift', subject: 's', domain })).toThrow(InvalidInputError);
    }
  });

  it('pseudonymizeRecord refuses it as a default domain and in a rule', () => {
    const record = { email: 'alice@example.com', plan: 'pro' };
    expect(() => pseudonymizeRecord(key, record, { plan: 'keep' }, { domain: LONE[0] as string })).toThrow(InvalidInputError);
    expect(() => pseudonymizeRecord(key, record, { email: { kind: 'email' } }, { domain: LONE[1] as string })).toThrow(InvalidInputError);
    expect(() => pseudonymizeRecord(key, record, { email: { kind: 'email', domain: LONE[2] as string } })).toThrow(InvalidInputError);
  });
});

describe('FPE tweak contexts must be well-formed', () => {
  it('tokenize and detokenize refuse an ill-formed context string', () => {
    const t = new FpeTokenizer(key, fpeFormats.numeric());
    for (const context of LONE) {
      expect(() => t.tokenize('0001234567', context)).toThrow(InvalidInputError);
      expect(() => t.detokenize('0001234567', context)).toThrow(InvalidInputError);
    }
    expect(t.tokenize('0001234567', 'User.id\uFFFD')).not.toBe(t.tokenize('0001234567', 'User.id'));
    expect(() => t.tokenize('0001234567', 7 as never)).toThrow(InvalidInputError);
  });
});
