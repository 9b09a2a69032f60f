/**
 * The AWS KMS key provider: KEKs are symmetric KMS keys that never leave KMS.
 *
 * - wrap: `Encrypt` (https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html)
 * - new root key: `GenerateDataKey` with NumberOfBytes 32
 *   (https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html)
 * - unwrap: `Decrypt` with `KeyId`, so a wrapped key made under another KMS key is refused
 *   rather than decrypted with whatever key the ciphertext names
 *   (https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html)
 * - rewrap: `ReEncrypt`: the root key is decrypted and re-encrypted inside KMS and never
 *   reaches this process (https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html)
 *
 * Every call carries the encryption context of {@link awsEncryptionContext}.
 *
 * @module
 */
import {
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  KMSClient,
  ReEncryptCommand,
  type KMSClientConfig,
} from './sdk.js';
import { ConfigurationError, ProviderError } from '../errors.js';
import { DATA_KEY_BYTES, type KeyProvider, type WrapContext, type WrappedKey } from '../keys/provider.js';
import { callSignal } from '../keys/kms/call-signal.js';
import { awsEncryptionContext } from './encryption-context.js';
import { AWS_PROVIDER, toAwsProviderError } from './errors.js';
import { parseKmsArn, sameKeySpace, type KmsArn } from './kek-ref.js';

/** Default per-call deadline: KMS answers in tens of milliseconds; 10 s means it is down. */
const DEFAULT_TIMEOUT_MS = 10_000;

/** Options of {@link awsKmsKeyProvider}. Give `keyId` or `keyIds`. */
export interface AwsKmsKeyProviderOptions {
  /** The KEK: a KMS key ARN or alias ARN (`arn:aws:kms:<region>:<account>:key/<id>` or `...:alias/<name>`). */
  readonly keyId?: string;
  /**
   * Several KEKs (per region, per tenant, or old ones kept for unwrapping). New root keys are
   * wrapped under `primary`, default the first.
   */
  readonly keyIds?: readonly string[];
  /** Which of `keyIds` wraps new root keys (default: the first). */
  readonly primary?: string;
  /**
   * A KMS client to use as is (its own retry settings apply). When omitted, one is created
   * from `region`/`endpoint`/`credentials`/`clientConfig` with SDK retries off
   * (`maxAttempts: 1`) so that fieldseal's keyring is the only retry layer.
   */
  readonly client?: KMSClient;
  /** Region for the client fieldseal creates (default: the key ARN's region). */
  readonly region?: string;
  /** Endpoint override for the client fieldseal creates (VPC endpoint, FIPS, or a test server). */
  readonly endpoint?: string;
  /** Credentials for the client fieldseal creates (default: the SDK's default chain). */
  readonly credentials?: KMSClientConfig['credentials'];
  /** Further configuration for the client fieldseal creates. */
  readonly clientConfig?: KMSClientConfig;
  /** Grant tokens passed on every call (https://docs.aws.amazon.com/kms/latest/developerguide/grant-tokens.html). */
  readonly grantTokens?: readonly string[];
  /** Per-call deadline in milliseconds, on top of the caller's signal (default 10 000). */
  readonly timeoutMs?: number;
}

/**
 * Creates a key provider backed by AWS KMS.
 *
 * Wrapped keys record the key ARN KMS reports as `kekRef` (even when configured with an
 * alias), and `canUnwrap` accepts configured ARNs, key ARNs seen in responses, and key ARNs
 * in the same account and region as a configured alias (the alias may have pointed at them).
 *
 * Minimum IAM permissions on the KEKs: `kms:Encrypt`, `kms:Decrypt`, `kms:GenerateDataKey`,
 * and `kms:ReEncryptFrom`/`kms:ReEncryptTo` for KEK rotation.
 *
 * @example
 * ```ts
 * import { awsKmsKeyProvider } from 'fieldseal/aws-kms';
 * const provider = awsKmsKeyProvider({ keyId: 'arn:aws:kms:eu-west-1:111122223333:alias/fieldseal' });
 * ```
 */
