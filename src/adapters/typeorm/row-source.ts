/**
 * The rotation jobs over a TypeORM entity: the SQL row source of the entity's table through
 * the application's DataSource (`typeormSqlConnection`: raw statements on TypeORM's own
 * connections, no second pool), with the table, its schema, the primary key and the column
 * names taken from the entity metadata.
 *
 * Jobs write through raw conditional UPDATEs, never through the repository: no entity
 * listener (`@BeforeUpdate`...) and no subscriber (`beforeUpdate`, `afterUpdate`) runs for
 * a job's write, and nothing re-seals what the job just sealed.
 *
 * @module
 */
import type { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import { ConfigurationError, InvalidInputError } from '../../errors.js';
import { typeormSqlConnection } from '../../keys/store/typeorm-sql-connection.js';
import type { RowPage, RowSource, RowWrite, SourceRow, StoredValue } from '../../rotation/row-source.js';
import { sqlRowSource } from '../../rotation/sql-row-source.js';

/** Options of {@link typeormRowSource}. */
export interface TypeormRowSourceOptions {
  /** Time limit of each row source call in milliseconds (default 30 000). */
  readonly timeoutMs?: number;
}

/** What the row source reads of an entity's metadata. */
interface EntityTable {
  readonly name: string;
  readonly table: string;
  readonly schema: string | undefined;
  readonly keyColumn: string;
  /** Property path (`email`, `address.street`, a relation's property) to database column name. */
  readonly columns: ReadonlyMap<string, string>;
}

/**
 * A {@link RowSource} over the table of `entity` (a class, an `EntitySchema` or an entity
 * name of `dataSource`). Column names given to the source (a job's `column`,
 * `blindIndex.column`, `subjectColumn`...) are the entity's property names, or database
 * column names for columns the entity does not map (a property name wins where both
 * exist); values come back under the names asked for.
 *
 * Supported: `postgres` (the entity's schema, else the data source's, else the
 * connection's `search_path`), `mysql`/`mariadb` and `better-sqlite3` data sources.
 * Throws `ConfigurationError` for an entity that is not in the data source, a view, an
 * entity of another database, or a primary key that is not a single column.
 *
 * @example
 * ```ts
 * import { typeormRowSource } from 'fieldseal/typeorm';
 * import { runReencrypt } from 'fieldseal/rotation';
 *
 * const source = typeormRowSource(dataSource, User);
 * await sealer.rotateDataKey();
 * await runReencrypt({ sealer, source, columns: [{ column: 'email', model: 'User', field: 'email', mode: 'randomized' }] });
 * ```
 */
export function typeormRowSource<E extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<E>, options: TypeormRowSourceOptions = {}): RowSource {
  const connection = typeormSqlConnection(dataSource);
  const target = entityTable(dataSource, entity);
  const source = sqlRowSource({
    connection,
    dialect: connection.dialect,
    table: target.table,
    keyColumn: target.keyColumn,
    ...(connection.dialect === 'postgres' && target.schema !== undefined ? { schema: target.schema } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  return byPropertyNames(source, target);
}

function entityTable<E extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<E>): EntityTable {
  if (!dataSource.hasMetadata(entity)) throw new ConfigurationError(`typeormRowSource: ${targetName(entity)} is not an entity of this data source`);
  const metadata: EntityMetadata = dataSource.getMetadata(entity);
  const name = metadata.name;
  if (metadata.tableType === 'view') throw new ConfigurationError(`typeormRowSource: ${name} is a view entity; the rotation jobs write to tables`);
  const database = (dataSource.options as { database?: unknown }).database;
  if (metadata.database !== undefined && metadata.database !== '' && metadata.database !== database) {
    throw new ConfigurationError(`typeormRowSource: ${name} lives in database ${metadata.database}, not the data source's; give the jobs a data source on that database`);
  }
  const primary = metadata.primaryColumns;
  if (primary.length !== 1) {
    const names = primary.map((c) => c.databaseName).join(', ');
    throw new ConfigurationError(`typeormRowSource: ${name} has ${primary.length === 0 ? 'no primary key' : `a primary key of ${primary.length} columns (${names})`}; the rotation jobs need a single-column primary key`);
  }
  const columns = new Map<string, string>();
  for (const column of metadata.columns) {
    if (column.isVirtual || column.isVirtualProperty) continue;
    columns.set(column.propertyPath, column.databaseName);
  }
  return { name, table: metadata.tableName, schema: metadata.schema === '' ? undefined : metadata.schema, keyColumn: (primary[0] as (typeof primary)[number]).databaseName, columns };
}

function targetName(entity: unknown): string {
  if (typeof entity === 'string') return entity;
  if (typeof entity === 'function' && typeof entity.name === 'string' && entity.name !== '') return entity.name;
  const named = entity as { options?: { name?: unknown }; name?: unknown } | null;
  const name = named?.options?.name ?? named?.name;
  return typeof name === 'string' ? name : 'the entity';
}

/** The SQL row source seen through the entity's property names. */
function byPropertyNames(source: RowSource, target: EntityTable): RowSource {
  const columnOf = (name: string): string => target.columns.get(name) ?? name;
  /** Renames a write's values to database columns; two names of one column must not both appear. */
  const toColumns = (values: Readonly<Record<string, StoredValue>>, what: string): Record<string, StoredValue> => {
    const renamed: Record<string, StoredValue> = {};
    for (const [name, value] of Object.entries(values)) {
      const column = columnOf(name);
      if (Object.hasOwn(renamed, column)) throw new InvalidInputError(`${what}: ${target.name}.${name} and another name both stand for column ${column}`);
      renamed[column] = value;
    }
    return renamed;
  };
  return {
    description: source.description,
    keyColumn: source.keyColumn,
    check: (columns) => source.check(columns.map(columnOf)),
    bounds: () => source.bounds(),
    async page(page: RowPage): Promise<SourceRow[]> {
      const names = [...page.columns];
      const rows = await source.page({ ...page, columns: names.map(columnOf) });
      return rows.map((row) => ({ key: row.key, values: Object.fromEntries(names.map((name) => [name, row.values[columnOf(name)] ?? null])) }));
    },
    async write(writes: readonly RowWrite[]) {
      const renamed = writes.map((w, i) => ({ key: w.key, expected: toColumns(w.expected, `write #${i} expected`), next: toColumns(w.next, `write #${i} next`) }));
      return source.write(renamed);
    },
  };
}
