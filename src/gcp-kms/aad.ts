/**
 * The additional authenticated data fieldseal binds to every key wrapped by Cloud KMS (root keys).
 *
 * Cloud KMS authenticates `additionalAuthenticatedData` and Decrypt fails unless the same
 * bytes are given (https://cloud.google.com/kms/docs/additional-authenticated-data), so a
 * wrapped key cannot be unwrapped as another key, for another scope, or another purpose.
 * The content mirrors the AWS encryption context; the encoding is JSON with a fixed key
 * order, which is unambiguous (strings are escaped) and readable when debugging.
 *
 * @module
 */
import type { WrapContext } from '../keys/provider.js';

/** The AAD for a wrapped key. Stable forever: wrapped keys depend on it byte for byte. */
export function gcpAdditionalData(context: WrapContext): Uint8Array {
  const json = JSON.stringify({
    'fieldseal:purpose': 'data-key',
    'fieldseal:key-id': context.keyId,
    'fieldseal:scope': context.scope,
  });
  return Buffer.from(json, 'utf8');
}
