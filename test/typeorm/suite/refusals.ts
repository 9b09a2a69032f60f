/** Fail closed: refused queries, tampered values, plaintext in strict and migrating columns. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Between, ILike, In, LessThan, Like, MoreThan, Not, Raw } from 'typeorm';
import { fieldsealDataSource } from '../../../src/adapters/typeorm/index.js';
import { DecryptionError, PlaintextRejectedError, UnsupportedQueryError, type Sealer } from '../../../src/index.js';
import { testSealer } from '../../support/sealer.js';
import type { DatabaseKind } from '../../support/databases.js';
import { Account, Customer, entities, Legacy, Order, Typed } from '../entities.js';
import { rawColumn, setRawColumn, testDataSource, type TestDataSource } from '../support.js';

export function refusalSuite(kind: DatabaseKind): void {
  describe('fail closed', () => {
    let db: TestDataSource;
    let sealer: Sealer;

    beforeAll(async () => {
      sealer = await testSealer();
      db = await testDataSource(kind, 'refuse', entities);
      await fieldsealDataSource(db.dataSource, { sealer });
    });
    afterAll(async () => db?.dispose());

    const refused = async (query: Promise<unknown>, entity: string, column: string, operator: string) => {
      const error = await query.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UnsupportedQueryError);
      expect(error).toMatchObject({ code: 'QUERY_UNSUPPORTED', model: entity, field: column, operator });
    };

    it('refuses Like, ILike, MoreThan, LessThan, Between, Raw, Not(Like) and order on protected columns, naming entity, column and operator', async () => {
      const customers = db.dataSource.getRepository(Customer);
      await refused(customers.findBy({ email: Like('%a%') }), 'Customer', 'email', 'like');
      await refused(customers.findBy({ ssn: ILike('%1%') }), 'Customer', 'ssn', 'ilike');
      await refused(customers.findBy({ ssn: MoreThan('1') }), 'Customer', 'ssn', 'moreThan');
      await refused(customers.findBy({ card: LessThan('5') }), 'Customer', 'card', 'lessThan');
      await refused(db.dataSource.getRepository(Typed).findBy({ dnum: Between(1, 5) }), 'Typed', 'dnum', 'between');
      await refused(customers.findBy({ ssn: Raw((alias) => `${alias} IS NOT NULL`) }), 'Customer', 'ssn', 'raw');
      await refused(customers.findBy({ ssn: Not(Like('1%')) }), 'Customer', 'ssn', 'not like');
      await refused(customers.find({ order: { email: 'ASC' } }), 'Customer', 'email', 'order');
      await refused(customers.find({ order: { orders: { note: 'DESC' } }, relations: { orders: true } }), 'Order', 'note', 'order');
      await refused(db.dataSource.getRepository(Order).findBy({ note: 'x' }), 'Order', 'note', 'equal');
      await refused(customers.findBy({ emailIndex: 'x' }), 'Customer', 'emailIndex', 'where');
      await refused(db.dataSource.getRepository(Typed).sum('num' as never, {}), 'Typed', 'num', 'sum');
      await refused(db.dataSource.getRepository(Typed).increment({ id: 'x' }, 'num', 1), 'Typed', 'num', 'increment');
      await refused(customers.upsert({ name: 'x', email: 'x@example.com' }, ['email']), 'Customer', 'email', 'upsert conflict');
      await refused(customers.save(customers.create({ name: 'x', email: 'x@example.com' }), { listeners: false }), 'Customer', 'email', 'save with listeners: false');
    });

    it('QueryBuilder: a protected column in a where object is refused by the transformer; writes with listeners off are refused', async () => {
      const qb = db.dataSource.getRepository(Customer).createQueryBuilder('c');
      // The transformer runs as the where object is applied.
      await refused(Promise.resolve().then(() => qb.where({ ssn: '123-45-6789' }).getMany()), 'Customer', 'ssn', 'plain value');
      await refused(
        db.dataSource.createQueryBuilder().insert().into(Customer).values({ name: 'x', email: 'x@example.com' }).callListeners(false).execute(),
        'Customer',
        'email',
        'plain value',
      );
      await refused(db.dataSource.getRepository(Account).update({ handle: 'nobody' }, { secret: 'x' }), 'Account', 'secret', 'update');
    });

    it('a swapped or flipped value fails with DecryptionError; an unsealed value in a strict column with PlaintextRejectedError', async () => {
      const customers = db.dataSource.getRepository(Customer);
      const a = await customers.save(customers.create({ name: 'A', email: 'a@example.com', ssn: '111-11-1111' }));
      const b = await customers.save(customers.create({ name: 'B', email: 'b@example.com', ssn: '222-22-2222' }));
      // Swap the row-bound email values between rows.
      const emailA = await rawColumn(db, 'torm_customers', 'email', a.id);
      const emailB = await rawColumn(db, 'torm_customers', 'email', b.id);
      await setRawColumn(db, 'torm_customers', 'email', a.id, emailB);
      await expect(customers.findOneBy({ id: a.id })).rejects.toBeInstanceOf(DecryptionError);
      await setRawColumn(db, 'torm_customers', 'email', a.id, emailA);
      expect(await customers.findOneBy({ id: a.id })).toMatchObject({ email: 'a@example.com' });
      // A deterministic value copied into another column of the same entity does not open there.
      await setRawColumn(db, 'torm_customers', 'email', b.id, await rawColumn(db, 'torm_customers', 'ssn', b.id));
      await expect(customers.findOneBy({ id: b.id })).rejects.toBeInstanceOf(DecryptionError);
      await setRawColumn(db, 'torm_customers', 'email', b.id, emailB);
      // One flipped character.
      const text = emailA as string;
      const flipped = text.slice(0, -3) + (text.at(-3) === 'A' ? 'B' : 'A') + text.slice(-2);
      await setRawColumn(db, 'torm_customers', 'email', a.id, flipped);
      const error = await customers.findOneBy({ id: a.id }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: expect.stringMatching(/^(DECRYPTION_FAILED|FORMAT_INVALID)$/) });
      // Plaintext in a strict column.
      await setRawColumn(db, 'torm_customers', 'email', a.id, 'a@example.com');
      await expect(customers.findOneBy({ id: a.id })).rejects.toBeInstanceOf(PlaintextRejectedError);
      await expect(customers.find()).rejects.toBeInstanceOf(PlaintextRejectedError);
      await setRawColumn(db, 'torm_customers', 'email', a.id, emailA);
    });

    it('migrating columns read legacy plaintext, match it in lookups, and seal on write; strict columns beside them do not', async () => {
      const legacy = db.dataSource.getRepository(Legacy);
      const id = randomUUID();
      await legacy.save(legacy.create({ id, note: null, level: null, strict: null }));
      await setRawColumn(db, 'torm_legacy', 'note', id, 'old note');
      await setRawColumn(db, 'torm_legacy', 'level', id, '7');
      const row = await legacy.findOneByOrFail({ id });
      expect(row).toMatchObject({ note: 'old note', level: 7 });
      expect(await legacy.findOneBy({ level: 7 })).toMatchObject({ id });
      row.note = 'new note';
      await legacy.save(row);
      expect(sealer.isSealed(await rawColumn(db, 'torm_legacy', 'note', id))).toBe(true);
      expect(sealer.isSealed(await rawColumn(db, 'torm_legacy', 'level', id))).toBe(true);
      expect(await legacy.findOneBy({ level: In([7]) })).toMatchObject({ id, note: 'new note' });
      await setRawColumn(db, 'torm_legacy', 'strict', id, 'plain');
      await expect(legacy.findOneBy({ id })).rejects.toBeInstanceOf(PlaintextRejectedError);
    });
  });
}
