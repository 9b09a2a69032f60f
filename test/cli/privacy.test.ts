/**
 * `fieldseal subject export | shred` and `fieldseal inventory` on SQLite: the export is the
 * subject's data, opened; the receipt holds no personal data; the erased subject no longer
 * opens nor is found; the inventory flags a planted plain column of e-mail addresses (exit
 * 1), leaves the protected ones alone, and exits 0 on a clean table.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyDestroyedError } from '../../src/errors.js';
import { localKeyProvider } from '../../src/keys/local-provider.js';
import { sqliteKeyStore } from '../../src/keys/store/sqlite-key-store.js';
import { createSealer, type Sealer } from '../../src/seal/sealer.js';
import { CliProject, SQLITE_CONFIG } from './support.js';

const CONFIG = {
  ...SQLITE_CONFIG,
  tables: {
    customers: {
      primaryKey: 'id',
      subjectColumn: 'customer_id',
      personalColumns: ['city'],
      columns: [
        { column: 'email', model: 'Customer', field: 'email', mode: 'randomized', rowBound: true, subjectColumn: 'customer_id', blindIndex: { column: 'email_idx', normalize: 'email' } },
        { column: 'ssn', model: 'Customer', field: 'ssn', mode: 'deterministic' },
      ],
    },
  },
};
const email = (i: number) => `buyer${i}@example.org`;

let project: CliProject;
let db: Database.Database;
let sealer: Sealer;

beforeAll(async () => {
  project = await CliProject.create(CONFIG);
  db = new Database(join(project.dir, 'keys.db'));
  db.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, city TEXT, email TEXT, email_idx TEXT UNIQUE, ssn TEXT)');
  db.exec('CREATE TABLE newsletter (id INTEGER PRIMARY KEY, address TEXT, created TEXT)');
  db.exec("CREATE TABLE settings (id INTEGER PRIMARY KEY, theme TEXT)");
  db.exec("INSERT INTO settings (id, theme) VALUES (1, 'dark'), (2, 'light')");
  sealer = await createSealer({ provider: localKeyProvider({ keys: { main: project.kek } }), store: sqliteKeyStore({ database: db }) });
  const insert = db.prepare('INSERT INTO customers (id, customer_id, city, email, email_idx, ssn) VALUES (?, ?, ?, ?, ?, ?)');
  for (let i = 1; i <= 20; i++) {
    const subject = `cust-${i}`;
    insert.run(
      i,
      subject,
      `City ${i}`,
      await sealer.encrypt(email(i), { model: 'Customer', field: 'email', row: i, subject }),
      await sealer.blindIndex(email(i), { model: 'Customer', field: 'email', normalize: 'email' }),
      await sealer.encryptDeterministic(`ssn ${i}`, { model: 'Customer', field: 'ssn' }),
    );
  }
  const plain = db.prepare('INSERT INTO newsletter (id, address, created) VALUES (?, ?, ?)');
  for (let i = 1; i <= 30; i++) plain.run(i, `reader${i}@example.net`, '2026-01-01');
});
afterAll(async () => {
  db.close();
  await project.remove();
});

describe('fieldseal subject and inventory', { timeout: 300_000 }, () => {
  it('exports a subject, then erases it with a receipt', async () => {
    const doc = JSON.parse(await project.ok(['subject', 'export', 'cust-3'])) as { tables: { customers: { key: string; fields: Record<string, unknown>; personal: Record<string, unknown> }[] } };
    expect(doc.tables.customers).toEqual([{ key: '3', fields: { email: email(3), ssn: 'ssn 3' }, personal: { city: 'City 3' } }]);
    const out = await project.ok(['subject', 'shred', 'cust-3']);
    const receipt = JSON.parse(out) as { complete: boolean; keys: { destroyed: string[] }; tables: { rows: number; cleared: Record<string, number>; shredded: string[] }[] };
    expect(receipt).toMatchObject({ complete: true, tables: [{ table: 'customers', rows: 1, cleared: { ssn: 1, email_idx: 1 }, shredded: ['email'] }] });
    expect(receipt.keys.destroyed).toHaveLength(1);
    for (const secret of ['cust-3', email(3), 'ssn 3', 'City 3']) expect(out).not.toContain(secret);
    const row = db.prepare('SELECT email, email_idx, ssn FROM customers WHERE id = 3').get() as { email: string; email_idx: null; ssn: null };
    expect(row.email_idx).toBeNull();
    expect(row.ssn).toBeNull();
    // A new Sealer (no cache) sees the key destroyed.
    const fresh = await createSealer({ provider: localKeyProvider({ keys: { main: project.kek } }), store: sqliteKeyStore({ database: db }) });
    await expect(fresh.decrypt(row.email, { model: 'Customer', field: 'email', row: 3, subject: 'cust-3' })).rejects.toThrow(KeyDestroyedError);
    const unknown = await project.run(['subject', 'shred', 'cust-none']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/SUBJECT_NOT_FOUND/);
  });

  it('inventory flags the plain e-mail column, not the protected ones, and gates with its exit status', async () => {
    const flagged = await project.run(['inventory', '--json']);
    expect(flagged.status).toBe(1);
    const report = JSON.parse(flagged.stdout) as { tables: { name: string; columns: { name: string; status: string; flagged: boolean }[] }[] };
    const column = (table: string, name: string) => report.tables.find((t) => t.name === table)?.columns.find((c) => c.name === name);
    expect(column('newsletter', 'address')).toMatchObject({ status: 'plain', flagged: true });
    expect(column('customers', 'email')).toMatchObject({ status: 'protected', flagged: false });
    expect(column('customers', 'email_idx')).toMatchObject({ status: 'lookup', flagged: false });
    expect(column('customers', 'ssn')).toMatchObject({ status: 'protected', flagged: false });
    expect(flagged.stdout).not.toContain('example.net');
    const markdown = await project.run(['inventory', '--markdown']);
    expect(markdown.stdout).toMatch(/^# /);
    expect(markdown.stdout).not.toContain('reader1@');
    // City is plain personal data (declared for the export, not protected): flagged too.
    expect(column('customers', 'city')).toMatchObject({ status: 'plain', flagged: true });
    const clean = await project.run(['inventory', '--table', 'settings']);
    expect(clean.stderr).toBe('');
    expect(clean.status).toBe(0);
  });
});
