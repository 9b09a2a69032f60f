/**
 * Lookup key versions: a token context's `lookupVersion` picks one of the scope's lookup
 * keys (1, the default, is the scope's original one). A reindex migration writes its shadow
 * column under the next version while the old column keeps version 1, so both stay
 * consistent side by side.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidInputError, KeyDestroyedError, fpeFormats, memoryKeyStore, type TokenContext } from '../../src/index.js';
import { testSealer } from '../support/sealer.js';

const email: TokenContext = { model: 'User', field: 'email' };

describe('lookup key versions', () => {
  it('version 1 is the default and every version is its own key, created on first use and stable', async () => {
    const store = memoryKeyStore();
    const sealer = await testSealer({ store });
    const v1 = await sealer.blindIndex('a@example.com', email);
    expect(await sealer.blindIndex('a@example.com', { ...email, lookupVersion: 1 })).toBe(v1);
    const v2 = await sealer.blindIndex('a@example.com', { ...email, lookupVersion: 2 });
    const v3 = await sealer.blindIndex('a@example.com', { ...email, lookupVersion: 3 });
    expect(new Set([v1, v2, v3]).size).toBe(3);
    // Another process on the same store computes the same tokens per version.
    const other = await testSealer({ store });
    expect(await other.blindIndex('a@example.com', { ...email, lookupVersion: 2 })).toBe(v2);
    expect(await other.blindIndex('a@example.com', email)).toBe(v1);
    const lookups = (await sealer.listKeys({ purpose: 'lookup' })).map((r) => r.scope).sort();
    expect(lookups).toEqual(['default', 'default#~v2', 'default#~v3']);
  });

  it('deterministic texts under any version of the scope open without naming the version; other scopes do not', async () => {
    const sealer = await testSealer();
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.integer({ min: 1, max: 5 }), async (value, version) => {
        const text = await sealer.encryptDeterministic(value, { ...email, lookupVersion: version });
        expect(await sealer.decrypt(text, email)).toBe(value);
        expect(await sealer.encryptDeterministic(value, { ...email, lookupVersion: version })).toBe(text);
        if (version !== 1) expect(await sealer.encryptDeterministic(value, email)).not.toBe(text);
      }),
      { numRuns: 40 },
    );
    const text = await sealer.encryptDeterministic('x', { ...email, lookupVersion: 2 });
    await expect(sealer.decrypt(text, { ...email, scope: 'tenant-a' })).rejects.toThrow(/another key scope/);
  });

  it('the batch calls give the one-value results per version', async () => {
    const sealer = await testSealer();
    const items = [1, 2, 1, 2, 3, 3, 1].map((lookupVersion, i) => ({ value: `v${i}`, ctx: { ...email, lookupVersion } }));
    const texts = await sealer.encryptDeterministicMany(items);
    for (const [i, { value, ctx }] of items.entries()) expect(texts[i]).toBe(await sealer.encryptDeterministic(value, ctx));
    const indexes = await sealer.blindIndexMany(items.map(({ value, ctx }) => ({ value, options: ctx })));
    for (const [i, { value, ctx }] of items.entries()) expect(indexes[i]).toBe(await sealer.blindIndex(value, ctx));
  });

  it('FPE tokens open only under the version that made them', async () => {
    const sealer = await testSealer();
    const card = { model: 'Order', field: 'card', format: fpeFormats.card() };
    const pan = '4111111111111111';
    const t1 = await sealer.fpe(pan, card);
    const t2 = await sealer.fpe(pan, { ...card, lookupVersion: 2 });
    expect(t2).not.toBe(t1);
    expect(await sealer.detokenize(t2, { ...card, lookupVersion: 2 })).toBe(pan);
    expect(await sealer.detokenize(t2, card)).not.toBe(pan);
    const [v2key] = await sealer.listKeys({ scope: 'default#~v2', purpose: 'lookup' });
    expect(await sealer.detokenize(t2, { ...card, lookupVersion: 2, keyId: v2key!.id })).toBe(pan);
    await expect(sealer.detokenize(t2, { ...card, keyId: v2key!.id })).rejects.toThrow(InvalidInputError);
  });

  it('shredding a scope destroys every version of its lookup key', async () => {
    const sealer = await testSealer();
    const ctx = { ...email, scope: 'tenant-a' };
    const text = await sealer.encryptDeterministic('x', { ...ctx, lookupVersion: 2 });
    await sealer.blindIndex('x', ctx);
    expect(await sealer.shred('tenant-a')).toBe(2); // lookup v1 and v2 (no data key was made)
    await expect(sealer.decrypt(text, ctx)).rejects.toThrow(KeyDestroyedError);
  });

  it('refuses versions that are not integers from 1 to 65535', async () => {
    const sealer = await testSealer();
    for (const lookupVersion of [0, -1, 1.5, 65536, Number.NaN, '2' as unknown as number]) {
      await expect(sealer.blindIndex('x', { ...email, lookupVersion })).rejects.toThrow(InvalidInputError);
      await expect(sealer.encryptDeterministic('x', { ...email, lookupVersion })).rejects.toThrow(InvalidInputError);
    }
    expect(() => sealer.keyring.leaseLookupKey('default', 0)).toThrow(ConfigurationError);
  });
});
