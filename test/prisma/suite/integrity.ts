/** Field types, tampering and context binding, strict vs migrating, transactions, raw helpers. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../../prisma/generated/sqlite/client.js';
import { DecryptionError, PlaintextRejectedError, UnsupportedQueryError } from '../../../src/errors.js';
import type { Harness } from '../support/harness.js';

export function integritySuite(h: Harness): void {
  describe('types, tampering, strict and migrating', () => {
    it('keeps every field type through a round trip, stored as ciphertext', async () => {
      const id = randomUUID();
      const values = {
        intV: 42,
        bigV: 9007199254740993n,
        floatV: -0.125,
        decV: new Prisma.Decimal('12345678901234567890.0001'),
        boolV: false,
        dateV: new Date('2024-02-29T12:34:56.789Z'),
        jsonV: { a: [1, 'two', null, { b: true }] },
        bytesV: new Uint8Array([0, 1, 2, 255]),
        detInt: 7,
        blob: 'stored in a Bytes column',
        plainInt: 3,
      };
      await h.prisma.typed.create({ data: { id, ...values } as never });
      const row = await h.prisma.typed.findUniqueOrThrow({ where: { id } });
      const got = row as unknown as Record<string, unknown>;
      expect(got.intV).toBe(42);
      expect(got.bigV).toBe(9007199254740993n);
      expect(got.floatV).toBe(-0.125);
      expect(Prisma.Decimal.isDecimal(got.decV)).toBe(true);
      expect(String(got.decV)).toBe('12345678901234567890.0001');
      expect(got.boolV).toBe(false);
      expect(got.dateV).toEqual(values.dateV);
      expect(got.jsonV).toEqual(values.jsonV);
      expect(Array.from(got.bytesV as Uint8Array)).toEqual([0, 1, 2, 255]);
      expect(got.blob).toBe('stored in a Bytes column');
      const [stored] = await h.rows('Typed');
      for (const column of ['intV', 'bigV', 'floatV', 'decV', 'boolV', 'dateV', 'jsonV', 'bytesV', 'detInt']) expect(String(stored![column])).toMatch(/^fs1:/);
      expect(Buffer.from(stored!.blob as Uint8Array).toString('utf8')).toMatch(/^fs1:/);
      expect((await h.prisma.typed.findFirst({ where: { detInt: 7 } as never }))?.id).toBe(id);
      expect(await h.prisma.typed.findFirst({ where: { detInt: 8 } as never })).toBeNull();
      await expect(h.prisma.typed.create({ data: { id: randomUUID(), intV: 'not a number' } })).rejects.toThrow(/Typed\.intV holds Int/);
    });

    it('a ciphertext copied to another row or field fails to open', async () => {
      const a = randomUUID();
      const b = randomUUID();
      await h.prisma.user.create({ data: { id: a, email: 'a@example.com' } });
      await h.prisma.user.create({ data: { id: b, email: 'b@example.com' } });
      const [rowA] = await h.db.query(`SELECT ${h.db.quote('email')} AS e FROM ${h.db.quote('User')} WHERE ${h.db.quote('id')} = ${h.db.param(1)}`, [a]);
      // Another row: the email is bound to User.id.
      await h.db.query(`UPDATE ${h.db.quote('User')} SET ${h.db.quote('email')} = ${h.db.param(1)} WHERE ${h.db.quote('id')} = ${h.db.param(2)}`, [rowA!.e, b]);
      await expect(h.prisma.user.findUnique({ where: { id: b } })).rejects.toBeInstanceOf(DecryptionError);
      // Another field: bound to model + field.
      const order = await h.prisma.order.create({ data: { userId: a, note: 'n' } });
      await h.db.query(`UPDATE ${h.db.quote('Order')} SET ${h.db.quote('note')} = ${h.db.param(1)} WHERE ${h.db.quote('id')} = ${h.db.param(2)}`, [rowA!.e, order.id]);
      await expect(h.prisma.order.findUnique({ where: { id: order.id } })).rejects.toBeInstanceOf(DecryptionError);
      // A flipped character.
      const text = String(rowA!.e);
      const flipped = text.slice(0, -3) + (text.at(-3) === 'A' ? 'B' : 'A') + text.slice(-2);
      await h.db.query(`UPDATE ${h.db.quote('User')} SET ${h.db.quote('email')} = ${h.db.param(1)} WHERE ${h.db.quote('id')} = ${h.db.param(2)}`, [flipped, a]);
      await expect(h.prisma.user.findUnique({ where: { id: a } })).rejects.toThrow();
      // Fields not selected are never opened, so the tampered row can still be read without them.
      expect(await h.prisma.user.findUnique({ where: { id: a }, select: { id: true } })).toEqual({ id: a });
    });

    it('batches: 300 rows round-trip through createMany/findMany; one bad value fails the write (nothing stored), one tampered row fails the read', async () => {
      const rows = Array.from({ length: 300 }, (_, i) => ({ id: randomUUID(), email: `batch${i}@example.com`, name: `Batch Person ${i}` }));
      await h.prisma.user.createMany({ data: rows });
      const read = await h.prisma.user.findMany({ where: { id: { in: rows.map((r) => r.id) } }, select: { id: true, email: true, name: true } });
      const byId = new Map(read.map((r) => [r.id, r]));
      for (const r of rows) expect(byId.get(r.id)).toEqual(r);
      expect((await h.prisma.user.findUnique({ where: { emailIndex: 'BATCH299@example.com' } }))?.id).toBe(rows[299]!.id);

      const bad = [...rows.slice(0, 5).map((r) => ({ ...r, id: randomUUID() })), { id: randomUUID(), email: 42 as unknown as string }];
      await expect(h.prisma.user.createMany({ data: bad })).rejects.toThrow(/User\.email holds String/);
      expect(await h.prisma.user.count()).toBe(300);

      const victim = rows[150]!;
      const [stored] = await h.db.query(`SELECT ${h.db.quote('name')} AS n FROM ${h.db.quote('User')} WHERE ${h.db.quote('id')} = ${h.db.param(1)}`, [victim.id]);
      const text = String(stored!.n);
      const flipped = text.slice(0, -3) + (text.at(-3) === 'A' ? 'B' : 'A') + text.slice(-2);
      await h.db.query(`UPDATE ${h.db.quote('User')} SET ${h.db.quote('name')} = ${h.db.param(1)} WHERE ${h.db.quote('id')} = ${h.db.param(2)}`, [flipped, victim.id]);
      await expect(h.prisma.user.findMany({ select: { id: true, name: true } })).rejects.toBeInstanceOf(DecryptionError);
      expect(await h.prisma.user.findMany({ where: { id: { not: victim.id } }, select: { name: true } })).toHaveLength(299);
    });

    it('row-bound fields need the row key before the write', async () => {
      await expect(h.prisma.user.updateMany({ where: { name: 'x' }, data: { email: 'x@example.com' } })).rejects.toBeInstanceOf(UnsupportedQueryError);
      const id = randomUUID();
      await h.prisma.user.create({ data: { id, email: 'r@example.com' } });
      await expect(h.prisma.user.update({ where: { id }, data: { id: randomUUID() } })).rejects.toBeInstanceOf(UnsupportedQueryError);
      expect(await h.prisma.user.findUnique({ where: { id }, select: { email: true } })).toEqual({ email: 'r@example.com' });
    });

    it('strict mode rejects plaintext; migrating mode reads it and always writes ciphertext', async () => {
      const id = randomUUID();
      await h.db.query(`INSERT INTO ${h.db.quote('User')} (${h.db.quote('id')}, ${h.db.quote('tenantId')}, ${h.db.quote('email')}) VALUES (${h.db.param(1)}, 't1', 'legacy@example.com')`, [id]);
      await expect(h.prisma.user.findUnique({ where: { id } })).rejects.toBeInstanceOf(PlaintextRejectedError);
      await h.db.query(`INSERT INTO ${h.db.quote('Legacy')} (${h.db.quote('email')}, ${h.db.quote('code')}) VALUES ('old@example.com', 'C-1')`);
      const legacy = await h.prisma.legacy.findFirstOrThrow({ where: { code: 'C-1' } });
      expect(legacy).toMatchObject({ email: 'old@example.com', code: 'C-1' });
      await h.prisma.legacy.update({ where: { id: legacy.id }, data: { email: 'old@example.com', code: 'C-1' } });
      const [stored] = await h.rows('Legacy');
      expect(String(stored!.email)).toMatch(/^fs1:/);
      expect(String(stored!.code)).toMatch(/^fs1:/);
      expect((await h.prisma.legacy.findFirstOrThrow({ where: { code: 'C-1' } })).email).toBe('old@example.com');
      await h.prisma.legacy.create({ data: { email: 'new@example.com' } });
      expect((await h.rows('Legacy')).every((r) => String(r.email).startsWith('fs1:'))).toBe(true);
    });

    it('interactive and batch transactions go through the extension', async () => {
      const id = randomUUID();
      await h.prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { id, email: 'tx@example.com', ssn: 'TX' } });
        expect((await tx.user.findUnique({ where: { ssn: 'TX' } }))?.email).toBe('tx@example.com');
      });
      const [byEmail, count] = await h.prisma.$transaction([h.prisma.user.findFirst({ where: { email: 'tx@example.com' } }), h.prisma.user.count({ where: { ssn: 'TX' } })]);
      expect(byEmail?.ssn).toBe('TX');
      expect(count).toBe(1);
      const [row] = await h.rows('User');
      expect(String(row!.email)).toMatch(/^fs1:/);
    });

    it('raw helpers seal and open by hand with the same rules', async () => {
      const id = randomUUID();
      const sealed = await h.raw.seal('User', 'email', 'raw@example.com', { row: id });
      const index = await h.raw.seal('User', 'emailIndex', 'RAW@example.com');
      await h.db.query(
        `INSERT INTO ${h.db.quote('User')} (${h.db.quote('id')}, ${h.db.quote('tenantId')}, ${h.db.quote('email')}, ${h.db.quote('emailIndex')}) VALUES (${h.db.param(1)}, 't1', ${h.db.param(2)}, ${h.db.param(3)})`,
        [id, sealed, index],
      );
      expect((await h.prisma.user.findFirst({ where: { email: 'raw@example.com' } }))?.id).toBe(id);
      const [row] = await h.rows('User');
      expect(await h.raw.open('User', 'email', row!.email, { row: id })).toBe('raw@example.com');
      expect(h.raw.classify(row!.email)).toBe('sealed');
      expect(await h.raw.lookup('User', 'email', 'raw@example.com')).toContain(row!.emailIndex);
    });
  });
}
