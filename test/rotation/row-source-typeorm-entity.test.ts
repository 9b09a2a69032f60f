/**
 * `typeormRowSource(dataSource, Entity)` on SQLite, PostgreSQL and MariaDB: table, schema,
 * primary key and column names from the entity metadata (property names differ from the
 * column names here); a reencrypt job over it moves every value to the new key without
 * firing the entity's subscriber; entities the jobs cannot use are refused.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { EntitySchema, type DataSource, type EntitySubscriberInterface, type UpdateEvent } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typeormRowSource } from '../../src/adapters/typeorm/row-source.js';
import { ConfigurationError, InvalidInputError } from '../../src/errors.js';
import { createSealer, localKeyProvider, mysqlKeyStore, postgresKeyStore, sqliteKeyStore, type KeyStore, type Sealer } from '../../src/index.js';
import { typeormSqlConnection } from '../../src/keys/store/typeorm-sql-connection.js';
import { runReencrypt, runStatus, type ProtectedColumn } from '../../src/rotation/index.js';
import { unavailableReason } from '../support/databases.js';
import { TEST_KEK } from '../support/sealer.js';
import { privateMariadb, privateSchema, tempDir } from '../keys/store/support.js';
import { typeormMariadb, typeormPostgres, typeormSqlite, type DataSourceExtras } from './row-source-typeorm-support.js';

const ROWS = 60;
const suffix = randomBytes(4).toString('hex');
const usersTable = `tormrs_users_${suffix}`;

/** The application's entity: property names are not the column names. */
class Member {
  id!: number;
  email!: string | null;
  emailIndex!: string | null;
  note!: string;
  owner!: string;
}

const MemberSchema = new EntitySchema<Member>({
  name: 'Member',
  target: Member,
  tableName: usersTable,
  columns: {
    id: { type: Number, primary: true },
    email: { type: String, name: 'email_sealed', nullable: true },
    emailIndex: { type: String, name: 'email_bidx', nullable: true },
    note: { type: String, name: 'note_text' },
    owner: { type: String, name: 'owner_id' },
  },
});

/** A composite primary key: refused. */
const PairSchema = new EntitySchema<{ a: number; b: number; v: string }>({
  name: 'Pair',
  tableName: `tormrs_pairs_${suffix}`,
  columns: { a: { type: Number, primary: true }, b: { type: Number, primary: true }, v: { type: String } },
});

/** A view: refused. */
const MemberViewSchema = new EntitySchema<{ id: number }>({
  name: 'MemberView',
  type: 'view',
  expression: `SELECT id FROM ${usersTable}`,
  columns: { id: { type: Number, primaryKey: true } as never },
});

/** Counts the entity updates TypeORM announces for Member. */
const fired = { beforeUpdate: 0, afterUpdate: 0 };
class MemberSubscriber implements EntitySubscriberInterface<Member> {
  listenTo() {
    return Member;
  }
  beforeUpdate(_event: UpdateEvent<Member>) {
    fired.beforeUpdate++;
  }
  afterUpdate(_event: UpdateEvent<Member>) {
    fired.afterUpdate++;
  }
}

/** The job's columns, named by property. */
const columns: readonly ProtectedColumn[] = [
  { column: 'email', model: 'User', field: 'email', mode: 'randomized', rowBound: true, blindIndex: { column: 'emailIndex', normalize: 'email', bits: 64 } },
  { column: 'note', model: 'User', field: 'note', mode: 'randomized', subjectColumn: 'owner' },
];

const emailOf = (id: number) => `Member${id}@Example.com`;
const ownerOf = (id: number) => `customer-${id % 3}`;

const extras: DataSourceExtras = { entities: [MemberSchema, PairSchema, MemberViewSchema] };

interface Database {
  readonly dataSource: DataSource;
  readonly store: KeyStore;
  /** The users table, quoted and schema-qualified where there is a schema. */
  readonly table: string;
  /** Positional placeholder `n`. */
  param(n: number): string;
  close(): Promise<void>;
}

