/**
 * What a SQL row source needs to know of its table, read from the database's catalog: its
 * columns and their types, and its primary key. The key must be the table's primary key,
 * one column, of an integer or text type; protected columns must be text (a sealed value
 * is text, and a number or byte column would not hold one).
 *
 * @module
 */
import { ConfigurationError } from '../errors.js';
import type { SqlConnection, SqlRow, SqlStatement } from '../keys/store/sql-connection.js';
import type { SqlDialectName } from '../keys/store/sql-identifier.js';
import type { KeyColumnShape, RowKeyKind } from './sql-row-key.js';

/** One column of the table. */
export interface ColumnShape {
  /** The name as the catalog spells it. */
  readonly name: string;
  /** The database's name of its type, for messages. */
  readonly type: string;
  /** Holds text (so it can hold sealed values). */
  readonly text: boolean;
}

/** The table as a row source sees it. */
export interface TableShape {
  readonly key: KeyColumnShape;
  /** The column of a name, or undefined; names compare as the dialect compares them. */
  column(name: string): ColumnShape | undefined;
}

/** Where the table is, and how messages name it. */
export interface TableRef {
  readonly dialect: SqlDialectName;
  readonly table: string;
  readonly schema?: string;
  /** The table, quoted (and qualified), as statements name it. */
  readonly quoted: string;
  /** The table's name in messages: `[schema.]table`. */
  readonly label: string;
  readonly keyColumn: string;
}

/** A catalog row, normalised across dialects. */
interface CatalogColumn {
  readonly name: string;
  readonly type: string;
  /** Whether the column is part of the primary key. */
  readonly inKey: boolean;
  readonly keyKind: RowKeyKind | undefined;
  readonly unsigned: boolean;
  readonly pgType?: 'int8' | 'text' | 'uuid';
  readonly text: boolean;
}

/**
 * Reads the table's shape with `run` (the source's time-limited query). Throws
 * `ConfigurationError` if the table does not exist, has no primary key or a composite one,
 * if the key column is not the primary key, or if the key is neither integer nor text.
 */
export async function readTableShape(ref: TableRef, run: (statement: SqlStatement) => ReturnType<SqlConnection['query']>): Promise<TableShape> {
  const rows = (await run(catalogQuery(ref))).rows;
  const columns = rows.map((row) => catalogColumn(ref.dialect, row));
  if (columns.length === 0) throw new ConfigurationError(`table ${ref.label} does not exist`);
  const fold = ref.dialect === 'postgres' ? (name: string) => name : (name: string) => name.toLowerCase();
  const byName = new Map(columns.map((column) => [fold(column.name), column]));
  const keyColumns = columns.filter((column) => column.inKey);
  if (keyColumns.length === 0) throw new ConfigurationError(`table ${ref.label} has no primary key; a row source needs a single-column primary key`);
  if (keyColumns.length > 1) {
    throw new ConfigurationError(`table ${ref.label} has a composite primary key (${keyColumns.map((c) => c.name).join(', ')}); a row source needs a single-column primary key`);
  }
  const key = byName.get(fold(ref.keyColumn));
  if (key === undefined) throw new ConfigurationError(`column ${ref.table}.${ref.keyColumn} does not exist`);
  if (!key.inKey) throw new ConfigurationError(`${ref.table}.${ref.keyColumn} is not the primary key of ${ref.label} (${ref.table}.${keyColumns[0]?.name} is)`);
  if (key.keyKind === undefined) throw new ConfigurationError(`${ref.table}.${ref.keyColumn} is a ${key.type} column; a row source key must be an integer or text column`);
  return {
    key: { name: ref.keyColumn, kind: key.keyKind, type: key.type, unsigned: key.unsigned, pgType: key.pgType },
    column: (name) => byName.get(fold(name)),
  };
}

