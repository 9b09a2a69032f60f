/**
 * Data subjects through the Prisma adapter: `@fieldseal.encrypt(subject: column)` seals a
 * randomized value under the data keys of the subject in that column, in top-level and
 * nested writes, and opens it with that subject. Shredding one subject makes its values
 * fail with KeyDestroyedError while another's still open; its blind index (under the
 * scope's lookup key) still matches its rows until erasure clears it.
 */
import { describe, expect, it } from 'vitest';
import { DecryptionError, KeyDestroyedError } from '../../../src/index.js';
import { UnsupportedQueryError } from '../../../src/adapters/prisma/index.js';
import { shredSubject } from '../../../src/privacy/index.js';
import type { Harness } from '../support/harness.js';
import { dualWrite, modelSource, typedClient } from './support.js';

const ADA = { id: 'c1', subjectId: 's-ada', email: 'ada@example.com', name: 'Ada' };
const GRACE = { id: 'c2', subjectId: 's-grace', email: 'grace@example.com', name: 'Grace' };

export function subjectSuite(h: Harness): void {
  describe('data subjects (encrypt(subject: column))', () => {
    const client = () => typedClient(h, dualWrite);

    /** Two customers with orders, written through every path that makes the subject known. */
    async function seed() {
      const prisma = client();
      // Nested under the parent: the order's customerId is the parent's subjectId.
      await prisma.subjectCustomer.create({ data: { ...ADA, orders: { create: [{ note: 'ada-1' }, { note: 'ada-2' }] } } });
      await prisma.subjectCustomer.create({ data: GRACE });
      // The subject column in the data, and a relation connected by equality.
      await prisma.subjectOrder.create({ data: { customerId: GRACE.subjectId, note: 'grace-1' } });
      await prisma.subjectOrder.create({ data: { note: 'grace-2', customer: { connect: { subjectId: GRACE.subjectId } } } });
      // Nested createMany and update under an update of the parent (its subjectId from its where).
      await prisma.subjectCustomer.update({ where: { subjectId: GRACE.subjectId }, data: { name: 'Grace H.', orders: { createMany: { data: [{ note: 'grace-3' }] } } } });
      return prisma;
    }

    it('seals each value under its row subject, through top-level and nested writes, and opens it with that subject', async () => {
      const prisma = await seed();
      const orders = await h.rows('fsx_subject_orders');
      expect(orders).toHaveLength(5);
      for (const order of orders) {
        const subject = order.customer_id as string;
        const note = order.note as string;
        expect(await h.sealer.decrypt(note, { model: 'SubjectOrder', field: 'note', subject })).toMatch(subject === ADA.subjectId ? /^ada-/ : /^grace-/);
        // Not under the scope's data key, nor the other subject's.
        await expect(h.sealer.decrypt(note, { model: 'SubjectOrder', field: 'note' })).rejects.toThrow(DecryptionError);
        await expect(h.sealer.decrypt(note, { model: 'SubjectOrder', field: 'note', subject: subject === ADA.subjectId ? GRACE.subjectId : ADA.subjectId })).rejects.toThrow(DecryptionError);
      }
      // The raw helpers seal and open under the subject they are given.
      const raw = await h.raw.seal('SubjectOrder', 'note', 'by hand', { subject: ADA.subjectId });
      expect(await h.sealer.decrypt(raw as string, { model: 'SubjectOrder', field: 'note', subject: ADA.subjectId })).toBe('by hand');
      expect(await h.raw.open('SubjectOrder', 'note', raw, { subject: ADA.subjectId })).toBe('by hand');
      await expect(h.raw.open('SubjectOrder', 'note', raw)).rejects.toThrow(DecryptionError);
      const customers = await h.rows('fsx_subject_customers');
      expect(await h.sealer.decrypt(customers[0]!.email as string, { model: 'SubjectCustomer', field: 'email', subject: ADA.subjectId })).toBe(ADA.email);

      const grace = await prisma.subjectCustomer.findUnique({ where: { email: GRACE.email }, include: { orders: { orderBy: { id: 'asc' } } } });
      expect(grace).toMatchObject({ id: 'c2', subjectId: GRACE.subjectId, email: GRACE.email, name: 'Grace H.' });
      expect(grace?.orders.map((o) => o.note)).toEqual(['grace-1', 'grace-2', 'grace-3']);
      // A selection without the subject column selects it to open the value, and leaves it out of the result.
      const notes = await prisma.subjectOrder.findMany({ select: { note: true }, orderBy: { id: 'asc' } });
      expect(notes).toEqual(['ada-1', 'ada-2', 'grace-1', 'grace-2', 'grace-3'].map((note) => ({ note })));
      const nested = await prisma.subjectCustomer.findMany({ select: { name: true, orders: { select: { note: true }, orderBy: { id: 'asc' } } }, orderBy: { id: 'asc' } });
      expect(nested).toEqual([
        { name: 'Ada', orders: [{ note: 'ada-1' }, { note: 'ada-2' }] },
        { name: 'Grace H.', orders: [{ note: 'grace-1' }, { note: 'grace-2' }, { note: 'grace-3' }] },
      ]);
    });

    it('needs the subject on an update: named in the where, set in the data, or given by the parent', async () => {
      const prisma = await seed();
      const [first] = await prisma.subjectOrder.findMany({ where: { customerId: ADA.subjectId }, orderBy: { id: 'asc' }, take: 1 });
      await expect(prisma.subjectOrder.update({ where: { id: first!.id }, data: { note: 'x' } })).rejects.toThrow(UnsupportedQueryError);
      await prisma.subjectOrder.update({ where: { id: first!.id, customerId: ADA.subjectId }, data: { note: 'ada-1b' } });
      await prisma.subjectOrder.updateMany({ where: { customerId: GRACE.subjectId }, data: { note: 'grace-all' } });
      // Nested under the parent's update: the parent's subjectId from the data, then from the where.
      await expect(prisma.subjectCustomer.update({ where: { id: ADA.id }, data: { orders: { updateMany: { where: {}, data: { note: 'x' } } } } })).rejects.toThrow(UnsupportedQueryError);
      await prisma.subjectCustomer.update({ where: { id: ADA.id, subjectId: ADA.subjectId }, data: { orders: { updateMany: { where: {}, data: { note: 'ada-all' } } } } });
      // Moving an order to another subject rewrites its value under the new one, or is refused.
      await expect(prisma.subjectOrder.update({ where: { id: first!.id }, data: { customerId: GRACE.subjectId } })).rejects.toThrow(/would leave note sealed under the old subject/);
      await prisma.subjectOrder.update({ where: { id: first!.id }, data: { customerId: GRACE.subjectId, note: 'moved' } });
      const notes = await prisma.subjectOrder.findMany({ orderBy: { id: 'asc' } });
      expect(notes.map((o) => [o.customerId, o.note])).toEqual([
        ['s-grace', 'moved'],
        ['s-ada', 'ada-all'],
        ['s-grace', 'grace-all'],
        ['s-grace', 'grace-all'],
        ['s-grace', 'grace-all'],
      ]);
    });

    it("shred({ subject }): that subject's values fail with KeyDestroyedError, another's open; its blind index matches until erasure clears it", async () => {
      const prisma = await seed();
      const customers = modelSource(h, 'SubjectCustomer', dualWrite);
      const orders = modelSource(h, 'SubjectOrder', dualWrite);
      expect(customers.columns).toEqual([
        { column: 'email', model: 'SubjectCustomer', field: 'email', mode: 'randomized', plaintextType: 'string', subjectColumn: 'subject_id', blindIndex: { column: 'email_idx', normalize: 'email' } },
        { column: 'name', model: 'SubjectCustomer', field: 'name', mode: 'randomized', plaintextType: 'string', subjectColumn: 'subject_id' },
      ]);
      expect(orders.columns).toEqual([{ column: 'note', model: 'SubjectOrder', field: 'note', mode: 'randomized', plaintextType: 'string', subjectColumn: 'customer_id' }]);

      await h.sealer.shred({ subject: ADA.subjectId });
      await expect(prisma.subjectCustomer.findUnique({ where: { id: ADA.id } })).rejects.toThrow(KeyDestroyedError);
      await expect(prisma.subjectOrder.findMany({ where: { customerId: ADA.subjectId } })).rejects.toThrow(KeyDestroyedError);
      expect(await prisma.subjectCustomer.findUnique({ where: { id: GRACE.id }, include: { orders: { orderBy: { id: 'asc' } } } })).toMatchObject({
        email: GRACE.email,
        orders: [{ note: 'grace-1' }, { note: 'grace-2' }, { note: 'grace-3' }],
      });
      // Its values stay out of reach, but the blind index (scope's lookup key) still matches the row:
      // a lookup finds it and fails opening the e-mail to check the match.
      expect(await prisma.subjectCustomer.count({ where: { email: ADA.email } })).toBe(1);
      await expect(prisma.subjectCustomer.findUnique({ where: { email: ADA.email }, select: { id: true } })).rejects.toThrow(KeyDestroyedError);
      // Erasure clears the subject's lookup tokens: then nothing finds the row by its e-mail.
      await shredSubject({ sealer: h.sealer, subject: ADA.subjectId, tables: [{ ...customers, subjectColumn: 'subject_id' }, { ...orders, subjectColumn: 'customer_id' }] });
      expect(await prisma.subjectCustomer.count({ where: { email: ADA.email } })).toBe(0);
      expect(await prisma.subjectCustomer.findUnique({ where: { email: ADA.email } })).toBeNull();
      expect(await prisma.subjectCustomer.findUnique({ where: { email: GRACE.email }, select: { name: true } })).toEqual({ name: 'Grace H.' });
    });
  });
}
