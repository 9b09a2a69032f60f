/**
 * The data inventory: which columns of a database are protected, and which plain ones
 * probably hold personal data, from the catalog, the column names and a bounded sample of
 * rows. Sampled values are looked at in memory and counted; none is kept, returned or
 * printed.
 *
 * @module
 */
import { ConfigurationError, InventoryError } from '../../errors.js';
import { isSealedText } from '../../format/envelope.js';
import { scrubbedDriverError } from '../../keys/store/driver-errors.js';
import { mysqlPoolConnection, type MysqlPoolLike } from '../../keys/store/mysql-key-store.js';
import { pgConnection, type PgClientLike, type PgPoolLike } from '../../keys/store/postgres-key-store.js';
import type { SqlCallOptions, SqlConnection, SqlResult, SqlStatement } from '../../keys/store/sql-connection.js';
import type { SqlDialectName } from '../../keys/store/sql-identifier.js';
import { betterSqlite3Connection, type SqliteDatabaseLike } from '../../keys/store/sqlite-key-store.js';
import { withinTimeLimit } from '../../keys/store/store-call.js';
import { catalogColumns, catalogStatement, sampleStatement, type CatalogColumn } from './catalog.js';
import { detectInText, detectValue, type PersonalDataKind } from './detectors.js';
import { kindFromName } from './name-hints.js';
import type { ColumnProtection, ColumnSample, InventoryColumn, InventoryReport, InventoryTable, PersonalDataFinding } from './report.js';

/** A protected column, as the application seals it. */
export interface InventoryProtectedColumn {
  readonly table: string;
  readonly column: string;
  readonly mode: 'randomized' | 'deterministic' | 'fpe';
  /** The blind index column kept beside it (a name, or `{ column }` as the rotation jobs take it). */
  readonly blindIndex?: string | { readonly column: string };
  /** Further lookup columns of the value: shadow columns of a lookup key reindex (blind index, deterministic or FPE tokens). */
  readonly lookupColumns?: readonly string[];
  /** The key scope (default: the Sealer's default scope). */
  readonly scope?: string;
  /** Randomized only: the column naming each row's data subject (the owner whose keys seal the value). */
  readonly subjectColumn?: string;
}

/** Where the database is: a driver object of its dialect, or any {@link SqlConnection}. */
export type InventorySource =
  | { readonly dialect: 'postgres'; readonly client: PgClientLike | PgPoolLike }
  | { readonly dialect: 'mysql'; readonly pool: MysqlPoolLike }
  | { readonly dialect: 'sqlite'; readonly database: SqliteDatabaseLike }
  | { readonly dialect: SqlDialectName; readonly connection: SqlConnection };

/** Options of {@link inventory}. */
export type InventoryOptions = InventorySource & {
  /** PostgreSQL: the schema to list (default: the connection's current schema). MySQL lists the connection's database; SQLite `main`. */
  readonly schema?: string;
  /** The protected columns (the same ones the application and the rotation jobs use). */
  readonly protectedColumns?: readonly InventoryProtectedColumn[];
  /** Only these tables (default: every base table). */
  readonly tables?: readonly string[];
  /** Leave these tables out (e.g. the key table). */
  readonly excludeTables?: readonly string[];
  /** Rows read per table to look at values (default 200, at most 10 000; 0: names only). */
  readonly sampleRows?: number;
  /**
   * Share of a column's sampled non-null, non-sealed values that must be of one kind for
   * the column to be flagged by its values (default 0.5). Text found inside free text
   * (an e-mail address in a notes column) flags the column from one value on.
   */
  readonly minShare?: number;
  /** Time limit of each statement (default 30 000 ms). */
  readonly timeoutMs?: number;
  /** The time detectors compare birth dates with (default: now). */
  readonly now?: Date;
};

/** The default number of rows sampled per table. */
export const DEFAULT_INVENTORY_SAMPLE_ROWS = 200;
/** The most rows sampled per table. */
export const MAX_INVENTORY_SAMPLE_ROWS = 10_000;

