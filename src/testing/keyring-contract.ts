/**
 * The keyring-over-provider contract suite: how fieldseal's keyring and sealer behave on
 * top of a given provider and its real peer. Single-flight unwraps, one unwrap for many
 * values, retries on retryable faults only, and outage behaviour (cached keys keep working
 * until the cache's max age; cold keys fail fast with a typed error naming the provider).
 *
 * The faults are injected at the peer (a proxy, a test server, a stopped service), so the
 * provider's own error classification is part of what is tested.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderError } from '../errors.js';
import type { KeyStore } from '../keys/store/key-store.js';
import { memoryKeyStore } from '../keys/store/memory-key-store.js';
import type { ProviderCallCounters } from '../keys/provider-call.js';
import type { KeyProvider } from '../keys/provider.js';
import { createSealer, type Sealer, type SealerOptions } from '../seal/sealer.js';
import type { ContractTestApi } from './test-api.js';

/** Faults the suite can inject at the provider's peer. */
export interface PeerFaults {
  /** The next `count` requests to the peer fail with a transient fault (throttling, UNAVAILABLE). */
  transient(count: number): void | Promise<void>;
  /** The next `count` requests fail with a permanent refusal (access denied, permission denied). */
  permanent(count: number): void | Promise<void>;
  /** The peer becomes unreachable (connections refused or reset) until {@link restore}. */
  outage(): void | Promise<void>;
  /** Ends the outage and clears pending faults. */
  restore(): void | Promise<void>;
  /** Requests that reached the peer's unwrap operation so far, when the harness can count them. */
  unwrapRequests?(): number;
}

/** What {@link runKeyringContract} tests. */
export interface KeyringUnderTest {
  /** The provider, talking to its peer. */
  readonly provider: KeyProvider;
  /** Fault injection at the peer. */
  readonly faults: PeerFaults;
}

/** Options of {@link runKeyringContract}. */
export interface KeyringContractOptions {
  /** Your test framework's `describe`, `it`, `beforeAll`, `afterAll`. */
  readonly test: ContractTestApi;
  /** Releases what `setup` started. */
  readonly teardown?: () => Promise<void> | void;
  /** Values encrypted and decrypted in the "one unwrap" test (default 10 000 each). */
  readonly volume?: number;
  /** Per-test timeout in milliseconds (default 60 000). */
  readonly timeoutMs?: number;
}

/**
 * Declares the keyring contract tests for one provider: single-flight (100 parallel cold
 * decrypts make one unwrap request), `volume` encrypts + `volume` decrypts under one data
 * key make exactly one unwrap, retries on transient faults and none on permanent ones, and
 * outage behaviour bounded by the cache's max age.
 */
