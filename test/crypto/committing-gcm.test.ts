/**
 * Key-committing AES-256-GCM (src/crypto/committing-gcm.ts) and the long-value path built on
 * it (algorithm 4, src/seal/randomized-field.ts). The commitment test runs the real attack on
 * plain GCM: a ciphertext and tag that verify under two keys (one linear equation in
 * GF(2^128)), which plain AES-256-GCM opens to two different plaintexts; with the stored
 * commitment, only the key it was sealed under opens it.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AesBlockCipher, BLOCK } from '../../src/crypto/aes-block.js';
import { COMMITMENT_BYTES, CommittingAes256Gcm, commitmentMatches, deriveCommittedKey } from '../../src/crypto/committing-gcm.js';
import { gfInv, gfMul } from '../../src/crypto/gcm-long-iv.js';
import { DecryptionError, FieldsealError, InvalidInputError } from '../../src/errors.js';
import { encodeParts } from '../../src/format/context.js';
import { Algorithm, ciphertextLength, headerOf, HEADER_BYTES, NONCE_BYTES, TAG_BYTES } from '../../src/format/envelope.js';
import { ValueType } from '../../src/format/value-codec.js';
import { DataKey } from '../../src/keys/data-key.js';
import { randomizedField, SHORT_VALUE_MAX_BYTES } from '../../src/seal/randomized-field.js';
import { testSealer } from '../support/sealer.js';

const LABEL = 'fieldseal/v1/committing-aes-256-gcm ';
const toBig = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).toString('hex')}`);
const toBytes = (x: bigint): Buffer => Buffer.from(x.toString(16).padStart(32, '0'), 'hex');

/** x^n in GF(2^128), GCM bit order (1 is the top bit). */
function gfPow(x: bigint, n: number): bigint {
  let out = 1n << 127n;
  for (let i = 0; i < n; i++) out = gfMul(out, x);
  return out;
}

/** Ciphertext ‖ tag of plain AES-256-GCM for a given ciphertext (found by decrypting without the tag check, then encrypting). */
function gcmTagOf(key: Buffer, iv: Buffer, ciphertext: Buffer, aad: Buffer): Buffer {
  const keystream = createDecipheriv('aes-256-gcm', key, iv).update(ciphertext);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const again = Buffer.concat([cipher.update(keystream), cipher.final()]);
  expect(again.equals(ciphertext)).toBe(true);
  return cipher.getAuthTag();
}

/**
 * The multi-key attack on GCM: a ciphertext of `blocks` blocks whose tag verifies under both
 * keys, with the same nonce and associated data. The tag is GHASH_H(A, C) ⊕ E_K(J0), linear
 * in each ciphertext block: block j (of n) is multiplied by H^(n − j + 1). Fixing the other
 * blocks, the tags under K1 and K2 agree for exactly one value x of block j.
 */
function collidingGcm(key1: Buffer, key2: Buffer, iv: Buffer, aad: Buffer, blocks: number): { ciphertext: Buffer; tag: Buffer } {
  const ciphertext = randomBytes(blocks * BLOCK);
  const j = 0;
  ciphertext.fill(0, j * BLOCK, (j + 1) * BLOCK);
  const t1 = toBig(gcmTagOf(key1, iv, ciphertext, aad));
  const t2 = toBig(gcmTagOf(key2, iv, ciphertext, aad));
  const power = blocks - j + 1;
  const h1 = gfPow(toBig(new AesBlockCipher(key1).encrypt(new Uint8Array(BLOCK))), power);
  const h2 = gfPow(toBig(new AesBlockCipher(key2).encrypt(new Uint8Array(BLOCK))), power);
  const x = gfMul(t1 ^ t2, gfInv(h1 ^ h2));
  toBytes(x).copy(ciphertext, j * BLOCK);
  return { ciphertext, tag: toBytes(t1 ^ gfMul(x, h1)) };
}

/** Plain AES-256-GCM open; undefined when the tag does not verify. */
function plainGcmOpen(key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad: Buffer): Buffer | undefined {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const out = decipher.update(ciphertext);
  try {
    decipher.final();
    return out;
  } catch {
    return undefined;
  }
}

