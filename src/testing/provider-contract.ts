/**
 * The key provider contract suite: the behaviour every {@link KeyProvider} must have for
 * fieldseal's keyring to be safe on top of it. fieldseal runs it for its local, AWS KMS and
 * Cloud KMS providers; run it for yours (Vault, Azure Key Vault, an HSM) the same way.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ProviderError } from '../errors.js';
import type { KeyProvider, WrapContext, WrappedKey } from '../keys/provider.js';
import { findLeak } from './leak-check.js';
import type { ContractTestApi } from './test-api.js';
import { rejection } from './rejection.js';

/** What the suite tests: a ready provider and the KEK references it needs. */
export interface ProviderUnderTest {
  /** The provider, configured with at least two KEKs: its primary and {@link secondKekRef}. */
  readonly provider: KeyProvider;
  /** A second KEK the provider can wrap under and unwrap from (rewrap and wrong-KEK tests). */
  readonly secondKekRef: string;
  /** A KEK reference in the provider's own format that it is *not* configured for. */
  readonly foreignKekRef: string;
}

/** Options of {@link runKeyProviderContract}. */
export interface KeyProviderContractOptions {
  /** Your test framework's `describe`, `it`, `beforeAll`, `afterAll`. */
  readonly test: ContractTestApi;
  /**
   * A provider configured like `subject.provider` (same KEKs) whose peer is down (e.g. an
   * endpoint on a closed loopback port). Its calls must fail fast with a retryable ProviderError. Omit for providers with
   * no remote peer.
   */
  readonly unreachable?: (subject: ProviderUnderTest) => KeyProvider | Promise<KeyProvider>;
  /**
   * A provider configured like `subject.provider` whose peer accepts connections and never
   * answers. Its calls must settle soon
   * after their AbortSignal fires, with a retryable ProviderError. Omit for providers with
   * no remote peer.
   */
  readonly stalled?: (subject: ProviderUnderTest) => KeyProvider | Promise<KeyProvider>;
  /** Releases what `setup` started (servers, clients). */
  readonly teardown?: () => Promise<void> | void;
  /** Per-test timeout in milliseconds (default 20 000). */
  readonly timeoutMs?: number;
  /** How quickly a call to an unreachable peer must fail, in milliseconds (default 5 000). */
  readonly failFastMs?: number;
}

/**
 * Declares the contract tests for one provider.
 *
 * Checks: wrap/unwrap round trip; unwrap refused for another key id, another scope, another
 * KEK, a KEK the provider does not hold, and tampered bytes, each as a non-retryable
 * {@link ProviderError} naming the provider; wrapping under a second KEK; rewrap (the
 * provider's own, or unwrap + wrap when it has none) keeping the context binding;
 * `generateDataKey` when present; `canUnwrap`; concurrent calls; no key or wrapped bytes in
 * any error's message, properties or cause chain; and, when given peers that are down or
 * silent, fast retryable failures and honoured abort signals.
 *
 * @example
 * ```ts
 * import { describe, it, beforeAll, afterAll } from 'vitest';
 * import { runKeyProviderContract } from 'fieldseal/testing';
 * runKeyProviderContract('vault', async () => ({ provider, secondKekRef, foreignKekRef }), {
 *   test: { describe, it, beforeAll, afterAll },
 * });
 * ```
 */
