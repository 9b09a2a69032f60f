/**
 * Child process for gcp-without-credentials.test.ts: creates a Cloud KMS provider where the
 * official client finds no credentials, makes one wrap and one unwrap, closes the provider
 * and prints what each step gave as one JSON line. Run with --unhandled-rejections=strict so
 * any rejection the client leaves behind ends the process with a non-zero code.
 */
import { ProviderError } from '../../../src/errors.js';
import { gcpKmsKeyProvider } from '../../../src/gcp-kms/index.js';

const keyName = 'projects/p/locations/global/keyRings/r/cryptoKeys/k';
const context = { keyId: '0a1b2c3d', scope: 'tenant-1' };

function outcome(error: unknown): Record<string, unknown> {
  if (!(error instanceof ProviderError)) return { type: error instanceof Error ? error.constructor.name : typeof error };
  return { type: 'ProviderError', code: error.code, retryable: error.retryable, message: error.message };
}

const provider = gcpKmsKeyProvider({ keyName });
const steps: Record<string, unknown> = {};
steps.wrap = await provider.wrap(new Uint8Array(32).fill(7), context).then(() => ({ type: 'success' }), outcome);
steps.unwrap = await provider.unwrap({ kekRef: keyName, ciphertext: new Uint8Array(64).fill(9) }, context).then(() => ({ type: 'success' }), outcome);
steps.close = await provider.close().then(() => ({ type: 'success' }), outcome);
process.stdout.write(`${JSON.stringify(steps)}\n`);
