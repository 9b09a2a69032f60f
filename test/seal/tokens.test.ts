import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fpeFormats, InvalidInputError, isLuhnValid } from '../../src/index.js';
import { testSealer } from '../support/sealer.js';

const card = { model: 'Card', field: 'pan', format: fpeFormats.card({ keep: { last: 4 }, luhn: 'valid' }) };
const luhnCard = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 15, maxLength: 15 })
  .map((d) => {
    for (let check = 0; check < 10; check++) {
      const s = [...d, check].join('');
      if (isLuhnValid(s)) return s;
    }
    throw new Error('unreachable');
  });

describe('Sealer FPE tokens', () => {
  it('keeps format, requested digits and Luhn validity, and reverses', async () => {
    const sealer = await testSealer();
    await fc.assert(
      fc.asyncProperty(luhnCard, async (pan) => {
        const token = await sealer.fpe(pan, card);
        expect(token).toMatch(/^\d{16}$/);
        expect(token.slice(-4)).toBe(pan.slice(-4));
        expect(isLuhnValid(token)).toBe(true);
        expect(await sealer.fpe(pan, card)).toBe(token);
        expect(await sealer.detokenize(token, card)).toBe(pan);
      }),
      { numRuns: 100 },
    );
  });

  it('gives other tokens in other fields, the same in a shared domain', async () => {
    const sealer = await testSealer();
    const ssn = fpeFormats.ssn();
    const a = await sealer.fpe('123-45-6789', { model: 'User', field: 'ssn', format: ssn });
    expect(await sealer.fpe('123-45-6789', { model: 'User', field: 'taxId', format: ssn })).not.toBe(a);
    const x = await sealer.fpe('123-45-6789', { model: 'User', field: 'ssn', domain: 'ssn', format: ssn });
    expect(await sealer.fpe('123-45-6789', { model: 'Claim', field: 'ssn', domain: 'ssn', format: ssn })).toBe(x);
    expect(a).toMatch(/^\d{3}-\d{2}-\d{4}$/);
  });

  it('keeps FPE tokens and pseudonyms across a data key rotation: the lookup key makes them, and it does not rotate', async () => {
    const sealer = await testSealer();
    const [lookupKey] = await sealer.listKeys({ scope: 'default', purpose: 'lookup' });
    const [dataKey] = await sealer.listKeys({ scope: 'default', purpose: 'data' });
    const before = await sealer.fpe('4111111111111111', card);
    const pseudonymBefore = (await sealer.pseudonymizer({ domain: 'exports' })).email('a@b.co');
    await sealer.rotateDataKey();
    expect(await sealer.fpe('4111111111111111', card)).toBe(before);
    expect(await sealer.detokenize(before, card)).toBe('4111111111111111');
    expect(await sealer.detokenize(before, { ...card, keyId: lookupKey!.id })).toBe('4111111111111111');
    // A data key never makes FPE tokens.
    await expect(sealer.detokenize(before, { ...card, keyId: dataKey!.id })).rejects.toBeInstanceOf(InvalidInputError);
    expect(await sealer.fpeCandidates('4111111111111111', card)).toEqual([{ keyId: lookupKey!.id, token: before }]);
    const pseudonymizer = await sealer.pseudonymizer({ domain: 'exports' });
    expect(pseudonymizer.email('a@b.co')).toBe(pseudonymBefore);
    expect(pseudonymizer.keyId).toBe(lookupKey!.id);
    expect(await sealer.listKeys({ scope: 'default', purpose: 'lookup' })).toHaveLength(1);
  });

  it('rejects domains that are too small for FF1 with a typed error', async () => {
    const sealer = await testSealer();
    await expect(sealer.fpe('12345', { model: 'M', field: 'f', format: fpeFormats.numeric() })).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('Sealer pseudonymizer', () => {
  it('is stable per key and domain and does not link across domains or keys', async () => {
    const sealer = await testSealer();
    const analytics = await sealer.pseudonymizer({ domain: 'analytics' });
    const support = await sealer.pseudonymizer({ domain: 'support' });
    const again = await sealer.pseudonymizer({ domain: 'analytics' });
    const other = await (await testSealer()).pseudonymizer({ domain: 'analytics' });
    await fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const p = analytics.email(email);
        expect(again.email(email)).toBe(p);
        expect(support.email(email)).not.toBe(p);
        expect(other.email(email)).not.toBe(p);
      }),
      { numRuns: 100 },
    );
    expect(analytics.keyId).toMatch(/^[0-9a-f]{8}$/);
    const record = analytics.record({ email: 'a@b.co', name: 'Ann Lee', plan: 'pro', ssn: '1' }, { email: { kind: 'email' }, name: { kind: 'name' }, plan: 'keep' });
    expect(record).not.toHaveProperty('ssn');
    expect(record.plan).toBe('pro');
    expect(record.email).toBe(analytics.email('a@b.co'));
  });
});

describe('Sealer token domains are well-formed strings', () => {
  it('refuses a pseudonym domain or FPE token domain with a lone surrogate instead of sharing keys', async () => {
    const sealer = await testSealer();
    for (const domain of ['exports\uD800', 'exports\uDBFF']) {
      await expect(sealer.pseudonymizer({ domain })).rejects.toBeInstanceOf(InvalidInputError);
      await expect(sealer.fpe('123-45-6789', { model: 'User', field: 'ssn', domain, format: fpeFormats.ssn() })).rejects.toBeInstanceOf(InvalidInputError);
    }
    const a = await sealer.pseudonymizer({ domain: 'exports\uFFFD' });
    const b = await sealer.pseudonymizer({ domain: 'exports' });
    expect(a.email('a@b.co')).not.toBe(b.email('a@b.co'));
  });

  it('binds FPE tokens to rows by the documented row rule (1, 1n and "1" alike)', async () => {
    const sealer = await testSealer();
    const ssn = { model: 'User', field: 'ssn', format: fpeFormats.ssn() };
    const token = await sealer.fpe('123-45-6789', { ...ssn, row: 1 });
    expect(await sealer.fpe('123-45-6789', { ...ssn, row: 1n })).toBe(token);
    expect(await sealer.fpe('123-45-6789', { ...ssn, row: '1' })).toBe(token);
    await expect(sealer.fpe('123-45-6789', { ...ssn, row: 1.5 })).rejects.toBeInstanceOf(InvalidInputError);
  });
});
