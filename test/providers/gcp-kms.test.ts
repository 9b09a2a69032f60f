/**
 * Cloud KMS provider specifics, through the official client against the loopback gRPC test
 * double: AAD on the wire, CRC32C verification in both directions (fail closed), version
 * rotation, gRPC code classification, no hidden gax retries, deadlines, and the guard
 * against the client's request logging.
 */
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { KeyManagementServiceClient } from '@google-cloud/kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, ProviderError } from '../../src/errors.js';
import { crc32c, gcpAdditionalData, gcpKmsKeyProvider, isRetryableGcpError, sdkRequestLoggingEnabled } from '../../src/gcp-kms/index.js';
import { startGcpKmsDouble, type GcpKmsDouble } from '../support/gcp-kms-double/index.js';

const context = { keyId: '0a1b2c3d', scope: 'tenant-42' };
let double: GcpKmsDouble;
let client: KeyManagementServiceClient;

beforeAll(async () => {
  double = await startGcpKmsDouble();
  client = double.client();
}, 30_000);

afterAll(async () => {
  await double?.stop();
}, 30_000);

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

function providerFor(id: string, timeoutMs = 2_000) {
  const keyName = double.createKey(id);
  return { keyName, provider: gcpKmsKeyProvider({ keyName, client, timeoutMs }) };
}

describe('gcpKmsKeyProvider configuration', () => {
  it('accepts CryptoKey names only (not versions, not other resources)', () => {
    const name = 'projects/p/locations/global/keyRings/r/cryptoKeys/k';
    expect(gcpKmsKeyProvider({ keyName: name, client }).primaryKekRef).toBe(name);
    for (const keyName of [`${name}/cryptoKeyVersions/1`, 'projects/p/locations/global/keyRings/r', 'k']) {
      expect(() => gcpKmsKeyProvider({ keyName, client })).toThrow(ConfigurationError);
    }
    expect(() => gcpKmsKeyProvider({ client })).toThrow(ConfigurationError);
    expect(() => gcpKmsKeyProvider({ keyNames: [name], primary: `${name}2`, client })).toThrow(ConfigurationError);
  });

  it('refuses to start when GOOGLE_SDK_NODE_LOGGING would log data keys, unless allowed explicitly', () => {
    expect(['kms', 'all', '*', 'pubsub,kms', 'k*'].map(sdkRequestLoggingEnabled)).toEqual([true, true, true, true, true]);
    expect(['', 'pubsub', 'storage,spanner', undefined].map(sdkRequestLoggingEnabled)).toEqual([false, false, false, false]);
    const name = 'projects/p/locations/global/keyRings/r/cryptoKeys/k';
    const saved = process.env.GOOGLE_SDK_NODE_LOGGING;
    process.env.GOOGLE_SDK_NODE_LOGGING = 'kms';
    try {
      expect(() => gcpKmsKeyProvider({ keyName: name, client })).toThrow(/GOOGLE_SDK_NODE_LOGGING/);
      expect(gcpKmsKeyProvider({ keyName: name, client, allowSdkRequestLogging: true }).name).toBe('gcp-kms');
    } finally {
      if (saved === undefined) delete process.env.GOOGLE_SDK_NODE_LOGGING;
      else process.env.GOOGLE_SDK_NODE_LOGGING = saved;
    }
  });
});

