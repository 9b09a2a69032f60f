/**
 * Row sources: where the rotation jobs read and write protected columns. A row source is a
 * table (or an ORM model over one) seen through its primary key only: pages of rows in key
 * order (keyset pagination, never OFFSET), and conditional writes that change a row only if
 * its columns still hold what the job read (`WHERE pk = ? AND col = <old value>`), so a row
 * the application changed meanwhile is retried, never overwritten. Jobs write through a row
 * source, never through ORM hooks or client extensions.
 *
 * @module
 */

/**
 * A primary key value: the jobs only compare and order them, through the source (key
 * order is the database's: its collation, for text keys). The SQL row sources return
 * integer keys as `bigint` (exact beyond 2^53, whatever the column's width) and text keys
 * as `string`, and accept integer keys back as `bigint`, safe-integer `number` or decimal
 * text.
 */
export type RowKey = string | number | bigint;

/** A column value as stored: sealed text, legacy plaintext, or NULL. */
export type StoredValue = string | null;

/** One row: its primary key and the requested columns, as stored. */
export interface SourceRow {
  readonly key: RowKey;
  readonly values: Readonly<Record<string, StoredValue>>;
}

/** A page request: rows with `after < key <= until`, in key order, at most `limit`. */
export interface RowPage {
  /** The columns to read (besides the key). */
  readonly columns: readonly string[];
  /** Exclusive lower bound (the last key of the previous page); none: from the first row. */
  readonly after?: RowKey;
  /** Inclusive upper bound (the end of a claimed range); none: to the last row. */
  readonly until?: RowKey;
  /** 1..10,000. */
  readonly limit: number;
  /**
   * Only rows whose column holds exactly this text (byte for byte, whatever the column's
   * collation): the rows of one data subject, for erasure and export. The column must be a
   * text column; index it, or each page scans the table.
   */
  readonly where?: RowFilter;
}

/** An exact match of one text column. */
export interface RowFilter {
  readonly column: string;
  readonly equals: string;
}

/** A conditional write of one row: applied only if every `expected` column still holds its value. */
export interface RowWrite {
  readonly key: RowKey;
  /** What the job read; the row is written only if these columns are unchanged (NULL matches NULL). */
  readonly expected: Readonly<Record<string, StoredValue>>;
  /** The new values (may name columns not in `expected`, e.g. a blind index column). */
  readonly next: Readonly<Record<string, StoredValue>>;
}

/** A table the rotation jobs can page through and write to conditionally. */
export interface RowSource {
  /** Names the table for messages and checkpoints, e.g. `postgres:public.users`; never credentials. */
  readonly description: string;
  /** The primary key column. */
  readonly keyColumn: string;
  /** Checks that the columns exist; throws ConfigurationError naming the table and column otherwise. */
  check(columns: readonly string[]): Promise<void>;
  /** The smallest and largest key, or undefined for an empty table (for splitting into ranges). */
  bounds(): Promise<{ readonly first: RowKey; readonly last: RowKey } | undefined>;
  /** One page of rows, in key order; fewer than `limit` only at the end of the range. */
  page(page: RowPage): Promise<SourceRow[]>;
  /**
   * Applies the writes that still match, in one transaction; returns the keys written, as
   * given in `writes` and in their order. A key not returned had changed (or was deleted)
   * since it was read: the job reads it again. A write of the value already stored counts
   * as written. A batch that fails writes nothing.
   */
  write(writes: readonly RowWrite[]): Promise<RowKey[]>;
}
