/**
 * fieldseal with Google Cloud KMS: the KEK is a CryptoKey that never leaves Cloud KMS; data
 * keys are made locally, wrapped by Cloud KMS Encrypt (with fieldseal's AAD and CRC32C
 * integrity checks), stored wrapped, and unwrapped once per cache max age.
 *
 * Run (Application Default Credentials: `gcloud auth application-default login`, or a
 * workload identity / service account in production):
 *   FIELDSEAL_GCP_KEY=projects/acme/locations/europe-west1/keyRings/app/cryptoKeys/fieldseal \
 *     npx tsx examples/gcp-kms/app.ts
 * Wrapped data keys go to .fieldseal/gcp-kms-keys.json (FIELDSEAL_KEY_STORE), apart from the
 * other examples' stores, whose keys are wrapped by other KEKs.
 *
 * In an application, import from the package subpaths instead of ../../src:
 *   import { createSealer, fileKeyStore } from 'fieldseal';
 *   import { gcpKmsKeyProvider } from 'fieldseal/gcp-kms';
 */
import { gcpKmsKeyProvider } from '../../src/gcp-kms/index.js';
import { fileKeyStore } from '../../src/keys/file-key-store.js';
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

try {
  const sealer = await createSealer({
    provider,
    store: fileKeyStore(process.env.FIELDSEAL_KEY_STORE ?? '.fieldseal/gcp-kms-keys.json'),
    cache: { maxAgeMs: 15 * 60_000, maxEntries: 1_000 },
    providerCalls: { attempts: 3, baseDelayMs: 50, maxDelayMs: 1_000, timeoutMs: 5_000 },
  });
  const email = await sealer.encrypt('alice@example.com', { model: 'User', field: 'email' });
  const opened = await sealer.decrypt(email, { model: 'User', field: 'email' });
  process.stdout.write(`sealed: ${email}\nopened: ${opened}\nKMS calls: ${JSON.stringify(sealer.stats().provider)}\n`);
} finally {
  await provider.close(); // closes the gRPC channel fieldseal opened
}
