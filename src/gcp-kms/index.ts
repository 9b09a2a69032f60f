/**
 * `fieldseal/gcp-kms`: the Google Cloud KMS key provider. Loaded only through this subpath
 * so that `@google-cloud/kms` stays an optional peer dependency.
 * Importing it without that package installed throws a ConfigurationError that names it
 * (`npm install @google-cloud/kms`).
 *
 * Requires `@google-cloud/kms` 5.x (5.6 runs on Node 20; 6.x declares Node >= 22).
 *
 * @module
 */
export {
  gcpKmsKeyProvider,
  sdkRequestLoggingEnabled,
  type GcpKmsClientOptions,
  type GcpKmsKeyProvider,
  type GcpKmsKeyProviderOptions,
} from './provider.js';
export { gcpAdditionalData } from './aad.js';
export { crc32c } from './crc32c.js';
export { isRetryableGcpError } from './errors.js';
/** The official client's type, as `GcpKmsClientOptions.client` takes it (a type only: nothing is loaded). */
export type { KeyManagementServiceClient } from './sdk.js';