export function runKeyringContract(
  name: string,
  setup: () => Promise<KeyringUnderTest> | KeyringUnderTest,
  options: KeyringContractOptions,
): void {
  const { describe, it, beforeAll, afterAll } = options.test;
  const timeout = options.timeoutMs ?? 60_000;
  const volume = options.volume ?? 10_000;
  let target: KeyringUnderTest | undefined;
  const subject = (): KeyringUnderTest => {
    if (target === undefined) throw new Error(`${name}: setup did not complete`);
    return target;
  };
  // Fast retries, a short deadline: the suite checks counts and fail-fast, not the defaults.
  const providerCalls = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 1_000, failFast: { afterFailures: 3, coolDownMs: 300 } };
  const sealerOn = (store: KeyStore, extra: Partial<SealerOptions> = {}): Promise<Sealer> =>
    createSealer({ provider: subject().provider, store, providerCalls, ...extra });
  const ctx = { model: 'User', field: 'email' };

  describe(`Keyring over provider: ${name}`, () => {
    beforeAll(async () => {
      target = await setup();
    }, timeout);
    afterAll(async () => {
      await target?.faults.restore();
      await options.teardown?.();
    }, timeout);

    it('makes one unwrap request for 100 parallel decrypts of a cold data key (single-flight)', async () => {
      const { faults } = subject();
      const store = memoryKeyStore();
      const texts = await sealValues(await sealerOn(store), 100);
      const cold = await sealerOn(store, { warm: false });
      const requestsBefore = faults.unwrapRequests?.();
      const opened = await Promise.all(texts.map((text) => cold.decrypt(text, ctx)));
      assert.deepEqual(opened, texts.map((_, i) => `user${i}@example.com`));
      assert.equal(cold.stats().provider.unwrap, 1);
      if (requestsBefore !== undefined) assert.equal((faults.unwrapRequests?.() ?? 0) - requestsBefore, 1, 'unwrap requests seen by the peer');
    }, timeout);

    it(`makes exactly one unwrap call for ${volume} encrypts and ${volume} decrypts under one data key`, async () => {
      const { faults } = subject();
      const store = memoryKeyStore();
      await sealerOn(store); // creates the data key
      const requestsBefore = faults.unwrapRequests?.();
      const sealer = await sealerOn(store); // a cold process: unwraps it once, while warming up
      const texts: string[] = [];
      for (let i = 0; i < volume; i++) texts.push(await sealer.encrypt(`value ${i}`, ctx));
      for (let i = 0; i < volume; i++) assert.equal(await sealer.decrypt(texts[i] as string, ctx), `value ${i}`);
      const { provider, encryptions, decryptions } = sealer.stats();
      assert.deepEqual(callsOf(provider), { wrap: 0, unwrap: 1, generateDataKey: 0, rewrap: 0 });
      assert.equal(encryptions, volume);
      assert.equal(decryptions, volume);
      if (requestsBefore !== undefined) assert.equal((faults.unwrapRequests?.() ?? 0) - requestsBefore, 1, 'unwrap requests seen by the peer');
    }, timeout);

    it('retries transient faults with backoff and succeeds', async () => {
      const { faults } = subject();
      const store = memoryKeyStore();
      const [text] = await sealValues(await sealerOn(store), 1);
      const cold = await sealerOn(store, { warm: false });
      await faults.transient(2);
      try {
        assert.equal(await cold.decrypt(text as string, ctx), 'user0@example.com');
      } finally {
        await faults.restore();
      }
      const { unwrap, retries, failures } = cold.stats().provider;
      assert.deepEqual({ unwrap, retries, failures }, { unwrap: 3, retries: 2, failures: 0 });
    }, timeout);

    it('gives up after the configured attempts with a retryable ProviderError', async () => {
      const { provider, faults } = subject();
      const store = memoryKeyStore();
      const [text] = await sealValues(await sealerOn(store), 1);
      const cold = await sealerOn(store, { warm: false });
      await faults.transient(10);
      let error: unknown;
      try {
        error = await rejection(cold.decrypt(text as string, ctx));
      } finally {
        await faults.restore();
      }
      assertProviderError(error, provider.name, true);
      const { unwrap, retries, failures } = cold.stats().provider;
      assert.deepEqual({ unwrap, retries, failures }, { unwrap: providerCalls.attempts, retries: providerCalls.attempts - 1, failures: 1 });
    }, timeout);

    it('does not retry a permanent refusal', async () => {
      const { provider, faults } = subject();
      const store = memoryKeyStore();
      const [text] = await sealValues(await sealerOn(store), 1);
      const cold = await sealerOn(store, { warm: false });
      await faults.permanent(1);
      let error: unknown;
      try {
        error = await rejection(cold.decrypt(text as string, ctx));
      } finally {
        await faults.restore();
      }
      assertProviderError(error, provider.name, false);
      const { unwrap, retries, failures } = cold.stats().provider;
      assert.deepEqual({ unwrap, retries, failures }, { unwrap: 1, retries: 0, failures: 1 });
      assert.equal(await cold.decrypt(text as string, ctx), 'user0@example.com', 'a later call succeeds once the refusal is lifted');
    }, timeout);

    it('during an outage keeps serving cached keys until their max age, and fails cold keys fast', async () => {
      const { provider, faults } = subject();
      const maxAgeMs = 1_500;
      const store = memoryKeyStore();
      const creator = await sealerOn(store);
      const warmText = await creator.encrypt('warm', { ...ctx, scope: 'tenant-warm' });
      const coldText = await creator.encrypt('cold', { ...ctx, scope: 'tenant-cold' });
      const sealer = await sealerOn(store, { warm: false, cache: { maxAgeMs } });
      assert.equal(await sealer.decrypt(warmText, { ...ctx, scope: 'tenant-warm' }), 'warm'); // now cached
      const cachedAt = Date.now();
      await faults.outage();
      try {
        for (let i = 0; i < 50; i++) {
          const text = await sealer.encrypt(`during outage ${i}`, { ...ctx, scope: 'tenant-warm' });
          assert.equal(await sealer.decrypt(text, { ...ctx, scope: 'tenant-warm' }), `during outage ${i}`);
        }
        const started = Date.now();
        const coldError = await rejection(sealer.decrypt(coldText, { ...ctx, scope: 'tenant-cold' }));
        const elapsed = Date.now() - started;
        assertProviderError(coldError, provider.name, true);
        const bound = providerCalls.attempts * providerCalls.timeoutMs + providerCalls.attempts * providerCalls.maxDelayMs + 500;
        assert.ok(elapsed < bound, `a cold key took ${elapsed} ms to fail (bound ${bound} ms)`);
        // Once the provider has failed repeatedly, further cold keys fail at once, without a request.
        const fastBefore = sealer.stats().provider.failedFast;
        const again = Date.now();
        assertProviderError(await rejection(sealer.decrypt(coldText, { ...ctx, scope: 'tenant-cold' })), provider.name, true);
        assert.ok(Date.now() - again < 100, 'a cold key during an open fail-fast window must fail at once');
        assert.equal(sealer.stats().provider.failedFast, fastBefore + 1);
        assert.ok(Date.now() - cachedAt < maxAgeMs, 'the test ran too slowly to check the cached key within its max age');
        await sleep(maxAgeMs - (Date.now() - cachedAt) + 50);
        assertProviderError(await rejection(sealer.decrypt(warmText, { ...ctx, scope: 'tenant-warm' })), provider.name, true);
      } finally {
        await faults.restore();
      }
      await sleep(providerCalls.failFast.coolDownMs + 50); // the fail-fast window closes, the next call probes
      assert.equal(await sealer.decrypt(warmText, { ...ctx, scope: 'tenant-warm' }), 'warm', 'works again once the peer is back');
    }, timeout);
  });
}

async function sealValues(sealer: Sealer, count: number): Promise<string[]> {
  const texts: string[] = [];
  for (let i = 0; i < count; i++) texts.push(await sealer.encrypt(`user${i}@example.com`, { model: 'User', field: 'email' }));
  return texts;
}

function callsOf(counters: Readonly<ProviderCallCounters>): Record<'wrap' | 'unwrap' | 'generateDataKey' | 'rewrap', number> {
  return { wrap: counters.wrap, unwrap: counters.unwrap, generateDataKey: counters.generateDataKey, rewrap: counters.rewrap };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to be rejected, but it succeeded');
}

function assertProviderError(error: unknown, providerName: string, retryable: boolean): asserts error is ProviderError {
  assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${String(error)}`);
  assert.equal(error.provider, providerName);
  assert.equal(error.retryable, retryable, `expected retryable=${retryable}: ${error.message}`);
}
