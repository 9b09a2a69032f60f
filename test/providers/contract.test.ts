/**
 * Runs the exported contract suites (src/testing) against every provider fieldseal ships:
 * local, AWS KMS against moto's real KMS server, and Cloud KMS through the official client
 * against the loopback gRPC test double. Peers run on free 127.0.0.1 ports and are stopped
 * at the end of the file.
 */
import { randomBytes } from 'node:crypto';
import { CreateAliasCommand, CreateKeyCommand } from '@aws-sdk/client-kms';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { awsKmsKeyProvider } from '../../src/aws-kms/index.js';
import { gcpKmsKeyProvider } from '../../src/gcp-kms/index.js';
import { localKeyProvider } from '../../src/keys/local-provider.js';
import { runKeyProviderContract, runKeyringContract } from '../../src/testing/index.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { freeLoopbackPort, startBlackHole } from '../support/free-port.js';
import { gcpClientFor, startGcpKmsDouble, type GcpKmsDouble } from '../support/gcp-kms-double/index.js';
import { motoUnavailableReason, startMoto, type MotoServer } from '../support/moto.js';
import { faultyProvider } from './faulty-local.js';

const test = { describe, it, beforeAll, afterAll };
// Outside CI a missing moto skips the AWS suites (the run prints why); in CI it fails.
const awsTest = { ...test, describe: describe.skipIf(motoUnavailableReason() !== undefined) };
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
}, 30_000);

// One moto and one Cloud KMS double for the whole file, started on first use.
let motoStarting: Promise<MotoServer> | undefined;
function moto(): Promise<MotoServer> {
  motoStarting ??= startMoto().then((server) => {
    cleanups.push(() => server.stop());
    return server;
  });
  return motoStarting;
}
let doubleStarting: Promise<GcpKmsDouble> | undefined;
function gcpDouble(): Promise<GcpKmsDouble> {
  doubleStarting ??= startGcpKmsDouble().then((server) => {
    cleanups.push(() => server.stop());
    return server;
  });
  return doubleStarting;
}

// ---- local ----------------------------------------------------------------------------

const localKeys = () => localKeyProvider({ keys: { main: randomBytes(32), second: randomBytes(32) }, primary: 'main' });

runKeyProviderContract('local', () => ({ provider: localKeys(), secondKekRef: 'local:second', foreignKekRef: 'local:absent' }), { test });
runKeyringContract('local (faults simulated by a decorator: no peer)', () => faultyProvider(localKeys()), { test });

// ---- AWS KMS on moto -------------------------------------------------------------------

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const FOREIGN_KEY_ARN = 'arn:aws:kms:us-east-1:999999999999:key/00000000-0000-4000-8000-000000000000';

/** Two KMS keys on moto; the first is also reachable through an alias. Returns [aliasArn, keyArn, secondArn]. */
async function motoKeys(server: MotoServer, alias: string): Promise<[string, string, string]> {
  const client = server.client();
  const first = (await client.send(new CreateKeyCommand({ Description: 'fieldseal primary' }))).KeyMetadata;
  const second = (await client.send(new CreateKeyCommand({ Description: 'fieldseal second' }))).KeyMetadata;
  if (first?.Arn === undefined || second?.Arn === undefined) throw new Error('moto created no key');
  await client.send(new CreateAliasCommand({ AliasName: `alias/${alias}`, TargetKeyId: first.KeyId }));
  client.destroy();
  return [first.Arn.replace(/:key\/.*$/, `:alias/${alias}`), first.Arn, second.Arn];
}

let awsKeyIds: string[] = [];
const awsAt = (endpoint: string) => awsKmsKeyProvider({ keyIds: awsKeyIds, endpoint, region: 'us-east-1', credentials });

runKeyProviderContract(
  'aws-kms (moto server; primary configured by alias ARN)',
  async () => {
    const server = await moto();
    const [aliasArn, , secondArn] = await motoKeys(server, 'fieldseal-contract');
    awsKeyIds = [aliasArn, secondArn];
    return { provider: awsAt(server.endpoint), secondKekRef: secondArn, foreignKekRef: FOREIGN_KEY_ARN };
  },
  {
    test: awsTest,
    unreachable: async () => awsAt(`http://127.0.0.1:${await freeLoopbackPort()}`),
    stalled: async () => {
      const hole = await startBlackHole();
      cleanups.push(() => hole.close());
      return awsAt(`http://127.0.0.1:${hole.port}`);
    },
  },
);

runKeyringContract(
  'aws-kms (moto behind a fault-injecting HTTP proxy)',
  async () => {
    const server = await moto();
    const [, keyArn] = await motoKeys(server, 'fieldseal-keyring');
    const proxy: FaultProxy = await startFaultProxy(server.endpoint);
    cleanups.push(() => proxy.stop());
    return {
      provider: awsKmsKeyProvider({ keyId: keyArn, endpoint: proxy.endpoint, region: 'us-east-1', credentials }),
      faults: {
        transient: (count) => proxy.failNext(count, 'ThrottlingException'),
        permanent: (count) => proxy.failNext(count, 'AccessDeniedException'),
        outage: () => void (proxy.mode = 'reset'),
        restore: () => {
          proxy.failNext(0, '');
          proxy.mode = 'forward';
        },
        unwrapRequests: () => proxy.requests.get('Decrypt') ?? 0,
      },
    };
  },
  { test: awsTest },
);

// ---- Cloud KMS on the gRPC test double -------------------------------------------------

let gcpKeyNames: string[] = [];
function gcpAt(port: number) {
  const client = gcpClientFor(port);
  cleanups.push(() => client.close());
  return gcpKmsKeyProvider({ keyNames: gcpKeyNames, client, timeoutMs: 2_000 });
}

runKeyProviderContract(
  'gcp-kms (official client, loopback gRPC test double)',
  async () => {
    const double = await gcpDouble();
    gcpKeyNames = [double.createKey('contract-primary'), double.createKey('contract-second')];
    return {
      provider: gcpAt(double.port),
      secondKekRef: gcpKeyNames[1] as string,
      foreignKekRef: 'projects/test/locations/global/keyRings/fieldseal/cryptoKeys/absent',
    };
  },
  {
    test,
    unreachable: async () => gcpAt(await freeLoopbackPort()),
    stalled: async () => {
      const hole = await startBlackHole();
      cleanups.push(() => hole.close());
      return gcpAt(hole.port);
    },
  },
);

runKeyringContract(
  'gcp-kms (official client, test double injecting gRPC faults)',
  async () => {
    const double = await gcpDouble();
    const keyName = double.createKey('keyring');
    const client = gcpClientFor(double.port);
    cleanups.push(() => client.close());
    return {
      provider: gcpKmsKeyProvider({ keyName, client, timeoutMs: 2_000 }),
      faults: {
        transient: (count) => double.faults.failNext(count, grpc.status.UNAVAILABLE),
        permanent: (count) => double.faults.failNext(count, grpc.status.PERMISSION_DENIED),
        outage: () => double.faults.failNext(Number.MAX_SAFE_INTEGER, grpc.status.UNAVAILABLE),
        restore: () => double.faults.reset(),
        unwrapRequests: () => double.requests.get('Decrypt') ?? 0,
      },
    };
  },
  { test },
);
