/**
 * AES-GCM (src/crypto/aes-gcm.ts) against every case of Wycheproof aes_gcm_test.json
 * (C2SP/wycheproof testvectors_v1). All tags there are 128 bits, the only size fieldseal uses.
 */
import { describe, expect, it } from 'vitest';
import { gcmOpen, gcmSeal } from '../../src/crypto/aes-gcm.js';
import { DecryptionError, InvalidInputError } from '../../src/errors.js';
import { hex, loadVectors } from '../support/vectors.js';

interface GcmCase {
  tcId: number;
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  tag: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface GcmFile {
  numberOfTests: number;
  testGroups: { tagSize: number; tests: GcmCase[] }[];
}

describe('AES-GCM: Wycheproof aes_gcm_test.json', () => {
  it('runs every case: valid ones match byte for byte, invalid ones are rejected', () => {
    const file = loadVectors<GcmFile>('wycheproof/aes_gcm_test.json');
    let executed = 0;
    let valid = 0;
    let invalid = 0;
    for (const group of file.testGroups) {
      expect(group.tagSize).toBe(128);
      for (const t of group.tests) {
        executed++;
        const key = hex(t.key);
        const iv = hex(t.iv);
        const aad = hex(t.aad);
        const sealed = Buffer.concat([hex(t.ct), hex(t.tag)]);
        if (t.result === 'valid') {
          valid++;
          expect(gcmSeal(key, iv, hex(t.msg), aad).toString('hex'), `tcId ${t.tcId}`).toBe(sealed.toString('hex'));
          expect(gcmOpen(key, iv, sealed, aad).toString('hex'), `tcId ${t.tcId}`).toBe(t.msg);
        } else {
          expect(t.result).toBe('invalid');
          invalid++;
          let error: unknown;
          try {
            gcmOpen(key, iv, sealed, aad);
          } catch (e) {
            error = e;
          }
          expect(error instanceof DecryptionError || error instanceof InvalidInputError, `tcId ${t.tcId}`).toBe(true);
          // An empty IV must also be refused when sealing.
          if (iv.length === 0) expect(() => gcmSeal(key, iv, hex(t.msg), aad)).toThrow(InvalidInputError);
        }
      }
    }
    expect(executed).toBe(file.numberOfTests);
    expect([valid, invalid]).toEqual([229, 87]);
  });
});
