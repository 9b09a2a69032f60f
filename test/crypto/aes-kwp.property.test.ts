/**
 * AES-KWP properties: round trips for every key size and 1..100 octets, agreement with
 * @noble/ciphers aeskwp (an independent implementation), every single-bit flip rejected,
 * typed errors for impossible lengths and key sizes; and the identity-bound wrap
 * (src/crypto/bound-key-wrap.ts): any change to any identity field fails unwrap.
 */
import { aeskwp } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { AesKwp, kwpWrappedLength } from '../../src/crypto/aes-kwp.js';
import { BoundKeyWrap } from '../../src/crypto/bound-key-wrap.js';
import { encodeParts } from '../../src/format/context.js';
import { DecryptionError, InvalidInputError } from '../../src/errors.js';

const keyArb = fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const plaintextArb = fc.uint8Array({ minLength: 1, maxLength: 100 });
const rootArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function flipBit(bytes: Uint8Array, bit: number): Buffer {
  const out = Buffer.from(bytes);
  out[bit >> 3] = (out[bit >> 3] as number) ^ (1 << (bit & 7));
  return out;
}

describe('AES-KWP properties', () => {
  it('round-trips every length 1..100 under every key size, with the RFC 5649 length, as @noble/ciphers aeskwp does', () => {
    const key = Buffer.alloc(32, 0x5c);
    for (const size of [16, 24, 32]) {
      const kwp = new AesKwp(key.subarray(0, size));
      for (let length = 1; length <= 100; length++) {
        const plaintext = Buffer.alloc(length, length);
        const wrapped = kwp.wrap(plaintext);
        expect(wrapped.length).toBe(kwpWrappedLength(length));
        expect(wrapped.length).toBe(8 * Math.ceil(length / 8) + 8);
        expect(toHex(wrapped)).toBe(toHex(aeskwp(key.subarray(0, size)).encrypt(plaintext)));
        expect(toHex(kwp.unwrap(wrapped))).toBe(toHex(plaintext));
      }
    }
    fc.assert(
      fc.property(keyArb, plaintextArb, (key, plaintext) => {
        const kwp = new AesKwp(key);
        const wrapped = kwp.wrap(plaintext);
        expect(toHex(wrapped)).toBe(toHex(aeskwp(key).encrypt(plaintext)));
        expect(toHex(kwp.unwrap(wrapped))).toBe(toHex(plaintext));
        expect(toHex(new AesKwp(key).unwrap(aeskwp(key).encrypt(plaintext)))).toBe(toHex(plaintext));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects every single-bit flip of a wrapped value with DecryptionError', () => {
    fc.assert(
      fc.property(keyArb, plaintextArb, (key, plaintext) => {
        const kwp = new AesKwp(key);
        const wrapped = kwp.wrap(plaintext);
        for (let bit = 0; bit < wrapped.length * 8; bit++) {
          expect(() => kwp.unwrap(flipBit(wrapped, bit)), `bit ${bit}`).toThrow(DecryptionError);
        }
        // Still intact after all those failures.
        expect(toHex(kwp.unwrap(wrapped))).toBe(toHex(plaintext));
      }),
      { numRuns: 60 },
    );
  });

  it('rejects a wrong key, a truncated or extended value, and swapped semiblocks', () => {
    fc.assert(
      fc.property(keyArb, keyArb, fc.uint8Array({ minLength: 9, maxLength: 100 }), (key, otherKey, plaintext) => {
        fc.pre(toHex(key) !== toHex(otherKey));
        const wrapped = new AesKwp(key).wrap(plaintext);
        expect(() => new AesKwp(otherKey).unwrap(wrapped)).toThrow(DecryptionError);
        const kwp = new AesKwp(key);
        expect(() => kwp.unwrap(wrapped.subarray(0, wrapped.length - 8))).toThrow(DecryptionError);
        expect(() => kwp.unwrap(Buffer.concat([wrapped, wrapped.subarray(0, 8)]))).toThrow(DecryptionError);
        // At least three semiblocks here (9+ octets): swap the last two.
        const n = wrapped.length;
        const swapped = Buffer.concat([wrapped.subarray(0, n - 16), wrapped.subarray(n - 8), wrapped.subarray(n - 16, n - 8)]);
        if (!swapped.equals(wrapped)) expect(() => kwp.unwrap(swapped)).toThrow(DecryptionError);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses impossible lengths and key sizes with typed errors', () => {
    const kwp = new AesKwp(new Uint8Array(32));
    // OpenSSL alone would "unwrap" empty input to empty output and wrap empty to empty.
    expect(() => kwp.wrap(new Uint8Array(0))).toThrow(InvalidInputError);
    for (let n = 0; n <= 41; n++) {
      if (n >= 16 && n % 8 === 0) continue;
      expect(() => kwp.unwrap(new Uint8Array(n)), `length ${n}`).toThrow(DecryptionError);
    }
    // Well-formed lengths of zeros: no valid AIV.
    for (const n of [16, 24, 40]) expect(() => kwp.unwrap(new Uint8Array(n))).toThrow(DecryptionError);
    for (const n of [0, 1, 8, 15, 17, 31, 33, 64]) expect(() => new AesKwp(new Uint8Array(n)), `key ${n}`).toThrow(InvalidInputError);
    // The errors name no key bytes: the same message whatever failed.
    const messages = new Set<string>();
    for (const input of [new Uint8Array(7), new Uint8Array(24), flipBit(kwp.wrap(new Uint8Array(32).fill(0xee)), 3)]) {
      try {
        kwp.unwrap(input);
      } catch (e) {
        messages.add((e as Error).message);
      }
    }
    expect(messages.size).toBe(1);
  });

  it('redacts itself in inspect and JSON output', () => {
    const key = Buffer.alloc(32, 0xab);
    for (const o of [new AesKwp(key), new BoundKeyWrap(key)]) {
      for (const shown of [inspect(o, { showHidden: true, depth: 5 }), JSON.stringify(o)]) {
        expect(shown).toMatch(/^"?\[(AesKwp|BoundKeyWrap)\]"?$/);
        expect(shown).not.toContain('abab');
      }
    }
  });
});

describe('identity-bound key wrap (HKDF-SHA256 per record, then AES-256-KWP)', () => {
  const FIELDS = ['id', 'scope', 'purpose', 'parent'] as const;
  type Identity = Record<(typeof FIELDS)[number], string>;
  const identityArb: fc.Arbitrary<Identity> = fc.record({ id: fc.string(), scope: fc.string(), purpose: fc.string(), parent: fc.string() });
  const encode = (r: Identity): Buffer => encodeParts(FIELDS.map((f) => r[f]));
  const dataKeyArb = fc.uint8Array({ minLength: 32, maxLength: 32 });

  it('is HKDF-SHA256(root, "fieldseal/v1/bound-key-wrap", identity) then KWP, as computed with @noble', () => {
    fc.assert(
      fc.property(rootArb, identityArb, dataKeyArb, (root, identity, dataKey) => {
        const info = encode(identity);
        const kek = hkdf(sha256, root, Buffer.from('fieldseal/v1/bound-key-wrap'), info, 32);
        const wrapped = new BoundKeyWrap(root).wrap(dataKey, info);
        expect(toHex(wrapped)).toBe(toHex(aeskwp(kek).encrypt(dataKey)));
        expect(toHex(new BoundKeyWrap(root).unwrap(wrapped, info))).toBe(toHex(dataKey));
      }),
      { numRuns: 200 },
    );
  });

  it('changing any identity field, or the root key, fails unwrap with DecryptionError', () => {
    fc.assert(
      fc.property(
        rootArb,
        identityArb,
        fc.constantFrom(...FIELDS),
        fc.string(),
        dataKeyArb,
        (root, identity, field, replacement, dataKey) => {
          fc.pre(replacement !== identity[field]);
          const wrap = new BoundKeyWrap(root);
          const wrapped = wrap.wrap(dataKey, encode(identity));
          expect(toHex(wrap.unwrap(wrapped, encode(identity)))).toBe(toHex(dataKey));
          expect(() => wrap.unwrap(wrapped, encode({ ...identity, [field]: replacement }))).toThrow(DecryptionError);
          const otherRoot = Buffer.from(root);
          otherRoot[0] = (otherRoot[0] as number) ^ 1;
          expect(() => new BoundKeyWrap(otherRoot).unwrap(wrapped, encode(identity))).toThrow(DecryptionError);
          // The root key itself is never the wrapping key.
          expect(() => new AesKwp(root).unwrap(wrapped)).toThrow(DecryptionError);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('moving characters between adjacent fields, or reordering fields, fails unwrap (the encoding is length-prefixed)', () => {
    const wrap = new BoundKeyWrap(Buffer.alloc(32, 7));
    const dataKey = Buffer.alloc(32, 9);
    const wrapped = wrap.wrap(dataKey, encodeParts(['key-1', 'users', 'dek', 'root-2']));
    for (const parts of [
      ['key-1u', 'sers', 'dek', 'root-2'],
      ['key-', '1users', 'dek', 'root-2'],
      ['users', 'key-1', 'dek', 'root-2'],
      ['key-1', 'users', 'dekroot-2', ''],
      ['key-1', 'users', 'dek'],
    ]) {
      expect(() => wrap.unwrap(wrapped, encodeParts(parts)), parts.join('|')).toThrow(DecryptionError);
    }
    expect(wrap.unwrap(wrapped, encodeParts(['key-1', 'users', 'dek', 'root-2'])).equals(dataKey)).toBe(true);
  });

  it('refuses an empty identity and a root key that is not 32 bytes', () => {
    const wrap = new BoundKeyWrap(new Uint8Array(32));
    expect(() => wrap.wrap(new Uint8Array(32), new Uint8Array(0))).toThrow(InvalidInputError);
    expect(() => wrap.unwrap(new Uint8Array(40), new Uint8Array(0))).toThrow(InvalidInputError);
    for (const n of [0, 16, 31, 33, 64]) expect(() => new BoundKeyWrap(new Uint8Array(n))).toThrow(InvalidInputError);
    // The root key is copied: wiping the caller's buffer changes nothing.
    const root = Buffer.alloc(32, 3);
    const bound = new BoundKeyWrap(root);
    const wrapped = bound.wrap(Buffer.alloc(32, 1), Buffer.from('id'));
    root.fill(0);
    expect(bound.unwrap(wrapped, Buffer.from('id')).equals(Buffer.alloc(32, 1))).toBe(true);
  });
});
