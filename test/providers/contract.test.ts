/**
 * Runs the exported KeyProvider contract (src/testing) against every provider fieldseal
 * ships: local, AWS KMS against moto's real KMS server, and Cloud KMS through the official
 * client against the loopback gRPC test double. Peers run on free 127.0.0.1 ports.
 */
import { randomBytes } from 'node:crypto';
import { CreateAliasCommand, CreateKeyCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { awsKmsKeyProvider } from '../../src/aws-kms/index.js';
import { gcpKmsKeyProvider } from '../../src/gcp-kms/index.js';
import { localKeyProvider } from '../../src/keys/local-provider.js';
import { runKeyProviderContract } from '../../src/testing/index.js';
import { freeLoopbackPort, startBlackHole, type BlackHole } from '../support/free-port.js';
import { gcpClientFor, startGcpKmsDouble, type GcpKmsDouble } from '../support/gcp-kms-double/index.js';
import { startMoto, type MotoServer } from '../support/moto.js';

const test = { describe, it, beforeAll, afterAll };

runKeyProviderContract(
  'local',
  () => ({
    provider: localKeyProvider({ keys: { main: randomBytes(32), second: randomBytes(32) }, primary: 'main' }),
    secondKekRef: 'local:second',
    foreignKekRef: 'local:absent',
  }),
  { test },
);

let moto: MotoServer | undefined;
let awsKeyIds: string[] = [];
const awsBlackHoles: BlackHole[] = [];
runKeyProviderContract(
  'aws-kms (moto server; primary configured by alias ARN)',
  async () => {
    moto = await startMoto();
    const client = moto.client();
    const first = (await client.send(new CreateKeyCommand({ Description: 'fieldseal primary' }))).KeyMetadata;
    const second = (await client.send(new CreateKeyCommand({ Description: 'fieldseal second' }))).KeyMetadata;
    if (first?.Arn === undefined || second?.Arn === undefined) throw new Error('moto created no key');
    await client.send(new CreateAliasCommand({ AliasName: 'alias/fieldseal', TargetKeyId: first.KeyId }));
    const aliasArn = first.Arn.replace(/:key\/.*$/, ':alias/fieldseal');
    awsKeyIds = [aliasArn, second.Arn];
    return {
      provider: awsKmsKeyProvider({ keyIds: awsKeyIds, client }),
      secondKekRef: second.Arn,
      foreignKekRef: 'arn:aws:kms:us-east-1:999999999999:key/00000000-0000-4000-8000-000000000000',
    };
  },
  {
    test,
    unreachable: async () => awsProviderAt(`http://127.0.0.1:${await freeLoopbackPort()}`),
    stalled: async () => {
      const hole = await startBlackHole();
      awsBlackHoles.push(hole);
      return awsProviderAt(`http://127.0.0.1:${hole.port}`);
    },
    teardown: async () => {
      await Promise.all(awsBlackHoles.map((hole) => hole.close()));
      await moto?.stop();
    },
  },
);

function awsProviderAt(endpoint: string) {
  return awsKmsKeyProvider({
    keyIds: awsKeyIds,
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}

let gcp: GcpKmsDouble | undefined;
let gcpKeyNames: string[] = [];
const gcpCleanups: Array<() => Promise<void>> = [];
runKeyProviderContract(
  'gcp-kms (official client, loopback gRPC test double)',
  async () => {
    gcp = await startGcpKmsDouble();
    const primary = gcp.createKey('primary');
    const second = gcp.createKey('second');
    gcpKeyNames = [primary, second];
    return {
      provider: gcpKmsKeyProvider({ keyNames: gcpKeyNames, client: gcp.client() }),
      secondKekRef: second,
      foreignKekRef: 'projects/test/locations/global/keyRings/fieldseal/cryptoKeys/absent',
    };
  },
  {
    test,
    unreachable: async () => gcpProviderAt(await freeLoopbackPort()),
    stalled: async () => {
      const hole = await startBlackHole();
      gcpCleanups.push(() => hole.close());
      return gcpProviderAt(hole.port);
    },
    teardown: async () => {
      for (const cleanup of gcpCleanups) await cleanup();
      await gcp?.stop();
    },
  },
);

function gcpProviderAt(port: number) {
  const client = gcpClientFor(port);
  gcpCleanups.unshift(() => client.close());
  return gcpKmsKeyProvider({ keyNames: gcpKeyNames, client, timeoutMs: 2_000 });
}