/**
 * Lists every column of every table as protected, a lookup column, or plain, and flags
 * the plain ones that probably hold personal data: by name (`email`, `phone`, `ssn`,
 * `dob`, `address`, `last_name`, `iban`, `ip`...) and by a sample of at most `sampleRows`
 * rows per table run through the detectors (e-mail, phone, card number with Luhn, US SSN,
 * IBAN with mod-97, IPv4/IPv6, date of birth). Sealed values are never flagged. The
 * report holds names, types and counts, never a value; render it with `inventoryJson`,
 * `inventoryTable` or `inventoryMarkdown`.
 *
 * @example
 * ```ts
 * const report = await inventory({ dialect: 'postgres', client: pool, protectedColumns: [
 *   { table: 'users', column: 'email', mode: 'randomized', blindIndex: 'email_bidx', subjectColumn: 'id' },
 * ] });
 * console.log(inventoryTable(report));
 * ```
 */
export async function inventory(options: InventoryOptions): Promise<InventoryReport> {
  if (options === null || typeof options !== 'object') throw new ConfigurationError('inventory needs { dialect, connection } (or client, pool, database)');
  const dialect = options.dialect;
  if (dialect !== 'postgres' && dialect !== 'mysql' && dialect !== 'sqlite') throw new ConfigurationError("inventory dialect must be 'postgres', 'mysql' or 'sqlite'");
  if (options.schema !== undefined && (dialect !== 'postgres' || typeof options.schema !== 'string' || options.schema === '')) throw new ConfigurationError('an inventory schema is a PostgreSQL option (a non-empty string)');
  const connection = connectionOf(options);
  const sampleRows = options.sampleRows ?? DEFAULT_INVENTORY_SAMPLE_ROWS;
  if (!Number.isSafeInteger(sampleRows) || sampleRows < 0 || sampleRows > MAX_INVENTORY_SAMPLE_ROWS) throw new ConfigurationError(`inventory sampleRows must be an integer from 0 to ${MAX_INVENTORY_SAMPLE_ROWS}`);
  const minShare = options.minShare ?? 0.5;
  if (typeof minShare !== 'number' || !(minShare > 0 && minShare <= 1)) throw new ConfigurationError('inventory minShare must be a number in (0, 1]');
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 2_147_483_647) throw new ConfigurationError('inventory timeoutMs must be a positive integer of milliseconds');
  const now = options.now ?? new Date();
  const protectedColumns = checkProtected(options.protectedColumns ?? []);
  const database = `${dialect}${options.schema === undefined ? '' : `:${options.schema}`}`;

  const run = (statement: SqlStatement, operation: string): Promise<SqlResult> =>
    withinTimeLimit(
      {
        source: `inventory ${database}`,
        operation,
        timeoutMs,
        errors: {
          timedOut: (message) => new InventoryError(message),
          failed(error) {
            const { message, code, cause } = scrubbedDriverError(error, []);
            const safe = message.replace(/'(?:[^'\\]|\\.)*'/g, "'…'");
            cause.message = safe;
            return new InventoryError(`inventory ${database}: ${operation} failed: ${safe}${code === undefined ? '' : ` (${String(code)})`}`, { cause });
          },
        },
      },
      (call: SqlCallOptions) => connection.query(statement, call),
    );

  const catalog = catalogColumns((await run(catalogStatement(dialect, options.schema), 'catalog read')).rows);
  const fold = dialect === 'postgres' ? (name: string) => name : (name: string) => name.toLowerCase();
  const only = options.tables === undefined ? undefined : new Set(options.tables.map(fold));
  const excluded = new Set((options.excludeTables ?? []).map(fold));
  const byTable = new Map<string, CatalogColumn[]>();
  for (const column of catalog.columns) {
    if ((only !== undefined && !only.has(fold(column.table))) || excluded.has(fold(column.table))) continue;
    const list = byTable.get(column.table);
    if (list === undefined) byTable.set(column.table, [column]);
    else list.push(column);
  }

  const configured = new Map(protectedColumns.map((spec) => [`${fold(spec.table)}.${fold(spec.column)}`, spec]));
  const lookups = new Map(
    protectedColumns.flatMap((spec) => [...(spec.blindIndex === undefined ? [] : [blindIndexName(spec) as string]), ...(spec.lookupColumns ?? [])].map((column) => [`${fold(spec.table)}.${fold(column)}`, spec] as const)),
  );
  const found = new Set<string>();
  const tables: InventoryTable[] = [];
  for (const [table, columns] of byTable) {
    const specOf = (column: CatalogColumn) => configured.get(`${fold(table)}.${fold(column.name)}`);
    const lookupOf = (column: CatalogColumn) => lookups.get(`${fold(table)}.${fold(column.name)}`);
    for (const column of columns) if (specOf(column) !== undefined) found.add(`${fold(table)}.${fold(column.name)}`);
    // Blind index columns hold digests: not sampled.
    const sampled = sampleRows === 0 ? [] : columns.filter((column) => lookupOf(column) === undefined);
    const samples = new Map<string, ColumnTally>(sampled.map((column) => [column.name, new ColumnTally()]));
    let rows = 0;
    if (sampled.length > 0) {
      const result = await run(sampleStatement(dialect, options.schema ?? (dialect === 'postgres' ? catalog.schema : undefined), table, sampled.map((c) => c.name), sampleRows), `sample of ${table}`);
      rows = result.rows.length;
      for (const row of result.rows) for (const column of sampled) (samples.get(column.name) as ColumnTally).add(row[column.name], now);
    }
    tables.push({
      schema: catalog.schema,
      name: table,
      sampledRows: rows,
      columns: columns.map((column) => describeColumn(table, column, specOf(column), lookupOf(column), samples.get(column.name), rows, minShare)),
    });
  }

  const all = tables.flatMap((t) => t.columns);
  return {
    dialect,
    takenAt: now.toISOString(),
    sampleRows,
    tables,
    summary: {
      tables: tables.length,
      columns: all.length,
      protected: all.filter((c) => c.status === 'protected').length,
      lookup: all.filter((c) => c.status === 'lookup').length,
      sealedUnlisted: all.filter((c) => c.status === 'sealed-unlisted').length,
      plain: all.filter((c) => c.status === 'plain').length,
      flagged: all.filter((c) => c.flagged).length,
      missingProtected: protectedColumns
        .filter((spec) => (only === undefined || only.has(fold(spec.table))) && !excluded.has(fold(spec.table)) && !found.has(`${fold(spec.table)}.${fold(spec.column)}`))
        .map((spec) => `${spec.table}.${spec.column}`),
    },
  };
}

