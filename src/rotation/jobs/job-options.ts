/**
 * What every rotation job takes and returns.
 *
 * @module
 */
import type { FieldsealErrorCode } from '../../errors.js';
import type { Sealer } from '../../seal/sealer.js';
import type { JobCheckpoints, JobKind } from '../checkpoints.js';
import type { ProtectedColumn } from '../columns.js';
import type { KeyInfo } from '../key-directory.js';
import type { RowKey, RowSource } from '../row-source.js';

/** Options of every job. */
export interface JobOptions {
  /** The Sealer of the application (same provider, key store and default scope). */
  readonly sealer: Sealer;
  /** The table. */
  readonly source: RowSource;
  /** Its protected columns, described as the application seals them. */
  readonly columns: readonly ProtectedColumn[];
  /**
   * Where the job records its progress (`sqlJobCheckpoints` and friends: a table in your
   * database), so that a stopped or killed job resumes and several workers split it.
   * Without it the job keeps its checkpoints in memory: it runs to the end or starts over.
   * `status` and `verify` write nothing, checkpoints included: they always scan the whole table.
   */
  readonly checkpoints?: JobCheckpoints;
  /**
   * The job's name in the checkpoints: the same name resumes the job. Default: the kind,
   * the source and a digest of the settings, so running the same command again resumes it.
   */
  readonly job?: string;
  /** Rows per batch (1..10,000, default 500): one page read, one conditional write. */
  readonly batchSize?: number;
  /**
   * How often a claimed range's cursor is committed, at most (ms, default 1,000; 0: after
   * every batch; never less often than a quarter of `leaseMs`). The cursor is also
   * committed when the range ends, on the signal and on an error. A job killed in between
   * redoes the batches written since its last commit, which changes nothing: every value
   * they wrote is already in its final state.
   */
  readonly checkpointIntervalMs?: number;
  /** Read and compute everything, write nothing (no value, no checkpoint); the report counts what would change. */
  readonly dryRun?: boolean;
  /** Stops the job at the next batch boundary, with its checkpoint saved; the report says how to resume. */
  readonly signal?: AbortSignal;
  /** Called after every batch. */
  readonly onProgress?: (progress: JobProgress) => void;
  /** `reencrypt` only: move only the values sealed under these key ids (8 hex digits each). */
  readonly onlyKeyIds?: readonly string[];
  /** Names this worker in the checkpoints (default `host:pid`). A restarted worker with the same name resumes its own ranges at once. */
  readonly worker?: string;
  /** Ranges the key space is split into on the job's first start (default 16; integer keys only, see ranges.ts). */
  readonly ranges?: number;
  /** A claimed range whose worker has not committed for this long is taken over by another worker (default 120,000 ms). */
  readonly leaseMs?: number;
  /** Times a batch's rows changed by the application meanwhile are read and written again (default 5) before they are reported as conflicts. */
  readonly maxAttempts?: number;
  /** Delete the job's checkpoints first and run it from the start. */
  readonly restart?: boolean;
}

/** Options of `runDecrypt`: the confirmation is required, since the job writes plaintext. */
export interface DecryptJobOptions extends JobOptions {
  readonly confirm: 'decrypt-to-plaintext';
}

/** Reported after every batch. */
export interface JobProgress {
  readonly job: string;
  readonly kind: JobKind;
  /** Rows examined by this run so far. */
  readonly done: number;
  /** Values written (or, in a dry run, that would be) by this run so far. */
  readonly changed: number;
  /** Rows in the table, when known (row sources do not count rows: usually absent). */
  readonly total?: number;
  /** Rows per second in this run. */
  readonly rate: number;
  /** Seconds left, estimated from the share of the key space covered (integer keys only). */
  readonly eta?: number;
}

/** A key a column's values are sealed under, and how many. */
export interface KeyUsage extends KeyInfo {
  readonly values: number;
}

/** Per protected column: what the job saw and did. */
export interface ColumnReport {
  readonly column: string;
  readonly mode: 'randomized' | 'deterministic' | 'fpe';
  readonly nulls: number;
  /** FPE columns: non-NULL tokens (a token carries no key id, and looks like plaintext). */
  readonly tokens: number;
  /** Values without the `fs1:` prefix. */
  readonly plaintext: number;
  /** Well-formed sealed values. */
  readonly sealed: number;
  /** Values with the prefix that do not parse. */
  readonly malformed: number;
  /** Sealed values of the other mode (a deterministic value in a randomized column, or the reverse). */
  readonly wrongMode: number;
  /** `status`: sealed values not under the current primary key of their scope or subject (data key, or lookup key for deterministic columns). */
  readonly notCurrent: number;
  /** Values written (or, in a dry run, that would be). */
  readonly changed: number;
  /** Blind index values written. */
  readonly indexed: number;
  /** `verify`: sealed values whose blind index column is NULL. */
  readonly indexMissing: number;
  /** `verify`: rows reported in `failures` for this column. */
  readonly failures: number;
  /** `status`: values per key id, largest count first (at most 1,000 keys listed; the totals below count every value). */
  readonly keys: readonly KeyUsage[];
  /** `status`: values under destroyed keys (unrecoverable). */
  readonly onDestroyedKeys: number;
  /** `status`: values under key ids the key store does not have (another deployment's keys, or damage). */
  readonly onUnknownKeys: number;
}

/** Why `verify` reports a row. */
export type RowFailureCode = FieldsealErrorCode | 'BLIND_INDEX_MISMATCH' | 'REINDEX_MISMATCH';

/** A row `verify` found wrong: where, and why; never the value. */
export interface RowFailure {
  readonly column: string;
  readonly key: RowKey;
  readonly code: RowFailureCode;
  readonly message: string;
}

/** What a job run did. */
export interface JobReport {
  readonly job: string;
  readonly kind: JobKind;
  /** The row source's description. */
  readonly source: string;
  readonly dryRun: boolean;
  /** Every range of the job is done. */
  readonly complete: boolean;
  /** The job was already complete when this run started: it did nothing. */
  readonly alreadyComplete: boolean;
  /** The run stopped early (the signal): its checkpoint is saved. */
  readonly stopped: boolean;
  /** How to continue, when the job is not complete. */
  readonly resume?: string;
  /** Rows examined by this run. */
  readonly rows: number;
  /** Values written by this run, blind index values included (all columns). */
  readonly changed: number;
  readonly columns: readonly ColumnReport[];
  /** Rows the application kept changing through every attempt: not processed by this run (at most 1,000 keys listed). */
  readonly conflicts: { readonly count: number; readonly keys: readonly RowKey[] };
  /** `verify`: rows that do not open in their context, or whose blind index does not match (at most 1,000 listed). */
  readonly failures: readonly RowFailure[];
  /** Every failure, including those not listed. */
  readonly failureCount: number;
  /** The job's ranges by state after this run. */
  readonly ranges: { readonly total: number; readonly done: number; readonly running: number; readonly pending: number };
  readonly elapsedMs: number;
  /** Things to know about this run (columns a job leaves alone, and why). */
  readonly notes: readonly string[];
}
