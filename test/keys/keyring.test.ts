import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  DecryptionError,
  FieldsealError,
  fpeFormats,
  type Sealer,
  createSealer,
  Keyring,
  KeyStoreError,
  KeyUsageLimitError,
  UNKNOWN_KEY_RETRY_MS,
  generateKek,
  KeyDestroyedError,
  KeyNotFoundError,
  localKeyProvider,
  memoryKeyStore,
  ProviderError,
  type KeyProvider,
} from '../../src/index.js';
import { corruptMemoryRow } from '../../src/keys/store/memory-key-store.js';
import { TEST_KEK } from '../support/sealer.js';

const ctx = { model: 'User', field: 'email' };

/** Wraps a real local provider and lets a test make it fail or hang (a fault injector, not a mock of its behaviour). */
function faultyProvider(inner: KeyProvider) {
  const state = { failures: 0, retryable: true, hang: false, down: false };
  const provider: KeyProvider = {
    ...inner,
    name: 'faulty-local',
    canUnwrap: (ref) => inner.canUnwrap(ref),
    wrap: (...args) => inner.wrap(...args),
    async unwrap(wrapped, context, options) {
      if (state.hang) return new Promise<Uint8Array>(() => undefined);
      if (state.down) throw new ProviderError('faulty-local', 'connection refused', { retryable: true, code: 'PROVIDER_UNAVAILABLE' });
      if (state.failures > 0) {
        state.failures--;
        throw new ProviderError('faulty-local', 'throttled', { retryable: state.retryable });
      }
      return inner.unwrap(wrapped, context, options);
    },
  };
  return { provider, state };
}

const dataKeys = async (sealer: Sealer, scope = 'default') => sealer.listKeys({ scope, purpose: 'data' });

