/**
 * `@aws-sdk/client-kms`, the optional peer of `fieldseal/aws-kms`, loaded when this subpath
 * is imported. Without it the import fails with a ConfigurationError that names the package
 * to install (see src/optional-peer.ts for why this is not a static import).
 *
 * @module
 */
import type * as AwsKmsSdk from '@aws-sdk/client-kms';
import { requireOptionalPeer } from '../optional-peer.js';

const sdk = requireOptionalPeer<typeof AwsKmsSdk>('fieldseal/aws-kms', '@aws-sdk/client-kms');

/** The SDK's KMS client class. */
export const KMSClient = sdk.KMSClient;
/** A KMS client instance. */
export type KMSClient = AwsKmsSdk.KMSClient;
/** Configuration of a KMS client. */
export type KMSClientConfig = AwsKmsSdk.KMSClientConfig;
/** https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html */
export const EncryptCommand = sdk.EncryptCommand;
/** https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html */
export const DecryptCommand = sdk.DecryptCommand;
/** https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html */
export const GenerateDataKeyCommand = sdk.GenerateDataKeyCommand;
/** https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html */
export const ReEncryptCommand = sdk.ReEncryptCommand;
