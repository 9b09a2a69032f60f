/**
 * fieldseal: field-level encryption, tokenization and pseudonymization for Node services.
 *
 * Start with {@link createSealer}; see README.md for a quick start and docs/ for the
 * format, key hierarchy, threat model and rotation runbook.
 *
 * @module
 */
export * from './errors.js';
export { AesSiv, type OpenedBatch, type SivAssociatedData, type SivBatchItem } from './crypto/aes-siv.js';
export { Xaes256Gcm, XAES_NONCE_BYTES } from './crypto/xaes-256-gcm.js';
export { hkdfSha256, hmacSha256, verifyHmacSha256 } from './crypto/hmac.js';
export { equalBytes } from './crypto/bytes.js';
export type { FieldContext } from './format/context.js';
export { ciphertextLength, isSealedText as isSealed, PREFIX, SHORT_VALUE_MAX_BYTES, type SealMode } from './format/envelope.js';
export type { Sealable, JsonArray, JsonObject, JsonValue } from './format/value-codec.js';
export type { KeyProvider, WrapContext, WrappedKey, GeneratedDataKey, ProviderCallOptions } from './keys/provider.js';
export { DATA_KEY_BYTES } from './keys/provider.js';
export { localKeyProvider, localKeyProviderFromEnv, generateKek, type LocalKeyProviderOptions } from './keys/local-provider.js';
export { DEFAULT_SCOPE } from './keys/key-scope.js';
export type { KeyStore, KeyRecord, KeyPurpose, KeyState, NewKeyRecord, KeyRecordChange, KeyListPage, InsertKeyOptions, DemoteCurrentPrimary } from './keys/store/key-store.js';
export { MAX_PAGE_SIZE } from './keys/store/key-store.js';
export { memoryKeyStore } from './keys/store/memory-key-store.js';
export { fileKeyStore, type FileKeyStoreOptions } from './keys/file-key-store.js';
export { postgresKeyStore, type PostgresKeyStoreOptions, type PgClientLike, type PgPoolLike, type PgPoolClientLike, type PgQueryResultLike } from './keys/store/postgres-key-store.js';
export { mysqlKeyStore, type MysqlKeyStoreOptions, type MysqlPoolLike, type MysqlPoolConnectionLike } from './keys/store/mysql-key-store.js';
export { sqliteKeyStore, type SqliteKeyStoreOptions, type SqliteDatabaseLike, type SqliteStatementLike } from './keys/store/sqlite-key-store.js';
export { prismaSqlConnection, type PrismaClientLike, type PrismaRawQueries } from './keys/store/prisma-sql-connection.js';
export {
  typeormSqlConnection,
  typeormSqlDialect,
  type TypeormSqlConnection,
  type TypeormDataSourceLike,
  type TypeormQueryRunnerLike,
  type TypeormQueryResultLike,
} from './keys/store/typeorm-sql-connection.js';
export { sqlKeyStore } from './keys/store/sql-key-store.js';
export { keyTableSql, sqlDialect, DEFAULT_KEY_TABLE, type SqlDialect, type SqlDialectName, type KeyTableName } from './keys/store/sql-dialect.js';
export { runScript, type SqlConnection, type SqlStatement, type SqlResult, type SqlRow, type SqlScript, type SqlValue, type SqlCallOptions } from './keys/store/sql-connection.js';
export { DEFAULT_KEY_STORE_TIMEOUT_MS } from './keys/store/store-call.js';
export { DEFAULT_MAX_STALENESS_MS } from './keys/coherence.js';
export type { LockTakeover } from './keys/file-lock.js';
export type { KeyCacheOptions, KeyCacheStats } from './keys/key-cache.js';
export type { ProviderCallPolicy, ProviderCallCounters } from './keys/provider-call.js';
export { Keyring, UNKNOWN_KEY_RETRY_MS, type KeyringOptions, type KeyringStats } from './keys/keyring.js';
export type { DataKey } from './keys/data-key.js';
export type { SubkeyPurpose } from './keys/subkey.js';
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
export type { FpeOptions, Pseudonymizer } from './seal/tokens.js';
export { normalize, type Normalizer } from './tokenize/normalize.js';
export { Ff1, FF1_MIN_DOMAIN, FF1_LEGACY_MIN_DOMAIN, FF1_DEFAULT_MAX_LENGTH, FF1_DEFAULT_MAX_TWEAK_BYTES, type Ff1Options } from './crypto/ff1.js';
export { Ff3_1 } from './crypto/ff3-1.js';
export {
  FpeTokenizer,
  fpeFormats,
  fpeTokenize,
  fpeDetokenize,
  type FpeFormat,
  type FpeKeep,
  type CardFormat,
  type SsnFormat,
  type PhoneFormat,
  type NumericFormat,
  type AlphanumericFormat,
  type AlphabetFormat,
} from './tokenize/fpe.js';
export {
  pseudonymizeEmail,
  pseudonymizeName,
  pseudonymizeId,
  pseudonymizeIp,
  pseudonymizeDate,
  pseudonymizeNumber,
  type EmailPseudonymOptions,
  type NamePseudonymOptions,
  type IdPseudonymOptions,
  type IpPseudonymOptions,
  type DatePseudonymOptions,
  type PseudonymDomainOption,
} from './tokenize/pseudonymize.js';
export { pseudonymizeRecord, type PseudonymRule, type PseudonymizedValue, type PseudonymizeRecordOptions } from './tokenize/pseudonymize-record.js';
export { truncateIp, type TruncateIpOptions } from './tokenize/ip.js';
export { bucketNumber, type BucketOptions, type WidthBuckets, type EdgeBuckets } from './tokenize/bucket.js';
export { mask, maskCard, maskEmail, maskPhone, redact, REDACTED, type MaskOptions } from './tokenize/mask.js';
export { isLuhnValid } from './tokenize/luhn.js';
export { blindIndexBits, blindIndexFalsePositiveRate, BLIND_INDEX_DEFAULT_BITS, BLIND_INDEX_MIN_BITS } from './tokenize/blind-index.js';
