/**
 * AWS KMS provider specifics, against moto's KMS server on loopback (and, for faults, the
 * fault proxy in front of it): the encryption context on the wire, key ARNs vs aliases,
 * KeyId pinning on Decrypt, ReEncrypt, GenerateDataKey, error classification, no hidden
 * SDK retries. Where moto is laxer than AWS KMS the test name says so.
 */
import { randomBytes } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DependencyTimeoutException,
  DisableKeyCommand,
  DisabledException,
  IncorrectKeyException,
  InvalidCiphertextException,
  KMSInternalException,
  KMSInvalidStateException,
  KeyUnavailableException,
  NotFoundException,
  ReEncryptCommand,
  UpdateAliasCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsEncryptionContext, awsKmsKeyProvider, isRetryableAwsError } from '../../src/aws-kms/index.js';
import { ConfigurationError, ProviderError } from '../../src/errors.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { motoUnavailableReason, startMoto, type MotoServer } from '../support/moto.js';

// Outside CI a missing moto skips the suites that talk to it (the run prints why); in CI it fails.
const motoMissing = motoUnavailableReason() !== undefined;

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const context = { keyId: '0a1b2c3d', scope: 'tenant-42' };

let moto: MotoServer;
let kms: KMSClient;
let proxy: FaultProxy;

async function createKey(): Promise<string> {
  const arn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn;
  if (arn === undefined) throw new Error('moto created no key');
  return arn;
}

