/**
 * The Sealer's batch calls: decryptMany, encryptMany and encryptDeterministicMany give the
 * results and errors of the one-value calls, with the AES work of a field's short values
 * batched (src/crypto/aes-siv.ts encryptMany/decryptMany).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecryptionError, FormatError, InvalidInputError, KeyDestroyedError, KeyNotFoundError, createSealer, localKeyProvider, memoryKeyStore, type KeyStore, type Sealable, type TokenContext } from '../../src/index.js';
import { TEST_KEK, testSealer } from '../support/sealer.js';

const value: fc.Arbitrary<Sealable> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 120, maxLength: 300 }), // crosses the AES-SIV / XAES-256-GCM and batch-size limits
  fc.double(),
  fc.bigInt(),
  fc.boolean(),
  fc.date({ noInvalidDate: true }),
  fc.uint8Array({ maxLength: 200 }),
);

const item = fc.record({
  value,
  deterministic: fc.boolean(),
  field: fc.constantFrom('email', 'name', 'ssn'),
  row: fc.option(fc.oneof(fc.uuid(), fc.integer()), { nil: undefined }),
  scope: fc.constantFrom(undefined, 'tenant-a'),
});

type Item = typeof item extends fc.Arbitrary<infer T> ? T : never;

function contextOf(i: Item): TokenContext {
  return { model: 'User', field: i.field, ...(i.row === undefined || i.deterministic ? {} : { row: i.row }), ...(i.scope === undefined ? {} : { scope: i.scope }) };
}

function same(a: unknown, b: unknown): void {
  if (a instanceof Uint8Array) expect(Buffer.from(b as Uint8Array).equals(Buffer.from(a))).toBe(true);
  else if (typeof a === 'number' && Number.isNaN(a)) expect(b).toBeNaN();
  else expect(b).toStrictEqual(a);
}

describe('Sealer.decryptMany', () => {
  it('returns what decrypt returns for each value, in order, across fields, modes, rows, scopes and types', async () => {
    const sealer = await testSealer();
    await fc.assert(
      fc.asyncProperty(fc.array(item, { maxLength: 40 }), async (items) => {
        const texts = await Promise.all(items.map((i) => (i.deterministic ? sealer.encryptDeterministic(i.value, contextOf(i)) : sealer.encrypt(i.value, contextOf(i)))));
        const opened = await sealer.decryptMany(texts.map((text, n) => ({ text, ctx: contextOf(items[n]!) })));
        expect(opened).toHaveLength(items.length);
        for (let n = 0; n < items.length; n++) {
          same(items[n]!.value, opened[n]);
          same(await sealer.decrypt(texts[n]!, contextOf(items[n]!)), opened[n]);
        }
      }),
      { numRuns: 150 },
    );
    expect(await sealer.decryptMany([])).toEqual([]);
  });

  it('throws the error decrypt throws for the first failing value, whatever else is in the batch', async () => {
    const sealer = await testSealer();
    const ctx = { model: 'User', field: 'email', row: 'r1' };
    const good = await Promise.all(['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io'].map((v) => sealer.encrypt(v, ctx)));
    const other = await testSealer({ store: memoryKeyStore() });
    const bits = Buffer.from(good[0]!.slice(4), 'base64url');
    bits[bits.length - 1]! ^= 1;
    const bad: { text: string; ctx: TokenContext; error: new (...args: never[]) => Error }[] = [
      { text: `fs1:${bits.toString('base64url')}`, ctx, error: DecryptionError },
      { text: good[1]!, ctx: { ...ctx, row: 'r2' }, error: DecryptionError },
      { text: good[1]!, ctx: { ...ctx, field: 'name' }, error: DecryptionError },
      { text: good[1]!, ctx: { ...ctx, scope: 'tenant-a' }, error: DecryptionError },
      { text: 'plain@x.io', ctx, error: FormatError },
      { text: `${good[2]!}x`, ctx, error: FormatError },
      { text: await other.encrypt('x', ctx), ctx, error: KeyNotFoundError },
    ];
    await fc.assert(
      fc.asyncProperty(fc.nat(bad.length - 1), fc.nat(bad.length - 1), fc.nat(good.length), async (first, second, at) => {
        const batch: { text: string; ctx: TokenContext }[] = good.map((text) => ({ text, ctx }));
        batch.splice(at, 0, bad[first]!);
        batch.push(bad[second]!);
        const single = await sealer.decrypt(bad[first]!.text, bad[first]!.ctx).catch((e: unknown) => e);
        const error = await sealer.decryptMany(batch).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(bad[first]!.error);
        expect((error as Error).constructor).toBe((single as Error).constructor);
        expect((error as Error).message).toBe((single as Error).message);
      }),
      { numRuns: 60 },
    );
    // Nothing was lost: the good values still open.
    expect(await sealer.decryptMany(good.map((text) => ({ text, ctx })))).toEqual(['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io']);
  });

  it('loads each missing data key once (old and new keys after a rotation), with one KMS unwrap, and fails destroyed ones with KeyDestroyedError', async () => {
    const { store, gets } = getCountingStore();
    const options = { provider: localKeyProvider({ keys: { main: TEST_KEK } }), store };
    const writer = await createSealer(options);
    const ctx = { model: 'User', field: 'email' };
    const texts: string[] = [];
    for (let i = 0; i < 50; i++) texts.push(await writer.encrypt(`old${i}`, ctx));
    await writer.rotateDataKey();
    for (let i = 0; i < 50; i++) texts.push(await writer.encrypt(`new${i}`, ctx));
    const dataKeys = await writer.listKeys({ scope: 'default', purpose: 'data' });
    expect(dataKeys).toHaveLength(2);

    const reader = await createSealer({ ...options, warm: false });
    gets.clear();
    const opened = await reader.decryptMany(texts.map((text) => ({ text, ctx })));
    expect(opened.slice(0, 2)).toEqual(['old0', 'old1']);
    expect(opened.at(-1)).toBe('new49');
    // Each data key read once; both are wrapped by the root key, the only thing the KMS unwraps.
    for (const key of dataKeys) expect(gets.get(key.id), key.id).toBe(1);
    expect(reader.stats().provider.unwrap).toBe(1);
    expect(reader.stats().decryptions).toBe(100);

    const oldKey = dataKeys.find((key) => !key.primary)!;
    await writer.destroyDataKey(oldKey.id);
    const fresh = await createSealer({ ...options, warm: false });
    await expect(fresh.decryptMany(texts.map((text) => ({ text, ctx })))).rejects.toBeInstanceOf(KeyDestroyedError);
    expect(fresh.stats().decryptionFailures).toBe(50);
    expect(await fresh.decryptMany(texts.slice(50).map((text) => ({ text, ctx })))).toHaveLength(50);
  });
});

/** A memory key store that counts `get` calls per key id. */
function getCountingStore(): { store: KeyStore; gets: Map<string, number> } {
  const inner = memoryKeyStore();
  const gets = new Map<string, number>();
  const store: KeyStore = {
    description: inner.description,
    migrate: () => inner.migrate(),
    get: (id) => {
      gets.set(id, (gets.get(id) ?? 0) + 1);
      return inner.get(id);
    },
    getMany: (ids) => inner.getMany(ids),
    primary: (scope, purpose) => inner.primary(scope, purpose),
    insert: (record, options) => inner.insert(record, options),
    compareAndSet: (id, version, change) => inner.compareAndSet(id, version, change),
    list: (page) => inner.list(page),
  };
  return { store, gets };
}

