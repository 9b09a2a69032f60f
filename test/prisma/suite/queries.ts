/** Refused queries, relation filters, cursor, _count, aggregates. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UnsupportedQueryError } from '../../../src/errors.js';
import { extend, testFields, type Harness } from '../support/harness.js';

async function refused(promise: PromiseLike<unknown>, model: string, field: string, operator: string): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(UnsupportedQueryError);
  expect(error).toMatchObject({ model, field, operator, code: 'QUERY_UNSUPPORTED' });
}

export function querySuite(h: Harness): void {
  describe('filters and refusals', () => {
    it('refuses what ciphertext cannot answer, naming model, field and operator', async () => {
      const p = h.prisma;
      await refused(p.user.findMany({ where: { email: { contains: 'a' } } }), 'User', 'email', 'contains');
      await refused(p.user.findMany({ where: { ssn: { startsWith: '1' } } }), 'User', 'ssn', 'startsWith');
      await refused(p.user.findMany({ where: { ssn: { endsWith: '1' } } }), 'User', 'ssn', 'endsWith');
      await refused(p.user.findMany({ where: { ssn: { gt: '1' } } }), 'User', 'ssn', 'gt');
      await refused(p.user.findMany({ where: { ssn: { lte: '1' } } }), 'User', 'ssn', 'lte');
      await refused(p.user.findMany({ orderBy: { email: 'asc' } }), 'User', 'email', 'orderBy');
      await refused(p.user.findMany({ orderBy: [{ id: 'asc' }, { ssn: 'desc' }] }), 'User', 'ssn', 'orderBy');
      await refused(p.order.findMany({ orderBy: { user: { ssn: 'asc' } } }), 'User', 'ssn', 'orderBy');
      await refused(p.user.findMany({ where: { ssn: { equals: 'x', mode: 'insensitive' } } as never }), 'User', 'ssn', 'mode: insensitive');
      await refused(p.order.findMany({ where: { note: 'x' } }), 'Order', 'note', 'equals');
      await refused(p.order.findMany({ where: { note: { in: ['x'] } } }), 'Order', 'note', 'in');
      await refused(p.user.groupBy({ by: ['ssn'] }), 'User', 'ssn', 'groupBy');
      await refused(p.order.aggregate({ _max: { note: true } }), 'Order', 'note', 'aggregate _max');
      await refused(p.user.findMany({ distinct: ['ssn'] }), 'User', 'ssn', 'distinct');
      await refused(p.user.findMany({ where: { orders: { some: { note: { contains: 'x' } } } } }), 'Order', 'note', 'contains');
      await refused(p.user.findMany({ include: { orders: { where: { note: { startsWith: 'x' } } } } }), 'Order', 'note', 'startsWith');
      await refused(p.user.findMany({ include: { orders: { orderBy: { note: 'asc' } } } }), 'Order', 'note', 'orderBy');
      await refused(p.order.updateMany({ data: { note: { set: 'x' } }, where: {} }).then(() => p.user.updateMany({ data: { email: 'x@example.com' } })), 'User', 'email', 'update');
    });

    it('refuses a unique where on a migrating deterministic column, which would miss its legacy plaintext rows', async () => {
      const fields = testFields(h.sealer);
      const prisma = extend(h.base, h.sealer, { ...fields, Tag: { label: { mode: 'deterministic', migrating: true } } });
      await h.base.tag.create({ data: { label: 'legacy-label' } }); // written before the column was protected
      expect((await prisma.tag.findFirst({ where: { label: 'legacy-label' } }))?.label).toBe('legacy-label');
      await refused(prisma.tag.findUnique({ where: { label: 'legacy-label' } }), 'Tag', 'label', 'unique where');
      await refused(prisma.tag.findUnique({ where: { label: { equals: 'legacy-label' } } as never }), 'Tag', 'label', 'unique where');
      await refused(prisma.tag.upsert({ where: { label: 'legacy-label' }, create: { label: 'legacy-label' }, update: {} }), 'Tag', 'label', 'unique where');
      await refused(prisma.tag.findMany({ cursor: { label: 'legacy-label' } }), 'Tag', 'label', 'unique where');
      expect(await h.base.tag.count()).toBe(1);
      // Once the column is strict again, unique lookups are answered on the token.
      await prisma.tag.updateMany({ where: { label: 'legacy-label' }, data: { label: 'legacy-label' } });
      expect((await h.prisma.tag.findUnique({ where: { label: 'legacy-label' } }))?.label).toBe('legacy-label');
    });

    it('stores FPE card tokens that keep the format, open on read and answer equality', async () => {
      const id = randomUUID();
      await h.prisma.user.create({ data: { id, email: 'card@example.com', card: '4111111111111111' } });
      const [stored] = await h.rows('User');
      expect(stored!.card).toMatch(/^\d{16}$/);
      expect(stored!.card).not.toBe('4111111111111111');
      expect((await h.prisma.user.findUnique({ where: { id } }))?.card).toBe('4111111111111111');
      expect((await h.prisma.user.findFirst({ where: { card: '4111111111111111' } }))?.id).toBe(id);
      expect(await h.prisma.user.count({ where: { card: '4000000000000002' } })).toBe(0);
    });

    it('accepts insensitive mode through a case-folding blind index, and null checks', async () => {
      const id = randomUUID();
      await h.prisma.user.create({ data: { id, email: 'Mixed@Example.com' } });
      if (h.kind === 'postgresql') {
        // `mode` exists only on providers with case-sensitive comparisons.
        const found = await h.prisma.user.findMany({ where: { email: { equals: 'MIXED@example.COM', mode: 'insensitive' } } as never });
        expect(found).toHaveLength(1);
      }
      expect(await h.prisma.user.count({ where: { ssn: null } })).toBe(1);
      expect(await h.prisma.user.count({ where: { ssn: { not: null } } })).toBe(0);
      expect(await h.prisma.order.count({ where: { note: null } })).toBe(0);
    });

    it('rewrites relation filters (some/every/none/is/isNot), cursor and _count filters', async () => {
      const a = randomUUID();
      const b = randomUUID();
      await h.prisma.user.create({ data: { id: a, email: 'a@example.com', ssn: 'A', orders: { create: [{ reference: 'R1' }, { reference: 'R2' }] }, profile: { create: { bio: 'hi' } } } });
      await h.prisma.user.create({ data: { id: b, email: 'b@example.com', ssn: 'B', orders: { create: [{ reference: 'R3' }] } } });
      const some = await h.prisma.user.findMany({ where: { orders: { some: { reference: 'R2' } } } });
      expect(some.map((u) => u.id)).toEqual([a]);
      const every = await h.prisma.user.findMany({ where: { orders: { every: { reference: { in: ['R3'] } } } } });
      expect(every.map((u) => u.id)).toEqual([b]);
      const none = await h.prisma.user.findMany({ where: { orders: { none: { reference: 'R1' } } } });
      expect(none.map((u) => u.id)).toEqual([b]);
      const is = await h.prisma.order.findMany({ where: { user: { is: { email: 'b@example.com' } } } });
      expect(is.map((o) => o.reference)).toEqual(['R3']);
      const isNot = await h.prisma.order.findMany({ where: { user: { isNot: { ssn: 'B' } } }, orderBy: { id: 'asc' } });
      expect(isNot.map((o) => o.reference)).toEqual(['R1', 'R2']);
      const shorthand = await h.prisma.order.count({ where: { user: { ssn: 'A' } } });
      expect(shorthand).toBe(2);
      const cursor = await h.prisma.user.findMany({ cursor: { ssn: 'A' }, orderBy: { id: 'asc' }, take: 1 });
      expect(cursor[0]?.id).toBe(a);
      const counted = await h.prisma.user.findUnique({ where: { id: a }, include: { _count: { select: { orders: { where: { reference: 'R1' } } } } } });
      expect(counted?._count.orders).toBe(1);
      const byProfile = await h.prisma.user.findFirst({ where: { profile: { is: { bio: null } } } });
      expect(byProfile).toBeNull();
    });
  });
}