/** Counts of one column's sampled values: nulls, sealed, others, and per kind how many matched whole or inside text. */
class ColumnTally {
  nulls = 0;
  sealed = 0;
  other = 0;
  readonly whole = new Map<PersonalDataKind, number>();
  readonly inText = new Map<PersonalDataKind, number>();

  add(value: unknown, now: Date): void {
    if (value === null || value === undefined) {
      this.nulls++;
      return;
    }
    if (typeof value === 'string' && isSealedText(value)) {
      this.sealed++;
      return;
    }
    this.other++;
    const kind = detectValue(value, now);
    if (kind !== undefined) {
      this.whole.set(kind, (this.whole.get(kind) ?? 0) + 1);
      return;
    }
    // JSON columns come back as objects: their text is searched like free text.
    const text = typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array) ? JSON.stringify(value) : value;
    for (const found of detectInText(text)) this.inText.set(found, (this.inText.get(found) ?? 0) + 1);
  }
}

function describeColumn(
  table: string,
  column: CatalogColumn,
  spec: InventoryProtectedColumn | undefined,
  lookupFor: InventoryProtectedColumn | undefined,
  tally: ColumnTally | undefined,
  rows: number,
  minShare: number,
): InventoryColumn {
  const sample: ColumnSample | undefined = tally === undefined ? undefined : { rows, nulls: tally.nulls, sealed: tally.sealed, other: tally.other };
  const base = { name: column.name, type: column.type, ...(sample === undefined ? {} : { sample }) };
  if (spec !== undefined) {
    return {
      ...base,
      status: 'protected',
      protection: protectionOf(spec),
      findings: [],
      flagged: false,
      ...(tally !== undefined && tally.other > 0 ? { unsealedValues: tally.other } : {}),
    };
  }
  if (lookupFor !== undefined) return { ...base, status: 'lookup', findings: [], flagged: false };
  if (tally !== undefined && tally.sealed > 0 && tally.other === 0) return { ...base, status: 'sealed-unlisted', findings: [], flagged: false };
  const findings: PersonalDataFinding[] = [];
  const byName = kindFromName(column.name, table);
  if (byName !== undefined) findings.push({ kind: byName, by: 'name' });
  if (tally !== undefined && tally.other > 0) {
    for (const [kind, matched] of tally.whole) {
      if (matched / tally.other >= minShare) findings.push({ kind, by: 'values', matched, sampled: tally.other });
    }
    for (const [kind, matched] of tally.inText) {
      if (!findings.some((f) => f.kind === kind && f.by === 'values')) findings.push({ kind, by: 'text', matched, sampled: tally.other });
    }
  }
  return { ...base, status: 'plain', findings, flagged: findings.length > 0 };
}

