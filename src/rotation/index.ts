/**
 * fieldseal/rotation: jobs that move data at rest between keys, resumable and safe beside
 * live writes.
 *
 * - {@link runStatus}: per protected column, values by key id, plaintext, malformed, on
 *   destroyed or unknown keys, and not under the current primary key;
 * - {@link runBackfill}: plaintext → sealed, with the blind index column in the same write;
 * - {@link runReencrypt}: every randomized value not under its current primary data key
 *   moves to it (after `sealer.rotateDataKey`); then the old key can be destroyed;
 * - {@link runReindex}: rotates a lookup key (blind index, deterministic, FPE) by filling a
 *   shadow column with the next lookup key version's tokens, beside the application's dual write;
 * - {@link runDecrypt}: sealed → plaintext, behind `confirm: 'decrypt-to-plaintext'`;
 * - {@link runVerify}: every value opens in its row's context; failures by table, column
 *   and primary key, never the value.
 *
 * A job pages through a {@link RowSource} in primary-key order and writes each batch
 * conditionally (a row the application changed meanwhile is read again, never
 * overwritten); with {@link JobCheckpoints} in your database (`sqlJobCheckpoints`,
 * `postgresJobCheckpoints`, `mysqlJobCheckpoints`, `sqliteJobCheckpoints`) it commits its
 * cursor after each batch, so a job stopped or killed anywhere resumes from its last
 * committed batch, and several workers split it by key range.
 *
 * @example
 * ```ts
 * await sealer.rotateDataKey();
 * const report = await runReencrypt({ sealer, source, columns, checkpoints });
 * const status = await runStatus({ sealer, source, columns });
 * // status.columns[0].keys: one key, the new primary; destroy the old one now.
 * ```
 *
 * @module
 */
export type { RowKey, StoredValue, SourceRow, RowPage, RowWrite, RowSource } from './row-source.js';
export {
  postgresRowSource,
  mysqlRowSource,
  sqliteRowSource,
  sqlRowSource,
  DEFAULT_ROW_SOURCE_TIMEOUT_MS,
  MAX_ROW_PAGE,
  type SqlTableOptions,
  type SqlRowSourceOptions,
  type PostgresRowSourceOptions,
  type MysqlRowSourceOptions,
  type SqliteRowSourceOptions,
} from './sql-row-source.js';
export {
  keyIdOf,
  classifyValue,
  checkColumns,
  parsePlaintext,
  plaintextText,
  type ProtectedColumn,
  type BlindIndexColumn,
  type ReindexColumn,
  type PlaintextType,
  type StoredValueInfo,
} from './columns.js';
export { RowValueError } from './errors.js';
export type { KeyInfo } from './key-directory.js';
export type { JobCheckpoints, JobKind, KeyRange, JobDefinition, RangeState, RangeCheckpoint, JobSummary, RangeClaim, RangeCounts } from './checkpoints.js';
export { memoryJobCheckpoints } from './memory-checkpoints.js';
export {
  sqlJobCheckpoints,
  postgresJobCheckpoints,
  mysqlJobCheckpoints,
  sqliteJobCheckpoints,
  jobsTableSql,
  DEFAULT_JOBS_TABLE,
  type SqlJobCheckpointsOptions,
  type PostgresJobCheckpointsOptions,
  type MysqlJobCheckpointsOptions,
  type SqliteJobCheckpointsOptions,
} from './sql-checkpoints.js';
export { splitKeyRange, DEFAULT_RANGES, MAX_RANGES } from './ranges.js';
export type { JobOptions, DecryptJobOptions, JobProgress, JobReport, ColumnReport, KeyUsage, RowFailure, RowFailureCode } from './jobs/job-options.js';
export { runStatus } from './jobs/status.js';
export { runBackfill } from './jobs/backfill.js';
export { runReencrypt } from './jobs/reencrypt.js';
export { runDecrypt, DECRYPT_CONFIRMATION } from './jobs/decrypt.js';
export { runVerify } from './jobs/verify.js';
export { runReindex } from './jobs/reindex.js';
