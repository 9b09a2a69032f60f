/** Declaring, writing and reading protected columns through repositories, the EntityManager and BaseEntity. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Equal, In, IsNull, Not } from 'typeorm';
import { fieldsealDataSource, type FieldsealDataSource } from '../../../src/adapters/typeorm/index.js';
import { isLuhnValid, type Sealer } from '../../../src/index.js';
import { testSealer } from '../../support/sealer.js';
import type { DatabaseKind } from '../../support/databases.js';
import { Account, Customer, entities, Order, OrderLine, Typed } from '../entities.js';
import { rawColumn, testDataSource, type TestDataSource } from '../support.js';

export function crudSuite(kind: DatabaseKind): void {
  describe('reads and writes', () => {
    let db: TestDataSource;
    let sealer: Sealer;
    let fieldseal: FieldsealDataSource;

    beforeAll(async () => {
      sealer = await testSealer();
      db = await testDataSource(kind, 'crud', entities);
      fieldseal = await fieldsealDataSource(db.dataSource, { sealer });
      Account.useDataSource(db.dataSource);
    });
    afterAll(async () => db?.dispose());

    const raw = async (table: string, column: string, id: string): Promise<unknown> => rawColumn(db, table, column, id);

    it('saves sealed values, finds by blind index and deterministic value, and reads plaintext back', async () => {
      const repo = db.dataSource.getRepository(Customer);
      const saved = await repo.save(repo.create({ name: 'Alice', email: 'Alice@Example.com', ssn: '123-45-6789', card: '4111111111111111', phone: '+1 415 555 0100' }));
      expect(saved.email).toBe('Alice@Example.com');
      expect(typeof saved.id).toBe('string');
      const storedEmail = (await raw('torm_customers', 'email', saved.id)) as string;
      expect(sealer.isSealed(storedEmail)).toBe(true);
      expect(storedEmail).not.toContain('Alice');
      const storedCard = (await raw('torm_customers', 'card', saved.id)) as string;
      expect(storedCard).toHaveLength(16);
      expect(storedCard.endsWith('1111')).toBe(true);
      expect(isLuhnValid(storedCard)).toBe(true);
      expect(storedCard).not.toBe('4111111111111111');

      const byEmail = await repo.findOneBy({ email: 'alice@example.com' });
      expect(byEmail).toMatchObject({ id: saved.id, name: 'Alice', email: 'Alice@Example.com', ssn: '123-45-6789', card: '4111111111111111', phone: '+1 415 555 0100' });
      expect(await repo.findOneBy({ ssn: '123-45-6789' })).toMatchObject({ id: saved.id });
      expect(await repo.findOneBy({ card: '4111111111111111' })).toMatchObject({ id: saved.id });
      expect(await repo.findOneBy({ phone: '+1 415 555 0100' })).toMatchObject({ id: saved.id });
      expect(await repo.existsBy({ email: 'ALICE@example.com' })).toBe(true);
      expect(await repo.countBy({ ssn: '000-00-0000' })).toBe(0);
    });

    it('answers In, Not, Equal, IsNull and where arrays on protected columns', async () => {
      const repo = db.dataSource.getRepository(Customer);
      await repo.save([
        repo.create({ name: 'Bob', email: 'bob@example.com', ssn: '111-11-1111' }),
        repo.create({ name: 'Carol', email: 'carol@example.com', ssn: null }),
      ]);
      const names = (rows: Customer[]) => rows.map((r) => r.name).sort();
      expect(names(await repo.findBy({ email: In(['bob@example.com', 'carol@example.com']) }))).toEqual(['Bob', 'Carol']);
      expect(names(await repo.findBy({ ssn: Equal('111-11-1111') }))).toEqual(['Bob']);
      expect(names(await repo.findBy({ ssn: IsNull(), name: In(['Bob', 'Carol']) }))).toEqual(['Carol']);
      expect(names(await repo.findBy({ ssn: Not('111-11-1111'), name: In(['Bob', 'Carol']) }))).toEqual([]);
      expect(names(await repo.findBy({ email: Not(In(['bob@example.com'])), name: In(['Bob', 'Carol']) }))).toEqual(['Carol']);
      expect(names(await repo.findBy([{ email: 'bob@example.com' }, { ssn: '123-45-6789' }]))).toEqual(['Alice', 'Bob']);
      expect(names(await repo.find({ where: { email: 'carol@example.com' }, select: { id: true, name: true, email: true } }))).toEqual(['Carol']);
      await expect(repo.findOneByOrFail({ email: 'nobody@example.com' })).rejects.toThrow(/Could not find/);
      expect(await repo.findOneByOrFail({ email: 'bob@example.com' })).toMatchObject({ name: 'Bob' });
    });

    it('round-trips every value type, randomized and deterministic', async () => {
      const repo = db.dataSource.getRepository(Typed);
      const at = new Date('2024-02-29T12:34:56.789Z');
      const row = repo.create({
        id: randomUUID(),
        num: -12.5,
        big: 9007199254740993n,
        at,
        doc: { a: [1, 'two', null], b: { c: true } },
        blob: Buffer.from([0, 1, 2, 255]),
        flag: false,
        amount: '00123.4500',
        dnum: 42,
        dat: at,
        damount: '-0.50',
        dbig: -5n,
        dflag: true,
        pan: '5500005555555559',
        ssn: '123-45-6789',
      });
      await repo.save(row);
      const back = await repo.findOneByOrFail({ id: row.id });
      expect(back.num).toBe(-12.5);
      expect(back.big).toBe(9007199254740993n);
      expect(back.at).toEqual(at);
      expect(back.doc).toEqual({ a: [1, 'two', null], b: { c: true } });
      expect(Buffer.isBuffer(back.blob)).toBe(true);
      expect([...(back.blob as Buffer)]).toEqual([0, 1, 2, 255]);
      expect(back.flag).toBe(false);
      expect(back.amount).toBe('123.45');
      expect(back.dnum).toBe(42);
      expect(back.dat).toEqual(at);
      expect(back.damount).toBe('-0.5');
      expect(back.dbig).toBe(-5n);
      expect(back.dflag).toBe(true);
      expect(back.pan).toBe('5500005555555559');
      expect(back.ssn).toBe('123-45-6789');
      expect(await repo.findOneBy({ pan: '5500005555555559' })).toMatchObject({ id: row.id });
      expect(await repo.findOneBy({ ssn: '123-45-6789' })).toMatchObject({ id: row.id });
      expect(await repo.findOneBy({ dnum: 42 })).toMatchObject({ id: row.id });
      expect(await repo.findOneBy({ dat: new Date(at.getTime()) })).toMatchObject({ id: row.id });
      expect(await repo.findOneBy({ damount: '-.5'.replace('-.', '-0.') })).toMatchObject({ id: row.id });
      expect(await repo.findOneBy({ damount: '-0.500' })).toMatchObject({ id: row.id });
      expect(await repo.findOneBy({ dbig: -5n })).toMatchObject({ id: row.id });
      expect(await repo.findOneBy({ dflag: true })).toMatchObject({ id: row.id });
      // JSON scalars and nulls
      await repo.save(repo.create({ id: randomUUID(), doc: 'just text', num: null, dnum: null }));
      const scalar = await repo.findOneByOrFail({ doc: IsNull() as never, num: IsNull() }).catch(() => undefined);
      expect(scalar).toBeUndefined();
    });

    it('insert, update, upsert, remove and softRemove through repositories', async () => {
      const repo = db.dataSource.getRepository(Customer);
      const id = randomUUID();
      const values = { id, name: 'Dan', email: 'dan@example.com', ssn: '222-22-2222' };
      await repo.insert(values);
      expect(values.email).toBe('dan@example.com');
      expect(await repo.findOneBy({ email: 'dan@example.com' })).toMatchObject({ id });
      await repo.update(id, { email: 'daniel@example.com' });
      expect(await repo.findOneBy({ email: 'dan@example.com' })).toBeNull();
      expect(await repo.findOneBy({ email: 'daniel@example.com' })).toMatchObject({ id, name: 'Dan' });
      await repo.update({ ssn: '222-22-2222' }, { name: 'Daniel' });
      expect(await repo.findOneBy({ id })).toMatchObject({ name: 'Daniel', email: 'daniel@example.com' });
      await repo.upsert({ id, name: 'Dani', email: 'dani@example.com', ssn: '222-22-2222' }, ['id']);
      expect(await repo.findOneBy({ email: 'dani@example.com' })).toMatchObject({ id, name: 'Dani' });
      const found = await repo.findOneByOrFail({ id });
      await repo.remove(found);
      expect(await repo.findOneBy({ id })).toBeNull();
      expect(found.email).toBe('dani@example.com');
    });

    it('saves and loads nested relations with cascades, select and nested where', async () => {
      const repo = db.dataSource.getRepository(Customer);
      const customer = repo.create({
        name: 'Erin',
        email: 'erin@example.com',
        orders: [
          { id: randomUUID(), amount: '19.99', note: 'leave at door', reference: 'AbCdEf12', lines: [{ sku: 'SKU-1', code: '98765432' }, { sku: 'SKU-2', code: null }] },
          { id: randomUUID(), amount: '5', note: null, reference: null, lines: [] },
        ],
      });
      await repo.save(customer);
      expect(customer.orders[0]?.note).toBe('leave at door');
      const loaded = await repo.findOneOrFail({ where: { email: 'erin@example.com' }, relations: { orders: { lines: true } } });
      const orders = [...loaded.orders].sort((a, b) => Number(a.amount) - Number(b.amount));
      expect(orders.map((o) => o.amount)).toEqual(['5', '19.99']);
      expect(orders[1]).toMatchObject({ note: 'leave at door', reference: 'AbCdEf12' });
      expect(orders[1]?.lines.map((l) => [l.sku, l.code]).sort()).toEqual([
        ['SKU-1', '98765432'],
        ['SKU-2', null],
      ]);
      const byLine = await db.dataSource.getRepository(Order).find({ where: { lines: { sku: 'SKU-1' }, customer: { email: 'erin@example.com' } }, relations: { customer: true } });
      expect(byLine.map((o) => o.customer.email)).toEqual(['erin@example.com']);
      const lines = await db.dataSource.getRepository(OrderLine).find({ where: { order: { reference: 'AbCdEf12' } }, select: { id: true, sku: true } });
      expect(lines.map((l) => l.sku).sort()).toEqual(['SKU-1', 'SKU-2']);
    });

    it('ActiveRecord: BaseEntity save, findOneBy, softRemove, recover, remove', async () => {
      const account = Account.create({ handle: 'frank', secret: 's3cret' });
      await account.save();
      expect(account.secret).toBe('s3cret');
      const found = await Account.findOneByOrFail({ handle: 'frank' });
      expect(found).toMatchObject({ id: account.id, secret: 's3cret' });
      found.secret = 'changed';
      await found.save();
      expect((await Account.findOneByOrFail({ handle: 'frank' })).secret).toBe('changed');
      await found.softRemove();
      expect(await Account.findOneBy({ handle: 'frank' })).toBeNull();
      expect(await Account.findOne({ where: { handle: 'frank' }, withDeleted: true })).toMatchObject({ secret: 'changed' });
      await found.recover();
      expect(await Account.existsBy({ handle: 'frank' })).toBe(true);
      await found.remove();
      expect(await Account.countBy({ handle: 'frank' })).toBe(0);
    });

    it('transactions: dataSource.transaction and a QueryRunner', async () => {
      await db.dataSource.transaction(async (manager) => {
        await manager.save(Account, manager.create(Account, { handle: 'gina', secret: 'in tx' }));
        expect(await manager.findOneBy(Account, { handle: 'gina' })).toMatchObject({ secret: 'in tx' });
      });
      expect(await db.dataSource.getRepository(Account).findOneBy({ handle: 'gina' })).toMatchObject({ secret: 'in tx' });
      await expect(
        db.dataSource.transaction(async (manager) => {
          await manager.save(Account, manager.create(Account, { handle: 'hank', secret: 'rolled back' }));
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await db.dataSource.getRepository(Account).findOneBy({ handle: 'hank' })).toBeNull();
      const runner = db.dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        await runner.manager.save(Account, runner.manager.create(Account, { handle: 'iris', secret: 'runner' }));
        expect(await runner.manager.findOneBy(Account, { handle: 'iris' })).toMatchObject({ secret: 'runner' });
        await runner.commitTransaction();
      } finally {
        await runner.release();
      }
      expect(await db.dataSource.getRepository(Account).findOneBy({ handle: 'iris' })).toMatchObject({ secret: 'runner' });
    });

    it('QueryBuilder: where() and lookup() helpers; results opened on getMany', async () => {
      const qb = db.dataSource.getRepository(Customer).createQueryBuilder('c');
      const rows = await qb.where(await fieldseal.where(Customer, { email: 'bob@example.com' })).getMany();
      expect(rows.map((r) => r.email)).toEqual(['bob@example.com']);
      const lookup = await fieldseal.lookup(Customer, 'ssn', '111-11-1111');
      const bySql = await db.dataSource.getRepository(Customer).createQueryBuilder('c').where(`c.${lookup.column} IN (:...values)`, { values: lookup.values }).getOne();
      expect(bySql?.name).toBe('Bob');
      const index = await fieldseal.lookup(Customer, 'email', 'BOB@example.com');
      expect(index.column).toBe('emailIndex');
    });
  });
}
