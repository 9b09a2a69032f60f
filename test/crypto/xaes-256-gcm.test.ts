/**
 * XAES-256-GCM (src/crypto/xaes-256-gcm.ts) against the C2SP test vectors and the
 * "accumulated randomized" 10,000-iteration test (https://c2sp.org/XAES-256-GCM#test-vectors):
 * key, nonce, plaintext<0..255> and aad<0..255> read from one SHAKE-128 stream of empty input,
 * every ciphertext‖tag hashed with a second SHAKE-128, first 32 bytes compared.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Xaes256Gcm } from '../../src/crypto/xaes-256-gcm.js';
import { DecryptionError, InvalidInputError } from '../../src/errors.js';

const nonce = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWX');
const pt = Buffer.from('XAES-256-GCM');

describe('XAES-256-GCM', () => {
  it('C2SP vector 1 (MSB(L) = 0, empty AAD)', () => {
    const x = new Xaes256Gcm(Buffer.alloc(32, 0x01));
    const sealed = x.seal(nonce, pt, Buffer.alloc(0));
    expect(sealed.toString('hex')).toBe('ce546ef63c9cc60765923609' + 'b33a9a1974e96e52daf2fcf7075e2271');
    expect(x.open(nonce, sealed).toString()).toBe('XAES-256-GCM');
    expect(x.deriveKey(nonce).toString('hex')).toBe('c8612c9ed53fe43e8e005b828a1631a0bbcb6ab2f46514ec4f439fcfd0fa969b');
  });

  it('C2SP vector 2 (MSB(L) = 1, AAD)', () => {
    const x = new Xaes256Gcm(Buffer.alloc(32, 0x03));
    const aad = Buffer.from('c2sp.org/XAES-256-GCM');
    const sealed = x.seal(nonce, pt, aad);
    expect(sealed.toString('hex')).toBe('986ec1832593df5443a17943' + '7fd083bf3fdb41abd740a21f71eb769d');
    expect(x.open(nonce, sealed, aad).toString()).toBe('XAES-256-GCM');
    expect(x.deriveKey(nonce).toString('hex')).toBe('e9c621d4cdd9b11b00a6427ad7e559aeedd66b3857646677748f8ca796cb3fd8');
    expect(() => x.open(nonce, sealed)).toThrow(DecryptionError);
  });

  it('C2SP accumulated randomized test, 10,000 iterations', () => {
    const iterations = 10_000;
    // Upper bound of bytes read: 32 + 24 + 1 + 255 + 1 + 255 per iteration.
    const stream = createHash('shake128', { outputLength: iterations * 568 }).digest();
    expect(stream.subarray(0, 16).toString('hex')).toBe('7f9c2ba4e88f827d616045507605853e');
    let pos = 0;
    const read = (n: number): Buffer => {
      const out = stream.subarray(pos, pos + n);
      pos += n;
      return out;
    };
    const digest = createHash('shake128', { outputLength: 32 });
    for (let i = 0; i < iterations; i++) {
      const key = read(32);
      const n = read(24);
      const plaintext = read(read(1)[0] as number);
      const aad = read(read(1)[0] as number);
      const x = new Xaes256Gcm(key);
      const sealed = x.seal(n, plaintext, aad);
      expect(x.open(n, sealed, aad).equals(plaintext)).toBe(true);
      digest.update(sealed);
    }
    expect(digest.digest('hex')).toBe('e6b9edf2df6cec60c8cbd864e2211b597fb69a529160cd040d56c0c210081939');
  });

  it('refuses wrong key and nonce sizes with typed errors', () => {
    expect(() => new Xaes256Gcm(Buffer.alloc(16))).toThrow(InvalidInputError);
    const x = new Xaes256Gcm(Buffer.alloc(32));
    expect(() => x.seal(Buffer.alloc(12), pt)).toThrow(InvalidInputError);
    expect(() => x.open(Buffer.alloc(25), Buffer.alloc(16))).toThrow(InvalidInputError);
  });
});
