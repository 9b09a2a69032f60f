import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  createSealer,
  Keyring,
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

describe('Keyring lifecycle', () => {
  it('rotates: new values use the new key, old values still open, old key becomes decrypt-only', async () => {
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore() });
    const old = await sealer.encrypt('before', ctx);
    const first = (await sealer.listDataKeys())[0]!;
    const next = await sealer.rotateDataKey();
    const records = await sealer.listDataKeys();
    expect(records.find((r) => r.id === first.id)).toMatchObject({ primary: false, state: 'decrypt-only' });
    expect(records.find((r) => r.id === next.id)).toMatchObject({ primary: true, state: 'active' });
    const fresh = await sealer.encrypt('after', ctx);
    expect(await sealer.decrypt(old, ctx)).toBe('before');
    expect(await sealer.decrypt(fresh, ctx)).toBe('after');
    expect(Buffer.from(fresh.slice(4), 'base64url').subarray(1, 5).toString('hex')).toBe(next.id);
  });

  it('destroys one key: its values are gone for good, the rest of the keyring is unaffected', async () => {
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore() });
    const old = await sealer.encrypt('old', ctx);
    const oldId = (await sealer.listDataKeys())[0]!.id;
    await sealer.rotateDataKey();
    const fresh = await sealer.encrypt('new', ctx);
    await sealer.destroyDataKey(oldId);
    await expect(sealer.decrypt(old, ctx)).rejects.toBeInstanceOf(KeyDestroyedError);
    expect(await sealer.decrypt(fresh, ctx)).toBe('new');
    const destroyed = (await sealer.listDataKeys()).find((r) => r.id === oldId)!;
    expect(destroyed).toMatchObject({ state: 'destroyed', wrapped: '' });
    await expect(sealer.keyring.setState(oldId, 'active')).rejects.toBeInstanceOf(KeyDestroyedError);
    await expect(sealer.keyring.setState('ffffffff', 'active')).rejects.toBeInstanceOf(KeyNotFoundError);
  });

  it('refuses to shred the default scope by accident', async () => {
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore() });
    await expect(sealer.shred('default')).rejects.toThrow(/refusing/);
  });

  it('rewraps every key under a new KEK without touching values, and the old KEK is then unnecessary', async () => {
    const oldKek = localKeyProvider({ keys: { main: TEST_KEK } });
    const store = memoryKeyStore();
    const sealer = await createSealer({ provider: oldKek, store });
    const texts = [await sealer.encrypt('a', ctx), await sealer.encrypt('b', { ...ctx, scope: 'tenant-1' })];
    const newKek = localKeyProvider({ keys: { v2: generateKek() } });
    expect(await sealer.rewrapDataKeys(newKek)).toEqual({ rewrapped: 2 });
    expect((await store.list()).every((r) => r.kekRef === 'local:v2')).toBe(true);
    const fresh = await createSealer({ provider: newKek, store });
    expect(await fresh.decrypt(texts[0]!, ctx)).toBe('a');
    expect(await fresh.decrypt(texts[1]!, { ...ctx, scope: 'tenant-1' })).toBe('b');
  });

  it('rewraps to another KEK of the same provider by kekRef', async () => {
    const provider = localKeyProvider({ keys: { v1: TEST_KEK, v2: generateKek() }, primary: 'v1' });
    const store = memoryKeyStore();
    const sealer = await createSealer({ provider, store });
    const text = await sealer.encrypt('x', ctx);
    await sealer.rewrapDataKeys('local:v2');
    expect((await store.list())[0]!.kekRef).toBe('local:v2');
    sealer.keyring.clearCache();
    expect(await sealer.decrypt(text, ctx)).toBe('x');
  });
});

describe('Keyring provider calls', () => {
  it('can turn fail-fast off, and then retries every call', async () => {
    const { provider, state } = faultyProvider(localKeyProvider({ keys: { main: TEST_KEK } }));
    const sealer = await createSealer({ provider, store: memoryKeyStore(), providerCalls: { attempts: 2, baseDelayMs: 1, failFast: false } });
    const text = await sealer.encrypt('x', ctx);
    state.down = true;
    for (let i = 0; i < 3; i++) {
      sealer.keyring.clearCache();
      await expect(sealer.decrypt(text, ctx)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    }
    expect(sealer.stats().provider).toMatchObject({ unwrap: 6, failedFast: 0 });
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

  it('keeps working on cached keys during an outage, until the max age; cold keys fail fast', async () => {
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
    await sealer.decrypt(hot, ctx); // warm the default key only
    state.down = true;
    expect(await sealer.decrypt(await sealer.encrypt('during outage', ctx), ctx)).toBe('during outage');
    await expect(sealer.decrypt(coldText, { ...ctx, scope: 'tenant-9' })).rejects.toBeInstanceOf(ProviderError);
    await new Promise((r) => setTimeout(r, 250));
    await expect(sealer.decrypt(hot, ctx)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    // Three consecutive failures opened the fail-fast window: no request is sent now.
    const calls = sealer.stats().provider.unwrap;
    await expect(sealer.decrypt(coldText, { ...ctx, scope: 'tenant-9' })).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(sealer.stats().provider).toMatchObject({ unwrap: calls, failedFast: 1 });
    state.down = false;
    await new Promise((r) => setTimeout(r, 120));
    expect(await sealer.decrypt(hot, ctx)).toBe('hot');
    expect(sealer.stats().cache.expirations).toBeGreaterThanOrEqual(1);
  });

  it('maxEncryptionsPerKey bounds the values one key seals, across one-value and batch calls and cache reloads', async () => {
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore(), maxEncryptionsPerKey: 10 });
    for (let i = 0; i < 3; i++) await sealer.encrypt('x', ctx);
    sealer.keyring.clearCache(); // a re-unwrap does not restart the count
    await sealer.encryptDeterministic('x', ctx);
    // A batch that would pass the limit is refused whole: nothing of it is sealed or counted.
    const batch = Array.from({ length: 7 }, (_, i) => ({ value: `v${i}`, ctx }));
    await expect(sealer.encryptMany(batch)).rejects.toBeInstanceOf(KeyUsageLimitError);
    expect(await sealer.encryptMany(batch.slice(0, 6))).toHaveLength(6);
    const id = (await sealer.listDataKeys())[0]!.id;
    expect(sealer.stats().encryptionsByKey[id]).toBe(10);
    const refused = await sealer.encrypt('x', ctx).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(KeyUsageLimitError);
    expect(refused).toMatchObject({ code: 'KEY_USAGE_LIMIT', keyId: id, limit: 10 });
    await expect(sealer.encryptDeterministicMany(batch.slice(0, 4))).rejects.toBeInstanceOf(KeyUsageLimitError);
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
    const primary = (await sealer.listDataKeys())[0]!.id;
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
    const store = { ...inner, description: 'counting', list: () => (lists++, inner.list()) };
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

  it('evicts the least recently used key past maxEntries', async () => {
    const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore(), cache: { maxEntries: 2 } });
    for (const scope of ['a', 'b', 'c']) await sealer.encrypt('x', { ...ctx, scope });
    expect(sealer.stats().cache).toMatchObject({ size: 2, evictions: 2 });
  });
});
