/**
 * withFieldseal at runtime, with its types checked in the same calls (tsc checks this file;
 * there is not one cast in it): logical types through writes, filters and results; a
 * field whose blind index is @unique as the unique key of findUnique, update, upsert,
 * delete, connect, connectOrCreate and cursor; lookup columns left out of results unless
 * asked for.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { Decimal } from '@prisma/client/runtime/client';
import { withFieldseal } from '../../../prisma/generated/sqlite/fieldseal.js';
import { databaseKinds, unavailableReason, type DatabaseKind } from '../../support/databases.js';
import { testFields, useHarness } from '../support/harness.js';

async function typedClientSuite(kind: DatabaseKind): Promise<void> {
  const reason = await unavailableReason(kind);
  describe.skipIf(reason !== undefined)(reason ?? `${kind} server`, () => {
    const h = useHarness(kind, 'typed');
    const client = () => withFieldseal(h.base, { sealer: h.sealer, fields: testFields(h.sealer) });
    let prisma: ReturnType<typeof client>;
    beforeAll(() => {
      prisma = client();
    });

    it('writes and reads Int, BigInt, Float, Decimal, Boolean, DateTime, Json and Bytes fields with their types', async () => {
      const id = randomUUID();
      const when = new Date('2024-02-29T12:34:56.789Z');
      const created = await prisma.typed.create({
        data: { id, intV: 42, bigV: 9007199254740993n, floatV: 1.5, decV: '12.50', boolV: false, dateV: when, jsonV: { a: [1, null, 'x'] }, bytesV: new Uint8Array([0, 255]), detInt: 7 },
      });
      expectTypeOf(created.intV).toEqualTypeOf<number | null>();
      expectTypeOf(created.bigV).toEqualTypeOf<bigint | null>();
      expectTypeOf(created.decV).toEqualTypeOf<Decimal | null>();
      expectTypeOf(created.dateV).toEqualTypeOf<Date | null>();
      expectTypeOf(created.boolV).toEqualTypeOf<boolean | null>();
      expectTypeOf(created.bytesV).toEqualTypeOf<Uint8Array | null>();
      expectTypeOf(created.plainInt).toEqualTypeOf<number | null>();
      expect(created).toMatchObject({ intV: 42, bigV: 9007199254740993n, floatV: 1.5, boolV: false, dateV: when, jsonV: { a: [1, null, 'x'] }, detInt: 7 });
      expect(created.decV?.toFixed(2)).toBe('12.50');
      expect(created.bytesV).toEqual(new Uint8Array([0, 255]));

      const updated = await prisma.typed.update({ where: { id }, data: { intV: { set: 43 }, dateV: '2025-01-01T00:00:00.000Z', boolV: true } });
      expect([updated.intV, updated.dateV?.toISOString(), updated.boolV]).toEqual([43, '2025-01-01T00:00:00.000Z', true]);

      const found = await prisma.typed.findMany({ where: { detInt: { in: [6, 7] } }, select: { id: true, detInt: true, dateV: true } });
      expectTypeOf(found).toEqualTypeOf<Array<{ id: string; detInt: number | null; dateV: Date | null }>>();
      expect(found).toEqual([{ id, detInt: 7, dateV: new Date('2025-01-01T00:00:00.000Z') }]);
      expect(await prisma.typed.count({ where: { detInt: 7, intV: { not: null } } })).toBe(1);
    });

    it('takes an email whose blind index is @unique as the unique key of every unique where', async () => {
      const alice = randomUUID();
      await prisma.user.create({ data: { id: alice, email: 'Alice@Example.com', name: 'Alice' } });

      const found = await prisma.user.findUnique({ where: { email: '  alice@example.COM' } });
      expect(found?.id).toBe(alice);
      expect((await prisma.user.findUniqueOrThrow({ where: { email: 'alice@example.com' }, select: { name: true } })).name).toBe('Alice');
      expect(await prisma.user.findUnique({ where: { email: 'nobody@example.com' } })).toBeNull();

      // update and upsert name the row column too: email is bound to the row's id.
      expect((await prisma.user.update({ where: { email: 'alice@example.com', id: alice }, data: { name: 'Alice L.' } })).name).toBe('Alice L.');
      const upserted = await prisma.user.upsert({
        where: { email: 'alice@example.com', id: alice },
        create: { id: alice, email: 'alice@example.com' },
        update: { name: 'Alice Liddell' },
      });
      expect([upserted.id, upserted.name]).toEqual([alice, 'Alice Liddell']);
      const bob = randomUUID();
      const createdByUpsert = await prisma.user.upsert({ where: { email: 'bob@example.com', id: bob }, create: { id: bob, email: 'bob@example.com', name: 'Bob' }, update: {} });
      expect(createdByUpsert.id).toBe(bob);

      const order = await prisma.order.create({ data: { note: 'by email', user: { connect: { email: 'BOB@example.com' } } } });
      expect(order.userId).toBe(bob);
      const carol = randomUUID();
      const viaConnectOrCreate = await prisma.order.create({
        data: { note: 'new user', user: { connectOrCreate: { where: { email: 'carol@example.com' }, create: { id: carol, email: 'carol@example.com' } } } },
        include: { user: true },
      });
      expect(viaConnectOrCreate.user.email).toBe('carol@example.com');
      expect((await prisma.order.create({ data: { note: 'again', user: { connectOrCreate: { where: { email: 'Carol@example.com' }, create: { id: randomUUID(), email: 'x@example.com' } } } } })).userId).toBe(carol);

      const page = await prisma.user.findMany({ cursor: { email: 'bob@example.com' }, where: { id: { in: [alice, bob, carol] } }, orderBy: { id: 'asc' }, select: { id: true } });
      expect(page.map((u) => u.id)).toEqual([alice, bob, carol].sort().filter((id) => id >= bob));

      expect((await prisma.user.delete({ where: { email: 'carol@example.com' } })).id).toBe(carol);
      expect(await prisma.user.count()).toBe(2);
    });

    it('leaves lookup columns out of results unless selected or un-omitted', async () => {
      const id = randomUUID();
      const created = await prisma.user.create({ data: { id, email: 'dora@example.com', name: 'Dora', orders: { create: { note: 'n' } } } });
      expect(Object.keys(created)).not.toContain('emailIndex');
      expect(Object.keys(created)).not.toContain('nameIndex');
      expectTypeOf(created).not.toHaveProperty('emailIndex');

      const [stored] = await h.rows('User');
      const selected = await prisma.user.findUniqueOrThrow({ where: { id }, select: { emailIndex: true, email: true } });
      expectTypeOf(selected).toEqualTypeOf<{ emailIndex: string | null; email: string }>();
      expect(selected).toEqual({ emailIndex: stored!.emailIndex, email: 'dora@example.com' });

      const unOmitted = await prisma.user.findFirstOrThrow({ where: { email: 'dora@example.com' }, omit: { emailIndex: false } });
      expectTypeOf(unOmitted.emailIndex).toEqualTypeOf<string | null>();
      expect(unOmitted.emailIndex).toBe(stored!.emailIndex);
      expect(Object.keys(unOmitted)).not.toContain('nameIndex');

      const orders = await prisma.order.findMany({ include: { user: true } });
      expectTypeOf(orders[0]!.user).not.toHaveProperty('emailIndex');
      expect(Object.keys(orders[0]!.user)).not.toContain('emailIndex');
      expect(orders[0]!.user.email).toBe('dora@example.com');

      const withOrders = await prisma.user.findMany({ include: { orders: true }, omit: { nameIndex: false } });
      expect(Object.keys(withOrders[0]!)).toContain('nameIndex');
      expect(Object.keys(withOrders[0]!)).not.toContain('emailIndex');

      const viaFluent = await prisma.order.findFirstOrThrow({ where: { userId: id } }).user();
      expect(viaFluent.email).toBe('dora@example.com');
      expect(Object.keys(viaFluent)).not.toContain('emailIndex');

      // The plain extension leaves them out too.
      expect(Object.keys((await h.prisma.user.findUniqueOrThrow({ where: { id } })))).not.toContain('emailIndex');
    });

    it('keeps its types inside transactions and through later extensions', async () => {
      const id = randomUUID();
      const extended = prisma.$extends({ name: 'other' });
      const row = await extended.$transaction(async (tx) => tx.typed.create({ data: { id, intV: 5 } }));
      expectTypeOf(row.intV).toEqualTypeOf<number | null>();
      expect(row.intV).toBe(5);
      const [again] = await prisma.$transaction([prisma.typed.findUniqueOrThrow({ where: { id } })]);
      expect(again.intV).toBe(5);
    });
  });
}

describe.each(databaseKinds)('withFieldseal on %s', async (kind) => {
  await typedClientSuite(kind);
});
