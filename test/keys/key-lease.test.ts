/**
 * A data key is never wiped while an operation holds it. The cache evicts (LRU) and expires
 * keys while other operations are suspended at an `await` between fetching a key and using
 * it; before leases, such an operation derived its subkeys from the zero-filled bytes and
 * sealed values under an all-zero key. Every operation kind runs here with far more
 * concurrent calls (and scopes) than cache entries, and every result is checked by a new
 * Sealer, with an empty cache, against the real keys.
 */
import { describe, expect, it } from 'vitest';
import { createSealer, fpeFormats, KeyWipedError, localKeyProvider, memoryKeyStore, type KeyStore, type Sealer } from '../../src/index.js';
import { DataKey } from '../../src/keys/data-key.js';
import { TEST_KEK } from '../support/sealer.js';

const provider = () => localKeyProvider({ keys: { main: TEST_KEK } });
const ctx = (scope: string) => ({ model: 'User', field: 'email', scope });
const card = fpeFormats.card();

/** A store in which `count` subject scopes have keys, and a sealer that has none of them cached (as after a restart). */
async function coldSubjects(count: number, maxEntries: number, rotations = 0): Promise<{ store: KeyStore; scopes: string[]; cold: Sealer; fresh: () => Promise<Sealer> }> {
  const store = memoryKeyStore();
  const scopes = Array.from({ length: count }, (_, i) => `subject-${i}`);
  const setup = await createSealer({ provider: provider(), store, cache: { maxEntries: count + 10 } });
  for (const scope of scopes) await setup.encrypt('seed', ctx(scope));
  for (let r = 0; r < rotations; r++) for (const scope of scopes) await setup.rotateDataKey({ scope });
  const cold = await createSealer({ provider: provider(), store, cache: { maxEntries }, warm: false });
  const fresh = () => createSealer({ provider: provider(), store, cache: { maxEntries: count + 10 }, warm: false });
  return { store, scopes, cold, fresh };
}

