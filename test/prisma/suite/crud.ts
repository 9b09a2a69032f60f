/** Create / find / update / delete with randomized, deterministic and blind-indexed fields; rows as stored. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../support/harness.js';

export function crudSuite(h: Harness): void {
  describe('create, find, update, delete', () => {
    it('seals on create, stores no plaintext, opens on read', async () => {
      const id = randomUUID();
      const created = await h.prisma.user.create({ data: { id, email: 'Alice@Example.com', ssn: '123-45-6789', name: 'Alice' } });
      expect(created).toMatchObject({ id, email: 'Alice@Example.com', ssn: '123-45-6789', name: 'Alice' });
      const [row] = await h.rows('User');
      expect(row!.email).toMatch(/^fs1:/);
      expect(row!.ssn).toMatch(/^fs1:/);
      expect(typeof row!.emailIndex).toBe('string');
      expect(JSON.stringify(row)).not.toContain('Alice@Example.com');
      expect(JSON.stringify(row)).not.toContain('123-45-6789');
      expect(JSON.stringify(row).toLowerCase()).not.toContain('alice@example.com');
      const found = await h.prisma.user.findUnique({ where: { id } });
      expect(found).toMatchObject({ email: 'Alice@Example.com', ssn: '123-45-6789' });
    });

    it('randomized values differ per write; deterministic ones are equal', async () => {
      await h.prisma.order.createMany({ data: [] });
      const a = randomUUID();
      const b = randomUUID();
      await h.prisma.user.create({ data: { id: a, email: 'same@example.com' } });
      await h.prisma.user.create({ data: { id: b, email: 'other@example.com' } });
      await h.prisma.order.create({ data: { userId: a, note: 'n', reference: 'R-1' } });
      await h.prisma.order.create({ data: { userId: b, note: 'n', reference: 'R-1' } });
      const orders = await h.rows('Order');
      expect(orders[0]!.note).not.toBe(orders[1]!.note);
      expect(orders[0]!.reference).toBe(orders[1]!.reference);
    });

    it('looks up by blind index (normalized), by deterministic token, with in / notIn / not', async () => {
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      await h.prisma.user.createMany({
        data: [
          { id: ids[0]!, email: 'a@example.com', ssn: '111' },
          { id: ids[1]!, email: 'b@example.com', ssn: '222' },
          { id: ids[2]!, email: 'c@example.com', ssn: '333' },
        ],
      });
      expect((await h.prisma.user.findFirst({ where: { email: ' A@EXAMPLE.com ' } }))?.id).toBe(ids[0]);
      expect((await h.prisma.user.findUnique({ where: { emailIndex: 'b@example.com' } }))?.id).toBe(ids[1]);
      expect((await h.prisma.user.findUnique({ where: { ssn: '333' } }))?.email).toBe('c@example.com');
      const inList = await h.prisma.user.findMany({ where: { ssn: { in: ['111', '333'] } }, orderBy: { id: 'asc' } });
      expect(inList.map((u) => u.ssn).sort()).toEqual(['111', '333']);
      const notIn = await h.prisma.user.findMany({ where: { email: { notIn: ['a@example.com', 'b@example.com'] } } });
      expect(notIn.map((u) => u.email)).toEqual(['c@example.com']);
      const not = await h.prisma.user.findMany({ where: { ssn: { not: '111' } } });
      expect(not.map((u) => u.ssn).sort()).toEqual(['222', '333']);
      const nested = await h.prisma.user.findMany({ where: { OR: [{ ssn: '111' }, { AND: [{ email: 'b@example.com' }, { NOT: { ssn: '333' } }] }] } });
      expect(nested.map((u) => u.ssn).sort()).toEqual(['111', '222']);
      expect(await h.prisma.user.count({ where: { email: { equals: 'c@example.com' } } })).toBe(1);
      expect(await h.prisma.user.findFirst({ where: { email: 'nobody@example.com' } })).toBeNull();
    });

    it('updates, upserts and deletes through protected lookups', async () => {
      const id = randomUUID();
      await h.prisma.user.create({ data: { id, email: 'old@example.com', ssn: '999' } });
      const updated = await h.prisma.user.update({ where: { id }, data: { email: 'new@example.com', ssn: { set: '888' } } });
      expect(updated).toMatchObject({ email: 'new@example.com', ssn: '888' });
      expect(await h.prisma.user.findFirst({ where: { email: 'old@example.com' } })).toBeNull();
      expect((await h.prisma.user.findFirst({ where: { email: 'new@example.com' } }))?.id).toBe(id);
      const up = await h.prisma.user.upsert({ where: { ssn: '888' }, create: { id: randomUUID(), email: 'x@example.com' }, update: { name: 'Up' } });
      expect(up).toMatchObject({ id, name: 'Up', email: 'new@example.com' });
      const created = await h.prisma.user.upsert({ where: { ssn: '777' }, create: { id: randomUUID(), email: 'seven@example.com', ssn: '777' }, update: {} });
      expect(created.ssn).toBe('777');
      const many = await h.prisma.user.updateMany({ where: { ssn: '777' }, data: { ssn: '776', name: 'Seven' } });
      expect(many.count).toBe(1);
      expect((await h.prisma.user.findUnique({ where: { ssn: '776' } }))?.name).toBe('Seven');
      const deleted = await h.prisma.user.delete({ where: { ssn: '776' } });
      expect(deleted.email).toBe('seven@example.com');
      expect((await h.prisma.user.deleteMany({ where: { email: 'new@example.com' } })).count).toBe(1);
      expect(await h.prisma.user.count()).toBe(0);
    });

    it('createManyAndReturn and updateManyAndReturn open their results', async () => {
      if (h.kind === 'mysql') return; // not supported by Prisma on MySQL/MariaDB
      const id = randomUUID();
      await h.prisma.user.create({ data: { id, email: 'u@example.com' } });
      const created = await h.prisma.order.createManyAndReturn({ data: [{ userId: id, note: 'first', reference: 'A' }, { userId: id, note: 'second', reference: 'B' }] });
      expect(created.map((o) => o.note).sort()).toEqual(['first', 'second']);
      const updated = await h.prisma.order.updateManyAndReturn({ where: { reference: 'A' }, data: { note: 'changed' } });
      expect(updated).toHaveLength(1);
      expect(updated[0]).toMatchObject({ note: 'changed', reference: 'A' });
    });

    it('OrThrow variants', async () => {
      const id = randomUUID();
      await h.prisma.user.create({ data: { id, email: 't@example.com', ssn: '42' } });
      expect((await h.prisma.user.findUniqueOrThrow({ where: { ssn: '42' } })).email).toBe('t@example.com');
      expect((await h.prisma.user.findFirstOrThrow({ where: { email: 't@example.com' } })).ssn).toBe('42');
      await expect(h.prisma.user.findFirstOrThrow({ where: { email: 'missing@example.com' } })).rejects.toThrow();
    });
  });
}