export function awsKmsKeyProvider(options: AwsKmsKeyProviderOptions): KeyProvider {
  const configured = configuredKeys(options);
  const primary = options.primary ?? configured[0]?.arn;
  if (primary === undefined || !configured.some((k) => k.arn === primary)) {
    throw new ConfigurationError('awsKmsKeyProvider: `primary` must be one of `keyIds`');
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new ConfigurationError('awsKmsKeyProvider: `timeoutMs` must be a positive integer');
  const client = options.client ?? createClient(options, configured[0] as KmsArn);
  const grantTokens = options.grantTokens === undefined ? undefined : [...options.grantTokens];
  const configuredArns = new Set(configured.map((k) => k.arn));
  const aliases = configured.filter((k) => k.kind === 'alias');
  // Key ARNs KMS reported for our aliases; only an optimisation of canUnwrap's answer.
  const learned = new Set<string>();

  const canUnwrap = (kekRef: string): boolean => {
    if (configuredArns.has(kekRef) || learned.has(kekRef)) return true;
    const parsed = parseKmsArn(kekRef);
    return parsed?.kind === 'key' && aliases.some((alias) => sameKeySpace(parsed, alias));
  };

  /** Runs one KMS command with the combined signal, mapping every failure. */
  const call = async <T>(
    operation: string,
    what: string,
    signal: AbortSignal | undefined,
    secrets: readonly Uint8Array[],
    run: (s: AbortSignal) => Promise<T>,
  ): Promise<T> => {
    const deadline = callSignal(signal, timeoutMs);
    if (deadline.signal.aborted) throw toAwsProviderError(operation, what, undefined, deadline.reason(), timeoutMs);
    try {
      return await run(deadline.signal);
    } catch (error) {
      throw toAwsProviderError(operation, what, error, deadline.reason(), timeoutMs, secrets);
    }
  };

  /** Checks a response's key ARN and ciphertext, remembering the ARN. */
  const wrappedFrom = (operation: string, keyId: string | undefined, blob: Uint8Array | undefined): WrappedKey => {
    const parsed = keyId === undefined ? undefined : parseKmsArn(keyId);
    if (parsed?.kind !== 'key' || blob === undefined || blob.length === 0) {
      throw new ProviderError(AWS_PROVIDER, `${operation} returned no key ARN or no ciphertext`);
    }
    learned.add(parsed.arn);
    return { kekRef: parsed.arn, ciphertext: Uint8Array.from(blob) };
  };

  const requireKnown = (kekRef: string, what: string): void => {
    if (!canUnwrap(kekRef)) {
      throw new ProviderError(AWS_PROVIDER, `KEK ${kekRef} for ${what} is not one of this provider's keys`);
    }
  };

  const provider: KeyProvider = {
    name: AWS_PROVIDER,
    primaryKekRef: primary,
    canUnwrap,
    async wrap(plaintext, context, callOptions) {
      const target = callOptions?.kekRef ?? primary;
      const what = describe(context);
      requireKnown(target, what);
      const out = await call('Encrypt', what, callOptions?.signal, [plaintext], (abortSignal) =>
        client.send(
          new EncryptCommand({ KeyId: target, Plaintext: plaintext, EncryptionContext: awsEncryptionContext(context), GrantTokens: grantTokens }),
          { abortSignal },
        ),
      );
      return wrappedFrom('Encrypt', out.KeyId, out.CiphertextBlob);
    },
    async unwrap(wrapped, context, callOptions) {
      const what = describe(context);
      requireKnown(wrapped.kekRef, what);
      const out = await call('Decrypt', what, callOptions?.signal, [wrapped.ciphertext], (abortSignal) =>
        client.send(
          new DecryptCommand({
            KeyId: wrapped.kekRef,
            CiphertextBlob: wrapped.ciphertext,
            EncryptionContext: awsEncryptionContext(context),
            GrantTokens: grantTokens,
          }),
          { abortSignal },
        ),
      );
      if (out.Plaintext === undefined || out.Plaintext.length === 0) throw new ProviderError(AWS_PROVIDER, `Decrypt for ${what} returned no plaintext`);
      return Uint8Array.from(out.Plaintext);
    },
    async generateDataKey(context, callOptions) {
      const what = describe(context);
      const out = await call('GenerateDataKey', what, callOptions?.signal, [], (abortSignal) =>
        client.send(
          new GenerateDataKeyCommand({
            KeyId: primary,
            NumberOfBytes: DATA_KEY_BYTES,
            EncryptionContext: awsEncryptionContext(context),
            GrantTokens: grantTokens,
          }),
          { abortSignal },
        ),
      );
      if (out.Plaintext?.length !== DATA_KEY_BYTES) {
        throw new ProviderError(AWS_PROVIDER, `GenerateDataKey for ${what} returned a key of the wrong length`);
      }
      return { plaintext: Uint8Array.from(out.Plaintext), wrapped: wrappedFrom('GenerateDataKey', out.KeyId, out.CiphertextBlob) };
    },
    async rewrap(wrapped, context, toKekRef, callOptions) {
      const what = describe(context);
      requireKnown(wrapped.kekRef, what);
      requireKnown(toKekRef, what);
      const encryptionContext = awsEncryptionContext(context);
      const out = await call('ReEncrypt', what, callOptions?.signal, [wrapped.ciphertext], (abortSignal) =>
        client.send(
          new ReEncryptCommand({
            CiphertextBlob: wrapped.ciphertext,
            SourceKeyId: wrapped.kekRef,
            SourceEncryptionContext: encryptionContext,
            DestinationKeyId: toKekRef,
            DestinationEncryptionContext: encryptionContext,
            GrantTokens: grantTokens,
          }),
          { abortSignal },
        ),
      );
      return wrappedFrom('ReEncrypt', out.KeyId, out.CiphertextBlob);
    },
  };
  const summary = { provider: AWS_PROVIDER, primaryKekRef: primary, kekRefs: [...configuredArns] };
  Object.defineProperty(provider, Symbol.for('nodejs.util.inspect.custom'), {
    value: () => `KeyProvider(aws-kms, primary=${primary}, keys=[${summary.kekRefs.join(', ')}])`,
  });
  Object.defineProperty(provider, 'toJSON', { value: () => summary });
  return provider;
}

function configuredKeys(options: AwsKmsKeyProviderOptions): KmsArn[] {
  if (options.keyId !== undefined && options.keyIds !== undefined) {
    throw new ConfigurationError('awsKmsKeyProvider: give `keyId` or `keyIds`, not both');
  }
  const ids = options.keyIds ?? (options.keyId === undefined ? [] : [options.keyId]);
  if (ids.length === 0) throw new ConfigurationError('awsKmsKeyProvider needs `keyId` or `keyIds`');
  return ids.map((id) => {
    const parsed = parseKmsArn(id);
    if (parsed === undefined) {
      throw new ConfigurationError(
        `awsKmsKeyProvider: '${id}' is not a KMS key ARN or alias ARN; use the full ARN ` +
          '(arn:aws:kms:<region>:<account>:key/<id> or :alias/<name>) so stored references are unambiguous',
      );
    }
    return parsed;
  });
}

function createClient(options: AwsKmsKeyProviderOptions, first: KmsArn): KMSClient {
  return new KMSClient({
    maxAttempts: 1,
    ...options.clientConfig,
    region: options.region ?? options.clientConfig?.region ?? first.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  });
}

function describe(context: WrapContext): string {
  return `key ${context.keyId}`;
}
