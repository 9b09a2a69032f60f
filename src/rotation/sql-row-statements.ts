/**
 * The statements of a SQL row source, per dialect: a keyset page, the key bounds, and the
 * conditional write of a batch of rows in one transaction.
 *
 * The conditional writes compare exactly (byte for byte, NULL equal to NULL), whatever the
 * column's collation: a case-insensitive or space-padding collation (MySQL's defaults,
 * SQLite's NOCASE, a nondeterministic ICU collation on PostgreSQL) would otherwise take
 * `'Alice'` for `'ALICE '` and let the job overwrite an application's write.
 * - PostgreSQL: one `UPDATE ... FROM (VALUES ...) RETURNING` per chunk of rows, with
 *   `IS NOT DISTINCT FROM ... COLLATE "C"`; a row updated concurrently is re-checked by
 *   PostgreSQL against the condition before it is written.
 * - MySQL/MariaDB: a locking read (`SELECT ... FOR UPDATE`) of the rows, compared in
 *   JavaScript, then one `UPDATE ... CASE` of the rows that matched. (An UPDATE's
 *   affected-row count cannot tell "written" from "not matched": unless the client sets
 *   FOUND_ROWS, a write of the value already stored counts as no row.)
 * - SQLite: one `UPDATE ... WHERE key = ? AND col IS ? COLLATE BINARY` per row, in one
 *   `BEGIN IMMEDIATE` transaction (in process: a loop costs no round trips); SQLite counts
 *   matched rows, changed or not.
 *
 * @module
 */
import type { SqlResult, SqlScript, SqlStatement, SqlValue } from '../keys/store/sql-connection.js';
import type { SqlDialectName } from '../keys/store/sql-identifier.js';
import { quoteSqlIdentifier } from '../keys/store/sql-identifier.js';
import type { KeyColumnShape } from './sql-row-key.js';

/** A page request with its keys as parameters and its columns checked. */
export interface PageQuery {
  readonly columns: readonly string[];
  readonly after?: string;
  readonly until?: string;
  readonly limit: number;
  /** Only rows whose column holds exactly this text. */
  readonly where?: { readonly column: string; readonly equals: string };
}

/** One row's write with its key as a parameter and its columns checked. */
export interface PreparedWrite {
  readonly key: string;
  readonly expected: ReadonlyArray<readonly [column: string, value: string | null]>;
  readonly next: ReadonlyArray<readonly [column: string, value: string | null]>;
}

/** The statements of one table. */
export interface RowStatements {
  /** Selects `fs_key` (the key as text) and `fs_c<i>` (column `i` of `columns`). */
  page(query: PageQuery): SqlStatement;
  /** Selects `fs_first` and `fs_last`, the keys as text (NULL for an empty table). */
  bounds(): SqlStatement;
  /** The write transaction's body; returns the keys (as parameters) of the rows written. */
  write(writes: readonly PreparedWrite[]): SqlScript<Set<string>>;
}

/** Parameters per statement at most: below PostgreSQL's 65,535 and any driver's packet limits. */
const MAX_PARAMS = 30_000;
/** Rows per write statement at most. */
const MAX_ROWS = 1000;

