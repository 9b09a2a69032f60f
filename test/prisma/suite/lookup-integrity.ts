/**
 * Integrity of lookups: rows found through a blind index are opened and checked against
 * the value looked up, so lookup tokens swapped or copied between rows in the database
 * fail closed with LookupIntegrityError instead of returning another customer's row.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LookupIntegrityError } from '../../../src/errors.js';
import type { Harness } from '../support/harness.js';

/** Rejects with LookupIntegrityError on User.<field>, whose message holds none of `secrets`. */
async function integrityFailure(promise: PromiseLike<unknown>, field: string, secrets: readonly string[] = []): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(LookupIntegrityError);
  expect(error).toMatchObject({ code: 'LOOKUP_INTEGRITY', model: 'User', field });
  for (const s of secrets) expect(String((error as Error).message)).not.toContain(s);
}

export function lookupIntegritySuite(h: Harness): void {
  const q = (name: string) => h.db.quote(name);
  const p = (n: number) => h.db.param(n);

  /** Swaps `column` of two User rows in SQL, as someone with write access to the database could. */
  async function swap(column: string, a: string, b: string): Promise<void> {
    const read = async (id: string) => (await h.db.query(`SELECT ${q(column)} AS v FROM ${q('User')} WHERE ${q('id')} = ${p(1)}`, [id]))[0]!.v;
    const [va, vb] = [await read(a), await read(b)];
    // Through a placeholder first: the column is unique.
    await h.db.query(`UPDATE ${q('User')} SET ${q(column)} = NULL WHERE ${q('id')} = ${p(1)}`, [a]);
    await h.db.query(`UPDATE ${q('User')} SET ${q(column)} = ${p(1)} WHERE ${q('id')} = ${p(2)}`, [va, b]);
    await h.db.query(`UPDATE ${q('User')} SET ${q(column)} = ${p(1)} WHERE ${q('id')} = ${p(2)}`, [vb, a]);
  }

  async function twoCustomers(): Promise<{ a: string; b: string }> {
    const a = randomUUID();
    const b = randomUUID();
    await h.prisma.user.create({ data: { id: a, email: 'alice@example.com', name: 'Alice Liddell', ssn: '111-11-1111' } });
    await h.prisma.user.create({ data: { id: b, email: 'bob@example.com', name: 'Bob Builder', ssn: '222-22-2222' } });
    return { a, b };
  }

  describe('integrity of lookups', () => {
    it('a blind index swapped between two rows fails every lookup through it, whatever is selected', async () => {
      const { a, b } = await twoCustomers();
      await swap('emailIndex', a, b);
      const secrets = ['alice@example.com', 'bob@example.com'];
      await integrityFailure(h.prisma.user.findUnique({ where: { emailIndex: 'alice@example.com' } }), 'email', secrets);
      await integrityFailure(h.prisma.user.findUnique({ where: { email: 'alice@example.com' } as never }), 'email', secrets);
      await integrityFailure(h.prisma.user.findUniqueOrThrow({ where: { emailIndex: 'ALICE@example.com' }, select: { id: true } }), 'email', secrets);
      await integrityFailure(h.prisma.user.findFirst({ where: { email: 'alice@example.com' }, omit: { email: true } }), 'email', secrets);
      await integrityFailure(h.prisma.user.findFirst({ where: { AND: [{ email: { equals: 'Alice@Example.com', mode: 'insensitive' } }] } as never }), 'email', secrets);
      await integrityFailure(h.prisma.user.findMany({ where: { email: { in: ['alice@example.com'] } }, select: { name: true } }), 'email', secrets);
      await integrityFailure(h.prisma.user.findMany({ where: { emailIndex: 'bob@example.com' } }), 'email', secrets);
      // `in` checks membership: both rows hold one of the values asked for.
      const both = await h.prisma.user.findMany({ where: { email: { in: ['alice@example.com', 'bob@example.com'] } }, select: { id: true } });
      expect(both.map((u) => u.id).sort()).toEqual([a, b].sort());
      // Lookups that do not go through the swapped column are untouched.
      expect((await h.prisma.user.findUnique({ where: { id: a } }))?.email).toBe('alice@example.com');
      expect((await h.prisma.user.findUnique({ where: { ssn: '222-22-2222' } }))?.email).toBe('bob@example.com');
    });

    it('writes through a swapped blind index fail too, and inside a transaction nothing is changed', async () => {
      const { a, b } = await twoCustomers();
      await swap('emailIndex', a, b);
      await expect(
        h.prisma.$transaction(async (tx) => {
          await tx.user.update({ where: { emailIndex: 'alice@example.com' }, data: { name: 'Renamed' } });
        }),
      ).rejects.toBeInstanceOf(LookupIntegrityError);
      await expect(
        h.prisma.$transaction(async (tx) => {
          await tx.user.delete({ where: { emailIndex: 'alice@example.com' } });
        }),
      ).rejects.toBeInstanceOf(LookupIntegrityError);
      await expect(
        h.prisma.$transaction(async (tx) => {
          await tx.user.upsert({ where: { emailIndex: 'alice@example.com' }, create: { id: randomUUID(), email: 'alice@example.com' }, update: { name: 'Upserted' } });
        }),
      ).rejects.toBeInstanceOf(LookupIntegrityError);
      const rows = await h.prisma.user.findMany({ where: { id: { in: [a, b] } }, select: { id: true, name: true } });
      expect(new Map(rows.map((r) => [r.id, r.name]))).toEqual(new Map([[a, 'Alice Liddell'], [b, 'Bob Builder']]));
      // Outside a transaction the statement has run when the result is checked: the error still reaches the caller.
      await integrityFailure(h.prisma.user.update({ where: { emailIndex: 'alice@example.com' }, data: { tenantId: 't2' } }), 'email');
    });

    it('a swapped index of an unbound field fails its lookups; swapping value and index together moves the whole value', async () => {
      const { a, b } = await twoCustomers();
      await swap('nameIndex', a, b);
      await integrityFailure(h.prisma.user.findFirst({ where: { name: 'alice liddell' } }), 'name');
      await integrityFailure(h.prisma.user.findMany({ where: { name: { in: ['Bob Builder'] } }, select: { id: true } }), 'name');
      // `name` is not bound to its row: moved together with its index, it is another row's value now, and opens.
      await swap('name', a, b);
      const found = await h.prisma.user.findFirstOrThrow({ where: { name: 'Alice Liddell' } });
      expect([found.id, found.name]).toEqual([b, 'Alice Liddell']);
    });

    it('a deterministic value swapped between rows opens to the value looked up (not detectable by a lookup)', async () => {
      const { a, b } = await twoCustomers();
      await swap('ssn', a, b);
      const found = await h.prisma.user.findUniqueOrThrow({ where: { ssn: '111-11-1111' } });
      expect([found.id, found.ssn]).toEqual([b, '111-11-1111']);
    });

    it('checks cost no false alarms: fields added for the check are removed, writes that change the field and upserts that create pass', async () => {
      const { a } = await twoCustomers();
      expect(await h.prisma.user.findUnique({ where: { emailIndex: 'ALICE@example.com' }, select: { id: true } })).toEqual({ id: a });
      const omitted = await h.prisma.user.findFirstOrThrow({ where: { email: ' Alice@Example.COM ' }, omit: { email: true, id: true } });
      expect(Object.keys(omitted)).not.toContain('email');
      expect(Object.keys(omitted)).not.toContain('id');
      expect(omitted.name).toBe('Alice Liddell');
      expect(await h.prisma.user.findFirst({ where: { email: { equals: 'ALICE@EXAMPLE.COM', mode: 'insensitive' } } as never, select: { ssn: true } })).toEqual({ ssn: '111-11-1111' });
      await h.prisma.order.create({ data: { userId: a, note: 'first order' } });
      const orders = await h.prisma.user.findUniqueOrThrow({ where: { emailIndex: 'alice@example.com' } }).orders();
      expect(orders.map((o) => o.note)).toEqual(['first order']);
      const changed = await h.prisma.user.update({ where: { id: a, emailIndex: 'alice@example.com' }, data: { email: 'alice@example.org' }, select: { email: true } });
      expect(changed).toEqual({ email: 'alice@example.org' });
      const id = randomUUID();
      const created = await h.prisma.user.upsert({ where: { emailIndex: 'CAROL@example.com' }, create: { id, email: 'carol@example.com' }, update: {}, select: { id: true } });
      expect(created).toEqual({ id });
      const updated = await h.prisma.user.upsert({ where: { emailIndex: 'carol@example.com' }, create: { id: randomUUID(), email: 'carol@example.com' }, update: { name: 'Carol' }, select: { name: true } });
      expect(updated).toEqual({ name: 'Carol' });
      expect(await h.prisma.user.count()).toBe(3);
      expect((await h.prisma.user.delete({ where: { emailIndex: 'carol@example.com' }, select: { id: true } })).id).toBe(id);
    });
  });
}
