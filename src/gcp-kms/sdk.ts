/**
 * `@google-cloud/kms`, the optional peer of `fieldseal/gcp-kms`, loaded when this subpath is
 * imported. Without it the import fails with a ConfigurationError that names the package to
 * install (see src/optional-peer.ts for why this is not a static import).
 *
 * @module
 */
import type * as GcpKmsSdk from '@google-cloud/kms';
import { requireOptionalPeer } from '../optional-peer.js';

const sdk = requireOptionalPeer<typeof GcpKmsSdk>('fieldseal/gcp-kms', '@google-cloud/kms');

/** The official Cloud KMS client class. */
export const KeyManagementServiceClient = sdk.KeyManagementServiceClient;
/** A Cloud KMS client instance. */
export type KeyManagementServiceClient = GcpKmsSdk.KeyManagementServiceClient;