describe('committing AES-256-GCM: derivation', () => {
  it('is HKDF-SHA256(IKM = key, salt = R) expanded for DERIVEKEY and COMMITKEY (RFC 5869, node:crypto)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 12, maxLength: 12 }), (key, r) => {
        const { key: derived, commitment } = deriveCommittedKey(key, r);
        expect(derived.equals(Buffer.from(hkdfSync('sha256', key, r, `${LABEL}DERIVEKEY`, 32)))).toBe(true);
        expect(commitment.equals(Buffer.from(hkdfSync('sha256', key, r, `${LABEL}COMMITKEY`, 32)))).toBe(true);
        expect(commitment.length).toBe(COMMITMENT_BYTES);
      }),
      { numRuns: 50 },
    );
  });

  it('refuses wrong key, prefix and nonce sizes with typed errors', () => {
    expect(() => deriveCommittedKey(Buffer.alloc(16), Buffer.alloc(12))).toThrow(InvalidInputError);
    expect(() => deriveCommittedKey(Buffer.alloc(32), Buffer.alloc(16))).toThrow(InvalidInputError);
    expect(() => new CommittingAes256Gcm(Buffer.alloc(31))).toThrow(InvalidInputError);
    expect(() => new CommittingAes256Gcm(Buffer.alloc(32)).seal(Buffer.alloc(12), Buffer.alloc(16), Buffer.alloc(1))).toThrow(InvalidInputError);
    expect(commitmentMatches(Buffer.alloc(32), Buffer.alloc(31))).toBe(false);
  });

  it('round-trips and refuses any flipped bit (property)', () => {
    const gcm = new CommittingAes256Gcm(randomBytes(32));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 40 }), fc.nat(), (plaintext, aad, flip) => {
        const r = randomBytes(12);
        const nonce = randomBytes(12);
        const sealed = gcm.seal(r, nonce, plaintext, aad);
        expect(Buffer.from(gcm.open(r, nonce, sealed, aad)).equals(Buffer.from(plaintext))).toBe(true);
        const bit = flip % (sealed.length * 8);
        const tampered = Buffer.from(sealed);
        tampered[bit >> 3] = (tampered[bit >> 3] as number) ^ (1 << (bit & 7));
        expect(() => gcm.open(r, nonce, tampered, aad)).toThrow(DecryptionError);
        const otherR = Buffer.from(r);
        otherR[flip % 12] = (otherR[flip % 12] as number) ^ 1;
        expect(() => gcm.open(otherR, nonce, sealed, aad)).toThrow(DecryptionError);
      }),
      { numRuns: 100 },
    );
  });

  it('never prints key material', () => {
    const gcm = new CommittingAes256Gcm(Buffer.alloc(32, 7));
    expect(JSON.stringify(gcm)).toBe('"[CommittingAes256Gcm]"');
  });
});

describe('key commitment defeats the two-key attack on GCM', () => {
  it('plain GCM opens one ciphertext under two keys to two plaintexts; the committing form opens it under one only', () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const r = randomBytes(12);
    const nonce = randomBytes(12);
    const aad = Buffer.from('header and context');
    const d1 = deriveCommittedKey(k1, r);
    const d2 = deriveCommittedKey(k2, r);
    const { ciphertext, tag } = collidingGcm(d1.key, d2.key, nonce, aad, 10);
    // The attack works on GCM: both derived keys accept the same ciphertext and tag.
    const p1 = plainGcmOpen(d1.key, nonce, ciphertext, tag, aad);
    const p2 = plainGcmOpen(d2.key, nonce, ciphertext, tag, aad);
    expect(p1).toBeDefined();
    expect(p2).toBeDefined();
    expect(p1!.equals(p2!)).toBe(false);
    // With the commitment stored in front, the same GCM ciphertext and tag open only under the key committed to.
    const sealedFor1 = Buffer.concat([d1.commitment, ciphertext, tag]);
    expect(new CommittingAes256Gcm(k1).open(r, nonce, sealedFor1, aad).equals(p1!)).toBe(true);
    expect(() => new CommittingAes256Gcm(k2).open(r, nonce, sealedFor1, aad)).toThrow(DecryptionError);
    const sealedFor2 = Buffer.concat([d2.commitment, ciphertext, tag]);
    expect(new CommittingAes256Gcm(k2).open(r, nonce, sealedFor2, aad).equals(p2!)).toBe(true);
    expect(() => new CommittingAes256Gcm(k1).open(r, nonce, sealedFor2, aad)).toThrow(DecryptionError);
  });

  it('a long field value crafted to verify under two data keys with the same id opens under one of them only', () => {
    // Two key stores that disagree on the bytes of key 0badc0de (a substituted record).
    const key1 = new DataKey('0badc0de', 'default', 'data', randomBytes(32));
    const key2 = new DataKey('0badc0de', 'default', 'data', randomBytes(32));
    const [model, field] = ['User', 'bio'];
    const r = randomBytes(12);
    const counter = Buffer.from([0, 0, 0, 9]);
    const iv = Buffer.concat([counter, Buffer.alloc(8)]);
    const header = headerOf(Algorithm.aesGcmCommit, ValueType.bytes, key1.numericId);
    const aad = Buffer.concat([header, encodeParts([model, field])]);
    const d1 = deriveCommittedKey(key1.subkey('aead', [model, field]), r);
    const d2 = deriveCommittedKey(key2.subkey('aead', [model, field]), r);
    const { ciphertext, tag } = collidingGcm(d1.key, d2.key, iv, aad, 12);
    expect(plainGcmOpen(d1.key, iv, ciphertext, tag, aad)).toBeDefined();
    const underKey2 = plainGcmOpen(d2.key, iv, ciphertext, tag, aad);
    expect(underKey2).toBeDefined();
    const body = Buffer.concat([r, counter, d1.commitment, ciphertext, tag]);
    const opened = randomizedField(key1, model, field).open(Algorithm.aesGcmCommit, header, ValueType.bytes, body, Buffer.alloc(0));
    expect(opened.length).toBe(12 * 16);
    // GCM alone would accept it under key 2 (shown above); the commitment check refuses it first.
    expect(() => randomizedField(key2, model, field).open(Algorithm.aesGcmCommit, header, ValueType.bytes, body, Buffer.alloc(0))).toThrow(DecryptionError);
    expect(opened.equals(underKey2!)).toBe(false);
  });
});

