/**
 * fieldseal with AWS KMS: the KEK stays in KMS. It wraps one root key (made by
 * GenerateDataKey on first start, stored wrapped in the key store, unwrapped by Decrypt once
 * per cache max age per process); the root key wraps every scope's data and lookup keys
 * locally, so the number of scopes, subjects or data key rotations costs no KMS call.
 *
 * Run against your account:
 *   FIELDSEAL_KMS_KEY=arn:aws:kms:eu-west-1:111122223333:alias/fieldseal npx tsx examples/aws-kms/app.ts
 * or against moto on loopback (no AWS account), see README.md in this folder. The wrapped
 * keys go to the `fieldseal_keys` table of .fieldseal/aws-kms.sqlite (FIELDSEAL_KEY_DB),
 * which every process of a service on this machine can share; a service on several machines
 * uses postgresKeyStore or mysqlKeyStore in its own database instead.
 *
 * In an application, import from the package subpaths instead of ../../src:
 *   import { createSealer, sqliteKeyStore } from 'fieldseal';
 *   import { awsKmsKeyProvider } from 'fieldseal/aws-kms';
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { awsKmsKeyProvider } from '../../src/aws-kms/index.js';
import { sqliteKeyStore } from '../../src/keys/store/sqlite-key-store.js';
import { createSealer } from '../../src/seal/sealer.js';

const keyId = process.env.FIELDSEAL_KMS_KEY;
if (keyId === undefined) throw new Error('set FIELDSEAL_KMS_KEY to a KMS key ARN or alias ARN');

const provider = awsKmsKeyProvider({
  // A key ARN or alias ARN. With an alias, each wrapped root key records the key ARN it was
  // wrapped under, so moving the alias to a new key never orphans old root keys.
  keyId,
  // Optional: region (default: the ARN's), endpoint (VPC endpoint, FIPS, or moto for tests),
  // credentials (default: the SDK chain: env, SSO, IMDS/ECS role, ...).
  ...(process.env.FIELDSEAL_KMS_ENDPOINT ? { endpoint: process.env.FIELDSEAL_KMS_ENDPOINT } : {}),
  // Per-call deadline; the keyring adds retries with backoff on top (SDK retries are off).
  timeoutMs: 5_000,
});

// Several processes share the file: WAL, and a busy timeout below the store's own (5 s).
const file = process.env.FIELDSEAL_KEY_DB ?? '.fieldseal/aws-kms.sqlite';
mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
const db = new Database(file, { timeout: 1000 });
db.pragma('journal_mode = WAL');

const sealer = await createSealer({
  provider,
  store: sqliteKeyStore({ database: db }),
  // How long an unwrapped key may be used before it is read (and the root key unwrapped by
  // KMS) again: the blast-radius / availability trade-off of docs/key-management.md.
  cache: { maxAgeMs: 15 * 60_000, maxEntries: 1_000 },
  providerCalls: { attempts: 3, baseDelayMs: 50, maxDelayMs: 1_000, timeoutMs: 5_000 },
});

const email = await sealer.encrypt('alice@example.com', { model: 'User', field: 'email' });
const opened = await sealer.decrypt(email, { model: 'User', field: 'email' });
const { provider: calls } = sealer.stats();
process.stdout.write(`sealed: ${email}\nopened: ${opened}\nKMS calls: ${JSON.stringify(calls)}\n`);
db.close();
