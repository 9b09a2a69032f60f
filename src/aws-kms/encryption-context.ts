/**
 * The AWS KMS encryption context fieldseal binds to every key it wraps with KMS (root keys).
 *
 * KMS authenticates the context as additional data: Decrypt and ReEncrypt succeed only with
 * the exact same map, so a wrapped key cannot be unwrapped as another key, for another
 * scope, or for another purpose. The context is logged in plaintext in CloudTrail, which is
 * what makes audits readable ("which root key was unwrapped, by whom") and is also
 * why it must never hold secrets: scopes should be opaque ids (a tenant or subject id),
 * never names or e-mail addresses.
 * See https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html
 *
 * @module
 */
import type { WrapContext } from '../keys/provider.js';

/** The purpose value: changing it would orphan every wrapped key, so it is frozen. */
const PURPOSE = 'data-key';

/**
 * The encryption context for a wrapped key: `fieldseal:purpose`, `fieldseal:key-id` and
 * `fieldseal:scope`. Stable forever: wrapped keys in key stores depend on it byte for byte.
 */
export function awsEncryptionContext(context: WrapContext): Record<string, string> {
  return {
    'fieldseal:purpose': PURPOSE,
    'fieldseal:key-id': context.keyId,
    'fieldseal:scope': context.scope,
  };
}
