/**
 * fieldseal with AWS KMS: the KEK stays in KMS; data keys are made by GenerateDataKey,
 * stored wrapped in the key store, and unwrapped once per cache max age.
 *
 * Run against your account:
 *   FIELDSEAL_KMS_KEY=arn:aws:kms:eu-west-1:111122223333:alias/fieldseal npx tsx examples/aws-kms/app.ts
 * or against moto on loopback (no AWS account), see README.md in this folder. Wrapped data
 * keys go to .fieldseal/aws-kms-keys.json (FIELDSEAL_KEY_STORE), apart from the quick start's
 * store, whose keys are wrapped by a local KEK.
 *
 * In an application, import from the package subpaths instead of ../../src:
 *   import { createSealer, fileKeyStore } from 'fieldseal';
 *   import { awsKmsKeyProvider } from 'fieldseal/aws-kms';
 */
import { awsKmsKeyProvider } from '../../src/aws-kms/index.js';
import { fileKeyStore } from '../../src/keys/file-key-store.js';
import { createSealer } from '../../src/seal/sealer.js';

const keyId = process.env.FIELDSEAL_KMS_KEY;
if (keyId === undefined) throw new Error('set FIELDSEAL_KMS_KEY to a KMS key ARN or alias ARN');

const provider = awsKmsKeyProvider({
  // A key ARN or alias ARN. With an alias, each wrapped data key records the key ARN it was
  // wrapped under, so moving the alias to a new key never orphans old data keys.
  keyId,
  // Optional: region (default: the ARN's), endpoint (VPC endpoint, FIPS, or moto for tests),
  // credentials (default: the SDK chain: env, SSO, IMDS/ECS role, ...).
  ...(process.env.FIELDSEAL_KMS_ENDPOINT ? { endpoint: process.env.FIELDSEAL_KMS_ENDPOINT } : {}),
  // Per-call deadline; the keyring adds retries with backoff on top (SDK retries are off).
  timeoutMs: 5_000,
});

const sealer = await createSealer({
  provider,
  store: fileKeyStore(process.env.FIELDSEAL_KEY_STORE ?? '.fieldseal/aws-kms-keys.json'),
  // How long an unwrapped data key may be used before KMS is asked again: the blast-radius /
  // availability trade-off of docs/key-management.md.
  cache: { maxAgeMs: 15 * 60_000, maxEntries: 1_000 },
  providerCalls: { attempts: 3, baseDelayMs: 50, maxDelayMs: 1_000, timeoutMs: 5_000 },
});

const email = await sealer.encrypt('alice@example.com', { model: 'User', field: 'email' });
const opened = await sealer.decrypt(email, { model: 'User', field: 'email' });
const { provider: calls } = sealer.stats();
process.stdout.write(`sealed: ${email}\nopened: ${opened}\nKMS calls: ${JSON.stringify(calls)}\n`);
