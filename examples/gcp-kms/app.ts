/**
 * fieldseal with Google Cloud KMS: the KEK is a CryptoKey that never leaves Cloud KMS. It
 * wraps one root key (made locally, wrapped by Cloud KMS Encrypt with fieldseal's AAD and
 * CRC32C integrity checks, stored wrapped, unwrapped once per cache max age per process); the
 * root key wraps every scope's data and lookup keys locally, so scopes, subjects and data key
 * rotations cost no KMS call.
 *
 * Run (Application Default Credentials: `gcloud auth application-default login`, or a
 * workload identity / service account in production):
 *   FIELDSEAL_GCP_KEY=projects/acme/locations/europe-west1/keyRings/app/cryptoKeys/fieldseal \
 *     npx tsx examples/gcp-kms/app.ts
 * The wrapped keys go to the `fieldseal_keys` table of .fieldseal/gcp-kms.sqlite
 * (FIELDSEAL_KEY_DB), which every process of a service on this machine can share; a service
 * on several machines uses postgresKeyStore or mysqlKeyStore in its own database instead.
 *
 * In an application, import from the package subpaths instead of ../../src:
 *   import { createSealer, sqliteKeyStore } from 'fieldseal';
 *   import { gcpKmsKeyProvider } from 'fieldseal/gcp-kms';
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { gcpKmsKeyProvider } from '../../src/gcp-kms/index.js';
import { sqliteKeyStore } from '../../src/keys/store/sqlite-key-store.js';
import { createSealer } from '../../src/seal/sealer.js';

const keyName = process.env.FIELDSEAL_GCP_KEY;
if (keyName === undefined) throw new Error('set FIELDSEAL_GCP_KEY to a CryptoKey name (projects/.../cryptoKeys/...)');

const provider = gcpKmsKeyProvider({
  // The CryptoKey (not a version): Cloud KMS encrypts with its primary version and finds the
  // version from the ciphertext on decrypt, so rotating the CryptoKey needs no change here.
  keyName,
  // Optional: clientOptions for the KeyManagementServiceClient fieldseal creates
  // (credentials, projectId, apiEndpoint for a regional or private endpoint), or `client`.
  timeoutMs: 5_000,
});

// Several processes share the file: WAL, and a busy timeout below the store's own (5 s).
const file = process.env.FIELDSEAL_KEY_DB ?? '.fieldseal/gcp-kms.sqlite';
mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
const db = new Database(file, { timeout: 1000 });
db.pragma('journal_mode = WAL');

try {
  const sealer = await createSealer({
    provider,
    store: sqliteKeyStore({ database: db }),
    cache: { maxAgeMs: 15 * 60_000, maxEntries: 1_000 },
    providerCalls: { attempts: 3, baseDelayMs: 50, maxDelayMs: 1_000, timeoutMs: 5_000 },
  });
  const email = await sealer.encrypt('alice@example.com', { model: 'User', field: 'email' });
  const opened = await sealer.decrypt(email, { model: 'User', field: 'email' });
  process.stdout.write(`sealed: ${email}\nopened: ${opened}\nKMS calls: ${JSON.stringify(sealer.stats().provider)}\n`);
} finally {
  await provider.close(); // closes the gRPC channel fieldseal opened
  db.close();
}
