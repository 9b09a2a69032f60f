/**
 * The data inventory on SQLite, PostgreSQL and MariaDB: planted plain personal data
 * columns (by name, by values, inside free text) are all flagged; protected columns (with
 * personal data names), their blind index, sealed but unconfigured columns and ordinary
 * columns raise no alarm; no rendering holds a sampled value.
 */
import * as mariadb from 'mariadb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, InventoryError } from '../../src/index.js';
import { ibanRemainder } from '../../src/privacy/inventory/detectors.js';
import { inventory, inventoryJson, inventoryMarkdown, inventoryTable, type InventoryOptions, type InventoryProtectedColumn, type InventoryReport } from '../../src/privacy/index.js';
import { setLuhnDigit } from '../../src/tokenize/luhn.js';
import { unavailableReason } from '../support/databases.js';
import { testSealer } from '../support/sealer.js';
import { privateMariadb, privateSchema, sqliteFile, tempDir } from '../keys/store/support.js';

const ROWS = 30;
const NOW = new Date('2026-06-01T00:00:00Z');

const card = (i: number): string => {
  const digits = Array.from(`4${String(100_000_000_000_000 + i * 7919).slice(0, 15)}`, Number);
  setLuhnDigit(digits, 15, 0);
  return digits.join('');
};
const iban = (i: number): string => {
  const bban = `WEST${String(12_345_600_000_000 + i).padStart(14, '0')}`;
  return `GB${String(98 - ibanRemainder(`GB00${bban}`)).padStart(2, '0')}${bban}`;
};

/** The planted plain values of row i, column by column. */
function customerRow(i: number): Record<string, string> {
  return {
    email: `person${i}@example.com`,
    phone: `+44 20 7946 ${String(1000 + i)}`,
    ssn: `${String(100 + i)}-45-${String(1000 + i)}`,
    iban: iban(i),
    last_login_ip: `192.0.2.${i + 1}`,
    billing_address: `${i + 1} Main Street`,
    last_name: `Surname${i}`,
    contact: `contact${i}@example.net`,
    ref: card(i),
    notes: i % 5 === 0 ? `customer asked to be mailed at mail${i}@example.org` : 'no issue',
    status: i % 2 === 0 ? 'active' : 'closed',
    sku: `SKU-${1000 + i}`,
  };
}

const dob = (i: number): string => `19${50 + (i % 40)}-0${1 + (i % 9)}-15`;

/** Plain columns that must be flagged, with the kinds each must be flagged for. */
const PLANTED: Record<string, readonly string[]> = {
  email: ['email'],
  phone: ['phone'],
  ssn: ['ssn'],
  dob: ['date-of-birth'],
  iban: ['iban'],
  last_login_ip: ['ip-address'],
  billing_address: ['address'],
  last_name: ['name'],
  contact: ['email'],
  ref: ['card-number'],
  notes: ['email'],
};

const PROTECTED: readonly InventoryProtectedColumn[] = [
  { table: 'inv_accounts', column: 'email', mode: 'randomized', blindIndex: 'email_bidx', subjectColumn: 'owner' },
  { table: 'inv_accounts', column: 'ssn', mode: 'deterministic', scope: 'tenant-a' },
  { table: 'inv_accounts', column: 'gone', mode: 'randomized' },
];

type Dialect = 'postgres' | 'mysql' | 'sqlite';
type Raw = (sql: string, params?: readonly unknown[]) => Promise<void>;

