/**
 * The Google Cloud KMS key provider: KEKs are symmetric CryptoKeys that never leave Cloud KMS.
 *
 * - wrap: `Encrypt` on the CryptoKey (its primary version)
 *   (https://cloud.google.com/kms/docs/reference/rpc/google.cloud.kms.v1#google.cloud.kms.v1.KeyManagementService.Encrypt)
 * - unwrap: `Decrypt` on the CryptoKey; Cloud KMS finds the version from the ciphertext and
 *   fails unless that version belongs to this CryptoKey.
 * - no `rewrap`: Cloud KMS has no re-encrypt call, so fieldseal unwraps and wraps again.
 *
 * Every call carries {@link gcpAdditionalData} as AAD and is checked end to end with the
 * CRC32C fields of https://cloud.google.com/kms/docs/data-integrity-guidelines: the request
 * sends `plaintextCrc32c`/`ciphertextCrc32c` and `additionalAuthenticatedDataCrc32c`; the
 * Encrypt response must report both as verified and carry a matching `ciphertextCrc32c`; the
 * Decrypt response must carry a matching `plaintextCrc32c`. Any mismatch fails closed with a
 * retryable ProviderError (corruption in transit is transient, so Google advises a retry).
 *
 * @module
 */
import { KeyManagementServiceClient } from './sdk.js';
import { ConfigurationError, ProviderError } from '../errors.js';
import type { KeyProvider, WrapContext } from '../keys/provider.js';
import { gcpAdditionalData } from './aad.js';
import { callSignal } from '../keys/kms/call-signal.js';
import { crc32c } from './crc32c.js';
import { GCP_PROVIDER, toGcpProviderError } from './errors.js';

/** Default per-call deadline (also sent to the server as the gRPC deadline). */
const DEFAULT_TIMEOUT_MS = 10_000;

const CRYPTO_KEY_NAME = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;

/** Options of the official client, as its constructor takes them. */
export type GcpKmsClientOptions = NonNullable<ConstructorParameters<typeof KeyManagementServiceClient>[0]>;

/** Options of {@link gcpKmsKeyProvider}. Give `keyName` or `keyNames`. */
export interface GcpKmsKeyProviderOptions {
  /** The KEK: a CryptoKey resource name, `projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`. */
  readonly keyName?: string;
  /** Several KEKs (per location, per tenant, or old ones kept for unwrapping). */
  readonly keyNames?: readonly string[];
  /** Which of `keyNames` wraps new root keys (default: the first). */
  readonly primary?: string;
  /** An official client to use (fieldseal does not close it). */
  readonly client?: KeyManagementServiceClient;
  /** Options for the client fieldseal creates when `client` is omitted. */
  readonly clientOptions?: GcpKmsClientOptions;
  /** Per-call deadline in milliseconds, on top of the caller's signal (default 10 000). */
  readonly timeoutMs?: number;
  /**
   * The official client logs whole requests and responses (root keys included) when
   * `GOOGLE_SDK_NODE_LOGGING` enables its `kms` logger, so the provider refuses to start in
   * that case. Set this to `true` only where that output cannot leave a test machine.
   */
  readonly allowSdkRequestLogging?: boolean;
}

/** A {@link KeyProvider} that holds a Cloud KMS client. */
export interface GcpKmsKeyProvider extends KeyProvider {
  /** Closes the gRPC channel if fieldseal created the client (a client passed in is left open). */
  close(): Promise<void>;
}

/**
 * Creates a key provider backed by Google Cloud KMS.
 *
 * Minimum IAM role on the CryptoKeys: `roles/cloudkms.cryptoKeyEncrypterDecrypter`
 * (`cloudkms.cryptoKeyVersions.useToEncrypt` and `.useToDecrypt`).
 *
 * @example
 * ```ts
 * import { gcpKmsKeyProvider } from 'fieldseal/gcp-kms';
 * const provider = gcpKmsKeyProvider({ keyName: 'projects/acme/locations/europe-west1/keyRings/app/cryptoKeys/fieldseal' });
 * ```
 */