function catalogQuery(ref: TableRef): SqlStatement {
  if (ref.dialect === 'postgres') {
    // pg_catalog rather than information_schema: it resolves the table through search_path
    // (to_regclass) exactly as the row source's statements will, and sees domains' base types.
    return {
      sql: `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, COALESCE(bt.typname, t.typname) AS base,
  COALESCE(a.attnum = ANY(pk.indkey), false) AS in_key
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
LEFT JOIN pg_index pk ON pk.indrelid = a.attrelid AND pk.indisprimary
WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`,
      params: [ref.quoted],
      returnsRows: true,
    };
  }
  if (ref.dialect === 'mysql') {
    return {
      sql: `SELECT c.COLUMN_NAME AS name, c.DATA_TYPE AS data_type, c.COLUMN_TYPE AS column_type, c.CHARACTER_SET_NAME AS charset,
  (SELECT COUNT(*) FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = c.TABLE_SCHEMA AND s.TABLE_NAME = c.TABLE_NAME AND s.INDEX_NAME = 'PRIMARY' AND s.COLUMN_NAME = c.COLUMN_NAME) AS in_key
FROM information_schema.COLUMNS c
WHERE c.TABLE_SCHEMA = DATABASE() AND c.TABLE_NAME = ?
ORDER BY c.ORDINAL_POSITION`,
      params: [ref.table],
      returnsRows: true,
    };
  }
  return { sql: 'SELECT name, type, pk FROM pragma_table_info(?)', params: [ref.table], returnsRows: true };
}

function catalogColumn(dialect: SqlDialectName, row: SqlRow): CatalogColumn {
  const text = (value: unknown): string => (typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value ?? ''));
  if (dialect === 'postgres') {
    const base = text(row.base);
    const pgType = base === 'int2' || base === 'int4' || base === 'int8' ? 'int8' : base === 'text' || base === 'varchar' ? 'text' : base === 'uuid' ? 'uuid' : undefined;
    return {
      name: text(row.name),
      type: text(row.type),
      inKey: row.in_key === true,
      keyKind: pgType === undefined ? undefined : pgType === 'int8' ? 'integer' : 'text',
      unsigned: false,
      pgType,
      text: base === 'text' || base === 'varchar',
    };
  }
  if (dialect === 'mysql') {
    const dataType = text(row.data_type).toLowerCase();
    const columnType = text(row.column_type).toLowerCase();
    const charset = row.charset === null || row.charset === undefined ? undefined : text(row.charset).toLowerCase();
    const isText = ['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext'].includes(dataType) && charset !== undefined && charset !== 'binary';
    const isInteger = ['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint'].includes(dataType);
    return {
      name: text(row.name),
      type: columnType,
      inKey: Number(row.in_key) > 0,
      keyKind: isInteger ? 'integer' : isText && (dataType === 'char' || dataType === 'varchar') ? 'text' : undefined,
      unsigned: isInteger && columnType.includes('unsigned'),
      text: isText,
    };
  }
  const declared = text(row.type);
  const affinity = sqliteAffinity(declared);
  return {
    name: text(row.name),
    type: declared === '' ? '(untyped)' : declared,
    inKey: Number(row.pk) > 0,
    keyKind: affinity === 'integer' ? 'integer' : affinity === 'text' ? 'text' : undefined,
    unsigned: false,
    // An untyped column stores what it is given: text stays text (each value is checked as it is read).
    text: affinity === 'text' || declared === '',
  };
}

/** SQLite's type affinity of a declared type (https://sqlite.org/datatype3.html, 3.1). */
function sqliteAffinity(declared: string): 'integer' | 'text' | 'blob' | 'real' | 'numeric' {
  const type = declared.toUpperCase();
  if (type.includes('INT')) return 'integer';
  if (type.includes('CHAR') || type.includes('CLOB') || type.includes('TEXT')) return 'text';
  if (type === '' || type.includes('BLOB')) return 'blob';
  if (type.includes('REAL') || type.includes('FLOA') || type.includes('DOUB')) return 'real';
  return 'numeric';
}
