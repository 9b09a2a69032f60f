/**
 * Data key rotations under the adapter. Lookup tokens (deterministic values, blind indexes,
 * FPE tokens) are made with the scope's lookup key, which `rotateDataKey` leaves alone, so
 * every lookup, unique write and nested connect written as one token finds the rows written
 * before the rotation, and FPE columns read back exactly.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryKeyStore, type KeyStore } from '../../../src/index.js';
import { fieldsealRaw } from '../../../src/adapters/prisma/index.js';
import { datamodel } from '../../../prisma/generated/sqlite/fieldseal.js';
import { extend, newSealer, testFields, type Harness } from '../support/harness.js';

/** A store that counts the listings the keyring makes through it. */
function listCountingStore(): { store: KeyStore; lists: () => number } {
  const inner = memoryKeyStore();
  let lists = 0;
  const store: KeyStore = {
    description: inner.description,
    migrate: () => inner.migrate(),
    get: (id) => inner.get(id),
    getMany: (ids) => inner.getMany(ids),
    primary: (scope, purpose) => inner.primary(scope, purpose),
    insert: (record, options) => inner.insert(record, options),
    compareAndSet: (id, version, change) => inner.compareAndSet(id, version, change),
    list: (page) => {
      lists++;
      return inner.list(page);
    },
  };
  return { store, lists: () => lists };
}