describe('Keyring lifecycle', () => {
  it('rotates the data key: new values use the new key, old values still open, old key becomes decrypt-only', async () => {
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore() });
    const old = await sealer.encrypt('before', ctx);
    const first = (await dataKeys(sealer))[0]!;
    const next = await sealer.rotateDataKey();
    const records = await dataKeys(sealer);
    expect(records.find((r) => r.id === first.id)).toMatchObject({ primary: false, state: 'decrypt-only' });
    expect(records.find((r) => r.id === next.id)).toMatchObject({ primary: true, state: 'active', purpose: 'data' });
    const fresh = await sealer.encrypt('after', ctx);
    expect(await sealer.decrypt(old, ctx)).toBe('before');
    expect(await sealer.decrypt(fresh, ctx)).toBe('after');
    expect(Buffer.from(fresh.slice(4), 'base64url').subarray(1, 5).toString('hex')).toBe(next.id);
  });

  it('rotating data keys never changes a lookup token: deterministic, blind index, FPE and pseudonyms stay the same', async () => {
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore() });
    const card = { ...ctx, field: 'card', format: fpeFormats.card({ keep: { last: 4 } }) };
    const before = [
      await sealer.encryptDeterministic('123-45-6789', ctx),
      await sealer.blindIndex('a@b.c', ctx),
      await sealer.fpe('4111111111111111', card),
      (await sealer.pseudonymizer()).email('a@b.c'),
    ];
    for (let i = 0; i < 3; i++) await sealer.rotateDataKey();
    const after = [
      await sealer.encryptDeterministic('123-45-6789', ctx),
      await sealer.blindIndex('a@b.c', ctx),
      await sealer.fpe('4111111111111111', card),
      (await sealer.pseudonymizer()).email('a@b.c'),
    ];
    expect(after).toEqual(before);
    expect(await sealer.detokenize(before[2]!, card)).toBe('4111111111111111');
    expect(await sealer.blindIndexCandidates('a@b.c', ctx)).toEqual([before[1]]);
    expect(await sealer.listKeys({ purpose: 'lookup' })).toHaveLength(1);
  });

  it('a subject has its own data keys; lookups use the scope key; shredding the subject erases exactly its values', async () => {
    const store = memoryKeyStore();
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store });
    const alice = { ...ctx, subject: 'alice' };
    const bob = { ...ctx, subject: 'bob' };
    const [a, b, plain] = [await sealer.encrypt('alice@x', alice), await sealer.encrypt('bob@x', bob), await sealer.encrypt('shared', ctx)];
    expect(await sealer.blindIndex('alice@x', alice)).toBe(await sealer.blindIndex('alice@x', ctx));
    await expect(sealer.decrypt(a, bob)).rejects.toBeInstanceOf(DecryptionError);
    await expect(sealer.decrypt(a, ctx)).rejects.toBeInstanceOf(DecryptionError);
    expect(await sealer.shred({ subject: 'alice' })).toBe(1);
    await expect(sealer.decrypt(a, alice)).rejects.toBeInstanceOf(KeyDestroyedError);
    expect(await sealer.decrypt(b, bob)).toBe('bob@x');
    expect(await sealer.decrypt(plain, ctx)).toBe('shared');
    // A new process sees the same.
    const other = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store, warm: false });
    await expect(other.decrypt(a, alice)).rejects.toBeInstanceOf(KeyDestroyedError);
    expect(await other.decrypt(b, bob)).toBe('bob@x');
    // The subject can get new data (a new key), and lookups still match.
    expect(await sealer.decrypt(await sealer.encrypt('again', alice), alice)).toBe('again');
  });

  it('shredding a tenant scope destroys its data and lookup keys and every subject within it, nothing else', async () => {
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore() });
    const t = { ...ctx, scope: 't1' };
    const values = [await sealer.encrypt('x', t), await sealer.encrypt('y', { ...t, subject: 's1' }), await sealer.encryptDeterministic('z', t)];
    const kept = [await sealer.encrypt('k', { ...ctx, scope: 't10' }), await sealer.encrypt('k', { ...ctx, scope: 't1x', subject: 's1' })];
    expect(await sealer.shred('t1')).toBe(3);
    await expect(sealer.decrypt(values[0]!, t)).rejects.toBeInstanceOf(KeyDestroyedError);
    await expect(sealer.decrypt(values[1]!, { ...t, subject: 's1' })).rejects.toBeInstanceOf(KeyDestroyedError);
    await expect(sealer.decrypt(values[2]!, t)).rejects.toBeInstanceOf(KeyDestroyedError);
    expect(await sealer.decrypt(kept[0]!, { ...ctx, scope: 't10' })).toBe('k');
    expect(await sealer.decrypt(kept[1]!, { ...ctx, scope: 't1x', subject: 's1' })).toBe('k');
  });

  it('destroys one key: its values are gone for good, the rest of the keyring is unaffected', async () => {
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore() });
    const old = await sealer.encrypt('old', ctx);
    const oldId = (await dataKeys(sealer))[0]!.id;
    await sealer.rotateDataKey();
    const fresh = await sealer.encrypt('new', ctx);
    await sealer.destroyDataKey(oldId);
    await expect(sealer.decrypt(old, ctx)).rejects.toBeInstanceOf(KeyDestroyedError);
    expect(await sealer.decrypt(fresh, ctx)).toBe('new');
    const destroyed = (await dataKeys(sealer)).find((r) => r.id === oldId)!;
    expect(destroyed).toMatchObject({ state: 'destroyed', wrapped: '' });
  });

  it('refuses to shred the default scope by accident', async () => {
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore() });
    await expect(sealer.shred('default')).rejects.toThrow(/refusing/);
  });

  it('rewraps the root key under a new KEK (one call, whatever the number of scopes) without touching values; the old KEK is then unnecessary', async () => {
    const oldKek = localKeyProvider({ keys: { main: TEST_KEK } });
    const store = memoryKeyStore();
    const sealer = await createSealer({ provider: oldKek, store });
    const texts = [await sealer.encrypt('a', ctx), await sealer.encrypt('b', { ...ctx, scope: 'tenant-1' }), await sealer.encrypt('c', { ...ctx, subject: 's' })];
    const before = await store.list({ purpose: 'data', limit: 100 });
    const newKek = localKeyProvider({ keys: { v2: generateKek() } });
    expect(await sealer.rewrapDataKeys(newKek)).toEqual({ rewrapped: 1 });
    expect((await store.list({ purpose: 'root', limit: 10 })).map((r) => r.parent)).toEqual(['local:v2']);
    expect(await store.list({ purpose: 'data', limit: 100 })).toEqual(before);
    const fresh = await createSealer({ provider: newKek, store });
    expect(await fresh.decrypt(texts[0]!, ctx)).toBe('a');
    expect(await fresh.decrypt(texts[1]!, { ...ctx, scope: 'tenant-1' })).toBe('b');
    expect(await fresh.decrypt(texts[2]!, { ...ctx, subject: 's' })).toBe('c');
  });

  it('rewraps to another KEK of the same provider by kekRef', async () => {
    const provider = localKeyProvider({ keys: { v1: TEST_KEK, v2: generateKek() }, primary: 'v1' });
    const store = memoryKeyStore();
    const sealer = await createSealer({ provider, store });
    const text = await sealer.encrypt('x', ctx);
    await sealer.rewrapDataKeys('local:v2');
    expect((await store.list({ purpose: 'root', limit: 10 }))[0]!.parent).toBe('local:v2');
    sealer.keyring.clearCache();
    expect(await sealer.decrypt(text, ctx)).toBe('x');
  });

  it('a record edited by hand gives a typed error naming the key id, never a crash or a zero key', async () => {
    const store = memoryKeyStore();
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store });
    const text = await sealer.encrypt('x', ctx);
    const [record] = await dataKeys(sealer);
    for (const [column, value] of [
      ['wrapped', Buffer.from(record!.wrapped, 'base64').subarray(0, 20).toString('base64')],
      ['parent', '0000abcd'],
      ['scope', 'other'],
      ['state', 'revoked'],
    ] as const) {
      const cold = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store, warm: false });
      const original = (record as unknown as Record<string, string>)[column === 'state' ? 'state' : column]!;
      corruptMemoryRow(store, record!.id, column, value);
      const error = await cold.decrypt(text, ctx).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FieldsealError);
      expect((error as Error).message).toContain(record!.id);
      expect((error as Error).message).not.toContain(record!.wrapped.slice(0, 12));
      corruptMemoryRow(store, record!.id, column, original);
    }
  });
});