/** The statements for `table` (quoted) keyed by `key`, in `dialect`. */
export function rowStatements(dialect: SqlDialectName, table: string, key: KeyColumnShape): RowStatements {
  const q = (name: string): string => quoteSqlIdentifier(dialect, name);
  const k = q(key.name);
  /** A key parameter in SQL, cast to the key's type (integer keys are bound as decimal text). */
  const keySql = (placeholder: string): string => {
    if (dialect === 'postgres') return `${placeholder}::${key.pgType ?? 'text'}`;
    if (key.kind === 'text') return placeholder;
    if (dialect === 'mysql') return `CAST(${placeholder} AS ${key.unsigned ? 'UNSIGNED' : 'SIGNED'})`;
    return `CAST(${placeholder} AS INTEGER)`;
  };
  /** The key selected as text (exact for 64-bit integers, whatever the driver does with numbers). */
  const keyText = (expression: string): string =>
    dialect === 'postgres' ? `${expression}::text` : dialect === 'mysql' ? `CAST(${expression} AS CHAR)` : `CAST(${expression} AS TEXT)`;
  const builder = (): { params: SqlValue[]; bind: (value: SqlValue) => string } => {
    const params: SqlValue[] = [];
    return { params, bind: (value) => (params.push(value), dialect === 'postgres' ? `$${params.length}` : '?') };
  };

  return {
    page({ columns, after, until, limit, where: filter }) {
      const { params, bind } = builder();
      const where: string[] = [];
      if (filter !== undefined) {
        // `=` alone follows the column's collation (case- or space-insensitive on MySQL by
        // default): the exact comparison beside it keeps another subject's rows out, while
        // the plain one lets an index on the column serve the query.
        const column = `fs_t.${q(filter.column)}`;
        if (dialect === 'postgres') where.push(`${column} = ${bind(filter.equals)}::text COLLATE "C"`);
        else if (dialect === 'mysql') where.push(`${column} = ${bind(filter.equals)} AND BINARY ${column} = BINARY ${bind(filter.equals)}`);
        else where.push(`${column} = (${bind(filter.equals)} COLLATE BINARY)`);
      }
      if (after !== undefined) where.push(`fs_t.${k} > ${keySql(bind(after))}`);
      if (until !== undefined) where.push(`fs_t.${k} <= ${keySql(bind(until))}`);
      const select = [`${keyText(`fs_t.${k}`)} AS fs_key`, ...columns.map((column, i) => `fs_t.${q(column)} AS fs_c${i}`)];
      // `limit` is an integer the source checked: written into the SQL, where every driver accepts it.
      const sql = `SELECT ${select.join(', ')} FROM ${table} AS fs_t${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY fs_t.${k} LIMIT ${limit}`;
      return { sql, params, returnsRows: true };
    },

    bounds() {
      const sql = `SELECT (SELECT ${keyText(k)} FROM ${table} ORDER BY ${k} LIMIT 1) AS fs_first, (SELECT ${keyText(k)} FROM ${table} ORDER BY ${k} DESC LIMIT 1) AS fs_last`;
      return { sql, params: [], returnsRows: true };
    },

    write(writes) {
      if (dialect === 'postgres') return postgresWrite(writes);
      if (dialect === 'mysql') return mysqlWrite(writes);
      return sqliteWrite(writes);
    },
  };

  function* postgresWrite(writes: readonly PreparedWrite[]): SqlScript<Set<string>> {
    const written = new Set<string>();
    // Rows with the same columns share a statement (VALUES has one column list).
    for (const group of groupByShape(writes)) {
      const first = group[0] as PreparedWrite;
      const perRow = 1 + first.expected.length + first.next.length;
      for (const chunk of chunks(group, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / perRow)))) {
        const { params, bind } = builder();
        const values = chunk.map(
          (w) => `(${[keySql(bind(w.key)), ...w.expected.map(([, v]) => `${bind(v)}::text`), ...w.next.map(([, v]) => `${bind(v)}::text`)].join(', ')})`,
        );
        const names = ['k', ...first.expected.map((_, i) => `o${i}`), ...first.next.map((_, i) => `n${i}`)];
        const sql = `UPDATE ${table} AS fs_t SET ${first.next.map(([column], i) => `${q(column)} = fs_v.n${i}`).join(', ')}
FROM (VALUES ${values.join(', ')}) AS fs_v(${names.join(', ')})
WHERE fs_t.${k} = fs_v.k${first.expected.map(([column], i) => ` AND fs_t.${q(column)} IS NOT DISTINCT FROM fs_v.o${i} COLLATE "C"`).join('')}
RETURNING ${keyText(`fs_t.${k}`)} AS fs_key`;
        const result: SqlResult = yield { sql, params, returnsRows: true };
        for (const row of result.rows) written.add(String(row.fs_key));
      }
    }
    return written;
  }

  function* mysqlWrite(writes: readonly PreparedWrite[]): SqlScript<Set<string>> {
    const matched: PreparedWrite[] = [];
    const expectedColumns = [...new Set(writes.flatMap((w) => w.expected.map(([column]) => column)))];
    for (const chunk of chunks(writes, Math.min(MAX_ROWS, MAX_PARAMS))) {
      // The locking read sees the latest committed rows and holds them until the UPDATE below.
      const { params, bind } = builder();
      const select = [`${keyText(k)} AS fs_key`, ...expectedColumns.map((column, i) => `${q(column)} AS fs_c${i}`)];
      const sql = `SELECT ${select.join(', ')} FROM ${table} WHERE ${k} IN (${chunk.map((w) => keySql(bind(w.key))).join(', ')}) FOR UPDATE`;
      const result: SqlResult = yield { sql, params, returnsRows: true };
      const current = new Map(result.rows.map((row) => [String(row.fs_key), row]));
      for (const w of chunk) {
        const row = current.get(w.key);
        if (row !== undefined && w.expected.every(([column, value]) => row[`fs_c${expectedColumns.indexOf(column)}`] === value)) matched.push(w);
      }
    }
    const nextColumns = [...new Set(matched.flatMap((w) => w.next.map(([column]) => column)))];
    const perRow = 1 + 2 * nextColumns.length;
    for (const chunk of chunks(matched, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / perRow)))) {
      const { params, bind } = builder();
      const sets = nextColumns.map((column) => {
        const cases = chunk.flatMap((w) => w.next.filter(([c]) => c === column).map(([, value]) => `WHEN ${k} = ${keySql(bind(w.key))} THEN ${bind(value)}`));
        return `${q(column)} = CASE ${cases.join(' ')} ELSE ${q(column)} END`;
      });
      const sql = `UPDATE ${table} SET ${sets.join(', ')} WHERE ${k} IN (${chunk.map((w) => keySql(bind(w.key))).join(', ')})`;
      yield { sql, params, returnsRows: false };
    }
    return new Set(matched.map((w) => w.key));
  }

  function* sqliteWrite(writes: readonly PreparedWrite[]): SqlScript<Set<string>> {
    const written = new Set<string>();
    for (const w of writes) {
      const { params, bind } = builder();
      const sets = w.next.map(([column, value]) => `${q(column)} = ${bind(value)}`);
      const where = [`${k} = ${keySql(bind(w.key))}`, ...w.expected.map(([column, value]) => `${q(column)} IS (${bind(value)} COLLATE BINARY)`)];
      const result: SqlResult = yield { sql: `UPDATE ${table} SET ${sets.join(', ')} WHERE ${where.join(' AND ')}`, params, returnsRows: false };
      if (result.affected === 1) written.add(w.key);
    }
    return written;
  }
}

/** Writes grouped by their expected and next column lists, in order. */
function groupByShape(writes: readonly PreparedWrite[]): PreparedWrite[][] {
  const groups = new Map<string, PreparedWrite[]>();
  for (const w of writes) {
    const shape = JSON.stringify([w.expected.map(([c]) => c), w.next.map(([c]) => c)]);
    const group = groups.get(shape);
    if (group === undefined) groups.set(shape, [w]);
    else group.push(w);
  }
  return [...groups.values()];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
