/**
 * The keyring-over-provider contract suite: how fieldseal's keyring and sealer behave on
 * top of a given provider and its real peer. The provider wraps root keys only (the KEK →
 * root key → data and lookup keys hierarchy); every scope's keys are wrapped by the root
 * key locally. So: one unwrap, of the root key, for any number of values and scopes (made
 * once however many callers ask at once), retries on retryable faults only, and outage
 * behaviour (while the root key is cached every scope's keys open with no KMS call, until
 * its max age; a cold root key fails fast with a typed error naming the provider).
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
import { rejection } from './rejection.js';

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
 * decrypts across scopes make one unwrap request, the root key's), `volume` encrypts +
 * `volume` decrypts across scopes make exactly one unwrap, retries on transient faults and
 * none on permanent ones, and outage behaviour: cold scopes under a cached root key open
 * with no request, a cold root key fails fast, and the root key's max age bounds the rest.
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

    it('makes one unwrap request, the root key\'s, for 100 parallel cold decrypts across 10 scopes (single-flight)', async () => {
      const { faults } = subject();
      const store = memoryKeyStore();
      const creator = await sealerOn(store);
      const texts: string[] = [];
      for (let i = 0; i < 100; i++) texts.push(await creator.encrypt(`user${i}@example.com`, { ...ctx, scope: scopeOf(i) }));
      const cold = await sealerOn(store, { warm: false });
      const requestsBefore = faults.unwrapRequests?.();
      const opened = await Promise.all(texts.map((text, i) => cold.decrypt(text, { ...ctx, scope: scopeOf(i) })));
      assert.deepEqual(opened, texts.map((_, i) => `user${i}@example.com`));
      assert.equal(cold.stats().provider.unwrap, 1);
      if (requestsBefore !== undefined) assert.equal((faults.unwrapRequests?.() ?? 0) - requestsBefore, 1, 'unwrap requests seen by the peer');
    }, timeout);

    it(`makes exactly one unwrap call, the root key's, for ${volume} encrypts and ${volume} decrypts across 10 scopes`, async () => {
      const { faults } = subject();
      const store = memoryKeyStore();
      await sealerOn(store); // creates the root key
      const requestsBefore = faults.unwrapRequests?.();
      // A cold process: unwraps the root key once, while warming up; the 10 scopes' keys are
      // made on first use, each wrapped by the root key without a request.
      const sealer = await sealerOn(store);
      const texts: string[] = [];
      for (let i = 0; i < volume; i++) texts.push(await sealer.encrypt(`value ${i}`, { ...ctx, scope: scopeOf(i) }));
      for (let i = 0; i < volume; i++) assert.equal(await sealer.decrypt(texts[i] as string, { ...ctx, scope: scopeOf(i) }), `value ${i}`);
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

    it('during an outage opens and creates every scope\'s keys under the cached root key with no request, until its max age, and fails a cold root key fast', async () => {
      const { provider, faults } = subject();
      const maxAgeMs = 1_500;
      const store = memoryKeyStore();
      const creator = await sealerOn(store);
      const warm = { ...ctx, scope: 'tenant-warm' };
      const cold = { ...ctx, scope: 'tenant-cold' };
      const warmText = await creator.encrypt('warm', warm);
      const coldText = await creator.encrypt('cold', cold);
      const sealer = await sealerOn(store, { warm: false, cache: { maxAgeMs } });
      assert.equal(await sealer.decrypt(warmText, warm), 'warm'); // the root key and tenant-warm's data key are now cached
      const cachedAt = Date.now();
      const unwraps = sealer.stats().provider.unwrap;
      const requestsBefore = faults.unwrapRequests?.();
      await faults.outage();
      try {
        for (let i = 0; i < 50; i++) {
          const text = await sealer.encrypt(`during outage ${i}`, warm);
          assert.equal(await sealer.decrypt(text, warm), `during outage ${i}`);
        }
        // A scope this process never used: its data key is wrapped by the cached root key,
        // so it opens locally; a scope nobody used gets its first keys the same way.
        assert.equal(await sealer.decrypt(coldText, cold), 'cold');
        assert.equal(await sealer.decrypt(await sealer.encrypt('cold too', cold), cold), 'cold too');
        const fresh = { ...ctx, scope: 'tenant-new' };
        assert.equal(await sealer.decrypt(await sealer.encrypt('new', fresh), fresh), 'new');
        assert.match(await sealer.blindIndex('new', fresh), /^[A-Za-z0-9_-]{43}$/); // its lookup key too
        assert.deepEqual(callsOf(sealer.stats().provider), { wrap: 0, unwrap: unwraps, generateDataKey: 0, rewrap: 0 }, 'no request while the root key is cached');
        if (requestsBefore !== undefined) assert.equal(faults.unwrapRequests?.(), requestsBefore, 'unwrap requests seen by the peer');

        // Another process, whose root key is cold, cannot open anything: it fails fast.
        const coldProcess = await sealerOn(store, { warm: false, cache: { maxAgeMs } });
        const started = Date.now();
        assertProviderError(await rejection(coldProcess.decrypt(coldText, cold)), provider.name, true);
        const elapsed = Date.now() - started;
        const bound = providerCalls.attempts * providerCalls.timeoutMs + providerCalls.attempts * providerCalls.maxDelayMs + 500;
        assert.ok(elapsed < bound, `a cold root key took ${elapsed} ms to fail (bound ${bound} ms)`);
        // Once the provider has failed repeatedly, the next attempt fails at once, without a request.
        const fastBefore = coldProcess.stats().provider.failedFast;
        const again = Date.now();
        assertProviderError(await rejection(coldProcess.decrypt(warmText, warm)), provider.name, true);
        assert.ok(Date.now() - again < 100, 'a cold root key during an open fail-fast window must fail at once');
        assert.equal(coldProcess.stats().provider.failedFast, fastBefore + 1);

        assert.ok(Date.now() - cachedAt < maxAgeMs, 'the test ran too slowly to check the cached root key within its max age');
        await sleep(maxAgeMs - (Date.now() - cachedAt) + 50);
        // Past its max age the root key must be unwrapped again, and the peer is down.
        assertProviderError(await rejection(sealer.decrypt(warmText, warm)), provider.name, true);
      } finally {
        await faults.restore();
      }
      await sleep(providerCalls.failFast.coolDownMs + 50); // the fail-fast window closes, the next call probes
      assert.equal(await sealer.decrypt(warmText, warm), 'warm', 'works again once the peer is back');
      assert.equal(await sealer.decrypt(coldText, cold), 'cold');
    }, timeout);
  });
}

/** One of 10 scopes, by value index. */
function scopeOf(i: number): string {
  return `tenant-${i % 10}`;
}

async function sealValues(sealer: Sealer, count: number): Promise<string[]> {
  const texts: string[] = [];
  for (let i = 0; i < count; i++) texts.push(await sealer.encrypt(`user${i}@example.com`, { model: 'User', field: 'email' }));
  return texts;
}

function callsOf(counters: Readonly<ProviderCallCounters>): Record<'wrap' | 'unwrap' | 'generateDataKey' | 'rewrap', number> {
  return { wrap: counters.wrap, unwrap: counters.unwrap, generateDataKey: counters.generateDataKey, rewrap: counters.rewrap };
}

function assertProviderError(error: unknown, providerName: string, retryable: boolean): asserts error is ProviderError {
  assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${String(error)}`);
  assert.equal(error.provider, providerName);
  assert.equal(error.retryable, retryable, `expected retryable=${retryable}: ${error.message}`);
}
