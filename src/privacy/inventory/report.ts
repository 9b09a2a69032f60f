/**
 * The data inventory's report: every column of every table, protected (as the
 * application's configuration says), a lookup column beside a protected one, or plain;
 * and for plain columns, why they probably hold personal data. Counts and kinds only:
 * the report never holds a sampled value, so it can be shared, committed and attached to a
 * record of processing.
 *
 * @module
 */
import type { SqlDialectName } from '../../keys/store/sql-identifier.js';
import type { PersonalDataKind } from './detectors.js';

/** How a protected column is sealed, as the caller's configuration says. */
export interface ColumnProtection {
  readonly mode: 'randomized' | 'deterministic' | 'fpe';
  /** How the column is looked up: its blind index column, `deterministic` (equality on the sealed text), `fpe` (equality on the token), or `none`. */
  readonly lookup: string;
  /** The key scope (null: the Sealer's default scope). */
  readonly scope: string | null;
  /** The column naming each row's data subject, whose keys seal the value (null: none). */
  readonly subjectColumn: string | null;
}

/** Why a plain column was flagged: its name, its sampled values, or text inside them. */
export interface PersonalDataFinding {
  readonly kind: PersonalDataKind;
  readonly by: 'name' | 'values' | 'text';
  /** `values` and `text`: how many sampled values matched (never which). */
  readonly matched?: number;
  /** `values` and `text`: how many non-null, non-sealed values were sampled. */
  readonly sampled?: number;
}

/** What the sample of a column held, by count. */
export interface ColumnSample {
  /** Rows read. */
  readonly rows: number;
  readonly nulls: number;
  /** Values that are well-formed sealed values (fieldseal's prefix, canonical encoding). */
  readonly sealed: number;
  /** Every other value. */
  readonly other: number;
}

/**
 * - `protected`: listed in the protected columns configuration;
 * - `lookup`: a blind index column of a protected column;
 * - `sealed-unlisted`: every sampled value is sealed, but the column is not in the configuration;
 * - `plain`: everything else (`personalData` says whether it probably holds some).
 */
export type ColumnStatus = 'protected' | 'lookup' | 'sealed-unlisted' | 'plain';

/** One column. */
export interface InventoryColumn {
  readonly name: string;
  /** The database's type name. */
  readonly type: string;
  readonly status: ColumnStatus;
  readonly protection?: ColumnProtection;
  /** Plain columns: the kinds it probably holds, with the evidence (empty: nothing found). */
  readonly findings: readonly PersonalDataFinding[];
  /** True for a plain column with at least one finding. */
  readonly flagged: boolean;
  /** What sampling saw (absent when sampling was off or the column was not sampled). */
  readonly sample?: ColumnSample;
  /** For `protected` columns whose sample held values that are not sealed: not yet backfilled. */
  readonly unsealedValues?: number;
}

/** One table. */
export interface InventoryTable {
  /** The schema (PostgreSQL), database (MySQL) or `main` (SQLite). */
  readonly schema: string;
  readonly name: string;
  /** Rows read for the sample (at most `sampleRows`). */
  readonly sampledRows: number;
  readonly columns: readonly InventoryColumn[];
}

/** Totals over the report. */
export interface InventorySummary {
  readonly tables: number;
  readonly columns: number;
  readonly protected: number;
  readonly lookup: number;
  readonly sealedUnlisted: number;
  readonly plain: number;
  /** Plain columns that probably hold personal data. */
  readonly flagged: number;
  /** Protected columns listed in the configuration but not found in the database (`table.column`). */
  readonly missingProtected: readonly string[];
}

/** The inventory of one database. */
export interface InventoryReport {
  readonly dialect: SqlDialectName;
  /** When the inventory was taken, ISO 8601. */
  readonly takenAt: string;
  /** Rows sampled per table at most (0: names only). */
  readonly sampleRows: number;
  readonly tables: readonly InventoryTable[];
  readonly summary: InventorySummary;
}