/** The scenario on one database. */
function entitySuite(open: () => Promise<Database>): void {
  let db: Database;
  let sealer: Sealer;
  beforeAll(async () => {
    db = await open();
    const { dataSource, table } = db;
    // Subscriber classes in the options must carry @EventSubscriber(); an instance can be added as is.
    dataSource.subscribers.push(new MemberSubscriber());
    const text = dataSource.options.type === 'postgres' ? 'text' : dataSource.options.type === 'better-sqlite3' ? 'TEXT' : 'TEXT';
    await dataSource.query(`CREATE TABLE ${table} (id integer NOT NULL PRIMARY KEY, email_sealed ${text}, email_bidx ${text}, note_text ${text} NOT NULL, owner_id ${text} NOT NULL)`);
    await db.store.migrate();
    sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: db.store });
    const ids = Array.from({ length: ROWS }, (_, i) => i + 1);
    const emails = await sealer.encryptMany(ids.map((id) => ({ value: emailOf(id), ctx: { model: 'User', field: 'email', row: id } })));
    const indexes = await sealer.blindIndexMany(ids.map((id) => ({ value: emailOf(id), options: { model: 'User', field: 'email', normalize: 'email' as const, bits: 64 } })));
    const notes = await sealer.encryptMany(ids.map((id) => ({ value: `note of ${id}`, ctx: { model: 'User', field: 'note', subject: ownerOf(id) } })));
    const p = db.param;
    for (const [i, id] of ids.entries()) {
      // Row 7 has no e-mail: NULL stays NULL.
      const email = id === 7 ? null : emails[i];
      const index = id === 7 ? null : indexes[i];
      await dataSource.query(`INSERT INTO ${table} (id, email_sealed, email_bidx, note_text, owner_id) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`, [id, email, index, notes[i], ownerOf(id)]);
    }
  });
  afterAll(async () => db?.close());

  it('resolves the table, the key and the column names from the entity metadata', async () => {
    const source = typeormRowSource(db.dataSource, Member);
    expect(source.keyColumn).toBe('id');
    expect(source.description).toContain(usersTable);
    await source.check(['email', 'emailIndex', 'note', 'owner']);
    const page = await source.page({ columns: ['email', 'owner'], limit: 2 });
    expect(page.map((r) => r.key)).toEqual([1n, 2n]);
    expect(Object.keys(page[0]?.values ?? {})).toEqual(['email', 'owner']);
    expect(page[1]?.values.owner).toBe(ownerOf(2));
    // The same entity by its EntitySchema and by its name.
    expect((await typeormRowSource(db.dataSource, MemberSchema).page({ columns: ['owner'], limit: 1 }))[0]?.values).toEqual({ owner: ownerOf(1) });
    expect((await typeormRowSource(db.dataSource, 'Member').page({ columns: ['note_text'], limit: 1 }))[0]?.values.note_text).toMatch(/^fs/);
    await expect(source.check(['nickname'])).rejects.toThrow(ConfigurationError);
    await expect(source.write([{ key: 1n, expected: { note: 'a', note_text: 'b' }, next: { note: 'c' } }])).rejects.toThrow(InvalidInputError);
  });

  it('reencrypt moves every value to the new key without firing the entity subscriber', async () => {
    const repository = db.dataSource.getRepository(Member);
    // The subscriber is live: an update through the repository fires it.
    const member = await repository.findOneByOrFail({ id: 1 });
    member.owner = 'someone else';
    await repository.save(member);
    member.owner = ownerOf(1);
    await repository.save(member);
    expect(fired).toEqual({ beforeUpdate: 2, afterUpdate: 2 });
    fired.beforeUpdate = 0;
    fired.afterUpdate = 0;

    await sealer.rotateDataKey();
    for (let owner = 0; owner < 3; owner++) await sealer.rotateDataKey({ subject: `customer-${owner}` });
    const source = typeormRowSource(db.dataSource, Member);
    const report = await runReencrypt({ sealer, source, columns, batchSize: 25 });
    expect(report).toMatchObject({ complete: true, rows: ROWS, conflicts: { count: 0 } });
    expect(report.changed).toBe(2 * ROWS - 1);
    expect(fired).toEqual({ beforeUpdate: 0, afterUpdate: 0 });

    const status = await runStatus({ sealer, source, columns });
    for (const column of status.columns) expect(column, column.column).toMatchObject({ plaintext: 0, malformed: 0, notCurrent: 0 });
    // Every value opens to what was sealed, read back through TypeORM.
    const members = await repository.find({ order: { id: 'ASC' } });
    expect(members).toHaveLength(ROWS);
    const withEmail = members.filter((m) => m.email !== null);
    expect(withEmail.map((m) => m.id)).not.toContain(7);
    const emails = await sealer.decryptMany(withEmail.map((m) => ({ text: m.email as string, ctx: { model: 'User', field: 'email', row: m.id } })));
    expect(emails).toEqual(withEmail.map((m) => emailOf(m.id)));
    const notes = await sealer.decryptMany(members.map((m) => ({ text: m.note, ctx: { model: 'User', field: 'note', subject: m.owner } })));
    expect(notes).toEqual(members.map((m) => `note of ${m.id}`));
    expect((await runReencrypt({ sealer, source, columns })).changed).toBe(0);
  });

  it('refuses an entity with a composite primary key, a view entity and an entity the data source does not have', () => {
    expect(() => typeormRowSource(db.dataSource, PairSchema)).toThrow(ConfigurationError);
    expect(() => typeormRowSource(db.dataSource, PairSchema)).toThrow(/Pair has a primary key of 2 columns \(a, b\); the rotation jobs need a single-column primary key/);
    expect(() => typeormRowSource(db.dataSource, MemberViewSchema)).toThrow(/MemberView is a view entity/);
    class Stranger {}
    expect(() => typeormRowSource(db.dataSource, Stranger)).toThrow(/Stranger is not an entity of this data source/);
  });
}