describe('Keyring provider calls', () => {
  it('can turn fail-fast off, and then retries every call', async () => {
    const { provider, state } = faultyProvider(localKeyProvider({ keys: { main: TEST_KEK } }));
    const sealer = await createSealer({ provider, store: memoryKeyStore(), providerCalls: { attempts: 2, baseDelayMs: 1, failFast: false } });
    const text = await sealer.encrypt('x', ctx);
    state.down = true;
    const before = sealer.stats().provider.unwrap;
    for (let i = 0; i < 3; i++) {
      sealer.keyring.clearCache();
      await expect(sealer.decrypt(text, ctx)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    }
    expect(sealer.stats().provider).toMatchObject({ unwrap: before + 6, failedFast: 0 });
  });

  it('unwraps once for 100 parallel decryptions of a cold key (single-flight)', async () => {
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore() });
    const text = await sealer.encrypt('x', ctx);
    sealer.keyring.clearCache();
    const before = sealer.stats().provider.unwrap;
    const values = await Promise.all(Array.from({ length: 100 }, () => sealer.decrypt(text, ctx)));
    expect(values.every((v) => v === 'x')).toBe(true);
    expect(sealer.stats().provider.unwrap - before).toBe(1);
  });

  it('retries retryable provider errors with backoff, and not permanent ones', async () => {
    const { provider, state } = faultyProvider(localKeyProvider({ keys: { main: TEST_KEK } }));
    const sealer = await createSealer({ provider, store: memoryKeyStore(), providerCalls: { attempts: 3, baseDelayMs: 1 } });
    const text = await sealer.encrypt('x', ctx);
    sealer.keyring.clearCache();
    state.failures = 2;
    expect(await sealer.decrypt(text, ctx)).toBe('x');
    // Creating the root key wrapped it (no unwrap); the cold root key took three attempts.
    expect(sealer.stats().provider).toMatchObject({ unwrap: 3, retries: 2 });

    sealer.keyring.clearCache();
    state.failures = 1;
    state.retryable = false;
    await expect(sealer.decrypt(text, ctx)).rejects.toMatchObject({ code: 'PROVIDER_FAILED', provider: 'faulty-local', retryable: false });
    expect(sealer.stats().provider).toMatchObject({ unwrap: 4, retries: 2, failures: 1 });
  });

  it('fails fast with a typed error when the provider hangs, instead of hanging', async () => {
    const { provider, state } = faultyProvider(localKeyProvider({ keys: { main: TEST_KEK } }));
    const sealer = await createSealer({ provider, store: memoryKeyStore(), providerCalls: { attempts: 1, timeoutMs: 50 } });
    const text = await sealer.encrypt('x', ctx);
    sealer.keyring.clearCache();
    state.hang = true;
    await expect(sealer.decrypt(text, ctx)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'faulty-local' });
  });

  it('keeps working during a KMS outage while the root key is cached (cold scopes too), until its max age; then fails fast', async () => {
    const { provider, state } = faultyProvider(localKeyProvider({ keys: { main: TEST_KEK } }));
    const sealer = await createSealer({
      provider,
      store: memoryKeyStore(),
      cache: { maxAgeMs: 200 },
      providerCalls: { attempts: 2, baseDelayMs: 1, failFast: { afterFailures: 3, coolDownMs: 100 } },
    });
    const hot = await sealer.encrypt('hot', ctx);
    const coldText = await sealer.encrypt('cold', { ...ctx, scope: 'tenant-9' });
    sealer.keyring.clearCache();
    await sealer.decrypt(hot, ctx); // warms the root key and the default data key only
    state.down = true;
    const calls = sealer.stats().provider.unwrap;
    expect(await sealer.decrypt(await sealer.encrypt('during outage', ctx), ctx)).toBe('during outage');
    // A cold scope's key is wrapped by the cached root key: it opens with no KMS call at all.
    expect(await sealer.decrypt(coldText, { ...ctx, scope: 'tenant-9' })).toBe('cold');
    expect(sealer.stats().provider.unwrap).toBe(calls);
    await new Promise((r) => setTimeout(r, 250));
    // Past the max age the root key must be unwrapped again, and the KMS is down.
    await expect(sealer.decrypt(hot, ctx)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    await expect(sealer.decrypt(coldText, { ...ctx, scope: 'tenant-9' })).rejects.toBeInstanceOf(ProviderError);
    // Three consecutive failures opened the fail-fast window: no request is sent now.
    const failing = sealer.stats().provider.unwrap;
    await expect(sealer.decrypt(coldText, { ...ctx, scope: 'tenant-9' })).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(sealer.stats().provider).toMatchObject({ unwrap: failing, failedFast: 1 });
    state.down = false;
    await new Promise((r) => setTimeout(r, 120));
    expect(await sealer.decrypt(hot, ctx)).toBe('hot');
    expect(sealer.stats().cache.expirations).toBeGreaterThanOrEqual(1);
  });

  it('a process that loaded the root key to open a value creates new keys under it with no second KMS call (also during an outage)', async () => {
    const { provider, state } = faultyProvider(localKeyProvider({ keys: { main: TEST_KEK } }));
    const store = memoryKeyStore();
    const text = await (await createSealer({ provider, store })).encrypt('x', ctx);
    const cold = await createSealer({ provider, store, warm: false });
    expect(await cold.decrypt(text, ctx)).toBe('x');
    const unwraps = cold.stats().provider.unwrap;
    state.down = true;
    const fresh = await cold.encrypt('new subject', { ...ctx, subject: 'brand-new' });
    expect(await cold.decrypt(fresh, { ...ctx, subject: 'brand-new' })).toBe('new subject');
    expect(cold.stats().provider.unwrap).toBe(unwraps);
  });

  it('a store read that was in flight during a coherence check does not outlive the staleness bound', async () => {
    // B's primary read answers late: it reads the old primary, then a check starts after A's
    // rotation and ends before the late answer arrives. That answer is only as fresh as the
    // read, so B must check again within the bound counted from the read.
    const provider = localKeyProvider({ keys: { main: TEST_KEK } });
    const shared = memoryKeyStore();
    let hold: Promise<void> | undefined;
    const slow = { ...shared, primary: async (...args: Parameters<typeof shared.primary>) => {
      const answer = await shared.primary(...args);
      if (hold !== undefined) await hold;
      return answer;
    } };
    const bound = 200;
    const a = new Keyring({ provider, store: shared, maxStalenessMs: bound });
    const b = new Keyring({ provider, store: slow, maxStalenessMs: bound });
    (await a.leaseDataKey('t')).release();
    (await b.leaseDataKey('warm')).release();
    let release!: () => void;
    hold = new Promise<void>((r) => (release = r));
    const loading = b.leaseDataKey('t');
    await new Promise((r) => setTimeout(r, 5));
    const rotated = await a.rotateDataKey('t');
    const rotatedAt = Date.now();
    await new Promise((r) => setTimeout(r, 100));
    await b.sync();
    hold = undefined;
    release();
    (await loading).release();
    await new Promise((r) => setTimeout(r, Math.max(0, rotatedAt + bound + 30 - Date.now())));
    const now = b.leaseDataKeySync('t') ?? (await b.leaseDataKey('t'));
    expect(now.id).toBe(rotated.id);
    now.release();
  });

  it('maxEncryptionsPerKey bounds the values one key seals, across one-value and batch calls and cache reloads', async () => {
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore(), maxEncryptionsPerKey: 10 });
    for (let i = 0; i < 3; i++) await sealer.encrypt('x', ctx);
    sealer.keyring.clearCache(); // a re-unwrap does not restart the count
    await sealer.encrypt('x', ctx);
    // Lookup keys are not limited: deterministic tokens must keep matching.
    for (let i = 0; i < 20; i++) await sealer.encryptDeterministic('x', ctx);
    // A batch that would pass the limit is refused whole: nothing of it is sealed or counted.
    const batch = Array.from({ length: 7 }, (_, i) => ({ value: `v${i}`, ctx }));
    await expect(sealer.encryptMany(batch)).rejects.toBeInstanceOf(KeyUsageLimitError);
    expect(await sealer.encryptMany(batch.slice(0, 6))).toHaveLength(6);
    const id = (await dataKeys(sealer))[0]!.id;
    expect(sealer.stats().encryptionsByKey[id]).toBe(10);
    const refused = await sealer.encrypt('x', ctx).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(KeyUsageLimitError);
    expect(refused).toMatchObject({ code: 'KEY_USAGE_LIMIT', keyId: id, limit: 10 });
    expect(await sealer.encryptDeterministicMany(batch.slice(0, 4))).toHaveLength(4);
    // Other scopes have their own keys; a rotation gives the scope a fresh budget.
    await sealer.encrypt('x', { ...ctx, scope: 'tenant-a' });
    await sealer.rotateDataKey();
    expect(await sealer.decrypt(await sealer.encrypt('after', ctx), ctx)).toBe('after');
    expect(() => new Keyring({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore(), maxEncryptionsPerKey: 0 })).toThrow(ConfigurationError);
    await expect(createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore(), cache: { maxEncryptions: 5 } as object })).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('destroyDataKey: an unknown id is KeyNotFoundError; the active primary needs allowPrimary', async () => {
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore() });
    const text = await sealer.encrypt('x', ctx);
    const primary = (await dataKeys(sealer))[0]!.id;
    await expect(sealer.destroyDataKey('0badc0de')).rejects.toBeInstanceOf(KeyNotFoundError);
    await expect(sealer.destroyDataKey(primary)).rejects.toBeInstanceOf(ConfigurationError);
    expect(await sealer.decrypt(text, ctx)).toBe('x');
    await sealer.destroyDataKey(primary, { allowPrimary: true });
    await expect(sealer.decrypt(text, ctx)).rejects.toBeInstanceOf(KeyDestroyedError);
    await sealer.destroyDataKey(primary); // destroying a destroyed key again is a no-op
  });

  it('reads the store once for a run of values under an unknown key id, and again after a while', async () => {
    let lists = 0;
    const inner = memoryKeyStore();
    const store = { ...inner, description: 'counting', get: (id: string) => (lists++, inner.get(id)) };
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store });
    const text = await sealer.encrypt('x', ctx);
    const bogus = `fs1:${Buffer.from(Buffer.from(text.slice(4), 'base64url').fill(0xab, 1, 5)).toString('base64url')}`;
    const before = lists;
    for (let i = 0; i < 50; i++) await expect(sealer.decrypt(bogus, ctx)).rejects.toBeInstanceOf(KeyNotFoundError);
    await expect(sealer.decryptMany(Array.from({ length: 600 }, () => ({ text: bogus, ctx })))).rejects.toBeInstanceOf(KeyNotFoundError);
    expect(lists - before).toBe(1);
    await new Promise((r) => setTimeout(r, UNKNOWN_KEY_RETRY_MS + 50));
    await expect(sealer.decrypt(bogus, ctx)).rejects.toBeInstanceOf(KeyNotFoundError);
    expect(lists - before).toBe(2);
  });

  it('a key whose record was not stored never seals a value; a failing store gives its typed error and nothing half-written', async () => {
    const inner = memoryKeyStore();
    let failInserts = false;
    const store = {
      ...inner,
      insert: async (...args: Parameters<typeof inner.insert>) => {
        if (failInserts) throw new KeyStoreError('memory: insert failed (injected)');
        return inner.insert(...args);
      },
    };
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store });
    failInserts = true;
    await expect(sealer.encrypt('x', { ...ctx, subject: 'new-subject' })).rejects.toBeInstanceOf(KeyStoreError);
    await expect(sealer.rotateDataKey()).rejects.toBeInstanceOf(KeyStoreError);
    expect(await inner.list({ scope: 'default#new-subject', limit: 10 })).toEqual([]);
    // The default scope still seals under its stored primary, not under the key that failed to store.
    const primary = (await inner.primary('default', 'data'))!.id;
    const text = await sealer.encrypt('y', ctx);
    expect(Buffer.from(text.slice(4), 'base64url').subarray(1, 5).toString('hex')).toBe(primary);
    failInserts = false;
    const later = await sealer.encrypt('z', { ...ctx, subject: 'new-subject' });
    const fresh = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: inner, warm: false });
    expect(await fresh.decrypt(later, { ...ctx, subject: 'new-subject' })).toBe('z');
  });

  it('evicts the least recently used key past maxEntries', async () => {
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore(), cache: { maxEntries: 2 } });
    for (const scope of ['a', 'b', 'c']) await sealer.encrypt('x', { ...ctx, scope });
    // The default scope's data and lookup keys, then a, b and c: five keys through two entries.
    expect(sealer.stats().cache).toMatchObject({ size: 2, evictions: 3 });
  });
});
