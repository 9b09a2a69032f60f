/** Refused queries, relation filters, cursor, _count, aggregates. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UnsupportedQueryError } from '../../../src/errors.js';
import { extend, newSealer, type Harness } from '../support/harness.js';

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

    it('finds rows written before a data key rotation, by unique and non-unique lookups', async () => {
      const sealer = await newSealer();
      const prisma = extend(h.base, sealer);
      const before = randomUUID();
      await prisma.user.create({ data: { id: before, email: 'old@example.com', ssn: '111-11-1111' } });
      await sealer.rotateDataKey();
      const after = randomUUID();
      await prisma.user.create({ data: { id: after, email: 'new@example.com', ssn: '222-22-2222' } });
      // Unique reads: the primary key's token first, then the older key's.
      expect((await prisma.user.findUnique({ where: { emailIndex: 'OLD@example.com' } }))?.id).toBe(before);
      expect((await prisma.user.findUnique({ where: { ssn: '111-11-1111' } }))?.id).toBe(before);
      expect((await prisma.user.findUniqueOrThrow({ where: { emailIndex: 'old@example.com' } })).id).toBe(before);
      expect((await prisma.user.findUnique({ where: { emailIndex: 'new@example.com' } }))?.id).toBe(after);
      expect(await prisma.user.findUnique({ where: { emailIndex: 'nobody@example.com' } })).toBeNull();
      await expect(prisma.user.findUniqueOrThrow({ where: { ssn: '999-99-9999' } })).rejects.toMatchObject({ code: 'P2025' });
      // Non-unique filters compare with every live key's token at once.
      expect((await prisma.user.findMany({ where: { ssn: { in: ['111-11-1111', '222-22-2222'] } }, orderBy: { id: 'asc' } })).map((u) => u.id).sort()).toEqual([before, after].sort());
      expect((await prisma.user.findFirst({ where: { email: 'old@example.com' } }))?.email).toBe('old@example.com');
      // Unique writes too: update and delete find the row written under the older key.
      const updated = await prisma.user.update({ where: { emailIndex: 'Old@Example.com' }, data: { name: 'Renamed' } });
      expect([updated.id, updated.name]).toEqual([before, 'Renamed']);
      expect((await prisma.user.update({ where: { ssn: '111-11-1111' }, data: { name: 'Again' } })).id).toBe(before);
      await expect(prisma.user.update({ where: { emailIndex: 'nobody@example.com' }, data: { name: 'x' } })).rejects.toMatchObject({ code: 'P2025' });
      expect((await prisma.user.delete({ where: { emailIndex: 'old@example.com' } })).id).toBe(before);
      expect(await prisma.user.findUnique({ where: { id: before } })).toBeNull();
      await expect(prisma.user.delete({ where: { ssn: '111-11-1111' } })).rejects.toMatchObject({ code: 'P2025' });
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
