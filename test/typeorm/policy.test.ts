/**
 * Purpose-based access through the TypeORM adapter, on SQLite and PostgreSQL: clear for a
 * purpose the policy allows, the mask (a string, whatever the column's type) or null for
 * another, a denied column fails the read with AccessDeniedError; an entity loaded with a
 * mask cannot be saved back with it (the mask would replace the value).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fieldsealDataSource } from '../../src/adapters/typeorm/index.js';
import { AccessDeniedError, InvalidInputError, type Sealer } from '../../src/index.js';
import { callbackAuditSink, withAccess, type AccessPolicy, type AuditEvent } from '../../src/privacy/index.js';
import { testSealer } from '../support/sealer.js';
import { unavailableReason, type DatabaseKind } from '../support/databases.js';
import { Customer, entities, Order } from './entities.js';
import { testDataSource, type TestDataSource } from './support.js';

const policy: AccessPolicy = {
  purposes: ['admin', 'support', 'billing', 'kyc', 'analytics'],
  fields: {
    'Customer.email': { purposes: ['admin', 'support', 'billing'], otherwise: { mask: 'email' } },
    'Customer.ssn': { purposes: ['admin', 'kyc'] },
    'Customer.card': { purposes: ['admin', 'billing'], otherwise: { mask: 'card' } },
    'Customer.phone': { purposes: ['admin', 'support'], otherwise: 'null' },
    'Order.amount': { purposes: ['admin', 'billing'], otherwise: { mask: 'redact' } },
  },
};

const as = <R>(purpose: string, fn: () => Promise<R>): Promise<R> => withAccess({ actor: 'agent-7', purpose }, async () => await fn());

/** Every column but ssn, for purposes that may not read it. */
const withoutSsn = { id: true, name: true, email: true, card: true, phone: true } as const;

function policySuite(kind: DatabaseKind): void {
  let db: TestDataSource;
  let sealer: Sealer;
  const events: AuditEvent[] = [];
  let alice: string;
  let order: string;
  let email: string;

  beforeAll(async () => {
    sealer = await testSealer({ policy, audit: { sink: callbackAuditSink((event) => void events.push(event)) } });
    db = await testDataSource(kind, 'policy', entities);
    await fieldsealDataSource(db.dataSource, { sealer });
  });
  beforeEach(async () => {
    order = randomUUID();
    email = `alice.${order.slice(0, 8)}@example.com`; // the email index is unique; the mask is the same
    await as('admin', async () => {
      const repo = db.dataSource.getRepository(Customer);
      const saved = await repo.save(repo.create({ name: 'Alice', email, ssn: '123-45-6789', card: '4111111111111111', phone: '+1 415 555 0100' }));
      alice = saved.id;
      await db.dataSource.getRepository(Order).save({ id: order, amount: '12.50', note: null, customer: saved } as Order);
    });
    events.length = 0;
  });
  afterAll(async () => db?.dispose());

  const customers = () => db.dataSource.getRepository(Customer);

  it('clear for a purpose the policy allows', async () => {
    const found = await as('admin', () => customers().findOneBy({ id: alice }));
    expect(found).toMatchObject({ email, ssn: '123-45-6789', card: '4111111111111111', phone: '+1 415 555 0100' });
  });

  it('masks and nulls for other purposes, in repositories and QueryBuilder reads; one audited batch', async () => {
    const analytics = await as('analytics', () => customers().findOne({ where: { id: alice }, select: withoutSsn }));
    expect(analytics).toMatchObject({ name: 'Alice', email: 'a***@example.com', card: '************1111', phone: null });
    expect(events.find((e) => e.operation === 'decrypt')).toMatchObject({ purpose: 'analytics', masked: 1 });
    const billing = await as('billing', () => customers().createQueryBuilder('c').select(['c.id', 'c.email', 'c.card', 'c.phone']).where('c.id = :id', { id: alice }).getOne());
    expect(billing).toMatchObject({ email, card: '4111111111111111', phone: null });
    expect(JSON.stringify(events)).not.toContain('alice@');
  });

  it('a mask takes the place of a typed (decimal) value without conversion', async () => {
    const orders = db.dataSource.getRepository(Order);
    expect((await as('support', () => orders.findOneBy({ id: order })))?.amount).toBe('[REDACTED]');
    expect((await as('billing', () => orders.findOneBy({ id: order })))?.amount).toBe('12.5');
  });

  it('a denied column fails the read with AccessDeniedError naming entity, column and purpose, never a value', async () => {
    const error = await as('support', () => customers().findOneBy({ id: alice })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ code: 'ACCESS_DENIED', model: 'Customer', field: 'ssn', purpose: 'support', reason: 'purpose' });
    expect(String((error as Error).message)).not.toContain('123-45');
    expect((await as('kyc', () => customers().findOne({ where: { id: alice }, select: { id: true, ssn: true } })))?.ssn).toBe('123-45-6789');
    await expect(customers().findOne({ where: { id: alice }, select: { id: true, email: true } })).rejects.toMatchObject({ code: 'ACCESS_DENIED', reason: 'no-access' });
  });

  it('an entity loaded with a mask is not saved back with it; a new value, or leaving it out, is written', async () => {
    // kyc sees ssn, email masked, card masked (an FPE column), phone null.
    await as('kyc', async () => {
      const loaded = (await customers().findOneBy({ id: alice })) as Customer;
      expect(loaded).toMatchObject({ email: 'a***@example.com', ssn: '123-45-6789', card: '************1111', phone: null });
      loaded.name = 'Alicia';
      const error = await customers().save(loaded).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(String((error as Error).message)).toMatch(/^Customer\.email holds the mask it was read as/);
      await customers().update({ id: alice }, { name: 'Alicia' });
      loaded.email = 'alicia@example.com';
      delete (loaded as Partial<Customer>).card;
      await customers().save(loaded);
    });
    // A purpose whose reload of the row hits a denied column cannot save at all (fail closed).
    await expect(as('analytics', async () => customers().save({ id: alice, name: 'Al' } as Customer))).rejects.toBeInstanceOf(AccessDeniedError);
    expect(await as('admin', () => customers().findOneBy({ id: alice }))).toMatchObject({ name: 'Alicia', email: 'alicia@example.com', card: '4111111111111111', phone: '+1 415 555 0100', ssn: '123-45-6789' });
  });
}

for (const kind of ['sqlite', 'postgresql'] as const) {
  const skip = await unavailableReason(kind);
  describe.skipIf(skip !== undefined)(`typeorm adapter under an access policy on ${kind}`, () => policySuite(kind));
}