export function rotationSuite(h: Harness): void {
  describe('after a data key rotation', () => {
    it('finds rows written before it, by unique and non-unique lookups, and updates and deletes them', async () => {
      const sealer = await newSealer();
      const prisma = extend(h.base, sealer);
      const before = randomUUID();
      await prisma.user.create({ data: { id: before, email: 'old@example.com', ssn: '111-11-1111' } });
      await sealer.rotateDataKey();
      const after = randomUUID();
      await prisma.user.create({ data: { id: after, email: 'new@example.com', ssn: '222-22-2222' } });
      expect((await prisma.user.findUnique({ where: { emailIndex: 'OLD@example.com' } }))?.id).toBe(before);
      expect((await prisma.user.findUnique({ where: { ssn: '111-11-1111' } }))?.id).toBe(before);
      expect((await prisma.user.findUniqueOrThrow({ where: { emailIndex: 'old@example.com' } })).id).toBe(before);
      expect((await prisma.user.findUnique({ where: { emailIndex: 'new@example.com' } }))?.id).toBe(after);
      expect(await prisma.user.findUnique({ where: { emailIndex: 'nobody@example.com' } })).toBeNull();
      await expect(prisma.user.findUniqueOrThrow({ where: { ssn: '999-99-9999' } })).rejects.toMatchObject({ code: 'P2025' });
      expect((await prisma.user.findMany({ where: { ssn: { in: ['111-11-1111', '222-22-2222'] } }, orderBy: { id: 'asc' } })).map((u) => u.id).sort()).toEqual([before, after].sort());
      expect((await prisma.user.findFirst({ where: { email: 'old@example.com' } }))?.email).toBe('old@example.com');
      const updated = await prisma.user.update({ where: { emailIndex: 'Old@Example.com' }, data: { name: 'Renamed' } });
      expect([updated.id, updated.name]).toEqual([before, 'Renamed']);
      expect((await prisma.user.update({ where: { ssn: '111-11-1111' }, data: { name: 'Again' } })).id).toBe(before);
      await expect(prisma.user.update({ where: { emailIndex: 'nobody@example.com' }, data: { name: 'x' } })).rejects.toMatchObject({ code: 'P2025' });
      expect((await prisma.user.delete({ where: { emailIndex: 'old@example.com' } })).id).toBe(before);
      expect(await prisma.user.findUnique({ where: { id: before } })).toBeNull();
      await expect(prisma.user.delete({ where: { ssn: '111-11-1111' } })).rejects.toMatchObject({ code: 'P2025' });
    });

    it('pages with a cursor by a protected unique field wherever a unique where finds the row', async () => {
      const sealer = await newSealer();
      const prisma = extend(h.base, sealer);
      const ids = [randomUUID(), randomUUID(), randomUUID()].sort();
      await prisma.user.create({ data: { id: ids[0]!, email: 'c0@example.com', ssn: '300-00-0000' } });
      await prisma.user.create({ data: { id: ids[1]!, email: 'c1@example.com', ssn: '300-00-0001' } });
      await sealer.rotateDataKey();
      await prisma.user.create({ data: { id: ids[2]!, email: 'c2@example.com', ssn: '300-00-0002' } });
      const page = (cursor: Record<string, unknown>) => prisma.user.findMany({ cursor: cursor as never, orderBy: { id: 'asc' }, select: { id: true, email: true } });
      expect((await prisma.user.findUnique({ where: { ssn: '300-00-0001' } }))?.id).toBe(ids[1]);
      expect((await page({ ssn: '300-00-0001' })).map((u) => u.id)).toEqual(ids.slice(1));
      expect((await page({ emailIndex: 'C1@example.com' })).map((u) => u.id)).toEqual(ids.slice(1));
      expect((await page({ email: 'c0@example.com' })).map((u) => u.email)).toEqual(['c0@example.com', 'c1@example.com', 'c2@example.com']);
      expect((await page({ ssn: { equals: '300-00-0001' } })).map((u) => u.id)).toEqual(ids.slice(1));
      expect((await prisma.user.findMany({ cursor: { ssn: '300-00-0000' }, skip: 1, take: 1, orderBy: { id: 'asc' }, select: { id: true } })).map((u) => u.id)).toEqual([ids[1]]);
      expect(await prisma.user.count({ cursor: { emailIndex: 'c1@example.com' }, orderBy: { id: 'asc' } })).toBe(2);
      expect((await prisma.user.findFirst({ cursor: { emailIndex: 'c1@example.com' }, orderBy: { id: 'asc' } }))?.id).toBe(ids[1]);
      expect((await prisma.user.findMany({ where: { ssn: { in: ['300-00-0000', '300-00-0002'] } }, cursor: { ssn: '300-00-0000' }, orderBy: { id: 'asc' }, select: { id: true } })).map((u) => u.id)).toEqual([ids[0], ids[2]]);
      // A cursor no row holds pages nothing, as in plain Prisma.
      expect(await page({ ssn: '399-99-9999' })).toEqual([]);
      // Relations page by cursor too.
      const order = await prisma.order.create({ data: { userId: ids[0]!, reference: 'r-1' } });
      await prisma.order.create({ data: { userId: ids[0]!, reference: 'r-2' } });
      const withOrders = await prisma.user.findUniqueOrThrow({ where: { id: ids[0]! }, include: { orders: { cursor: { id: order.id }, where: { reference: { in: ['r-1', 'r-2'] } }, orderBy: { id: 'asc' } } } });
      expect(withOrders.orders.map((o) => o.reference)).toEqual(['r-1', 'r-2']);
      const item = await prisma.item.create({ data: { orderId: order.id, tags: { create: [{ label: 'cursor-a' }, { label: 'cursor-b' }] } } });
      await sealer.rotateDataKey();
      const tags = await prisma.item.findUniqueOrThrow({ where: { id: item.id }, include: { tags: { cursor: { label: 'cursor-b' }, orderBy: { id: 'asc' } } } });
      expect(tags.tags.map((t) => t.label)).toEqual(['cursor-b']);
    });

    it('leaves the stored lookup tokens as they were: the same values written again store the same deterministic, blind index and FPE tokens', async () => {
      const sealer = await newSealer();
      const prisma = extend(h.base, sealer);
      const values = { email: 'same@example.com', ssn: '123-45-6789', card: '4111111111111111', name: 'Same' };
      const id = randomUUID();
      await prisma.user.create({ data: { id, ...values } });
      const [before] = await h.rows('User');
      await sealer.rotateDataKey();
      await prisma.user.update({ where: { id }, data: values });
      const [after] = await h.rows('User');
      for (const column of ['ssn', 'emailIndex', 'nameIndex', 'card']) {
        expect(after![column], column).toEqual(expect.any(String));
        expect(after![column], column).toBe(before![column]);
      }
      expect(await prisma.user.findUniqueOrThrow({ where: { id } })).toMatchObject(values);
    });

    it('upserts by a protected unique field update the row written before it, never a second row', async () => {
      const sealer = await newSealer();
      const prisma = extend(h.base, sealer);
      const id = randomUUID();
      await prisma.user.create({ data: { id, email: 'up@example.com', ssn: '555-55-5555', name: 'Before' } });
      await sealer.rotateDataKey();
      const bySsn = await prisma.user.upsert({
        where: { ssn: '555-55-5555' },
        create: { id: randomUUID(), email: 'second@example.com', ssn: '555-55-5555', name: 'Second' },
        update: { name: 'By ssn' },
      });
      expect([bySsn.id, bySsn.name, bySsn.email]).toEqual([id, 'By ssn', 'up@example.com']);
      const byIndex = await prisma.user.upsert({
        where: { emailIndex: 'UP@example.com' },
        create: { id: randomUUID(), email: 'up@example.com', name: 'Second' },
        update: { name: 'By index' },
      });
      expect([byIndex.id, byIndex.name]).toEqual([id, 'By index']);
      expect(await prisma.user.count()).toBe(1);
      expect(await h.rows('User')).toHaveLength(1);
      // A value no row has is still created.
      const created = await prisma.user.upsert({ where: { ssn: '666-66-6666' }, create: { id: randomUUID(), email: 'new@example.com', ssn: '666-66-6666' }, update: { name: 'never' } });
      expect(created.id).not.toBe(id);
      expect(await prisma.user.count()).toBe(2);
    });

    it('nested connect, connectOrCreate, set and disconnect by a protected unique field reach rows written before it', async () => {
      const sealer = await newSealer();
      const prisma = extend(h.base, sealer);
      const owner = randomUUID();
      await prisma.user.create({ data: { id: owner, email: 'owner@example.com', ssn: '777-77-7777' } });
      await prisma.tag.createMany({ data: [{ label: 'vip' }, { label: 'gold' }] });
      await sealer.rotateDataKey();
      const order = await prisma.order.create({
        data: {
          reference: 'after-rotation',
          user: { connect: { ssn: '777-77-7777' } },
          items: { create: [{ secret: 'boxed', tags: { connect: [{ label: 'vip' }], connectOrCreate: { where: { label: 'gold' }, create: { label: 'gold' } } } }] },
        },
        include: { items: { include: { tags: { orderBy: { id: 'asc' } } } } },
      });
      expect(order.userId).toBe(owner);
      expect(order.items[0]?.tags.map((t) => t.label)).toEqual(['vip', 'gold']);
      expect(await prisma.tag.count()).toBe(2);
      const byIndex = await prisma.order.create({ data: { reference: 'by-index', user: { connect: { emailIndex: 'Owner@Example.com' } } } });
      expect(byIndex.userId).toBe(owner);
      const item = order.items[0]!;
      await prisma.item.update({ where: { id: item.id }, data: { tags: { set: [{ label: 'gold' }] } } });
      expect((await prisma.item.findUniqueOrThrow({ where: { id: item.id }, include: { tags: true } })).tags.map((t) => t.label)).toEqual(['gold']);
      await prisma.item.update({ where: { id: item.id }, data: { tags: { disconnect: { label: 'gold' } } } });
      expect((await prisma.item.findUniqueOrThrow({ where: { id: item.id }, include: { tags: true } })).tags).toEqual([]);
      expect(await prisma.tag.count()).toBe(2);
    });

    it('reads FPE columns back exactly and finds rows by them, in the default and in another scope', async () => {
      const sealer = await newSealer();
      const prisma = extend(h.base, sealer);
      const user = randomUUID();
      const option = randomUUID();
      const values = { cardLast: '4111 1111 1111 1234', cardFirst: '4929 3812 3456 7890', cardLuhn: '5555555555554444', code: 'ab12cd34ef56', ssn: '078-05-1120', phone: '+1 (555) 010-9999', account: '0012345678' };
      await prisma.user.create({ data: { id: user, email: 'fpe@example.com', card: '4111111111111111' } });
      await prisma.annotationOption.create({ data: { id: option, ...values } });
      const [storedBefore] = await h.rows('AnnotationOption');
      await sealer.rotateDataKey();
      await sealer.rotateDataKey({ scope: 'vault' });
      expect((await prisma.user.findUniqueOrThrow({ where: { id: user } })).card).toBe('4111111111111111');
      expect((await prisma.user.findFirst({ where: { card: '4111111111111111' } }))?.id).toBe(user);
      expect(await prisma.annotationOption.findUniqueOrThrow({ where: { id: option } })).toMatchObject(values);
      expect((await prisma.annotationOption.findFirst({ where: { account: '0012345678' } }))?.id).toBe(option);
      // Written again after the rotation, each value stores the token it stored before.
      const again = randomUUID();
      await prisma.annotationOption.create({ data: { id: again, ...values } });
      const [storedAgain] = await h.db.query(`SELECT * FROM ${h.db.quote('AnnotationOption')} WHERE ${h.db.quote('id')} = ${h.db.param(1)}`, [again]);
      for (const column of Object.keys(values)) expect(storedAgain![column], column).toBe(storedBefore![column]);
    });

    it('compares one token per lookup and lists no key records to make it', async () => {
      const counting = listCountingStore();
      const sealer = await newSealer(counting.store);
      const prisma = extend(h.base, sealer);
      const id = randomUUID();
      await prisma.user.create({ data: { id, email: 'count@example.com', ssn: '888-88-8888', card: '4000000000000002' } });
      await sealer.rotateDataKey();
      const lists = counting.lists();
      expect((await prisma.user.findUnique({ where: { ssn: '888-88-8888' } }))?.id).toBe(id);
      expect((await prisma.user.findFirst({ where: { email: 'count@example.com', card: '4000000000000002' } }))?.id).toBe(id);
      expect(await prisma.user.count({ where: { ssn: { in: ['888-88-8888', '000-00-0000'] } } })).toBe(1);
      await prisma.user.upsert({ where: { emailIndex: 'count@example.com' }, create: { id: randomUUID(), email: 'count@example.com' }, update: { name: 'n' } });
      const raw = fieldsealRaw({ sealer, fields: testFields(sealer), datamodel });
      expect(await raw.lookup('User', 'ssn', '888-88-8888')).toEqual([(await h.rows('User'))[0]!.ssn]);
      expect(await raw.lookup('User', 'email', 'count@example.com')).toEqual([(await h.rows('User'))[0]!.emailIndex]);
      expect(counting.lists() - lists).toBe(0);
    });
  });
}
