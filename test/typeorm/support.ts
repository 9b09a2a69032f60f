/**
 * TypeORM test databases: a SQLite file (better-sqlite3 driver), a private PostgreSQL
 * schema or a private MariaDB database per DataSource, with the schema made by TypeORM's
 * `synchronize`.
 */
import { DataSource, type DataSourceOptions } from 'typeorm';
import { mariadbUrl, postgresUrl, privateMariadb, privateSchema, randomName, tempDir } from '../keys/store/support.js';
import type { DatabaseKind } from '../support/databases.js';

/** A test DataSource (not initialized) and how to drop what it made. */
export interface TestDataSource {
  readonly dataSource: DataSource;
  readonly kind: DatabaseKind;
  /** Destroys the DataSource and drops its database, schema or file. */
  dispose(): Promise<void>;
}

/** A DataSource of `kind` over `entities`, synchronized when initialized. */
export async function testDataSource(kind: DatabaseKind, label: string, entities: NonNullable<DataSourceOptions['entities']>, extra: Record<string, unknown> = {}): Promise<TestDataSource> {
  const common = { entities, synchronize: true, ...extra };
  if (kind === 'sqlite') {
    const dir = tempDir();
    const dataSource = new DataSource({ type: 'better-sqlite3', database: `${dir.dir}/${randomName(label)}.db`, ...common } as DataSourceOptions);
    return {
      dataSource,
      kind,
      async dispose() {
        if (dataSource.isInitialized) await dataSource.destroy();
        dir.remove();
      },
    };
  }
  if (kind === 'postgresql') {
    const schema = await privateSchema(`torm_${label}`, 2);
    const dataSource = new DataSource({ type: 'postgres', url: postgresUrl, schema: schema.schema, ...common } as DataSourceOptions);
    return {
      dataSource,
      kind,
      async dispose() {
        if (dataSource.isInitialized) await dataSource.destroy();
        await schema.drop();
      },
    };
  }
  const database = await privateMariadb(`torm_${label}`);
  const url = new URL(mariadbUrl);
  const dataSource = new DataSource({
    type: 'mariadb',
    host: url.hostname,
    port: Number(url.port || 3306),
    username: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    database: database.database,
    supportBigNumbers: true,
    ...common,
  } as DataSourceOptions);
  return {
    dataSource,
    kind,
    async dispose() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.drop();
    },
  };
}

/** A column's stored value, read past the adapter (no transformer, no subscriber). */
export async function rawColumn(db: TestDataSource, table: string, column: string, id: string): Promise<unknown> {
  const row = (await db.dataSource.createQueryBuilder().select(`t.${column}`, 'v').from(table, 't').where('t.id = :id', { id }).getRawOne()) as { v: unknown } | undefined;
  return row?.v;
}

/** Overwrites a column's stored value past the adapter. */
export async function setRawColumn(db: TestDataSource, table: string, column: string, id: string, value: unknown): Promise<void> {
  const metadata = db.dataSource.entityMetadatas.find((m) => m.tableName === table);
  if (metadata === undefined) throw new Error(`no entity has table ${table}`);
  const q = (name: string) => db.dataSource.driver.escape(name);
  const path = metadata.schema !== undefined ? `${q(metadata.schema)}.${q(table)}` : q(table);
  const [a, b] = db.kind === 'postgresql' ? ['$1', '$2'] : ['?', '?'];
  await db.dataSource.query(`UPDATE ${path} SET ${q(column)} = ${a} WHERE ${q('id')} = ${b}`, [value, id]);
}