function protectionOf(spec: InventoryProtectedColumn): ColumnProtection {
  const index = blindIndexName(spec);
  return {
    mode: spec.mode,
    lookup: index !== undefined ? `blind index ${index}` : spec.mode === 'randomized' ? 'none' : spec.mode,
    scope: spec.scope ?? null,
    subjectColumn: spec.subjectColumn ?? null,
  };
}

function blindIndexName(spec: InventoryProtectedColumn): string | undefined {
  return typeof spec.blindIndex === 'string' ? spec.blindIndex : spec.blindIndex?.column;
}

function checkProtected(specs: readonly InventoryProtectedColumn[]): readonly InventoryProtectedColumn[] {
  if (!Array.isArray(specs)) throw new ConfigurationError('inventory protectedColumns must be an array');
  for (const spec of specs as readonly unknown[]) {
    const s = spec as Partial<InventoryProtectedColumn> | null;
    const label = `${String(s?.table)}.${String(s?.column)}`;
    if (s === null || typeof s !== 'object' || typeof s.table !== 'string' || s.table === '' || typeof s.column !== 'string' || s.column === '') {
      throw new ConfigurationError('an inventory protected column needs { table, column, mode }');
    }
    if (s.mode !== 'randomized' && s.mode !== 'deterministic' && s.mode !== 'fpe') throw new ConfigurationError(`protected column ${label}: mode must be 'randomized', 'deterministic' or 'fpe'`);
    if (s.lookupColumns !== undefined && (!Array.isArray(s.lookupColumns) || s.lookupColumns.some((c) => typeof c !== 'string' || c === ''))) throw new ConfigurationError(`protected column ${label}: lookupColumns must name columns`);
    const index = typeof s.blindIndex === 'string' ? s.blindIndex : s.blindIndex?.column;
    if (s.blindIndex !== undefined && (typeof index !== 'string' || index === '')) throw new ConfigurationError(`protected column ${label}: blindIndex must name a column`);
    if (s.subjectColumn !== undefined && s.mode !== 'randomized') throw new ConfigurationError(`protected column ${label}: deterministic values are sealed under the scope's lookup key, never a subject's`);
  }
  return specs;
}

function connectionOf(options: InventoryOptions): SqlConnection {
  if ('connection' in options && options.connection !== undefined) return options.connection;
  if (options.dialect === 'postgres' && 'client' in options) return pgConnection(options.client);
  if (options.dialect === 'mysql' && 'pool' in options) return mysqlPoolConnection(options.pool);
  if (options.dialect === 'sqlite' && 'database' in options) return betterSqlite3Connection(options.database);
  throw new ConfigurationError('inventory needs a connection (or a pg client, a mysql pool, or a better-sqlite3 database for its dialect)');
}

