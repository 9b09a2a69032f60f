/**
 * Data subjects on real databases (SQLite, PostgreSQL, MariaDB): 1,000 customers with
 * orders; the export of one is complete and holds nothing of the others; the erasure of
 * one leaves its values unreadable (KeyDestroyedError), its lookups finding nothing, the
 * other customers intact, and a receipt with no personal data that says exactly what was
 * done; a second erasure and an unknown subject are handled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErasureIncompleteError, KeyDestroyedError, SubjectNotFoundError, createSealer, fpeFormats, localKeyProvider, memoryKeyStore, type Sealer } from '../../src/index.js';
import { exportSubject, shredSubject, type SubjectTable } from '../../src/privacy/index.js';
import { mysqlRowSource, postgresRowSource, sqliteRowSource, type ProtectedColumn, type RowSource } from '../../src/rotation/index.js';
import { unavailableReason } from '../support/databases.js';
import { testPan } from '../support/cards.js';
import { TEST_KEK } from '../support/sealer.js';
import { mariadbTables, postgresTables, sqliteTables, type SqlTables } from '../rotation/support/sql-tables.js';

const CUSTOMERS = 1000;
const card = fpeFormats.card({ keep: { last: 4 } });
const customerColumns: ProtectedColumn[] = [
  { column: 'email', model: 'Customer', field: 'email', mode: 'randomized', rowBound: true, subjectColumn: 'customer_id', blindIndex: { column: 'email_bidx', normalize: 'email' } },
  { column: 'ssn', model: 'Customer', field: 'ssn', mode: 'deterministic' },
  { column: 'card', model: 'Customer', field: 'card', mode: 'fpe', format: card },
];
const orderColumns: ProtectedColumn[] = [
  { column: 'address', model: 'Order', field: 'address', mode: 'randomized', subjectColumn: 'customer_id' },
  // Sealed under the scope's key, not the subject's: erasure must clear it.
  { column: 'note', model: 'Order', field: 'note', mode: 'randomized' },
];
const cid = (i: number) => `c_${i}`;
const email = (i: number) => `customer${i}@example.com`;
const ssn = (i: number) => `${String(100 + (i % 800)).padStart(3, '0')}-${String(10 + (i % 89)).padStart(2, '0')}-${String(1000 + i).padStart(4, '0')}`;
const pan = (i: number): string => testPan('400000', i);

interface Shop {
  tables: SqlTables;
  sealer: Sealer;
  customers: RowSource;
  orders: RowSource;
  subjectTables: SubjectTable[];
}

async function seed(tables: SqlTables, source: (table: string) => RowSource): Promise<Shop> {
  const text = tables.dialect === 'mysql' ? 'VARCHAR(255)' : 'text';
  const big = tables.dialect === 'mysql' ? 'TEXT' : 'text';
  await tables.raw(`CREATE TABLE customers (id integer PRIMARY KEY, customer_id ${text} NOT NULL, name ${big}, email ${big}, email_bidx ${text} UNIQUE, ssn ${text} UNIQUE, card ${big})`);
  await tables.raw(`CREATE TABLE orders (id integer PRIMARY KEY, customer_id ${text} NOT NULL, address ${big}, note ${big})`);
  await tables.raw('CREATE INDEX customers_subject ON customers (customer_id)');
  await tables.raw('CREATE INDEX orders_subject ON orders (customer_id)');
  const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore() });
  const p = (n: number) => (tables.dialect === 'postgres' ? `$${n}` : '?');
  const customerRows: unknown[][] = [];
  const orderRows: unknown[][] = [];
  for (let i = 1; i <= CUSTOMERS; i++) {
    const subject = cid(i);
    customerRows.push([
      i,
      subject,
      `Name ${i}`,
      await sealer.encrypt(email(i), { model: 'Customer', field: 'email', row: i, subject }),
      await sealer.blindIndex(email(i), { model: 'Customer', field: 'email', normalize: 'email' }),
      await sealer.encryptDeterministic(ssn(i), { model: 'Customer', field: 'ssn' }),
      await sealer.fpe(pan(i), { model: 'Customer', field: 'card', format: card }),
    ]);
    for (let j = 0; j < (i % 4); j++) {
      const id = i * 10 + j;
      orderRows.push([id, subject, await sealer.encrypt(`${i} Main St, flat ${j}`, { model: 'Order', field: 'address', subject }), await sealer.encrypt(`gift for ${i}`, { model: 'Order', field: 'note' })]);
    }
  }
  const insert = async (table: string, columns: string[], rows: unknown[][]) => {
    for (let start = 0; start < rows.length; start += 100) {
      const chunk = rows.slice(start, start + 100);
      const params: unknown[] = [];
      const tuples = chunk.map((row) => `(${row.map((v) => (params.push(v), p(params.length))).join(', ')})`);
      await tables.raw(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
    }
  };
  await insert('customers', ['id', 'customer_id', 'name', 'email', 'email_bidx', 'ssn', 'card'], customerRows);
  await insert('orders', ['id', 'customer_id', 'address', 'note'], orderRows);
  const customers = source('customers');
  const orders = source('orders');
  return {
    tables,
    sealer,
    customers,
    orders,
    subjectTables: [
      { source: customers, name: 'Customer', subjectColumn: 'customer_id', columns: customerColumns, personalColumns: ['name'] },
      { source: orders, name: 'Order', subjectColumn: 'customer_id', columns: orderColumns },
    ],
  };
}

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

function suite(label: string, open: () => Promise<{ tables: SqlTables; source: (table: string) => RowSource }>): void {
  describe(label, () => {
    let shop: Shop;
    beforeAll(async () => {
      const { tables, source } = await open();
      shop = await seed(tables, source);
    }, 240_000);
    afterAll(async () => {
      await shop?.tables.close();
    });

    it('exports one subject completely, opened, and nothing of another', async () => {
      const text = await collect(exportSubject({ sealer: shop.sealer, subject: cid(42), tables: shop.subjectTables }));
      const doc = JSON.parse(text) as { format: string; subject: string; tables: Record<string, { key: string; fields: Record<string, unknown>; personal?: Record<string, unknown> }[]>; counts: Record<string, number> };
      expect(doc.format).toBe('fieldseal-subject-export/1');
      expect(doc.subject).toBe(cid(42));
      expect(doc.tables.Customer).toEqual([{ key: '42', fields: { email: email(42), ssn: ssn(42), card: pan(42) }, personal: { name: 'Name 42' } }]);
      expect(doc.tables.Order).toEqual([
        { key: '420', fields: { address: '42 Main St, flat 0', note: 'gift for 42' } },
        { key: '421', fields: { address: '42 Main St, flat 1', note: 'gift for 42' } },
      ]);
      expect(doc.counts).toEqual({ Customer: 1, Order: 2 });
      for (const other of [41, 43, 142, 420]) expect(text).not.toContain(email(other));
    });

    it('erases one subject: unreadable, not findable, others intact, with a receipt of what was done', async () => {
      const { sealer } = shop;
      const before = await shop.tables.raw(`SELECT email, email_bidx, ssn FROM customers WHERE id = 7`);
      const keys = (await sealer.listKeys({ scope: 'default#c_7', purpose: 'data' })).map((r) => r.id);
      expect(keys).toHaveLength(1);
      const receipt = await shredSubject({ sealer, subject: cid(7), tables: shop.subjectTables });
      expect(receipt).toMatchObject({
        format: 'fieldseal-erasure-receipt/1',
        complete: true,
        found: true,
        scope: 'default',
        keys: { destroyed: keys, alreadyDestroyed: [] },
        tables: [
          { table: 'Customer', rows: 1, cleared: { ssn: 1, card: 1, email_bidx: 1 }, shredded: ['email'] },
          { table: 'Order', rows: 3, cleared: { note: 3 }, shredded: ['address'] },
        ],
      });
      expect(receipt.subject).toEqual({ digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
      const serialized = JSON.stringify(receipt);
      for (const secret of [cid(7), email(7), ssn(7), pan(7), 'Main St']) expect(serialized).not.toContain(secret);
      // Unreadable: the randomized values stay, under a destroyed key.
      const [row] = await shop.tables.raw(`SELECT email, email_bidx, ssn, card, name FROM customers WHERE id = 7`);
      expect(row).toMatchObject({ email: before[0]?.email, email_bidx: null, ssn: null, card: null, name: 'Name 7' });
      await expect(sealer.decrypt(row?.email as string, { model: 'Customer', field: 'email', row: 7, subject: cid(7) })).rejects.toThrow(KeyDestroyedError);
      // Not findable by email or SSN.
      const p = shop.tables.dialect === 'postgres' ? '$1' : '?';
      expect(await shop.tables.raw(`SELECT id FROM customers WHERE email_bidx = ${p}`, [await sealer.blindIndex(email(7), { model: 'Customer', field: 'email', normalize: 'email' })])).toEqual([]);
      expect(await shop.tables.raw(`SELECT id FROM customers WHERE ssn = ${p}`, [await sealer.encryptDeterministic(ssn(7), { model: 'Customer', field: 'ssn' })])).toEqual([]);
      // Everyone else intact.
      for (const i of [1, 6, 8, 500, CUSTOMERS]) {
        const [other] = await shop.tables.raw(`SELECT id, email FROM customers WHERE email_bidx = ${p}`, [await sealer.blindIndex(email(i), { model: 'Customer', field: 'email', normalize: 'email' })]);
        expect(Number(other?.id)).toBe(i);
        expect(await sealer.decrypt(other?.email as string, { model: 'Customer', field: 'email', row: i, subject: cid(i) })).toBe(email(i));
      }
      const others = JSON.parse(await collect(exportSubject({ sealer, subject: cid(8), tables: shop.subjectTables }))) as { counts: Record<string, number> };
      expect(others.counts).toEqual({ Customer: 1, Order: 0 });
      // An export of the erased subject fails with the typed error; it never completes.
      await expect(collect(exportSubject({ sealer, subject: cid(7), tables: shop.subjectTables }))).rejects.toThrow(KeyDestroyedError);
      // Again: nothing left to do, and the receipt says so.
      const again = await shredSubject({ sealer, subject: cid(7), tables: shop.subjectTables, receiptSubject: 'id' });
      expect(again).toMatchObject({ complete: true, subject: { id: cid(7) }, keys: { destroyed: [], alreadyDestroyed: keys } });
      expect(again.tables.map((t) => Object.values(t.cleared).reduce((a, b) => a + b, 0))).toEqual([0, 0]);
    });

    it('refuses an unknown subject (or reports it, when allowed) and bad subject ids', async () => {
      await expect(shredSubject({ sealer: shop.sealer, subject: 'c_nobody', tables: shop.subjectTables })).rejects.toThrow(SubjectNotFoundError);
      const receipt = await shredSubject({ sealer: shop.sealer, subject: 'c_nobody', tables: shop.subjectTables, allowUnknown: true });
      expect(receipt).toMatchObject({ complete: true, found: false, keys: { destroyed: [], alreadyDestroyed: [] } });
      await expect(shredSubject({ sealer: shop.sealer, subject: 'bad subject!', tables: shop.subjectTables })).rejects.toThrow(/subject must be/);
    });

    it('an erasure that stops part of the way says what it did and finishes when run again', async () => {
      let calls = 0;
      const failing: RowSource = {
        ...shop.orders,
        check: (c) => shop.orders.check(c),
        bounds: () => shop.orders.bounds(),
        page: (p) => shop.orders.page(p),
        write: async (w) => {
          calls++;
          throw new Error('connection lost');
        },
      };
      const tables = [shop.subjectTables[0] as SubjectTable, { ...(shop.subjectTables[1] as SubjectTable), source: failing }];
      const error = await shredSubject({ sealer: shop.sealer, subject: cid(9), tables }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ErasureIncompleteError);
      expect((error as ErasureIncompleteError).receipt).toMatchObject({ complete: false, keys: { destroyed: [] }, tables: [{ table: 'Customer', rows: 1 }] });
      expect(calls).toBe(1);
      expect(await shop.sealer.decrypt((await shop.tables.raw('SELECT email FROM customers WHERE id = 9'))[0]?.email as string, { model: 'Customer', field: 'email', row: 9, subject: cid(9) })).toBe(email(9));
      const done = await shredSubject({ sealer: shop.sealer, subject: cid(9), tables: shop.subjectTables });
      expect(done).toMatchObject({ complete: true, tables: [{ table: 'Customer', cleared: { email_bidx: 0, ssn: 0 } }, { table: 'Order', rows: 1, cleared: { note: 1 } }] });
      expect(done.keys.destroyed).toHaveLength(1);
    });
  });
}

suite('sqlite', async () => {
  const tables = sqliteTables();
  return { tables, source: (table) => sqliteRowSource({ database: tables.database, table, keyColumn: 'id' }) };
});

const postgresReason = await unavailableReason('postgresql');
describe.skipIf(postgresReason !== undefined)(postgresReason ?? 'on a PostgreSQL server', () => {
  suite('postgresql', async () => {
    const tables = await postgresTables();
    return { tables, source: (table) => postgresRowSource({ client: tables.pool, table, keyColumn: 'id' }) };
  });
});

const mariadbReason = await unavailableReason('mysql');
describe.skipIf(mariadbReason !== undefined)(mariadbReason ?? 'on a MariaDB server', () => {
  suite('mariadb', async () => {
    const tables = await mariadbTables();
    return { tables, source: (table) => mysqlRowSource({ pool: tables.pool, table, keyColumn: 'id' }) };
  });
});
