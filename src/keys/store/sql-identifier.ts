/**
 * Table, schema and column names in SQL: which ones fieldseal accepts, and how each dialect
 * quotes them. Names are never bound as parameters (SQL cannot), so they are checked
 * against a plain pattern first, and quoted so that their case is kept on PostgreSQL and
 * reserved words (`user`, `order`) work everywhere.
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';

/** The SQL families fieldseal speaks. */
export type SqlDialectName = 'postgres' | 'mysql' | 'sqlite';

/** The names fieldseal accepts: ASCII letters, digits and `_`, not starting with a digit, at most 63 characters (PostgreSQL's limit). */
export const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Returns `value` if it is a plain identifier; throws `ConfigurationError` (``${what} must match ...``) otherwise. */
export function checkSqlIdentifier(value: unknown, what: string): string {
  if (typeof value !== 'string' || !SQL_IDENTIFIER.test(value)) throw new ConfigurationError(`${what} must match ${SQL_IDENTIFIER.source}`);
  return value;
}

/** Quotes a name that passed {@link checkSqlIdentifier} (so it holds no quote character). */
export function quoteSqlIdentifier(dialect: SqlDialectName, name: string): string {
  return dialect === 'mysql' ? `\`${name}\`` : `"${name}"`;
}

/** A table name, quoted, qualified by its schema when one is given. */
export function quoteSqlTable(dialect: SqlDialectName, table: string, schema?: string): string {
  const quoted = quoteSqlIdentifier(dialect, table);
  return schema === undefined ? quoted : `${quoteSqlIdentifier(dialect, schema)}.${quoted}`;
}
