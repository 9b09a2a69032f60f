/** CRC32C (Castagnoli) used for Cloud KMS integrity checks: RFC 3720 vectors and a bitwise cross-check. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../src/gcp-kms/crc32c.js';

/** The bit-at-a-time definition, independent of the table. */
function crc32cBitwise(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('gives the check value 0xE3069283 for "123456789" (RFC 3720 B.4 / CRC catalogue)', () => {
    expect(crc32c(Buffer.from('123456789', 'ascii'))).toBe(0xe3069283);
  });

  it('matches the RFC 3720 appendix B.4 iSCSI examples', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('is 0 for empty input and always an unsigned 32-bit integer', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => Number.isInteger(crc32c(bytes)) && crc32c(bytes) >= 0 && crc32c(bytes) <= 0xffffffff));
  });

  it('agrees with the bitwise definition on random inputs', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => crc32c(bytes) === crc32cBitwise(bytes)), { numRuns: 500 });
  });

  it('detects every single-bit error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 128 }), fc.nat(), (bytes, position) => {
        const bit = position % (bytes.length * 8);
        const flipped = Uint8Array.from(bytes);
        flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
        return crc32c(flipped) !== crc32c(bytes);
      }),
      { numRuns: 500 },
    );
  });
});
