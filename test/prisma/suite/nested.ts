/** Nested writes to any depth and nested reads through select / include / omit. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../support/harness.js';

export function nestedSuite(h: Harness): void {
  describe('nested writes and reads', () => {
    it('opens relations read through the fluent API (user.orders(), order.user(), profile)', async () => {
      const id = randomUUID();
      await h.prisma.user.create({
        data: { id, email: 'fluent@example.com', profile: { create: { bio: 'fluent bio' } }, orders: { create: [{ note: 'fluent one', reference: 'F1' }, { note: 'fluent two', reference: 'F2' }] } },
      });
      const orders = await h.prisma.user.findUnique({ where: { id } }).orders({ orderBy: { id: 'asc' } });
      expect(orders?.map((o) => [o.note, o.reference])).toEqual([
        ['fluent one', 'F1'],
        ['fluent two', 'F2'],
      ]);
      const byReference = await h.prisma.user.findUnique({ where: { id } }).orders({ where: { reference: 'F2' } });
      expect(byReference?.map((o) => o.note)).toEqual(['fluent two']);
      expect((await h.prisma.user.findUniqueOrThrow({ where: { id } }).profile())?.bio).toBe('fluent bio');
      const owner = await h.prisma.order.findFirstOrThrow({ where: { reference: 'F1' } }).user();
      expect(owner.email).toBe('fluent@example.com');
      expect((await h.prisma.order.findFirstOrThrow({ where: { reference: 'F2' } }).user().profile())?.bio).toBe('fluent bio');
      // Not fluent: the same selection written out keeps its shape and is opened too.
      expect(await h.prisma.user.findUnique({ where: { id }, select: { profile: { select: { bio: true } } } })).toEqual({ profile: { bio: 'fluent bio' } });
      await expect(h.prisma.user.findUnique({ where: { id } }).orders({ where: { note: { contains: 'fluent' } } })).rejects.toThrow(/Order\.note/);
    });

    it('seals nested creates three levels deep and opens them through include and select', async () => {
      const id = randomUUID();
      await h.prisma.tag.create({ data: { label: 'vip' } });
      await h.prisma.user.create({
        data: {
          id,
          email: 'deep@example.com',
          profile: { create: { bio: 'bio text' } },
          orders: {
            create: [
              { note: 'order one', reference: 'O1', items: { create: [{ secret: 'item secret', tags: { connectOrCreate: { where: { label: 'new' }, create: { label: 'new' } }, connect: [{ label: 'vip' }] } }] } },
            ],
            createMany: { data: [{ note: 'order two', reference: 'O2' }] },
          },
        },
      });
      for (const [table, column, plain] of [
        ['Profile', 'bio', 'bio text'],
        ['Order', 'note', 'order one'],
        ['Item', 'secret', 'item secret'],
        ['Tag', 'label', 'vip'],
      ] as const) {
        const rows = await h.rows(table);
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) {
          expect(String(row[column])).toMatch(/^fs1:/);
          expect(JSON.stringify(row)).not.toContain(plain);
        }
      }
      const user = await h.prisma.user.findUnique({
        where: { id },
        include: { profile: true, orders: { orderBy: { id: 'asc' }, include: { items: { include: { tags: { orderBy: { id: 'asc' } } } } } }, _count: true },
      });
      expect(user?.profile?.bio).toBe('bio text');
      expect(user?.orders.map((o) => o.note).sort()).toEqual(['order one', 'order two']);
      const first = user?.orders.find((o) => o.reference === 'O1');
      expect(first?.items[0]?.secret).toBe('item secret');
      expect(first?.items[0]?.tags.map((t) => t.label).sort()).toEqual(['new', 'vip']);
      expect(user?._count).toMatchObject({ orders: 2 });

      const selected = await h.prisma.user.findUnique({ where: { id }, select: { email: true, orders: { select: { note: true }, where: { reference: 'O2' } } } });
      expect(selected).toEqual({ email: 'deep@example.com', orders: [{ note: 'order two' }] });
      const omitted = await h.prisma.user.findUnique({ where: { id }, omit: { id: true, email: true } });
      expect(omitted).not.toHaveProperty('email');
      expect(omitted).not.toHaveProperty('id');
      const omitRow = await h.prisma.user.findUnique({ where: { id }, omit: { id: true } });
      expect(omitRow).toMatchObject({ email: 'deep@example.com' });
      expect(omitRow).not.toHaveProperty('id');
    });

    it('seals nested update, updateMany, upsert, delete, set, disconnect with protected where', async () => {
      const id = randomUUID();
      await h.prisma.user.create({ data: { id, email: 'n@example.com', orders: { create: [{ reference: 'A', note: 'a' }, { reference: 'B', note: 'b' }] }, profile: { create: { bio: 'one' } } } });
      await h.prisma.tag.createMany({ data: [{ label: 't1' }, { label: 't2' }] });
      const order = await h.prisma.order.findFirstOrThrow({ where: { reference: 'A' } });
      await h.prisma.order.update({ where: { id: order.id }, data: { items: { create: { secret: 's', tags: { connect: { label: 't1' } } } } } });
      const item = await h.prisma.item.findFirstOrThrow({});
      await h.prisma.item.update({ where: { id: item.id }, data: { tags: { set: [{ label: 't2' }] } } });
      expect((await h.prisma.item.findUnique({ where: { id: item.id }, include: { tags: true } }))?.tags.map((t) => t.label)).toEqual(['t2']);
      await h.prisma.item.update({ where: { id: item.id }, data: { tags: { disconnect: { label: 't2' } } } });
      expect((await h.prisma.item.findUnique({ where: { id: item.id }, include: { tags: true } }))?.tags).toEqual([]);

      await h.prisma.user.update({
        where: { id },
        data: {
          email: 'changed@example.com',
          profile: { update: { bio: 'two' } },
          orders: {
            updateMany: { where: { reference: 'B' }, data: { note: 'b2' } },
            update: { where: { id: order.id }, data: { note: 'a2', items: { updateMany: { where: {}, data: { secret: 's2' } } } } },
            upsert: { where: { id: 999999 }, create: { reference: 'C', note: 'c' }, update: { note: 'never' } },
          },
        },
      });
      const after = await h.prisma.user.findUniqueOrThrow({ where: { id }, include: { profile: true, orders: { orderBy: { id: 'asc' }, include: { items: true } } } });
      expect(after.email).toBe('changed@example.com');
      expect(after.profile?.bio).toBe('two');
      expect(after.orders.map((o) => [o.reference, o.note])).toEqual([
        ['A', 'a2'],
        ['B', 'b2'],
        ['C', 'c'],
      ]);
      expect(after.orders[0]?.items[0]?.secret).toBe('s2');
      expect((await h.prisma.user.findFirst({ where: { email: 'changed@example.com' } }))?.id).toBe(id);

      await h.prisma.user.update({ where: { id }, data: { orders: { deleteMany: { reference: 'B' }, delete: { id: order.id } } } });
      expect((await h.prisma.order.findMany({})).map((o) => o.reference)).toEqual(['C']);
    });
  });
}
