/**
 * The local provider has no peer to disturb, so its keyring contract run wraps it in a
 * decorator that fails calls the way a remote peer would (retryable or permanent
 * ProviderErrors, an outage). The AWS and GCP runs inject the same faults at their real peers.
 */
import { ProviderError } from '../../src/errors.js';
import type { KeyProvider } from '../../src/keys/provider.js';
import type { PeerFaults } from '../../src/testing/index.js';

/** A provider that delegates to `inner` unless a fault is pending, and its fault controls. */
export function faultyProvider(inner: KeyProvider): { provider: KeyProvider; faults: PeerFaults } {
  let transient = 0;
  let permanent = 0;
  let down = false;
  let unwraps = 0;
  const gate = (): void => {
    if (down) throw new ProviderError(inner.name, 'peer unreachable (simulated outage)', { retryable: true, code: 'PROVIDER_UNAVAILABLE' });
    if (transient > 0) {
      transient--;
      throw new ProviderError(inner.name, 'throttled (simulated)', { retryable: true, code: 'PROVIDER_UNAVAILABLE' });
    }
    if (permanent > 0) {
      permanent--;
      throw new ProviderError(inner.name, 'access denied (simulated)');
    }
  };
  const provider: KeyProvider = {
    name: inner.name,
    primaryKekRef: inner.primaryKekRef,
    canUnwrap: (kekRef) => inner.canUnwrap(kekRef),
    async wrap(plaintext, context, options) {
      gate();
      return inner.wrap(plaintext, context, options);
    },
    async unwrap(wrapped, context, options) {
      unwraps++;
      gate();
      return inner.unwrap(wrapped, context, options);
    },
  };
  const faults: PeerFaults = {
    transient: (count) => void (transient = count),
    permanent: (count) => void (permanent = count),
    outage: () => void (down = true),
    restore: () => {
      transient = 0;
      permanent = 0;
      down = false;
    },
    unwrapRequests: () => unwraps,
  };
  return { provider, faults };
}
