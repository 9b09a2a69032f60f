/** Error-message hygiene shared by the KMS providers: encoded bytes go, identifiers stay. */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactMessage } from '../../src/keys/kms/redact.js';

describe('redactMessage (shared by aws-kms and gcp-kms)', () => {
  it('removes the call\'s own secrets exactly, in hex, base64 and base64url', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 96 }), (bytes) => {
        const b = Buffer.from(bytes);
        for (const form of [b.toString('hex'), b.toString('hex').toUpperCase(), b.toString('base64'), b.toString('base64url')]) {
          if (redactMessage(`echo: ${form} end`, [bytes]).includes(form)) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('also removes encoded-looking runs it was not told about (32-byte keys, 96-byte wrapped keys)', () => {
    for (let i = 0; i < 300; i++) {
      const b = randomBytes(i % 2 === 0 ? 32 : 96);
      for (const form of [b.toString('hex'), b.toString('base64'), b.toString('base64url')]) {
        expect(redactMessage(`echo: ${form} end`)).not.toContain(form);
      }
    }
    const key = randomBytes(32).toString('base64');
    expect(redactMessage(`bad input ${key}`)).toBe('bad input [redacted]');
  });

  it('keeps ARNs, UUIDs and resource names readable', () => {
    const text =
      'User: arn:aws:iam::111122223333:role/app is not authorized to perform: kms:Decrypt on resource: ' +
      'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(redactMessage(text)).toBe(text.length > 300 ? `${text.slice(0, 300)}…` : text);
    const name = 'projects/my-project/locations/europe-west1/keyRings/app-ring/cryptoKeys/fieldseal-kek';
    expect(redactMessage(`CryptoKey ${name} not found.`)).toBe(`CryptoKey ${name} not found.`);
  });

  it('caps the length at 300 characters', () => {
    expect(redactMessage('x '.repeat(400))).toHaveLength(301);
  });
});