/** Creates and fills the inv_ tables. */
async function plant(dialect: Dialect, raw: Raw): Promise<string[]> {
  const text = dialect === 'mysql' ? 'VARCHAR(255)' : 'TEXT';
  const date = dialect === 'sqlite' ? 'TEXT' : 'DATE';
  const stamp = dialect === 'postgres' ? 'TIMESTAMPTZ' : dialect === 'mysql' ? 'DATETIME' : 'TEXT';
  const p = (n: number) => (dialect === 'postgres' ? `$${n}` : '?');
  const q = (name: string) => (dialect === 'mysql' ? `\`${name}\`` : `"${name}"`);
  const plain = Object.keys(customerRow(0));
  await raw(`CREATE TABLE inv_customers (id INTEGER PRIMARY KEY, ${plain.map((c) => `${q(c)} ${text}`).join(', ')}, dob ${date}, created_at ${stamp})`);
  await raw(`CREATE TABLE inv_accounts (id INTEGER PRIMARY KEY, owner ${text}, email ${text}, email_bidx ${text}, ssn ${text}, phone ${text}, balance INTEGER)`);
  await raw(`CREATE TABLE inv_products (id INTEGER PRIMARY KEY, name ${text}, price INTEGER)`);
  const sealer = await testSealer();
  const sealed: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const row = customerRow(i);
    const values = [i + 1, ...plain.map((c) => row[c]), dob(i), '2024-01-0' + ((i % 9) + 1) + ' 10:00:00'];
    await raw(`INSERT INTO inv_customers (id, ${plain.map(q).join(', ')}, dob, created_at) VALUES (${values.map((_, n) => p(n + 1)).join(', ')})`, values);
    const owner = `cust-${i}`;
    const email = await sealer.encrypt(row.email as string, { model: 'Account', field: 'email', subject: owner });
    const index = await sealer.blindIndex(row.email as string, { model: 'Account', field: 'email' });
    const ssn = await sealer.encryptDeterministic(row.ssn as string, { model: 'Account', field: 'ssn', scope: 'tenant-a' });
    const phone = await sealer.encrypt(row.phone as string, { model: 'Account', field: 'phone' });
    sealed.push(email, ssn, phone, index);
    await raw(`INSERT INTO inv_accounts (id, owner, email, email_bidx, ssn, phone, balance) VALUES (${[1, 2, 3, 4, 5, 6, 7].map(p).join(', ')})`, [i + 1, owner, email, index, ssn, phone, 100 * i]);
    await raw(`INSERT INTO inv_products (id, name, price) VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [i + 1, `Widget ${i}`, 5 * i]);
  }
  return sealed;
}

/** Every value planted, which no rendering may contain. */
function plantedValues(sealed: readonly string[]): string[] {
  const values = [...sealed];
  for (let i = 0; i < ROWS; i++) values.push(...Object.values(customerRow(i)).filter((v) => v.length > 8), dob(i), `cust-${i}`, `Widget ${i}`);
  return values;
}

function columnOf(report: InventoryReport, table: string, column: string) {
  const found = report.tables.find((t) => t.name === table)?.columns.find((c) => c.name === column);
  if (found === undefined) throw new Error(`no ${table}.${column} in the report`);
  return found;
}

/** The checks every dialect shares. */
function checkReport(report: InventoryReport, sealed: readonly string[]): void {
  expect(report.tables.map((t) => t.name).filter((n) => n.startsWith('inv_'))).toEqual(['inv_accounts', 'inv_customers', 'inv_products']);
  const customers = report.tables.find((t) => t.name === 'inv_customers');
  expect(customers?.sampledRows).toBe(ROWS);
  // Every planted plain column is flagged, for its kind; nothing else is.
  const flagged = Object.fromEntries(customers?.columns.filter((c) => c.flagged).map((c) => [c.name, [...new Set(c.findings.map((f) => f.kind))]]) ?? []);
  expect(flagged).toEqual(PLANTED);
  expect(columnOf(report, 'inv_customers', 'email').findings).toEqual([
    { kind: 'email', by: 'name' },
    { kind: 'email', by: 'values', matched: ROWS, sampled: ROWS },
  ]);
  expect(columnOf(report, 'inv_customers', 'contact').findings).toEqual([{ kind: 'email', by: 'values', matched: ROWS, sampled: ROWS }]);
  expect(columnOf(report, 'inv_customers', 'ref').findings).toEqual([{ kind: 'card-number', by: 'values', matched: ROWS, sampled: ROWS }]);
  expect(columnOf(report, 'inv_customers', 'notes').findings).toEqual([{ kind: 'email', by: 'text', matched: ROWS / 5, sampled: ROWS }]);
  expect(columnOf(report, 'inv_customers', 'dob').findings).toEqual([
    { kind: 'date-of-birth', by: 'name' },
    { kind: 'date-of-birth', by: 'values', matched: ROWS, sampled: ROWS },
  ]);
  // Protected columns: no alarm, whatever their names.
  expect(columnOf(report, 'inv_accounts', 'email')).toMatchObject({
    status: 'protected',
    flagged: false,
    findings: [],
    protection: { mode: 'randomized', lookup: 'blind index email_bidx', scope: null, subjectColumn: 'owner' },
    sample: { rows: ROWS, nulls: 0, sealed: ROWS, other: 0 },
  });
  expect(columnOf(report, 'inv_accounts', 'email').unsealedValues).toBeUndefined();
  expect(columnOf(report, 'inv_accounts', 'ssn')).toMatchObject({ status: 'protected', flagged: false, protection: { mode: 'deterministic', lookup: 'deterministic', scope: 'tenant-a', subjectColumn: null } });
  expect(columnOf(report, 'inv_accounts', 'email_bidx')).toMatchObject({ status: 'lookup', flagged: false });
  expect(columnOf(report, 'inv_accounts', 'phone')).toMatchObject({ status: 'sealed-unlisted', flagged: false, findings: [] });
  for (const name of ['owner', 'balance', 'id']) expect(columnOf(report, 'inv_accounts', name)).toMatchObject({ status: 'plain', flagged: false });
  expect(columnOf(report, 'inv_products', 'name')).toMatchObject({ status: 'plain', flagged: false });
  expect(report.summary).toMatchObject({ protected: 2, lookup: 1, sealedUnlisted: 1, flagged: Object.keys(PLANTED).length, missingProtected: ['inv_accounts.gone'] });

  // No rendering holds a sampled value.
  const renderings = [inventoryJson(report), inventoryTable(report), inventoryMarkdown(report), JSON.stringify(report)];
  for (const value of plantedValues(sealed)) for (const text of renderings) expect(text.includes(value), value).toBe(false);
}

/** The inventory options of a test, narrowed to the inv_ tables. */
const scoped = (options: InventoryOptions): InventoryOptions => ({ tables: ['inv_customers', 'inv_accounts', 'inv_products'], protectedColumns: PROTECTED, now: NOW, ...options });

describe('inventory on SQLite', () => {
  const dir = tempDir();
  const database = sqliteFile(dir.dir);
  let sealed: string[];
  beforeAll(async () => {
    sealed = await plant('sqlite', async (sql, params = []) => void database.prepare(sql).run(...params));
  });
  afterAll(() => {
    database.close();
    dir.remove();
  });

  it('flags every planted plain personal data column and no protected, lookup or ordinary one; renders no value', async () => {
    const report = await inventory(scoped({ dialect: 'sqlite', database }));
    expect(report.dialect).toBe('sqlite');
    expect(report.tables[0]?.schema).toBe('main');
    checkReport(report, sealed);
  });

  it('renders a terminal table and a Markdown data map', async () => {
    const report = await inventory(scoped({ dialect: 'sqlite', database, tables: ['inv_accounts'] }));
    const table = inventoryTable(report).split('\n');
    expect(table[0]).toMatch(/^TABLE\s+COLUMN\s+TYPE\s+STATUS\s+EVIDENCE$/);
    expect(table.find((l) => /^inv_accounts\s+email\s/.test(l))).toMatch(/protected: randomized, blind index email_bidx, subject owner/);
    expect(table.find((l) => /^inv_accounts\s+phone\s/.test(l))).toMatch(/sealed \(not configured\)/);
    const flaggedOnly = inventoryTable(await inventory(scoped({ dialect: 'sqlite', database })), { flaggedOnly: true });
    expect(flaggedOnly.split('\n').filter((l) => l.startsWith('inv_'))).toHaveLength(Object.keys(PLANTED).length);
    expect(flaggedOnly).toMatch(/^inv_customers\s+ref\s/m);
    expect(flaggedOnly).toContain('card-number (values 30/30)');
    const markdown = inventoryMarkdown(await inventory(scoped({ dialect: 'sqlite', database })), { title: 'Shop data map' });
    expect(markdown.startsWith('# Shop data map\n')).toBe(true);
    expect(markdown).toContain('## Plain columns with probable personal data');
    expect(markdown).toContain('- `inv_customers.notes`: email (in text 6/30)');
    expect(markdown).toContain('### inv_accounts');
    expect(markdown).toContain('| email_bidx | TEXT | lookup (blind index) |  |');
    expect(markdown).toContain('## Configured protected columns not found\n\n- `inv_accounts.gone`');
  });

  it('names only with sampleRows 0; a partly backfilled protected column shows its unsealed values, counted', async () => {
    const names = await inventory(scoped({ dialect: 'sqlite', database, sampleRows: 0 }));
    expect(columnOf(names, 'inv_customers', 'contact').flagged).toBe(false);
    expect(columnOf(names, 'inv_customers', 'email').findings).toEqual([{ kind: 'email', by: 'name' }]);
    expect(names.tables.every((t) => t.sampledRows === 0)).toBe(true);
    database.prepare("UPDATE inv_accounts SET email = 'plain@example.com' WHERE id = 1").run();
    const partly = await inventory(scoped({ dialect: 'sqlite', database }));
    expect(columnOf(partly, 'inv_accounts', 'email')).toMatchObject({ status: 'protected', flagged: false, unsealedValues: 1 });
    expect(inventoryJson(partly)).not.toContain('plain@example.com');
  });

  it('bounded sampling, excluded tables, and bad options', async () => {
    const small = await inventory(scoped({ dialect: 'sqlite', database, sampleRows: 5 }));
    expect(small.tables.map((t) => t.sampledRows)).toEqual([5, 5, 5]);
    const without = await inventory({ dialect: 'sqlite', database, excludeTables: ['inv_customers'] });
    expect(without.tables.map((t) => t.name)).not.toContain('inv_customers');
    for (const bad of [{ sampleRows: -1 }, { sampleRows: 10_001 }, { minShare: 0 }, { schema: 'x' }, { protectedColumns: [{ table: 't', column: 'c', mode: 'hashed' }] }, { protectedColumns: [{ table: 't', column: 'c', mode: 'deterministic', subjectColumn: 'o' }] }]) {
      await expect(inventory({ dialect: 'sqlite', database, ...(bad as object) } as InventoryOptions)).rejects.toBeInstanceOf(ConfigurationError);
    }
    await expect(inventory({ dialect: 'oracle', database } as never)).rejects.toBeInstanceOf(ConfigurationError);
  });
});

const pgReason = await unavailableReason('postgresql');
describe.skipIf(pgReason !== undefined)(pgReason ?? 'inventory on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof privateSchema>>;
  let sealed: string[];
  beforeAll(async () => {
    db = await privateSchema('inv', 2);
    sealed = await plant('postgres', async (sql, params = []) => void (await db.pool.query(sql.replaceAll('CREATE TABLE ', `CREATE TABLE "${db.schema}".`).replaceAll('INSERT INTO ', `INSERT INTO "${db.schema}".`), [...params])));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('flags every planted plain personal data column and no protected, lookup or ordinary one; renders no value', async () => {
    const report = await inventory(scoped({ dialect: 'postgres', client: db.pool, schema: db.schema }));
    expect(report.tables[0]?.schema).toBe(db.schema);
    expect(columnOf(report, 'inv_customers', 'dob').type).toBe('date');
    checkReport(report, sealed);
  });

  it('personal data inside a jsonb column is found as text', async () => {
    await db.pool.query(`CREATE TABLE "${db.schema}".inv_events (id INTEGER PRIMARY KEY, payload JSONB)`);
    await db.pool.query(`INSERT INTO "${db.schema}".inv_events VALUES (1, $1), (2, $2)`, [JSON.stringify({ to: 'someone@example.com' }), JSON.stringify({ ok: true })]);
    const report = await inventory({ dialect: 'postgres', client: db.pool, schema: db.schema, tables: ['inv_events'] });
    expect(columnOf(report, 'inv_events', 'payload')).toMatchObject({ type: 'jsonb', flagged: true, findings: [{ kind: 'email', by: 'text', matched: 1, sampled: 2 }] });
    expect(inventoryJson(report)).not.toContain('someone@example.com');
  });

  it('a schema that does not exist is empty; a failing database is an InventoryError without values', async () => {
    const empty = await inventory({ dialect: 'postgres', client: db.pool, schema: 'inv_no_such_schema' });
    expect(empty.tables).toEqual([]);
    const failing = { query: async () => Promise.reject(Object.assign(new Error("relation 'secret@example.com' does not exist"), { code: '42P01' })), transaction: async () => Promise.reject(new Error('no')) };
    const error = await inventory({ dialect: 'postgres', connection: failing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InventoryError);
    expect((error as Error).message).toMatch(/catalog read failed/);
    expect((error as Error).message).not.toContain('secret@example.com');
  });
});

const mariadbReason = await unavailableReason('mysql');
describe.skipIf(mariadbReason !== undefined)(mariadbReason ?? 'inventory on MariaDB', () => {
  let db: Awaited<ReturnType<typeof privateMariadb>>;
  let pool: mariadb.Pool;
  let sealed: string[];
  beforeAll(async () => {
    db = await privateMariadb('inv');
    pool = mariadb.createPool({ ...db.config, connectionLimit: 2 });
    sealed = await plant('mysql', async (sql, params = []) => void (await pool.query(sql, [...params])));
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('flags every planted plain personal data column and no protected, lookup or ordinary one; renders no value', async () => {
    const report = await inventory(scoped({ dialect: 'mysql', pool }));
    expect(report.tables[0]?.schema).toBe(db.database);
    expect(columnOf(report, 'inv_customers', 'ssn').type).toBe('varchar(255)');
    checkReport(report, sealed);
  });

  it('table names compare without case, as MySQL does', async () => {
    const report = await inventory({ dialect: 'mysql', pool, tables: ['INV_ACCOUNTS'], protectedColumns: [{ table: 'INV_ACCOUNTS', column: 'EMAIL', mode: 'randomized' }] });
    expect(report.tables.map((t) => t.name)).toEqual(['inv_accounts']);
    expect(columnOf(report, 'inv_accounts', 'email').status).toBe('protected');
  });
});
