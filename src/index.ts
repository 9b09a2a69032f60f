/**
 * fieldseal: field-level encryption, tokenization and pseudonymization for Node services.
 *
 * Start with {@link createSealer}; see README.md for a quick start and docs/ for the
 * format, key hierarchy, threat model and rotation runbook.
 *
 * @module
 */
export * from './errors.js';
export { AesSiv, type SivAssociatedData } from './crypto/aes-siv.js';
export { Xaes256Gcm, XAES_NONCE_BYTES } from './crypto/xaes-256-gcm.js';
export { hkdfSha256, hmacSha256, verifyHmacSha256 } from './crypto/hmac.js';
export { equalBytes } from './crypto/bytes.js';
export type { FieldContext } from './format/context.js';
export { ciphertextLength, isSealedText as isSealed, PREFIX, type SealMode } from './format/envelope.js';
export type { Sealable, JsonArray, JsonObject, JsonValue } from './format/value-codec.js';
export type { KeyProvider, WrapContext, WrappedKey, GeneratedDataKey, ProviderCallOptions } from './keys/provider.js';
export { DATA_KEY_BYTES } from './keys/provider.js';
export { localKeyProvider, localKeyProviderFromEnv, generateKek, type LocalKeyProviderOptions } from './keys/local-provider.js';
export type { DataKeyRecord, DataKeyState } from './keys/data-key-record.js';
export { DEFAULT_SCOPE } from './keys/data-key-record.js';
export { memoryKeyStore, type KeyStore } from './keys/key-store.js';
export { fileKeyStore, type FileKeyStoreOptions } from './keys/file-key-store.js';
export type { KeyCacheOptions, KeyCacheStats } from './keys/key-cache.js';
export type { ProviderCallPolicy, ProviderCallCounters } from './keys/provider-call.js';
export { Keyring, type KeyringOptions, type KeyringStats } from './keys/keyring.js';
export type { DataKey } from './keys/data-key.js';
export {
  createSealer,
  Sealer,
  type Sealed,
  type Widen,
  type SealerOptions,
  type SealerStats,
  type TokenContext,
  type BlindIndexOptions,
  type BlindIndexable,
} from './seal/sealer.js';
export { normalize, type Normalizer } from './tokenize/normalize.js';
export { blindIndexFalsePositiveRate, BLIND_INDEX_DEFAULT_BITS } from './tokenize/blind-index.js';