export function gcpKmsKeyProvider(options: GcpKmsKeyProviderOptions): GcpKmsKeyProvider {
  const names = configuredNames(options);
  const primary = options.primary ?? names[0];
  if (primary === undefined || !names.includes(primary)) throw new ConfigurationError('gcpKmsKeyProvider: `primary` must be one of `keyNames`');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new ConfigurationError('gcpKmsKeyProvider: `timeoutMs` must be a positive integer');
  if (options.allowSdkRequestLogging !== true && sdkRequestLoggingEnabled(process.env.GOOGLE_SDK_NODE_LOGGING)) {
    throw new ConfigurationError(
      'gcpKmsKeyProvider: GOOGLE_SDK_NODE_LOGGING enables the Cloud KMS client logger, which would write root keys to the log; ' +
        'unset it or remove `kms` from it (or pass allowSdkRequestLogging: true on a test machine)',
    );
  }
  const ownsClient = options.client === undefined;
  const client = options.client ?? new KeyManagementServiceClient(options.clientOptions);
  const known = new Set(names);
  // Per call: a gRPC deadline, and gax's own retries off so the keyring is the only retry layer.
  const gaxOptions = { timeout: timeoutMs, retry: null };

  const call = async <T>(
    operation: string,
    what: string,
    signal: AbortSignal | undefined,
    secrets: readonly Uint8Array[],
    run: () => Promise<T>,
  ): Promise<T> => {
    const deadline = callSignal(signal, timeoutMs);
    if (deadline.signal.aborted) throw toGcpProviderError(operation, what, undefined, deadline.reason(), timeoutMs);
    let onAbort: (() => void) | undefined;
    // The official client's promise cannot be cancelled (its wrapper drops gax's cancel), so
    // the abort settles our promise at once and the RPC ends at its gRPC deadline.
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(toGcpProviderError(operation, what, undefined, deadline.reason() ?? 'deadline', timeoutMs));
      deadline.signal.addEventListener('abort', onAbort, { once: true });
    });
    const pending = connected(deadline.signal).then(run);
    pending.catch(() => undefined);
    try {
      return await Promise.race([pending, aborted]);
    } catch (error) {
      throw toGcpProviderError(operation, what, error, deadline.reason(), timeoutMs, secrets);
    } finally {
      if (onAbort !== undefined) deadline.signal.removeEventListener('abort', onAbort);
    }
  };

  // Each method of the official client starts `initialize()` with a `.catch` that rethrows,
  // so a channel that cannot be set up (no credentials found, say) leaves a rejection nobody
  // handles, which ends a process run with --unhandled-rejections=strict. Awaiting the same
  // (memoized) initialization first, and calling a method only once it has succeeded, makes
  // that failure this call's error instead.
  let initializationFailed = false;
  const connected = async (signal: AbortSignal): Promise<void> => {
    try {
      await client.initialize();
    } catch (error) {
      initializationFailed = true;
      throw error;
    }
    if (signal.aborted) throw new Error('aborted before the call was sent');
  };

  const requireKnown = (kekRef: string, what: string): void => {
    if (!known.has(kekRef)) throw new ProviderError(GCP_PROVIDER, `KEK ${kekRef} for ${what} is not one of this provider's keys`);
  };

  const provider: GcpKmsKeyProvider = {
    name: GCP_PROVIDER,
    primaryKekRef: primary,
    canUnwrap: (kekRef) => known.has(kekRef),
    async wrap(plaintext, context, callOptions) {
      const kekRef = callOptions?.kekRef ?? primary;
      const what = describe(context);
      requireKnown(kekRef, what);
      const aad = gcpAdditionalData(context);
      const [response] = await call('Encrypt', what, callOptions?.signal, [plaintext], () =>
        client.encrypt(
          {
            name: kekRef,
            plaintext,
            additionalAuthenticatedData: aad,
            plaintextCrc32c: { value: crc32c(plaintext) },
            additionalAuthenticatedDataCrc32c: { value: crc32c(aad) },
          },
          gaxOptions,
        ),
      );
      const ciphertext = toBytes(response.ciphertext);
      if (response.verifiedPlaintextCrc32c !== true || response.verifiedAdditionalAuthenticatedDataCrc32c !== true) {
        throw integrityError('Encrypt', what, 'the request was corrupted in transit (checksum not verified by Cloud KMS)');
      }
      if (ciphertext.length === 0 || int64(response.ciphertextCrc32c?.value) !== crc32c(ciphertext)) {
        throw integrityError('Encrypt', what, 'the response was corrupted in transit (ciphertext checksum mismatch)');
      }
      if (typeof response.name !== 'string' || !response.name.startsWith(`${kekRef}/cryptoKeyVersions/`)) {
        throw integrityError('Encrypt', what, 'the response names another key');
      }
      return { kekRef, ciphertext };
    },
    async unwrap(wrapped, context, callOptions) {
      const what = describe(context);
      requireKnown(wrapped.kekRef, what);
      const aad = gcpAdditionalData(context);
      const [response] = await call('Decrypt', what, callOptions?.signal, [wrapped.ciphertext], () =>
        client.decrypt(
          {
            name: wrapped.kekRef,
            ciphertext: wrapped.ciphertext,
            additionalAuthenticatedData: aad,
            ciphertextCrc32c: { value: crc32c(wrapped.ciphertext) },
            additionalAuthenticatedDataCrc32c: { value: crc32c(aad) },
          },
          gaxOptions,
        ),
      );
      const plaintext = toBytes(response.plaintext);
      if (plaintext.length === 0 || int64(response.plaintextCrc32c?.value) !== crc32c(plaintext)) {
        throw integrityError('Decrypt', what, 'the response was corrupted in transit (plaintext checksum mismatch)');
      }
      return plaintext;
    },
    async close() {
      // A client whose channel never came up has nothing to close (its close() would only
      // replay the initialization error).
      if (ownsClient && !initializationFailed) await client.close();
    },
  };
  const summary = { provider: GCP_PROVIDER, primaryKekRef: primary, kekRefs: names };
  Object.defineProperty(provider, Symbol.for('nodejs.util.inspect.custom'), {
    value: () => `KeyProvider(gcp-kms, primary=${primary}, keys=[${names.join(', ')}])`,
  });
  Object.defineProperty(provider, 'toJSON', { value: () => summary });
  return provider;
}