describe('gcpKmsKeyProvider against the test double', () => {
  it('sends the fieldseal AAD, distinct per key id and scope', async () => {
    const { keyName, provider } = providerFor('aad');
    await provider.wrap(randomBytes(32), context);
    const sent = double.calls.filter((c) => c.name === keyName).at(-1);
    expect(sent?.aad.toString('utf8')).toBe('{"fieldseal:purpose":"data-key","fieldseal:key-id":"0a1b2c3d","fieldseal:scope":"tenant-42"}');
    expect(Buffer.from(gcpAdditionalData(context))).toEqual(sent?.aad);
    expect(Buffer.from(gcpAdditionalData({ ...context, scope: 'x' }))).not.toEqual(sent?.aad);
  });

  it('sends request checksums the service verifies, and the double refuses a wrong one (INVALID_ARGUMENT)', async () => {
    const { keyName } = providerFor('crc-request');
    const plaintext = randomBytes(32);
    const [ok] = await client.encrypt({ name: keyName, plaintext, plaintextCrc32c: { value: crc32c(plaintext) } });
    expect(ok.verifiedPlaintextCrc32c).toBe(true);
    expect(ok.verifiedAdditionalAuthenticatedDataCrc32c).toBe(false);
    const [unchecked] = await client.encrypt({ name: keyName, plaintext });
    expect(unchecked.verifiedPlaintextCrc32c).toBe(false);
    await expect(client.encrypt({ name: keyName, plaintext, plaintextCrc32c: { value: (crc32c(plaintext) ^ 1) >>> 0 } })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
  });

  it('fails closed when the Encrypt response ciphertext checksum does not match', async () => {
    const { provider } = providerFor('crc-ciphertext');
    double.faults.corruptCiphertextCrc = true;
    try {
      const error = await rejection(provider.wrap(randomBytes(32), context));
      expect(error.message).toContain('integrity');
      expect(error.retryable).toBe(true);
    } finally {
      double.faults.reset();
    }
  });

  it('fails closed when Cloud KMS does not confirm the request checksum', async () => {
    const { provider } = providerFor('crc-unverified');
    double.faults.dropPlaintextVerification = true;
    try {
      expect((await rejection(provider.wrap(randomBytes(32), context))).message).toContain('not verified');
    } finally {
      double.faults.reset();
    }
  });

  it('fails closed when the Decrypt response plaintext checksum does not match', async () => {
    const { provider } = providerFor('crc-plaintext');
    const wrapped = await provider.wrap(randomBytes(32), context);
    double.faults.corruptPlaintextCrc = true;
    try {
      const error = await rejection(provider.unwrap(wrapped, context));
      expect(error.message).toContain('plaintext checksum mismatch');
    } finally {
      double.faults.reset();
    }
  });

  it('unwraps keys wrapped under an older CryptoKey version after the key is rotated', async () => {
    const { keyName, provider } = providerFor('rotated');
    const dek = randomBytes(32);
    const old = await provider.wrap(dek, context);
    double.rotateKey(keyName);
    const fresh = await provider.wrap(dek, context);
    expect(fresh.kekRef).toBe(old.kekRef);
    expect(Buffer.from(await provider.unwrap(old, context))).toEqual(dek);
    expect(Buffer.from(await provider.unwrap(fresh, context))).toEqual(dek);
  });

  it('reports a disabled key as a permanent failure (FAILED_PRECONDITION)', async () => {
    const { keyName, provider } = providerFor('disabled');
    const wrapped = await provider.wrap(randomBytes(32), context);
    double.disableKey(keyName);
    const error = await rejection(provider.unwrap(wrapped, context));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('FAILED_PRECONDITION');
  });

  it.each([
    [grpc.status.UNAVAILABLE, true],
    [grpc.status.DEADLINE_EXCEEDED, true],
    [grpc.status.RESOURCE_EXHAUSTED, true],
    [grpc.status.ABORTED, true],
    [grpc.status.INTERNAL, true],
    [grpc.status.INVALID_ARGUMENT, false],
    [grpc.status.PERMISSION_DENIED, false],
    [grpc.status.NOT_FOUND, false],
    [grpc.status.FAILED_PRECONDITION, false],
    [grpc.status.UNAUTHENTICATED, false],
  ])('maps gRPC status %i from the wire to retryable=%s, with one request (gax retries off)', async (code, retryable) => {
    const { provider } = providerFor(`status-${code}`);
    const wrapped = await provider.wrap(randomBytes(32), context);
    const before = double.requests.get('Decrypt') ?? 0;
    double.faults.failNext(1, code);
    const error = await rejection(provider.unwrap(wrapped, context));
    expect(double.requests.get('Decrypt')).toBe(before + 1);
    expect(error.retryable).toBe(retryable);
    expect(error.provider).toBe('gcp-kms');
    expect(error.code).toBe(retryable ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_FAILED');
    expect(isRetryableGcpError({ code })).toBe(retryable);
  });

  it('ends a slow call at its own deadline, with no caller signal', async () => {
    const { provider } = providerFor('slow', 300);
    double.faults.delayMs = 2_000;
    const started = Date.now();
    try {
      const error = await rejection(provider.wrap(randomBytes(32), context));
      expect(error.retryable).toBe(true);
    } finally {
      double.faults.reset();
    }
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('closes only a client it created', async () => {
    const { keyName, provider } = providerFor('close');
    await provider.close();
    await expect(provider.wrap(randomBytes(32), context)).resolves.toMatchObject({ kekRef: keyName });
  });
});