describe('typeorm entity on sqlite (better-sqlite3)', () => {
  entitySuite(async () => {
    const temp = tempDir();
    const dataSource = await typeormSqlite(join(temp.dir, 'app.db'), extras);
    return {
      dataSource,
      store: sqliteKeyStore({ connection: typeormSqlConnection(dataSource), table: `tormrs_keys_${suffix}` }),
      table: `"${usersTable}"`,
      param: () => '?',
      async close() {
        await dataSource.destroy();
        temp.remove();
      },
    };
  });
});

const postgresReason = await unavailableReason('postgresql');
describe.skipIf(postgresReason !== undefined)(postgresReason ?? 'typeorm entity on postgresql (the data source names the schema)', () => {
  entitySuite(async () => {
    const schema = await privateSchema('tormrs', 2);
    const dataSource = await typeormPostgres(schema.schema, extras);
    return {
      dataSource,
      store: postgresKeyStore({ connection: typeormSqlConnection(dataSource), schema: schema.schema, table: `tormrs_keys_${suffix}` }),
      table: `"${schema.schema}"."${usersTable}"`,
      param: (n) => `$${n}`,
      async close() {
        await dataSource.destroy();
        await schema.drop();
      },
    };
  });
});

const mysqlReason = await unavailableReason('mysql');
describe.skipIf(mysqlReason !== undefined)(mysqlReason ?? 'typeorm entity on mariadb', () => {
  entitySuite(async () => {
    const database = await privateMariadb('tormrs');
    const dataSource = await typeormMariadb(database.database, extras);
    return {
      dataSource,
      store: mysqlKeyStore({ connection: typeormSqlConnection(dataSource), table: `tormrs_keys_${suffix}` }),
      table: `\`${usersTable}\``,
      param: () => '?',
      async close() {
        await dataSource.destroy();
        await database.drop();
      },
    };
  });
});