export function runKeyProviderContract(
  name: string,
  setup: () => Promise<ProviderUnderTest> | ProviderUnderTest,
  options: KeyProviderContractOptions,
): void {
  const { describe, it, beforeAll, afterAll } = options.test;
  const timeout = options.timeoutMs ?? 20_000;
  const failFastMs = options.failFastMs ?? 5_000;
  let target: ProviderUnderTest | undefined;
  const subject = (): ProviderUnderTest => {
    if (target === undefined) throw new Error(`${name}: setup did not complete`);
    return target;
  };

  describe(`KeyProvider contract: ${name}`, () => {
    beforeAll(async () => {
      target = await setup();
    }, timeout);
    afterAll(async () => {
      await options.teardown?.();
    }, timeout);

    it('wraps and unwraps a data key, naming a KEK it can unwrap', async () => {
      const { provider } = subject();
      const { dek, context, wrapped } = await freshWrap(provider);
      assert.ok(wrapped.ciphertext.length > 0, 'wrapped bytes are empty');
      assert.ok(provider.canUnwrap(wrapped.kekRef), `canUnwrap(${wrapped.kekRef}) is false for a key it just wrapped`);
      assert.ok(!Buffer.from(wrapped.ciphertext).includes(Buffer.from(dek)), 'the wrapped bytes contain the data key');
      assert.deepEqual(Buffer.from(await provider.unwrap(wrapped, context)), Buffer.from(dek));
    }, timeout);

    it('refuses to unwrap under another key id', async () => {
      const { provider } = subject();
      const { context, wrapped } = await freshWrap(provider);
      await expectPermanentError(provider, provider.unwrap(wrapped, { ...context, keyId: otherKeyId(context.keyId) }));
    }, timeout);

    it('refuses to unwrap under another scope', async () => {
      const { provider } = subject();
      const { context, wrapped } = await freshWrap(provider);
      await expectPermanentError(provider, provider.unwrap(wrapped, { ...context, scope: `${context.scope}-other` }));
    }, timeout);

    it('refuses to unwrap with the wrong KEK named', async () => {
      const { provider, secondKekRef } = subject();
      const { context, wrapped } = await freshWrap(provider);
      await expectPermanentError(provider, provider.unwrap({ ...wrapped, kekRef: secondKekRef }, context));
    }, timeout);

    it('does not claim, and refuses to use, a KEK it is not configured for', async () => {
      const { provider, foreignKekRef } = subject();
      assert.equal(provider.canUnwrap(foreignKekRef), false, `canUnwrap(${foreignKekRef}) should be false`);
      const { context, wrapped } = await freshWrap(provider);
      await expectPermanentError(provider, provider.unwrap({ ...wrapped, kekRef: foreignKekRef }, context));
      await expectPermanentError(provider, provider.wrap(randomBytes(32), context, { kekRef: foreignKekRef }));
    }, timeout);

    it('refuses tampered wrapped bytes', async () => {
      const { provider } = subject();
      const { context, wrapped } = await freshWrap(provider);
      const tampered = Uint8Array.from(wrapped.ciphertext);
      tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 0x01;
      await expectPermanentError(provider, provider.unwrap({ ...wrapped, ciphertext: tampered }, context));
    }, timeout);

    it('wraps under a second KEK on request', async () => {
      const { provider, secondKekRef } = subject();
      const dek = randomBytes(32);
      const context = randomContext();
      const wrapped = await provider.wrap(dek, context, { kekRef: secondKekRef });
      assert.ok(provider.canUnwrap(wrapped.kekRef));
      assert.deepEqual(Buffer.from(await provider.unwrap(wrapped, context)), dek);
      const primary = await provider.wrap(dek, context);
      assert.notDeepEqual(Buffer.from(primary.ciphertext), Buffer.from(wrapped.ciphertext));
    }, timeout);

    it('rewraps to another KEK (rewrap, or unwrap + wrap) and keeps the context binding', async () => {
      const { provider, secondKekRef } = subject();
      const { dek, context, wrapped } = await freshWrap(provider);
      const moved = provider.rewrap
        ? await provider.rewrap(wrapped, context, secondKekRef)
        : await provider.wrap(await provider.unwrap(wrapped, context), context, { kekRef: secondKekRef });
      assert.ok(provider.canUnwrap(moved.kekRef));
      assert.deepEqual(Buffer.from(await provider.unwrap(moved, context)), Buffer.from(dek));
      await expectPermanentError(provider, provider.unwrap(moved, { ...context, scope: `${context.scope}-other` }));
      if (provider.rewrap) {
        await expectPermanentError(provider, provider.rewrap(wrapped, { ...context, keyId: otherKeyId(context.keyId) }, secondKekRef));
      }
    }, timeout);

    it('generates 32-byte data keys it can unwrap, when it offers generateDataKey', async () => {
      const { provider } = subject();
      if (provider.generateDataKey === undefined) return; // optional method: nothing to check
      const context = randomContext();
      const first = await provider.generateDataKey(context);
      const second = await provider.generateDataKey(context);
      assert.equal(first.plaintext.length, 32);
      assert.notDeepEqual(Buffer.from(first.plaintext), Buffer.from(second.plaintext));
      assert.ok(provider.canUnwrap(first.wrapped.kekRef));
      assert.deepEqual(Buffer.from(await provider.unwrap(first.wrapped, context)), Buffer.from(first.plaintext));
      await expectPermanentError(provider, provider.unwrap(first.wrapped, { ...context, keyId: otherKeyId(context.keyId) }));
    }, timeout);

    it('serves concurrent calls correctly', async () => {
      const { provider } = subject();
      const items = await Promise.all(Array.from({ length: 16 }, () => freshWrap(provider)));
      const opened = await Promise.all(items.map((item) => provider.unwrap(item.wrapped, item.context)));
      opened.forEach((dek, i) => assert.deepEqual(Buffer.from(dek), Buffer.from((items[i] as { dek: Uint8Array }).dek)));
    }, timeout);

    it('keeps key bytes and wrapped bytes out of every error, including its cause chain', async () => {
      const { provider, secondKekRef, foreignKekRef } = subject();
      const { dek, context, wrapped } = await freshWrap(provider);
      const tampered = Uint8Array.from(wrapped.ciphertext);
      tampered[0] = (tampered[0] as number) ^ 0x80;
      const calls: Array<() => Promise<unknown>> = [
        () => provider.unwrap(wrapped, { ...context, keyId: otherKeyId(context.keyId) }),
        () => provider.unwrap({ ...wrapped, kekRef: secondKekRef }, context),
        () => provider.unwrap({ ...wrapped, kekRef: foreignKekRef }, context),
        () => provider.unwrap({ ...wrapped, ciphertext: tampered }, context),
        () => provider.wrap(dek, context, { kekRef: foreignKekRef }),
      ];
      if (options.unreachable) {
        const down = await options.unreachable(subject());
        calls.push(() => down.wrap(dek, context), () => down.unwrap(wrapped, context));
      }
      const secrets = [
        { label: 'the data key', bytes: dek },
        { label: 'the wrapped key', bytes: wrapped.ciphertext },
        { label: 'the tampered wrapped key', bytes: tampered },
      ];
      for (const call of calls) {
        const error = await rejection(call());
        assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${String(error)}`);
        const leak = findLeak(error, secrets);
        assert.equal(leak, undefined, `${leak} appears in an error: ${error.message}`);
      }
    }, timeout);

    if (options.unreachable) {
      const makeUnreachable = options.unreachable;
      it(`fails fast (< ${failFastMs} ms) with a retryable ProviderError when its peer is down`, async () => {
        const { provider } = subject();
        const { context, wrapped } = await freshWrap(provider);
        const down = await makeUnreachable(subject());
        for (const call of [() => down.wrap(randomBytes(32), context), () => down.unwrap(wrapped, context)]) {
          const started = Date.now();
          const error = await rejection(call());
          const elapsed = Date.now() - started;
          assertProviderError(down, error, true);
          assert.ok(elapsed < failFastMs, `took ${elapsed} ms`);
        }
      }, timeout);
    }

    if (options.stalled) {
      const makeStalled = options.stalled;
      it('honours AbortSignal when its peer never answers', async () => {
        const { provider } = subject();
        const { context, wrapped } = await freshWrap(provider);
        const stalled = await makeStalled(subject());
        const started = Date.now();
        const error = await rejection(stalled.unwrap(wrapped, context, { signal: AbortSignal.timeout(200) }));
        const elapsed = Date.now() - started;
        assertProviderError(stalled, error, true);
        assert.ok(elapsed < 3_000, `settled ${elapsed} ms after a 200 ms signal`);
        const aborted = new AbortController();
        aborted.abort();
        assertProviderError(stalled, await rejection(stalled.wrap(randomBytes(32), context, { signal: aborted.signal })), true);
      }, timeout);
    }
  });
}

/** A fresh random data key and context, wrapped under the primary KEK. */
async function freshWrap(provider: KeyProvider): Promise<{ dek: Uint8Array; context: WrapContext; wrapped: WrappedKey }> {
  const dek = randomBytes(32);
  const context = randomContext();
  return { dek, context, wrapped: await provider.wrap(dek, context) };
}

function randomContext(): WrapContext {
  return { keyId: randomBytes(4).toString('hex'), scope: `tenant-${randomBytes(3).toString('hex')}` };
}

function otherKeyId(keyId: string): string {
  return ((Number.parseInt(keyId, 16) ^ 1) >>> 0).toString(16).padStart(8, '0');
}

function assertProviderError(provider: KeyProvider, error: unknown, retryable: boolean): asserts error is ProviderError {
  assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${String(error)}`);
  assert.equal(error.provider, provider.name, 'the error names another provider');
  assert.equal(error.retryable, retryable, `expected retryable=${retryable}: ${error.message}`);
}

async function expectPermanentError(provider: KeyProvider, promise: Promise<unknown>): Promise<void> {
  assertProviderError(provider, await rejection(promise), false);
}
