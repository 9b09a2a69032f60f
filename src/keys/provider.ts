/**
 * The KEK side of the key hierarchy: a {@link KeyProvider} wraps and unwraps
 * fieldseal's root keys with a key-encryption key it holds (the keys below a root key are
 * wrapped by it locally). For a KMS the KEK never leaves the service.
 *
 * The interface is deliberately a few async methods so that third parties can implement it
 * (Vault, Azure Key Vault, an HSM) and check their implementation with
 * `runKeyProviderContract` from `fieldseal/testing`.
 *
 * @module
 */

/**
 * What a wrapped key is for. Providers must bind it to the wrapped bytes (AAD for
 * AES-GCM, EncryptionContext for AWS KMS, additionalAuthenticatedData for GCP KMS) so
 * that a wrapped key cannot be unwrapped as another key or for another purpose.
 */
export interface WrapContext {
  /** The wrapped key's id (8 lowercase hex characters). */
  readonly keyId: string;
  /** The wrapped key's record scope (`root` for root keys). */
  readonly scope: string;
}

/** A key wrapped by a KEK. `kekRef` names which KEK, in the provider's own terms. */
export interface WrappedKey {
  /** The KEK that wrapped the key, e.g. `local:main`, an AWS key ARN, a GCP CryptoKey name. */
  readonly kekRef: string;
  /** The provider's opaque wrapped bytes. */
  readonly ciphertext: Uint8Array;
}

/** A fresh key from {@link KeyProvider.generateDataKey}: the plaintext and its wrapped form. */
export interface GeneratedDataKey {
  readonly plaintext: Uint8Array;
  readonly wrapped: WrappedKey;
}

/** Per-call options every provider method accepts. */
export interface ProviderCallOptions {
  /** Aborts the call (fieldseal sets this from its own timeouts). */
  readonly signal?: AbortSignal;
}

/**
 * Holds key-encryption keys and wraps/unwraps 32-byte keys (root keys) with them.
 *
 * Contract (checked by `runKeyProviderContract`):
 * - `unwrap(wrap(k, ctx), ctx)` returns `k`; with any other `ctx` it rejects;
 * - failures are {@link ProviderError}s (`retryable` set for throttling and transient
 *   faults), whose messages never contain key bytes;
 * - methods never hang: they honour `signal`.
 */
export interface KeyProvider {
  /** A short name used in errors and stats, e.g. `local`, `aws-kms`, `gcp-kms`. */
  readonly name: string;
  /** The KEK that new root keys are wrapped under. */
  readonly primaryKekRef: string;
  /** Wraps a key under `kekRef` (default: the primary KEK). */
  wrap(plaintext: Uint8Array, context: WrapContext, options?: ProviderCallOptions & { kekRef?: string }): Promise<WrappedKey>;
  /** Unwraps a key; rejects if the context or KEK does not match. */
  unwrap(wrapped: WrappedKey, context: WrapContext, options?: ProviderCallOptions): Promise<Uint8Array>;
  /** Lets a KMS create the key (AWS GenerateDataKey). Optional: otherwise fieldseal makes one locally and wraps it. */
  generateDataKey?(context: WrapContext, options?: ProviderCallOptions): Promise<GeneratedDataKey>;
  /**
   * Re-wraps a wrapped key under another KEK without exposing it to the caller where the
   * service can (AWS ReEncrypt). Optional: otherwise fieldseal unwraps and wraps again.
   */
  rewrap?(wrapped: WrappedKey, context: WrapContext, toKekRef: string, options?: ProviderCallOptions): Promise<WrappedKey>;
  /** Whether this provider can unwrap keys wrapped under `kekRef`. */
  canUnwrap(kekRef: string): boolean;
}

/** The 32-byte length of every key fieldseal holds (AES-256). */
export const DATA_KEY_BYTES = 32;
