/**
 * Where a data subject's rows are: each table (a row source) with the plain column naming
 * the subject that owns a row, its protected columns (as the application seals them), and
 * its other personal columns (plain text a subject access export must include).
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';
import { checkScopeName } from '../../keys/key-scope.js';
import { checkColumns, columnsToRead, type ProtectedColumn } from '../../rotation/columns.js';
import type { RowKey, RowSource, SourceRow } from '../../rotation/row-source.js';

/** A table holding data subjects' rows. */
export interface SubjectTable {
  /** The table. */
  readonly source: RowSource;
  /** The name the export files the table's rows under (default: the source's description), e.g. the model `Customer`. */
  readonly name?: string;
  /**
   * The plain text column naming the subject that owns each row (a customer id). Index it:
   * erasure and export select the subject's rows by it.
   */
  readonly subjectColumn: string;
  /** The table's protected columns, exactly as the application seals them (their `subjectColumn`, if any, is this table's). */
  readonly columns: readonly ProtectedColumn[];
  /** Plain text columns that hold the subject's personal data too (a display name, a city): exported, and cleared by erasure only if `clearOnErasure`. */
  readonly personalColumns?: readonly string[];
  /** Erasure sets `personalColumns` to NULL as well (default false: they are reported, not changed). */
  readonly clearOnErasure?: boolean;
}

/** Rows per page when reading a subject's rows. */
export const SUBJECT_PAGE = 500;

/** Checks the tables; returns each with the columns to read. */
export function checkSubjectTables(tables: readonly SubjectTable[]): { table: SubjectTable; read: string[]; name: string }[] {
  if (!Array.isArray(tables) || tables.length === 0) throw new ConfigurationError('a subject operation needs at least one table { source, subjectColumn, columns }');
  const names = new Set<string>();
  return tables.map((table: SubjectTable) => {
    if (table === null || typeof table !== 'object' || typeof table.source?.page !== 'function') throw new ConfigurationError('each subject table needs a row source');
    const name = table.name ?? table.source.description;
    if (typeof name !== 'string' || name === '') throw new ConfigurationError(`${table.source.description}: name must be a non-empty string`);
    if (names.has(name)) throw new ConfigurationError(`two subject tables are named '${name}'`);
    names.add(name);
    if (typeof table.subjectColumn !== 'string' || table.subjectColumn === '') throw new ConfigurationError(`${name}: subjectColumn must be a non-empty string`);
    if (table.columns.length > 0) checkColumns(table.columns, table.source.keyColumn);
    const read = new Set(table.columns.length > 0 ? columnsToRead(table.columns) : []);
    for (const column of table.personalColumns ?? []) {
      if (typeof column !== 'string' || column === '') throw new ConfigurationError(`${name}: personalColumns must be column names`);
      read.add(column);
    }
    if (read.has(table.subjectColumn) && table.columns.some((c) => c.column === table.subjectColumn)) {
      throw new ConfigurationError(`${name}: the subject column '${table.subjectColumn}' is a protected column; it must hold the plain subject id`);
    }
    read.add(table.subjectColumn);
    return { table, read: [...read], name };
  });
}

/** Checks a subject id (and its scope) the way the key layer names them. */
export function checkSubject(subject: unknown, scope: unknown): void {
  checkScopeName(subject, 'subject');
  if (scope !== undefined) checkScopeName(scope);
}

/** Every row of the subject in `table`, in key order, a page at a time. */
export async function* subjectRows(source: RowSource, subjectColumn: string, subject: string, columns: readonly string[], after?: RowKey): AsyncGenerator<SourceRow[]> {
  let cursor = after;
  for (;;) {
    const page = await source.page({ columns, limit: SUBJECT_PAGE, where: { column: subjectColumn, equals: subject }, ...(cursor === undefined ? {} : { after: cursor }) });
    if (page.length > 0) yield page;
    if (page.length < SUBJECT_PAGE) return;
    cursor = (page[page.length - 1] as SourceRow).key;
  }
}
