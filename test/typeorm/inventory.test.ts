/**
 * The PII inventory of a TypeORM database with its protected columns read from the entity
 * decorators (`typeormInventoryColumns`): protected columns and their blind indexes are
 * not flagged; a plain column of e-mail addresses is; no sampled value is rendered. SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldsealDataSource, typeormInventoryColumns, typeormSqlConnection } from '../../src/adapters/typeorm/index.js';
import { inventory, inventoryMarkdown } from '../../src/privacy/index.js';
import { testSealer } from '../support/sealer.js';
import { Customer, Order, OrderLine } from './entities.js';
import { testDataSource, type TestDataSource } from './support.js';

let db: TestDataSource;

beforeAll(async () => {
  db = await testDataSource('sqlite', 'inventory', [Customer, Order, OrderLine]);
  const sealer = await testSealer();
  await fieldsealDataSource(db.dataSource, { sealer });
  const customers = db.dataSource.getRepository(Customer);
  for (let i = 0; i < 20; i++) await customers.save(customers.create({ name: `Reader ${i}`, email: `reader${i}@example.net`, ssn: `123-45-${String(1000 + i)}` }));
  await db.dataSource.query('CREATE TABLE torm_newsletter (id INTEGER PRIMARY KEY, contact TEXT)');
  for (let i = 0; i < 20; i++) await db.dataSource.query('INSERT INTO torm_newsletter (id, contact) VALUES (?, ?)', [i, `plain${i}@example.org`]);
});
afterAll(async () => {
  await db?.dispose();
});

describe('typeormInventoryColumns', () => {
  it('marks the decorated columns protected and their blind indexes as lookups; flags the plain e-mails only', async () => {
    const columns = typeormInventoryColumns(db.dataSource);
    expect(columns.find((c) => c.table === 'torm_customers' && c.column === 'email')).toMatchObject({ mode: 'randomized', lookupColumns: ['emailIndex'] });
    expect(columns.find((c) => c.table === 'torm_customers' && c.column === 'card')).toMatchObject({ mode: 'fpe' });
    const report = await inventory({ dialect: 'sqlite', connection: typeormSqlConnection(db.dataSource), protectedColumns: columns });
    const column = (table: string, name: string) => report.tables.find((t) => t.name === table)?.columns.find((c) => c.name === name);
    expect(column('torm_customers', 'email')).toMatchObject({ status: 'protected', flagged: false });
    expect(column('torm_customers', 'emailIndex')).toMatchObject({ status: 'lookup', flagged: false });
    expect(column('torm_customers', 'ssn')).toMatchObject({ status: 'protected', flagged: false });
    expect(column('torm_newsletter', 'contact')).toMatchObject({ status: 'plain', flagged: true });
    expect(inventoryMarkdown(report)).not.toContain('example.org');
  });
});