describe('long values through the Sealer (algorithm 4)', () => {
  const ctx = { model: 'User', field: 'bio' };

  it('round-trips any long value, with the documented length, and refuses any flipped bit with a typed error', async () => {
    const sealer = await testSealer();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: SHORT_VALUE_MAX_BYTES + 1, maxLength: 1500 }), fc.nat(), async (value, flip) => {
        const text = await sealer.encrypt(value, ctx);
        expect(text.length).toBe(ciphertextLength(value.length));
        const envelope = Buffer.from(text.slice(4), 'base64url');
        expect((envelope[0] as number) >>> 4).toBe(Algorithm.aesGcmCommit);
        expect(envelope.length).toBe(HEADER_BYTES + NONCE_BYTES + COMMITMENT_BYTES + value.length + TAG_BYTES);
        expect(Buffer.from((await sealer.decrypt(text, ctx)) as Uint8Array).equals(Buffer.from(value))).toBe(true);
        const bit = flip % (envelope.length * 8);
        const tampered = Buffer.from(envelope);
        tampered[bit >> 3] = (tampered[bit >> 3] as number) ^ (1 << (bit & 7));
        const outcome = await sealer.decrypt(`fs1:${tampered.toString('base64url')}`, ctx).then(
          () => 'opened',
          // A flipped key id names a key that does not exist: refused too (KeyNotFoundError).
          (error: unknown) => (error instanceof FieldsealError ? 'refused' : String(error)),
        );
        expect(outcome).toBe('refused');
      }),
      { numRuns: 60 },
    );
  });

  it('opens in batches too, and a value under a wrong row or field fails', async () => {
    const sealer = await testSealer();
    const value = 'x'.repeat(500);
    const texts = await sealer.encryptMany([0, 1, 2, 3, 4].map((row) => ({ value, ctx: { ...ctx, row } })));
    expect(await sealer.decryptMany(texts.map((text, row) => ({ text, ctx: { ...ctx, row } })))).toEqual([value, value, value, value, value]);
    await expect(sealer.decrypt(texts[0] as string, { ...ctx, row: 1 })).rejects.toBeInstanceOf(DecryptionError);
    await expect(sealer.decrypt(texts[0] as string, { ...ctx, field: 'other', row: 0 })).rejects.toBeInstanceOf(DecryptionError);
  });

  it('keeps short values within 80 characters: a 16-byte value takes 75', () => {
    expect(ciphertextLength(16)).toBe(75);
    expect(ciphertextLength(SHORT_VALUE_MAX_BYTES)).toBe(4 + Math.ceil(((5 + 16 + 16 + 128) * 4) / 3));
    expect(ciphertextLength(SHORT_VALUE_MAX_BYTES + 1)).toBe(4 + Math.ceil(((5 + 16 + 32 + 129 + 16) * 4) / 3));
    expect(ciphertextLength(16, 'deterministic')).toBe(54);
  });
});