describe('Sealer.encryptMany and encryptDeterministicMany', () => {
  it('seal what the one-value calls seal: randomized texts open to the value, deterministic texts are equal', async () => {
    const sealer = await testSealer();
    await fc.assert(
      fc.asyncProperty(fc.array(item, { maxLength: 40 }), async (items) => {
        const randomized = items.filter((i) => !i.deterministic);
        const deterministic = items.filter((i) => i.deterministic);
        const texts = await sealer.encryptMany(randomized.map((i) => ({ value: i.value, ctx: contextOf(i) })));
        const tokens = await sealer.encryptDeterministicMany(deterministic.map((i) => ({ value: i.value, ctx: contextOf(i) })));
        expect(texts).toHaveLength(randomized.length);
        for (let n = 0; n < randomized.length; n++) {
          const i = randomized[n]!;
          expect(texts[n]!.length).toBe((await sealer.encrypt(i.value, contextOf(i))).length);
          same(i.value, await sealer.decrypt(texts[n]!, contextOf(i)));
        }
        for (let n = 0; n < deterministic.length; n++) {
          const i = deterministic[n]!;
          expect(tokens[n]).toBe(await sealer.encryptDeterministic(i.value, contextOf(i)));
        }
        // And back through the batch open.
        same(
          randomized.map((i) => i.value),
          await sealer.decryptMany(texts.map((text, n) => ({ text, ctx: contextOf(randomized[n]!) }))),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('gives equal values different texts (fresh randomness per value), and binds row and field', async () => {
    const sealer = await testSealer();
    const ctx = { model: 'User', field: 'email', row: 'r1' };
    const texts = await sealer.encryptMany(Array.from({ length: 600 }, () => ({ value: 'same@example.com', ctx })));
    expect(new Set(texts).size).toBe(600);
    await expect(sealer.decrypt(texts[0]!, { ...ctx, row: 'r2' })).rejects.toBeInstanceOf(DecryptionError);
    await expect(sealer.decrypt(texts[599]!, { ...ctx, field: 'name' })).rejects.toBeInstanceOf(DecryptionError);
    expect(sealer.stats().encryptions).toBe(600);
  });

  it('refuses a batch with a value encrypt refuses, with the same typed error', async () => {
    const sealer = await testSealer();
    const ctx = { model: 'User', field: 'email' };
    await expect(sealer.encryptMany([{ value: 'ok', ctx }, { value: Symbol('x') as never, ctx }])).rejects.toBeInstanceOf(InvalidInputError);
    await expect(sealer.encryptDeterministicMany([{ value: 'ok', ctx: { model: '', field: 'x' } }])).rejects.toBeInstanceOf(InvalidInputError);
    expect(await sealer.encryptMany([])).toEqual([]);
  });
});