describe('data keys held by operations are not wiped (concurrency beyond the cache)', () => {
  it('encrypt: 1,500 concurrent calls on 1,500 cold scopes with the default cache all open under the real keys', async () => {
    const { scopes, cold, fresh } = await coldSubjects(1500, 1000);
    const texts = await Promise.all(scopes.map((scope) => cold.encrypt(`value of ${scope}`, ctx(scope))));
    const checker = await fresh();
    const opened = await Promise.all(texts.map((text, i) => checker.decrypt(text, ctx(scopes[i]!))));
    expect(opened).toEqual(scopes.map((scope) => `value of ${scope}`));
    expect(cold.stats().cache.evictions).toBeGreaterThan(0);
  }, 120_000);

  it('encrypt with maxEntries 1: every one of 64 concurrent calls opens', async () => {
    const { scopes, cold, fresh } = await coldSubjects(64, 1);
    const texts = await Promise.all(scopes.map((scope) => cold.encrypt(scope, ctx(scope))));
    const checker = await fresh();
    for (let i = 0; i < scopes.length; i++) expect(await checker.decrypt(texts[i]!, ctx(scopes[i]!))).toBe(scopes[i]);
  });

  it('encryptMany and encryptDeterministicMany: concurrent batches across cold scopes open and match', async () => {
    const { scopes, cold, fresh } = await coldSubjects(64, 2);
    const batches = Array.from({ length: 16 }, (_, b) => scopes.slice(b * 4, b * 4 + 4).flatMap((scope) => [0, 1].map((n) => ({ value: `${scope}/${n}`, ctx: ctx(scope) }))));
    const [random, deterministic] = await Promise.all([
      Promise.all(batches.map((items) => cold.encryptMany(items))),
      Promise.all(batches.map((items) => cold.encryptDeterministicMany(items))),
    ]);
    const checker = await fresh();
    for (let b = 0; b < batches.length; b++) {
      for (let i = 0; i < batches[b]!.length; i++) {
        const { value, ctx: c } = batches[b]![i]!;
        expect(await checker.decrypt(random[b]![i]!, c)).toBe(value);
        expect(deterministic[b]![i]).toBe(await checker.encryptDeterministic(value, c));
      }
    }
  });

  it('decrypt and decryptMany: concurrent opens across cold scopes never fail spuriously', async () => {
    const { scopes, cold, fresh } = await coldSubjects(64, 2);
    const writer = await fresh();
    const texts = await Promise.all(scopes.map((scope) => writer.encrypt(scope, ctx(scope))));
    const single = await Promise.all(texts.map((text, i) => cold.decrypt(text, ctx(scopes[i]!))));
    expect(single).toEqual(scopes);
    cold.keyring.clearCache();
    const batches = Array.from({ length: 16 }, (_, b) => texts.slice(b * 4, b * 4 + 4).map((text, i) => ({ text, ctx: ctx(scopes[b * 4 + i]!) })));
    const many = await Promise.all(batches.map((items) => cold.decryptMany(items)));
    expect(many.flat()).toEqual(scopes);
  });

  it('blindIndex, blindIndexMany, deterministic, fpe and pseudonymizer: concurrent calls match a fresh sealer', async () => {
    const { scopes, cold, fresh } = await coldSubjects(48, 2);
    const email = (scope: string) => `${scope}@example.com`;
    const [indexes, manyIndexes, tokens, cards, pseudonyms] = await Promise.all([
      Promise.all(scopes.map((scope) => cold.blindIndex(email(scope), ctx(scope)))),
      Promise.all(Array.from({ length: 12 }, (_, b) => cold.blindIndexMany(scopes.slice(b * 4, b * 4 + 4).map((scope) => ({ value: email(scope), options: ctx(scope) }))))),
      Promise.all(scopes.map((scope) => cold.encryptDeterministic(email(scope), ctx(scope)))),
      Promise.all(scopes.map((scope) => cold.fpe('4111111111111111', { ...ctx(scope), field: 'card', format: card }))),
      Promise.all(scopes.map(async (scope) => (await cold.pseudonymizer({ scope })).email(email(scope)))),
    ]);
    const checker = await fresh();
    for (let i = 0; i < scopes.length; i++) {
      const scope = scopes[i]!;
      expect(indexes[i]).toBe(await checker.blindIndex(email(scope), ctx(scope)));
      expect(manyIndexes.flat()[i]).toBe(indexes[i]);
      expect(tokens[i]).toBe(await checker.encryptDeterministic(email(scope), ctx(scope)));
      expect(await checker.decrypt(tokens[i]!, ctx(scope))).toBe(email(scope));
      expect(cards[i]).toBe(await checker.fpe('4111111111111111', { ...ctx(scope), field: 'card', format: card }));
      expect(await checker.detokenize(cards[i]!, { ...ctx(scope), field: 'card', format: card })).toBe('4111111111111111');
      expect(pseudonyms[i]).toBe((await checker.pseudonymizer({ scope })).email(email(scope)));
    }
  });

  it('candidate lookups after data key rotations, with more keys than cache entries, match a fresh sealer', async () => {
    const { scopes, cold, fresh } = await coldSubjects(24, 2, 1);
    const [bidx, det, fpe] = await Promise.all([
      Promise.all(scopes.map((scope) => cold.blindIndexCandidates('a@b.c', ctx(scope)))),
      Promise.all(scopes.map((scope) => cold.deterministicCandidates('a@b.c', ctx(scope)))),
      Promise.all(scopes.map((scope) => cold.fpeCandidates('4111111111111111', { ...ctx(scope), format: card }))),
    ]);
    const checker = await fresh();
    for (let i = 0; i < scopes.length; i++) {
      const scope = scopes[i]!;
      expect(bidx[i]).toEqual(await checker.blindIndexCandidates('a@b.c', ctx(scope)));
      expect(det[i]).toEqual(await checker.deterministicCandidates('a@b.c', ctx(scope)));
      expect(fpe[i]).toEqual(await checker.fpeCandidates('4111111111111111', { ...ctx(scope), format: card }));
      expect(bidx[i]).toHaveLength(1); // data key rotations leave the lookup key alone
    }
  });
});

describe('DataKey leases', () => {
  const bytes = () => Uint8Array.from({ length: 32 }, (_, i) => i + 1);

  it('a retired key stays usable while held and is wiped when the last hold is released', () => {
    const key = new DataKey('0000000a', 'default', 'data', bytes());
    key.retain();
    key.retain();
    key.retire();
    const before = key.subkey('bidx', ['User', 'email']);
    key.release();
    expect(key.subkey('bidx', ['User', 'email']).equals(before)).toBe(true);
    key.release();
    expect(() => key.subkey('bidx', ['User', 'email'])).toThrow(KeyWipedError);
    expect(() => key.retain()).toThrow(KeyWipedError);
  });

  it('an unheld key is wiped at once when retired, and then refuses every use with a typed error', () => {
    const raw = bytes();
    const key = new DataKey('0000000b', 'default', 'data', raw);
    key.retire();
    expect(raw.every((b) => b === 0)).toBe(true);
    const error = (() => {
      try {
        key.subkey('siv', ['x']);
      } catch (e) {
        return e as KeyWipedError;
      }
    })();
    expect(error).toBeInstanceOf(KeyWipedError);
    expect(error?.code).toBe('KEY_WIPED');
    expect(error?.message).toContain('0000000b');
  });

  it('releasing more than was held is a bug and throws instead of wiping a key in use elsewhere', () => {
    const key = new DataKey('0000000c', 'default', 'data', bytes());
    key.retain();
    key.release();
    expect(() => key.release()).toThrow();
  });
});
