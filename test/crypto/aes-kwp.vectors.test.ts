/**
 * AES-KWP (src/crypto/aes-kwp.ts, RFC 5649 / SP 800-38F KWP) against every case of
 * Wycheproof aes_kwp_test.json, valid and invalid, and the two examples of RFC 5649 §6.
 */
import { describe, expect, it } from 'vitest';
import { AesKwp } from '../../src/crypto/aes-kwp.js';
import { DecryptionError } from '../../src/errors.js';
import { hex, loadVectors } from '../support/vectors.js';

interface KeywrapCase {
  tcId: number;
  comment: string;
  flags: string[];
  key: string;
  msg: string;
  ct: string;
  result: 'valid' | 'invalid' | 'acceptable';
}

/** Hex as the RFCs print it, in space-separated groups. */
const rfcHex = (s: string): Buffer => hex(s.replace(/\s+/g, ''));

describe('AES-KWP: vectors', () => {
  it('Wycheproof aes_kwp_test.json: every case', () => {
    const file = loadVectors<{ numberOfTests: number; testGroups: { keySize: number; tests: KeywrapCase[] }[] }>('wycheproof/aes_kwp_test.json');
    const counts = { valid: 0, invalid: 0, acceptable: 0 };
    for (const group of file.testGroups) {
      for (const t of group.tests) {
        counts[t.result]++;
        const kwp = new AesKwp(hex(t.key));
        expect(hex(t.key).length * 8, `tcId ${t.tcId}`).toBe(group.keySize);
        if (t.result === 'invalid') {
          // Wrong AIV, MLI out of range, non-zero padding, RFC 3394 (unpadded) wrapping, impossible lengths.
          expect(() => kwp.unwrap(hex(t.ct)), `tcId ${t.tcId} (${t.comment})`).toThrow(DecryptionError);
          continue;
        }
        // Decision for "acceptable": Wycheproof uses it for key data shorter than 16 bytes
        // (flag SmallKey), which KWP defines (1 octet or more) and which this file marks valid.
        // This primitive wraps any length; minimum key sizes are the key layer's policy. So an
        // acceptable SmallKey case must behave as a valid one; any other acceptable flag is
        // new and must be looked at, hence fails here.
        if (t.result === 'acceptable') expect(t.flags, `tcId ${t.tcId}`).toEqual(['SmallKey']);
        else expect(t.result).toBe('valid');
        expect(kwp.wrap(hex(t.msg)).toString('hex'), `tcId ${t.tcId}`).toBe(t.ct);
        expect(kwp.unwrap(hex(t.ct)).toString('hex'), `tcId ${t.tcId}`).toBe(t.msg);
        // The same instance keeps working after a failed unwrap, and wraps the same again.
        const tampered = hex(t.ct);
        tampered[0] = (tampered[0] as number) ^ 0x80;
        expect(() => kwp.unwrap(tampered), `tcId ${t.tcId}`).toThrow(DecryptionError);
        expect(kwp.unwrap(hex(t.ct)).toString('hex'), `tcId ${t.tcId}`).toBe(t.msg);
        expect(kwp.wrap(hex(t.msg)).toString('hex'), `tcId ${t.tcId}`).toBe(t.ct);
      }
    }
    expect(counts.valid + counts.invalid + counts.acceptable).toBe(file.numberOfTests);
    // test/vectors/SOURCES.md: 254 cases, 77 valid, 177 invalid.
    expect(counts).toEqual({ valid: 77, invalid: 177, acceptable: 0 });
  });

  it('RFC 5649 §6 (Padded Key Wrap Example): 20 and 7 octets of key data under a 192-bit KEK', () => {
    // Typed from the RFC text. The 20-octet case pads to three semiblocks and runs W; the
    // 7-octet case pads to one semiblock, so AIV ‖ P is a single AES block (§4.1).
    const kwp = new AesKwp(rfcHex('5840df6e29b02af1 ab493b705bf16ea1 ae8338f4dcc176a8'));
    const cases = [
      { key: 'c37b7e6492584340 bed1220780894115 5068f738', wrap: '138bdeaa9b8fa7fc 61f97742e72248ee 5ae6ae5360d1ae6a 5f54f373fa543b6a' },
      { key: '466f7250617369', wrap: 'afbeb0f07dfbf541 9200f2ccb50bb24f' },
    ];
    for (const c of cases) {
      expect(kwp.wrap(rfcHex(c.key)).toString('hex')).toBe(rfcHex(c.wrap).toString('hex'));
      expect(kwp.unwrap(rfcHex(c.wrap)).toString('hex')).toBe(rfcHex(c.key).toString('hex'));
    }
  });
});
