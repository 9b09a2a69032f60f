/**
 * The tables and columns of a database, from its catalog: PostgreSQL's and MySQL's
 * `information_schema`, SQLite's `pragma_table_info`. Base tables only (no views), in
 * name order, columns in their declared order.
 *
 * @module
 */
import type { SqlRow, SqlStatement } from '../../keys/store/sql-connection.js';
import type { SqlDialectName } from '../../keys/store/sql-identifier.js';

/** One column as the catalog describes it. */
export interface CatalogColumn {
  readonly table: string;
  readonly name: string;
  readonly type: string;
}

/** The catalog query for `dialect`; `schema` is PostgreSQL's (default: the connection's current schema). */
export function catalogStatement(dialect: SqlDialectName, schema: string | undefined): SqlStatement {
  if (dialect === 'postgres') {
    return {
      sql: `SELECT c.table_schema AS table_schema, c.table_name AS table_name, c.column_name AS column_name,
  CASE WHEN c.data_type = 'USER-DEFINED' OR c.data_type = 'ARRAY' THEN c.udt_name ELSE c.data_type END AS data_type
FROM information_schema.columns c
JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
WHERE t.table_type = 'BASE TABLE' AND c.table_schema = ${schema === undefined ? 'current_schema()' : '$1'}
ORDER BY c.table_name, c.ordinal_position`,
      params: schema === undefined ? [] : [schema],
      returnsRows: true,
    };
  }
  if (dialect === 'mysql') {
    return {
      sql: `SELECT c.TABLE_SCHEMA AS table_schema, c.TABLE_NAME AS table_name, c.COLUMN_NAME AS column_name, c.COLUMN_TYPE AS data_type
FROM information_schema.COLUMNS c
JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
WHERE t.TABLE_TYPE = 'BASE TABLE' AND c.TABLE_SCHEMA = DATABASE()
ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`,
      params: [],
      returnsRows: true,
    };
  }
  return {
    sql: `SELECT 'main' AS table_schema, m.name AS table_name, p.name AS column_name, p.type AS data_type
FROM sqlite_master m JOIN pragma_table_info(m.name) p
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY m.name, p.cid`,
    params: [],
    returnsRows: true,
  };
}

/** The catalog's rows as columns, with the schema they are in. */
export function catalogColumns(rows: readonly SqlRow[]): { schema: string; columns: CatalogColumn[] } {
  let schema = '';
  const columns = rows.map((row) => {
    schema = text(row.table_schema ?? row.TABLE_SCHEMA);
    const type = text(row.data_type ?? row.DATA_TYPE);
    return { table: text(row.table_name ?? row.TABLE_NAME), name: text(row.column_name ?? row.COLUMN_NAME), type: type === '' ? '(untyped)' : type };
  });
  return { schema, columns };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : value === null || value === undefined ? '' : String(value);
}

/** Quotes any catalog name for `dialect` (quote characters doubled), so that names from the catalog need no pattern check. */
export function quoteCatalogName(dialect: SqlDialectName, name: string): string {
  return dialect === 'mysql' ? `\`${name.replaceAll('`', '``')}\`` : `"${name.replaceAll('"', '""')}"`;
}

/** A statement reading at most `limit` rows of `columns` of a table. */
export function sampleStatement(dialect: SqlDialectName, schema: string | undefined, table: string, columns: readonly string[], limit: number): SqlStatement {
  const from = dialect === 'postgres' && schema !== undefined ? `${quoteCatalogName(dialect, schema)}.${quoteCatalogName(dialect, table)}` : quoteCatalogName(dialect, table);
  return { sql: `SELECT ${columns.map((c) => quoteCatalogName(dialect, c)).join(', ')} FROM ${from} LIMIT ${Math.floor(limit)}`, params: [], returnsRows: true };
}
