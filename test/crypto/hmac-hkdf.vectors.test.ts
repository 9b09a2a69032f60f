/**
 * HMAC-SHA256 and HKDF-SHA256 (src/crypto/hmac.ts) against every case of Wycheproof
 * hmac_sha256_test.json and hkdf_sha256_test.json, RFC 4231 §4.2–4.8 and RFC 5869 A.1–A.3.
 */
import { describe, expect, it } from 'vitest';
import { hkdfSha256, hmacSha256, verifyHmacSha256 } from '../../src/crypto/hmac.js';
import { InvalidInputError } from '../../src/errors.js';
import { hex, loadVectors } from '../support/vectors.js';

interface MacCase {
  tcId: number;
  key: string;
  msg: string;
  tag: string;
  result: string;
}
interface MacFile {
  numberOfTests: number;
  testGroups: { tagSize: number; tests: MacCase[] }[];
}
interface HkdfCase {
  tcId: number;
  ikm: string;
  salt: string;
  info: string;
  size: number;
  okm: string;
  result: string;
}
interface HkdfFile {
  numberOfTests: number;
  testGroups: { tests: HkdfCase[] }[];
}

describe('HMAC-SHA256', () => {
  it('Wycheproof hmac_sha256_test.json: every case (truncated tags compare as prefixes)', () => {
    const file = loadVectors<MacFile>('wycheproof/hmac_sha256_test.json');
    let executed = 0;
    for (const group of file.testGroups) {
      for (const t of group.tests) {
        executed++;
        const key = hex(t.key);
        const msg = hex(t.msg);
        const tag = hex(t.tag);
        expect(tag.length * 8, `tcId ${t.tcId}`).toBe(group.tagSize);
        if (t.result === 'valid') {
          expect(hmacSha256(key, msg).subarray(0, tag.length).toString('hex'), `tcId ${t.tcId}`).toBe(t.tag);
          expect(verifyHmacSha256(key, msg, tag), `tcId ${t.tcId}`).toBe(true);
        } else {
          expect(t.result).toBe('invalid');
          expect(verifyHmacSha256(key, msg, tag), `tcId ${t.tcId}`).toBe(false);
        }
      }
    }
    expect(executed).toBe(file.numberOfTests);
  });

  it('RFC 4231 §4.2–4.8: every HMAC-SHA-256 case', () => {
    const file = loadVectors<{ numberOfTests: number; tests: { tcId: number; key: string; data: string; macBits: number; mac: string; fullMac?: string }[] }>(
      'rfc4231.json',
    );
    let executed = 0;
    for (const t of file.tests) {
      executed++;
      const mac = hmacSha256(hex(t.key), hex(t.data));
      expect(mac.subarray(0, t.macBits / 8).toString('hex'), `tcId ${t.tcId}`).toBe(t.mac);
      if (t.fullMac !== undefined) expect(mac.toString('hex')).toBe(t.fullMac);
      expect(verifyHmacSha256(hex(t.key), hex(t.data), hex(t.mac))).toBe(true);
    }
    expect(executed).toBe(file.numberOfTests);
  });

  it('refuses tags shorter than 128 bits or longer than 256', () => {
    const key = Buffer.alloc(32, 1);
    const full = hmacSha256(key, 'm');
    expect(verifyHmacSha256(key, 'm', full.subarray(0, 15))).toBe(false);
    expect(verifyHmacSha256(key, 'm', Buffer.concat([full, Buffer.alloc(1)]))).toBe(false);
  });
});

describe('HKDF-SHA256', () => {
  it('Wycheproof hkdf_sha256_test.json: every case; oversized outputs are refused', () => {
    const file = loadVectors<HkdfFile>('wycheproof/hkdf_sha256_test.json');
    let executed = 0;
    for (const group of file.testGroups) {
      for (const t of group.tests) {
        executed++;
        if (t.result === 'valid') {
          expect(hkdfSha256(hex(t.ikm), hex(t.salt), hex(t.info), t.size).toString('hex'), `tcId ${t.tcId}`).toBe(t.okm);
        } else {
          expect(t.result).toBe('invalid');
          expect(() => hkdfSha256(hex(t.ikm), hex(t.salt), hex(t.info), t.size), `tcId ${t.tcId}`).toThrow(InvalidInputError);
        }
      }
    }
    expect(executed).toBe(file.numberOfTests);
  });

  it('RFC 5869 A.1–A.3: every case', () => {
    const file = loadVectors<{ numberOfTests: number; tests: { tcId: number; ikm: string; salt: string; info: string; length: number; prk: string; okm: string }[] }>(
      'rfc5869.json',
    );
    let executed = 0;
    for (const t of file.tests) {
      executed++;
      expect(hkdfSha256(hex(t.ikm), hex(t.salt), hex(t.info), t.length).toString('hex'), `tcId ${t.tcId}`).toBe(t.okm);
      // Extract step on its own: PRK = HMAC(salt or 0^32, IKM) (RFC 5869 §2.2).
      const salt = t.salt === '' ? Buffer.alloc(32) : hex(t.salt);
      expect(hmacSha256(salt, hex(t.ikm)).toString('hex')).toBe(t.prk);
    }
    expect(executed).toBe(file.numberOfTests);
  });
});
