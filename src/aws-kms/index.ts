/**
 * `fieldseal/aws-kms`: the AWS KMS key provider. Loaded only through this subpath so that
 * `@aws-sdk/client-kms` stays an optional peer dependency.
 * Importing it without that package installed throws a ConfigurationError that names it
 * (`npm install @aws-sdk/client-kms`).
 *
 * Requires `@aws-sdk/client-kms` v3 (tested with 3.1164.0, the line that supports Node 20;
 * AWS SDK v3 releases after early 2027 require Node >= 22).
 *
 * @module
 */
export { awsKmsKeyProvider, type AwsKmsKeyProviderOptions } from './provider.js';
export { awsEncryptionContext } from './encryption-context.js';
export { isRetryableAwsError } from './errors.js';