function aliasArnFor(keyArn: string, alias: string): string {
  return keyArn.replace(/:key\/.*$/, `:alias/${alias}`);
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

beforeAll(async () => {
  if (motoMissing) return;
  moto = await startMoto();
  kms = moto.client();
  proxy = await startFaultProxy(moto.endpoint);
}, 60_000);

afterAll(async () => {
  kms?.destroy();
  await proxy?.stop();
  await moto?.stop();
}, 30_000);

describe('awsKmsKeyProvider configuration', () => {
  it('accepts only full key or alias ARNs, so stored KEK references are unambiguous', () => {
    for (const keyId of ['1234abcd-12ab-34cd-56ef-1234567890ab', 'alias/fieldseal', 'arn:aws:s3:::bucket']) {
      expect(() => awsKmsKeyProvider({ keyId })).toThrow(ConfigurationError);
    }
    expect(() => awsKmsKeyProvider({})).toThrow(ConfigurationError);
    const arn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(() => awsKmsKeyProvider({ keyId: arn, keyIds: [arn] })).toThrow(ConfigurationError);
    expect(() => awsKmsKeyProvider({ keyIds: [arn], primary: 'arn:aws:kms:eu-west-1:111122223333:alias/other' })).toThrow(ConfigurationError);
    expect(awsKmsKeyProvider({ keyId: arn }).primaryKekRef).toBe(arn);
  });

  it('shows its KEK references, and nothing else, in inspect and JSON output', () => {
    const arn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const provider = awsKmsKeyProvider({ keyId: arn, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG' } });
    expect(JSON.stringify(provider)).toBe(JSON.stringify({ provider: 'aws-kms', primaryKekRef: arn, kekRefs: [arn] }));
    expect(JSON.stringify(provider)).not.toContain('wJalr');
  });
});

describe.skipIf(motoMissing)('awsKmsKeyProvider on moto', () => {
  it('binds the documented encryption context: KMS decrypts with exactly it and refuses any other (moto enforces this)', async () => {
    const keyArn = await createKey();
    const provider = awsKmsKeyProvider({ keyId: keyArn, client: kms });
    const dek = randomBytes(32);
    const wrapped = await provider.wrap(dek, context);
    expect(awsEncryptionContext(context)).toEqual({ 'fieldseal:purpose': 'data-key', 'fieldseal:key-id': '0a1b2c3d', 'fieldseal:scope': 'tenant-42' });
    const direct = await kms.send(new DecryptCommand({ CiphertextBlob: wrapped.ciphertext, KeyId: keyArn, EncryptionContext: awsEncryptionContext(context) }));
    expect(Buffer.from(direct.Plaintext ?? [])).toEqual(dek);
    await expect(kms.send(new DecryptCommand({ CiphertextBlob: wrapped.ciphertext, KeyId: keyArn }))).rejects.toThrow(InvalidCiphertextException);
    await expect(
      kms.send(new DecryptCommand({ CiphertextBlob: wrapped.ciphertext, KeyId: keyArn, EncryptionContext: { ...awsEncryptionContext(context), 'fieldseal:scope': 'x' } })),
    ).rejects.toThrow(InvalidCiphertextException);
  });

  it('records the key ARN (not the alias) so data keys survive the alias moving to a new key', async () => {
    const oldKey = await createKey();
    const newKey = await createKey();
    const alias = aliasArnFor(oldKey, 'rotating');
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/rotating', TargetKeyId: oldKey }));
    const provider = awsKmsKeyProvider({ keyId: alias, client: kms });
    expect(provider.primaryKekRef).toBe(alias);
    const dek = randomBytes(32);
    const before = await provider.wrap(dek, context);
    expect(before.kekRef).toBe(oldKey);

    await kms.send(new UpdateAliasCommand({ AliasName: 'alias/rotating', TargetKeyId: newKey }));
    const after = await provider.wrap(dek, context);
    expect(after.kekRef).toBe(newKey);
    expect(Buffer.from(await provider.unwrap(before, context))).toEqual(dek);
    expect(Buffer.from(await provider.unwrap(after, context))).toEqual(dek);

    // A fresh process has not seen the ARNs yet: same account and region as the alias is enough.
    const fresh = awsKmsKeyProvider({ keyId: alias, client: kms });
    expect(fresh.canUnwrap(oldKey)).toBe(true);
    expect(fresh.canUnwrap(oldKey.replace(':123456789012:', ':210987654321:'))).toBe(false);
    expect(fresh.canUnwrap(oldKey.replace(':us-east-1:', ':eu-west-1:'))).toBe(false);
    expect(Buffer.from(await fresh.unwrap(before, context))).toEqual(dek);
  });

  it('pins KeyId on Decrypt: a wrapped key presented as another KMS key is refused (moto: AccessDeniedException; AWS: IncorrectKeyException)', async () => {
    const a = await createKey();
    const b = await createKey();
    const provider = awsKmsKeyProvider({ keyIds: [a, b], client: kms });
    const wrapped = await provider.wrap(randomBytes(32), context);
    const error = await rejection(provider.unwrap({ ...wrapped, kekRef: b }, context));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^aws-kms: Decrypt for key 0a1b2c3d failed \((AccessDeniedException|IncorrectKeyException)/);
  });

  it('rewraps with ReEncrypt under the same context, without the data key leaving KMS', async () => {
    const a = await createKey();
    const b = await createKey();
    const provider = awsKmsKeyProvider({ keyIds: [a, b], client: kms });
    const dek = randomBytes(32);
    const wrapped = await provider.wrap(dek, context);
    const before = proxy.requests.get('ReEncrypt') ?? 0;
    const viaProxy = awsKmsKeyProvider({ keyIds: [a, b], endpoint: proxy.endpoint, region: 'us-east-1', credentials });
    const moved = await viaProxy.rewrap!(wrapped, context, b);
    expect(proxy.requests.get('ReEncrypt')).toBe(before + 1);
    expect(proxy.requests.get('Decrypt') ?? 0).toBe(0);
    expect(moved.kekRef).toBe(b);
    expect(Buffer.from(await provider.unwrap(moved, context))).toEqual(dek);
    expect((await rejection(provider.unwrap(moved, { ...context, scope: 'other' }))).retryable).toBe(false);
    expect((await rejection(provider.rewrap!(wrapped, { ...context, keyId: 'ffffffff' }, b))).retryable).toBe(false);
  });

  it('moto gap: ReEncrypt ignores a wrong SourceKeyId (AWS KMS answers IncorrectKeyException); the provider relies on KMS for it', async () => {
    const a = await createKey();
    const b = await createKey();
    const ciphertext = (await awsKmsKeyProvider({ keyId: a, client: kms }).wrap(randomBytes(32), context)).ciphertext;
    const answer = await kms.send(
      new ReEncryptCommand({
        CiphertextBlob: ciphertext,
        SourceKeyId: b,
        SourceEncryptionContext: awsEncryptionContext(context),
        DestinationKeyId: b,
        DestinationEncryptionContext: awsEncryptionContext(context),
      }),
    );
    // If moto starts enforcing SourceKeyId this fails: then turn it into a refusal test.
    expect(answer.KeyId).toBe(b);
  });

  it('moto gap: a disabled key still encrypts and decrypts on moto (AWS KMS answers DisabledException; its mapping is tested through the proxy)', async () => {
    const keyArn = await createKey();
    const provider = awsKmsKeyProvider({ keyId: keyArn, client: kms });
    const dek = randomBytes(32);
    const wrapped = await provider.wrap(dek, context);
    // moto 5.2 answers an HTML 500 to DisableKey by ARN; the bare key id works.
    await kms.send(new DisableKeyCommand({ KeyId: keyArn.split('/').pop() }));
    // If moto starts refusing these, this fails: then turn it into a refusal test.
    await expect(provider.wrap(randomBytes(32), context)).resolves.toBeDefined();
    expect(Buffer.from(await provider.unwrap(wrapped, context))).toEqual(dek);
  });

  it('generates 32-byte data keys with GenerateDataKey under the same context', async () => {
    const keyArn = await createKey();
    const provider = awsKmsKeyProvider({ keyId: keyArn, client: kms });
    const { plaintext, wrapped } = await provider.generateDataKey!(context);
    expect(plaintext).toHaveLength(32);
    expect(wrapped.kekRef).toBe(keyArn);
    const direct = await kms.send(new DecryptCommand({ CiphertextBlob: wrapped.ciphertext, KeyId: keyArn, EncryptionContext: awsEncryptionContext(context) }));
    expect(Buffer.from(direct.Plaintext ?? [])).toEqual(Buffer.from(plaintext));
  });

  it('makes exactly one HTTP request per call when it creates the client (SDK retries off: the keyring retries)', async () => {
    const keyArn = await createKey();
    const provider = awsKmsKeyProvider({ keyId: keyArn, endpoint: proxy.endpoint, region: 'us-east-1', credentials });
    const before = proxy.requests.get('Encrypt') ?? 0;
    proxy.failNext(1, 'ThrottlingException');
    const error = await rejection(provider.wrap(randomBytes(32), context));
    expect(proxy.requests.get('Encrypt')).toBe(before + 1);
    expect(error.retryable).toBe(true);
    expect(error.code).toBe('PROVIDER_UNAVAILABLE');
  });

  it.each([
    ['ThrottlingException', 400, true],
    ['KMSInternalException', 500, true],
    ['DependencyTimeoutException', 503, true],
    ['KeyUnavailableException', 500, true],
    ['AccessDeniedException', 400, false],
    ['InvalidCiphertextException', 400, false],
    ['NotFoundException', 400, false],
    ['DisabledException', 400, false],
    ['KMSInvalidStateException', 400, false],
  ] as const)('maps %s (HTTP %i) from the wire to retryable=%s', async (errorType, status, retryable) => {
    const keyArn = await createKey();
    const provider = awsKmsKeyProvider({ keyId: keyArn, endpoint: proxy.endpoint, region: 'us-east-1', credentials });
    const wrapped = await provider.wrap(randomBytes(32), context);
    proxy.failNext(1, errorType, status);
    const error = await rejection(provider.unwrap(wrapped, context));
    expect(error.retryable).toBe(retryable);
    expect(error.provider).toBe('aws-kms');
    expect(error.message).toContain(errorType);
    expect(error.code).toBe(retryable ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_FAILED');
  });

  it('maps connection resets to retryable errors', async () => {
    const keyArn = await createKey();
    const provider = awsKmsKeyProvider({ keyId: keyArn, endpoint: proxy.endpoint, region: 'us-east-1', credentials });
    proxy.mode = 'reset';
    try {
      expect((await rejection(provider.wrap(randomBytes(32), context))).retryable).toBe(true);
    } finally {
      proxy.mode = 'forward';
    }
  });

  it('times out a call on a silent peer by its own deadline, with no caller signal', async () => {
    const keyArn = await createKey();
    const provider = awsKmsKeyProvider({ keyId: keyArn, endpoint: proxy.endpoint, region: 'us-east-1', credentials, timeoutMs: 300 });
    proxy.mode = 'stall';
    const started = Date.now();
    try {
      const error = await rejection(provider.wrap(randomBytes(32), context));
      expect(error.retryable).toBe(true);
      expect(error.message).toContain('timed out after 300 ms');
    } finally {
      proxy.mode = 'forward';
    }
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('isRetryableAwsError', () => {
  const meta = { $metadata: {} };
  it.each([
    { label: 'KMSInternalException', error: new KMSInternalException({ message: 'x', ...meta }), retryable: true },
    { label: 'DependencyTimeoutException', error: new DependencyTimeoutException({ message: 'x', ...meta }), retryable: true },
    { label: 'KeyUnavailableException', error: new KeyUnavailableException({ message: 'x', ...meta }), retryable: true },
    { label: 'ECONNRESET', error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), retryable: true },
    { label: 'TimeoutError', error: Object.assign(new Error('timed out'), { name: 'TimeoutError' }), retryable: true },
    { label: 'HTTP 503 of an unknown error', error: Object.assign(new Error('x'), { name: 'Weird', $metadata: { httpStatusCode: 503 } }), retryable: true },
    { label: 'NotFoundException', error: new NotFoundException({ message: 'x', ...meta }), retryable: false },
    { label: 'DisabledException', error: new DisabledException({ message: 'x', ...meta }), retryable: false },
    { label: 'IncorrectKeyException', error: new IncorrectKeyException({ message: 'x', ...meta }), retryable: false },
    { label: 'KMSInvalidStateException', error: new KMSInvalidStateException({ message: 'x', ...meta }), retryable: false },
    { label: 'InvalidCiphertextException', error: new InvalidCiphertextException({ message: 'x', ...meta }), retryable: false },
    { label: 'CredentialsProviderError', error: Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }), retryable: false },
    { label: 'a string', error: 'boom', retryable: false },
  ])('$label -> retryable $retryable', ({ error, retryable }) => {
    expect(isRetryableAwsError(error)).toBe(retryable);
  });
});
