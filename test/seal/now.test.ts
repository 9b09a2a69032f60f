/**
 * The Sealer's synchronous entry points for hot paths, decryptManyNow and blindIndexNow:
 * the same values and errors as decryptMany and blindIndex when they answer at once, and
 * `undefined`, having opened and counted nothing, whenever waiting (a key to load) or
 * another path (an access policy, an audit sink, a batch) is needed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecryptionError, FormatError, InvalidInputError, createSealer, localKeyProvider, memoryKeyStore, type Sealable, type TokenContext } from '../../src/index.js';
import { callbackAuditSink } from '../../src/privacy/index.js';
import { TEST_KEK, testSealer } from '../support/sealer.js';

const email = { model: 'User', field: 'email', row: 'u1' } as const;
const name = { model: 'User', field: 'name' } as const;
const ssn = { model: 'User', field: 'ssn' } as const;

describe('Sealer.decryptManyNow', () => {
  it('opens a few values at once, as decryptMany does', async () => {
    const sealer = await testSealer();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.date({ noInvalidDate: true })), fc.constantFrom<TokenContext>(email, name, ssn)), { maxLength: 3 }), async (pairs) => {
        const items = await Promise.all(
          pairs.map(async ([value, ctx]) => ({ text: ctx === ssn ? await sealer.encryptDeterministic(value as Sealable, ctx) : await sealer.encrypt(value as Sealable, ctx), ctx })),
        );
        const now = sealer.decryptManyNow(items);
        expect(now).toEqual(await sealer.decryptMany(items));
        expect(now).toEqual(pairs.map(([value]) => value));
      }),
      { numRuns: 100 },
    );
  });

  it('counts each value once', async () => {
    const sealer = await testSealer();
    const items = [{ text: await sealer.encrypt('a@b.c', email), ctx: email }, { text: await sealer.encrypt('Ann', name), ctx: name }];
    const before = sealer.stats().decryptions;
    expect(sealer.decryptManyNow(items)).toEqual(['a@b.c', 'Ann']);
    expect(sealer.stats().decryptions - before).toBe(2);
  });

  it('answers undefined, opening nothing, while a key is not cached; decryptMany then loads it', async () => {
    const store = memoryKeyStore();
    const writer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store });
    const items = [{ text: await writer.encrypt('Ann', name), ctx: name }, { text: await writer.encryptDeterministic('123', ssn), ctx: ssn }];
    const reader = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store, warm: false });
    expect(reader.decryptManyNow(items)).toBeUndefined();
    expect(reader.stats().decryptions).toBe(0);
    expect(await reader.decryptMany(items)).toEqual(['Ann', '123']);
    expect(reader.decryptManyNow(items)).toEqual(['Ann', '123']);
  });

  it('answers undefined under an access policy or an audit sink, and for a batch', async () => {
    const policed = await testSealer({ policy: { fields: { 'User.name': { purposes: ['support'] } } } });
    expect(policed.decryptManyNow([{ text: await policed.encrypt('Ann', name), ctx: name }])).toBeUndefined();
    const audited = await testSealer({ audit: { sink: callbackAuditSink(() => undefined) } });
    expect(audited.decryptManyNow([{ text: await audited.encrypt('Ann', name), ctx: name }])).toBeUndefined();
    const sealer = await testSealer();
    const text = await sealer.encrypt('Ann', name);
    expect(sealer.decryptManyNow(Array.from({ length: 10 }, () => ({ text, ctx: name })))).toBeUndefined();
  });

  it('throws what decryptMany rejects with for a tampered value, a value of another row, or garbage', async () => {
    const sealer = await testSealer();
    const text = await sealer.encrypt('a@b.c', email);
    const tampered = text.slice(0, -2) + (text.endsWith('A') ? 'BA' : 'AA');
    for (const items of [[{ text: tampered, ctx: email }], [{ text, ctx: { ...email, row: 'u2' } }]]) {
      expect(() => sealer.decryptManyNow(items)).toThrow(DecryptionError);
      await expect(sealer.decryptMany(items)).rejects.toBeInstanceOf(DecryptionError);
    }
    // Garbage: decided by decryptMany's own path (undefined here), which reports it in input order.
    expect(sealer.decryptManyNow([{ text: 'fs1:!!', ctx: name }])).toBeUndefined();
    await expect(sealer.decryptMany([{ text: 'fs1:!!', ctx: name }])).rejects.toBeInstanceOf(FormatError);
  });

  it('a failure releases every leased key and counts once', async () => {
    const sealer = await testSealer();
    const good = await sealer.encrypt('Ann', name);
    const before = sealer.stats().decryptionFailures;
    expect(() => sealer.decryptManyNow([{ text: good, ctx: email }, { text: good, ctx: name }])).toThrow(DecryptionError);
    expect(sealer.stats().decryptionFailures - before).toBe(1);
    // Keys are still usable (their leases were released, not leaked into a wiped state).
    expect(sealer.decryptManyNow([{ text: good, ctx: name }])).toEqual(['Ann']);
  });
});

describe('beyond the key cache', () => {
  it('with one cache entry and values under two keys, decryptManyNow never half-opens; 200 concurrent reads of alternating keys all open', async () => {
    const store = memoryKeyStore();
    const writer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store });
    const rows = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => [
        { text: await writer.encrypt(`n${i}`, name), ctx: name },
        { text: await writer.encryptDeterministic(`s${i}`, ssn), ctx: ssn },
      ]),
    );
    const reader = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store, cache: { maxEntries: 1 } });
    const before = reader.stats().decryptions;
    // A data key and a lookup key cannot both be cached: never an answer at once, nothing opened.
    for (const items of rows) expect(reader.decryptManyNow(items)).toBeUndefined();
    expect(reader.stats().decryptions).toBe(before);
    const opened = await Promise.all(Array.from({ length: 200 }, (_, i) => reader.decryptMany(rows[i % rows.length]!)));
    opened.forEach((values, i) => expect(values).toEqual([`n${i % rows.length}`, `s${i % rows.length}`]));
    expect(reader.stats().decryptions - before).toBe(400);
    // One key at a time still answers at once once it is cached.
    await reader.decryptMany([rows[0]![0]!]);
    expect(reader.decryptManyNow([rows[0]![0]!])).toEqual(['n0']);
  });
});

describe('Sealer.blindIndexNow', () => {
  it('is blindIndex at once, once the lookup key is cached', async () => {
    const sealer = await testSealer();
    await fc.assert(
      fc.asyncProperty(fc.string(), async (value) => {
        const options = { model: 'User', field: 'email', normalize: 'email' as const };
        const index = await sealer.blindIndex(value, options);
        expect(sealer.blindIndexNow(value, options)).toBe(index);
      }),
      { numRuns: 100 },
    );
  });

  it('answers undefined while the lookup key is not cached, and throws what blindIndex rejects with', async () => {
    const store = memoryKeyStore();
    const writer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store });
    const index = await writer.blindIndex('a@b.c', { model: 'User', field: 'email' });
    const reader = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store, warm: false });
    expect(reader.blindIndexNow('a@b.c', { model: 'User', field: 'email' })).toBeUndefined();
    expect(await reader.blindIndex('a@b.c', { model: 'User', field: 'email' })).toBe(index);
    expect(reader.blindIndexNow('a@b.c', { model: 'User', field: 'email' })).toBe(index);
    expect(() => reader.blindIndexNow('a@b.c', { model: 'User', field: 'email', bits: 7 })).toThrow(InvalidInputError);
    await expect(reader.blindIndex('a@b.c', { model: 'User', field: 'email', bits: 7 })).rejects.toBeInstanceOf(InvalidInputError);
  });
});