/** Whether a GOOGLE_SDK_NODE_LOGGING value turns on the `kms` logger (google-logging-utils semantics). */
export function sdkRequestLoggingEnabled(value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  return value
    .split(',')
    .map((part) => part.trim())
    .some((part) => part === 'all' || part === '*' || part === 'kms' || (part.endsWith('*') && 'kms'.startsWith(part.slice(0, -1))));
}

function configuredNames(options: GcpKmsKeyProviderOptions): string[] {
  if (options.keyName !== undefined && options.keyNames !== undefined) throw new ConfigurationError('gcpKmsKeyProvider: give `keyName` or `keyNames`, not both');
  const names = [...(options.keyNames ?? (options.keyName === undefined ? [] : [options.keyName]))];
  if (names.length === 0) throw new ConfigurationError('gcpKmsKeyProvider needs `keyName` or `keyNames`');
  for (const name of names) {
    if (!CRYPTO_KEY_NAME.test(name)) {
      throw new ConfigurationError(
        `gcpKmsKeyProvider: '${name}' is not a CryptoKey name (projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>; not a version)`,
      );
    }
  }
  return names;
}

function integrityError(operation: string, what: string, why: string): ProviderError {
  return new ProviderError(GCP_PROVIDER, `${operation} for ${what} failed integrity verification: ${why}`, { retryable: true });
}

/** Cloud KMS int64 wrappers arrive as number, string or Long depending on the client's decoding. */
function int64(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(typeof value === 'object' ? String(value) : value);
  return Number.isSafeInteger(n) ? n : undefined;
}

function toBytes(value: Uint8Array | string | null | undefined): Uint8Array {
  if (value === undefined || value === null) return new Uint8Array(0);
  return typeof value === 'string' ? Uint8Array.from(Buffer.from(value, 'base64')) : Uint8Array.from(value);
}

function describe(context: WrapContext): string {
  return `key ${context.keyId}`;
}
