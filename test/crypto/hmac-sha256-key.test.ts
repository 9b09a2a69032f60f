/**
 * HMAC-SHA256 from precomputed key states (src/crypto/hmac-sha256-key.ts) and the SHA-256
 * compression under it (src/crypto/sha256.ts): FIPS 180-4's examples, every valid case of
 * Wycheproof hmac_sha256_test.json and RFC 4231 §4.2–4.8, and node:crypto's HMAC on random
 * keys and messages across every padding boundary and the JS / node:crypto cut-over.
 */
import { createHash, createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacSha256Key, SHORT_MESSAGE_BYTES } from '../../src/crypto/hmac-sha256-key.js';
import { compress, initialState, pad, paddedLength, writeState } from '../../src/crypto/sha256.js';
import { hex, loadVectors } from '../support/vectors.js';

/** SHA-256 of a whole message through the JS compression function. */
function sha256(message: Uint8Array): string {
  const buf = Buffer.alloc(paddedLength(message.length));
  buf.set(message);
  const state = initialState();
  compress(state, buf, 0, pad(buf, message.length, message.length));
  const out = Buffer.alloc(32);
  writeState(state, out, 0);
  return out.toString('hex');
}

const EMPTY = new Uint8Array(0);

describe('SHA-256 compression (FIPS 180-4)', () => {
  it('gives the FIPS 180-4 example digests (one block, two blocks, one million a)', () => {
    expect(sha256(Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256(Buffer.from('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    expect(sha256(Buffer.alloc(1_000_000, 0x61))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
    expect(sha256(EMPTY)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('equals node:crypto on every length around the padding boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const message = Buffer.alloc(length, length & 0xff);
      expect(sha256(message), `length ${length}`).toBe(createHash('sha256').update(message).digest('hex'));
    }
  });
});

describe('HmacSha256Key', () => {
  it('Wycheproof hmac_sha256_test.json: every valid case (truncated tags compare as prefixes)', () => {
    const file = loadVectors<{ testGroups: { tests: { tcId: number; key: string; msg: string; tag: string; result: string }[] }[] }>('wycheproof/hmac_sha256_test.json');
    let executed = 0;
    for (const group of file.testGroups) {
      for (const t of group.tests) {
        if (t.result !== 'valid') continue;
        executed++;
        const tag = new HmacSha256Key(hex(t.key)).mac(EMPTY, hex(t.msg));
        expect(tag.subarray(0, t.tag.length / 2).toString('hex'), `tcId ${t.tcId}`).toBe(t.tag);
      }
    }
    expect(executed).toBeGreaterThan(50);
  });

  it('RFC 4231 §4.2–4.8: every HMAC-SHA-256 case, including keys longer than a block', () => {
    const file = loadVectors<{ numberOfTests: number; tests: { tcId: number; key: string; data: string; macBits: number; mac: string }[] }>('rfc4231.json');
    for (const t of file.tests) {
      const mac = new HmacSha256Key(hex(t.key)).mac(EMPTY, hex(t.data));
      expect(mac.subarray(0, t.macBits / 8).toString('hex'), `tcId ${t.tcId}`).toBe(t.mac);
    }
    expect(file.tests.length).toBe(file.numberOfTests);
  });

  it('equals node:crypto for random keys, prefixes and messages (bytes and UTF-8 strings), short and long', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 130 }),
        fc.uint8Array({ maxLength: 3 }),
        fc.oneof(fc.uint8Array({ maxLength: SHORT_MESSAGE_BYTES + 80 }), fc.string({ unit: 'binary', maxLength: 120 })),
        (key, prefix, message) => {
          const want = createHmac('sha256', key).update(prefix).update(message).digest('hex');
          expect(new HmacSha256Key(key).mac(prefix, message).toString('hex')).toBe(want);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('equals node:crypto on every message length up to past the cut-over', () => {
    const key = new HmacSha256Key(Buffer.alloc(32, 7));
    for (let length = 0; length <= SHORT_MESSAGE_BYTES + 20; length++) {
      const message = Buffer.alloc(length, 0xa5);
      const want = createHmac('sha256', Buffer.alloc(32, 7)).update(Buffer.of(0x73)).update(message).digest('hex');
      expect(key.mac(Buffer.of(0x73), message).toString('hex'), `length ${length}`).toBe(want);
    }
  });

  it('gives the same tag on repeated calls (no state leaks between messages)', () => {
    const key = new HmacSha256Key(Buffer.alloc(32, 1));
    const first = key.mac(EMPTY, 'alice@example.com').toString('hex');
    key.mac(EMPTY, 'x'.repeat(200));
    key.mac(EMPTY, '€'.repeat(100));
    expect(key.mac(EMPTY, 'alice@example.com').toString('hex')).toBe(first);
  });

  it('shows no key material when printed or serialized', () => {
    const key = new HmacSha256Key(Buffer.alloc(32, 0xab));
    expect(inspect(key)).toBe('[HmacSha256Key]');
    expect(JSON.stringify({ key })).toBe('{"key":"[HmacSha256Key]"}');
    expect(inspect(key, { showHidden: true })).not.toContain('ab');
  });
});
