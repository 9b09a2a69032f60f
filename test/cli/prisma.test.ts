/**
 * The job commands on a Prisma application's SQLite database, configured from its schema's
 * annotations (`"prisma": { "schema": ... }` or `--prisma-schema`): rows written through
 * the Prisma extension are counted, backfilled, re-encrypted after `keys rotate` (and the
 * old key destroyed), verified, and still read back through the extension; `--model`
 * selects a model; mistakes in the schema or the command line are refused with a message.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../../prisma/generated/sqlite/client.js';
import { datamodel, fields } from '../../prisma/generated/sqlite/fieldseal.js';
import { fieldsealExtension } from '../../src/adapters/prisma/index.js';
import { localKeyProvider } from '../../src/keys/local-provider.js';
import { sqliteKeyStore } from '../../src/keys/store/sqlite-key-store.js';
import { createSealer, type Sealer } from '../../src/seal/sealer.js';
import { migrationSql } from '../support/databases.js';
import { CliProject, SQLITE_CONFIG } from './support.js';

const root = resolve(import.meta.dirname, '..', '..');
const SCHEMA = join(root, 'prisma/schema/sqlite/schema.prisma');
const USERS = 40;
const LEGACY = 15;

interface Report {
  table: string;
  rows: number;
  notes: string[];
  failureCount: number;
  columns: { column: string; sealed: number; plaintext: number; nulls: number; notCurrent: number; changed: number; indexed: number; keys: { keyId: string }[] }[];
}

let project: CliProject;
let app: Database.Database;
let keys: Database.Database;
let sealer: Sealer;
let base: PrismaClient;
let prisma: ReturnType<typeof extend>;
const users = Array.from({ length: USERS }, (_, i) => ({ id: randomUUID(), email: `Member${i}@Example.com`, ssn: `555-01-${String(1000 + i)}`, name: `Member ${i}` }));

function extend(client: PrismaClient, withSealer: Sealer) {
  return client.$extends(fieldsealExtension({ sealer: withSealer, fields, datamodel }));
}

async function reports(args: readonly string[]): Promise<Report[]> {
  return (JSON.parse(await project.ok([...args, '--json'])) as { reports: Report[] }).reports;
}

function columnOf(report: Report | undefined, name: string): Report['columns'][number] {
  const found = report?.columns.find((c) => c.column === name);
  if (found === undefined) expect.fail(`no column ${name} in ${report?.table ?? 'the report'}`);
  return found;
}

beforeAll(async () => {
  project = await CliProject.create({ ...SQLITE_CONFIG, database: { type: 'sqlite', path: 'app.db', create: true }, prisma: { schema: SCHEMA } });
  app = new Database(join(project.dir, 'app.db'));
  app.pragma('journal_mode = WAL');
  app.exec(migrationSql('sqlite'));
  keys = new Database(join(project.dir, 'keys.db'));
  keys.pragma('journal_mode = WAL');
  sealer = await createSealer({ provider: localKeyProvider({ keys: { main: project.kek } }), store: sqliteKeyStore({ database: keys }) });
  base = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${join(project.dir, 'app.db')}` }) });
  prisma = extend(base, sealer);
  for (const data of users) await prisma.user.create({ data: { ...data, card: '4111111111111111' } });
  // Rows written before RotationAccount's fields were protected: plaintext, no blind index.
  const insert = app.prepare('INSERT INTO rotation_accounts (account_id, email_address, pin) VALUES (?, ?, ?)');
  for (let i = 1; i <= LEGACY; i++) insert.run(i, `Old${i}@Example.com`, String(3000 + i));
});

afterAll(async () => {
  await base?.$disconnect();
  app?.close();
  keys?.close();
  await project?.remove();
});

// Each test runs the command several times (a process each): generous on a loaded 2-core machine.
describe('jobs on the models of a Prisma schema', { timeout: 240_000 }, () => {
  it('status --model counts the columns the annotations protect, and names the fields it skips', async () => {
    const [user] = await reports(['status', '--model', 'User']);
    expect(user?.table).toBe('User');
    expect(user?.columns.map((c) => c.column)).toEqual(['email', 'ssn', 'name']);
    expect(columnOf(user, 'email')).toMatchObject({ sealed: USERS, plaintext: 0, notCurrent: 0 });
    expect(user?.notes).toEqual([expect.stringMatching(/^User\.card skipped: an FPE field/)]);
    const text = await project.ok(['status', '--model', 'User']);
    expect(text).toContain(`User (sqlite:User): ${USERS} rows`);
    expect(text).toContain('note: User.card skipped');
    // @@map and @map: the model's table and columns under their database names.
    const [account] = await reports(['status', '--model', 'RotationAccount']);
    expect(account?.table).toBe('rotation_accounts');
    expect(account?.columns.map((c) => c.column)).toEqual(['email_address', 'pin', 'profile']);
    expect(columnOf(account, 'email_address')).toMatchObject({ plaintext: LEGACY, sealed: 0 });
  });

  it('backfill --model seals a migrating field with its blind index; the extension then finds the rows by it', async () => {
    expect(await prisma.rotationAccount.findUnique({ where: { emailIndex: 'old3@example.com' } })).toBeNull();
    const [backfilled] = await reports(['backfill', '--model', 'RotationAccount']);
    expect(columnOf(backfilled, 'email_address')).toMatchObject({ changed: LEGACY, indexed: LEGACY });
    expect(columnOf(backfilled, 'pin').changed).toBe(LEGACY);
    expect((await prisma.rotationAccount.findUnique({ where: { emailIndex: 'OLD3@example.com' } }))?.id).toBe(3);
    expect((await prisma.rotationAccount.findFirst({ where: { pin: 3007 } as never }))?.email).toBe('Old7@Example.com');
  });

  it('reencrypt after keys rotate covers every annotated model; the old key is refused, then destroyed; the extension reads every row', async () => {
    const { previous } = JSON.parse(await project.ok(['keys', 'rotate', '--json'])) as { previous: string };
    const refused = await project.run(['keys', 'destroy', previous]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`values still use it (${USERS} in User.email, ${USERS} in User.name, ${LEGACY} in rotation_accounts.email_address)`);
    const run = await project.run(['reencrypt', '--json']);
    expect(run.status).toBe(0);
    // Tag has only a deterministic column, under the lookup key: nothing to move.
    expect(run.stderr).toContain('fieldseal reencrypt: Tag: no randomized column, nothing to re-encrypt');
    const reencrypted = (JSON.parse(run.stdout) as { reports: Report[] }).reports;
    const tables = reencrypted.map((r) => r.table);
    expect(tables).toEqual(expect.arrayContaining(['User', 'Profile', 'Order', 'Item', 'Typed', 'Legacy', 'AnnotationOption', 'rotation_accounts']));
    expect(tables).not.toContain('Tag');
    const user = reencrypted.find((r) => r.table === 'User');
    expect([columnOf(user, 'email').changed, columnOf(user, 'name').changed, columnOf(user, 'ssn').changed]).toEqual([USERS, USERS, 0]);
    for (const report of await reports(['status'])) {
      for (const column of report.columns) expect(column.notCurrent, `${report.table}.${column.column}`).toBe(0);
    }
    expect(await project.ok(['verify'])).toContain(`User (sqlite:User): ${USERS} rows read, 0 failing`);
    expect(await project.ok(['keys', 'destroy', previous])).toContain(`destroyed data key ${previous}`);

    const reader = extend(base, await createSealer({ provider: localKeyProvider({ keys: { main: project.kek } }), store: sqliteKeyStore({ database: keys }) }));
    const read = await reader.user.findMany({ orderBy: { id: 'asc' } });
    expect(read.map(({ id, email, ssn, name, card }) => ({ id, email, ssn, name, card }))).toEqual(
      users.map((u) => ({ ...u, card: '4111111111111111' })).sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    expect((await reader.user.findUnique({ where: { emailIndex: 'member9@example.com' } }))?.id).toBe(users[9]?.id);
    expect((await reader.rotationAccount.findMany({ orderBy: { id: 'asc' } })).map((a) => a.email)).toEqual(Array.from({ length: LEGACY }, (_, i) => `Old${i + 1}@Example.com`));
  });

  it('--prisma-schema names the schema for a config without one, before or after the command', async () => {
    await project.writeConfig({ ...SQLITE_CONFIG, database: { type: 'sqlite', path: 'app.db' } }, 'plain.config.json');
    const after = JSON.parse(await project.ok(['status', '--config', 'plain.config.json', '--prisma-schema', SCHEMA, '--model', 'User', '--json'])) as { reports: Report[] };
    expect(after.reports.map((r) => r.table)).toEqual(['User']);
    const before = JSON.parse(await project.ok(['--prisma-schema', SCHEMA, '--config', 'plain.config.json', 'verify', '--model', 'RotationAccount', '--json'])) as { reports: Report[] };
    expect(before.reports[0]).toMatchObject({ table: 'rotation_accounts', failureCount: 0 });
    const none = await project.run(['status', '--config', 'plain.config.json', '--model', 'User']);
    expect([none.status, none.stderr]).toEqual([1, expect.stringContaining('names no Prisma schema')]);
  });

  it('refuses an unknown model, --model with --table, an invalid annotation and a database of another provider', async () => {
    const unknown = await project.run(['status', '--model', 'Nobody']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("fieldseal: CONFIGURATION_INVALID: --model Nobody: not among the protected Prisma models of fieldseal.config.json (User, Profile, Order");
    const both = await project.run(['status', '--model', 'User', '--table', 'User']);
    expect([both.status, both.stderr]).toEqual([2, expect.stringContaining('give --table or --model')]);

    await writeFile(join(project.dir, 'bad.prisma'), 'datasource db {\n  provider = "sqlite"\n}\n\nmodel Bad {\n  id     Int    @id\n  /// @fieldseal.encrypt(mode: sideways)\n  secret String\n}\n');
    const bad = await project.run(['status', '--prisma-schema', 'bad.prisma']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('prisma.schema: fieldseal: Bad.secret: mode must be randomized or deterministic');

    await writeFile(join(project.dir, 'pg.prisma'), 'datasource db {\n  provider = "postgresql"\n}\n\nmodel Pg {\n  id     Int    @id\n  /// @fieldseal.encrypt\n  secret String\n}\n');
    const other = await project.run(['status', '--prisma-schema', 'pg.prisma']);
    expect(other.status).toBe(1);
    expect(other.stderr).toContain("database.type is 'sqlite' but the Prisma schema's provider is 'postgresql'");

    await project.writeConfig({ ...SQLITE_CONFIG, prisma: { schema: SCHEMA, models: ['User'], client: 'x' } }, 'extra.config.json');
    const extra = await project.run(['status', '--config', 'extra.config.json']);
    expect([extra.status, extra.stderr]).toEqual([1, expect.stringContaining('prisma.client is not an option here (schema, models)')]);
  });

  it('prints no value, KEK or key', async () => {
    await project.expectNoLeak([...users.flatMap((u) => [u.email, u.ssn]), 'Old3@Example.com', '4111111111111111']);
  });
});
