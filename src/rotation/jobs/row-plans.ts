/**
 * A batch's plan: per row, the conditional write to make (if any) and what to count. The
 * runner writes the plans, re-plans the rows whose write found them changed, and counts
 * only each row's last plan, so a retried row is never counted twice.
 *
 * @module
 */
import type { ProtectedColumn } from '../columns.js';
import type { RowKey, SourceRow, StoredValue } from '../row-source.js';
import type { ColumnReport, RowFailure } from './job-options.js';

/** The per-column counters a plan can add to. */
export type ColumnCounter =
  | 'nulls'
  | 'plaintext'
  | 'sealed'
  | 'malformed'
  | 'wrongMode'
  | 'notCurrent'
  | 'changed'
  | 'indexed'
  | 'indexMissing'
  | 'failures'
  | 'onDestroyedKeys'
  | 'onUnknownKeys'
  | 'tokens';

/** One row's plan. */
export interface RowPlan {
  readonly key: RowKey;
  /** Every column read, as read: the write applies only if they are all unchanged. */
  readonly expected: Readonly<Record<string, StoredValue>>;
  /** The columns to write; undefined when the row needs no write. */
  readonly next?: Readonly<Record<string, StoredValue>>;
  /** (column index, counter) pairs to add once this plan is final. */
  readonly tally: readonly (readonly [number, ColumnCounter])[];
  readonly failures: readonly RowFailure[];
}

/** Builds the plans of one batch. */
export class BatchPlans {
  readonly rows: readonly SourceRow[];
  readonly #read: readonly string[];
  readonly #next: (Record<string, StoredValue> | undefined)[];
  readonly #tally: [number, ColumnCounter][][];
  readonly #failures: RowFailure[][];

  constructor(rows: readonly SourceRow[], read: readonly string[]) {
    this.rows = rows;
    this.#read = read;
    this.#next = rows.map(() => undefined);
    this.#tally = rows.map(() => []);
    this.#failures = rows.map(() => []);
  }

  /** Plans writing `value` into `column` of row `i`. */
  set(i: number, column: string, value: StoredValue): void {
    const next = (this.#next[i] ??= {});
    next[column] = value;
  }

  count(i: number, col: number, counter: ColumnCounter): void {
    this.#tally[i]?.push([col, counter]);
  }

  fail(i: number, col: number, failure: RowFailure): void {
    this.#failures[i]?.push(failure);
    this.count(i, col, 'failures');
  }

  plans(): RowPlan[] {
    return this.rows.map((row, i) => {
      const expected: Record<string, StoredValue> = {};
      for (const column of this.#read) expected[column] = row.values[column] ?? null;
      return { key: row.key, expected, next: this.#next[i], tally: this.#tally[i] ?? [], failures: this.#failures[i] ?? [] };
    });
  }
}

/** Mutable counters of one column, turned into its {@link ColumnReport} at the end. */
export type ColumnCounters = { -readonly [K in keyof ColumnReport]: ColumnReport[K] };

/** Zeroed counters for each column. */
export function emptyCounters(columns: readonly ProtectedColumn[]): ColumnCounters[] {
  return columns.map((spec) => ({
    column: spec.column,
    mode: spec.mode,
    nulls: 0,
    plaintext: 0,
    sealed: 0,
    malformed: 0,
    wrongMode: 0,
    notCurrent: 0,
    changed: 0,
    indexed: 0,
    indexMissing: 0,
    failures: 0,
    keys: [],
    onDestroyedKeys: 0,
    onUnknownKeys: 0,
    tokens: 0,
  }));
}
