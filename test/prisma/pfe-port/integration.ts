/**
 * prisma-field-encryption's integration scenarios (src/tests/integration.test.ts of
 * github.com/47ng/prisma-field-encryption, MIT licence), rewritten for fieldseal's Prisma
 * adapter on its test schema ported to fieldseal annotations (PfeUser, PfePost,
 * PfeCategory in prisma/schema/*): `name` is `@fieldseal.encrypt` with a `fold` blind
 * index `nameHash` (their `@encryption:hash(name)?normalize=lowercase&normalize=diacritics&
 * normalize=trim`), `content` is `@fieldseal.encrypt`. Each scenario seeds its own rows
 * (theirs run in sequence over one database). Scenarios, under their names:
 *
 *  1. create user
 *  2. query user by encrypted field
 *  3. query user by encrypted field (with equals)
 *  4. query user by encrypted field with complex query
 *  5. delete user
 *  6. create post & associated user
 *  7. update user
 *  8. update user (with set)
 *  9. complex query nesting
 * 10. top level with no encrypted field, nested with encrypted field - using select
 * 11. immutable params
 * 12. orderBy is not supported (refused by design: fieldseal throws where they drop the
 *     ordering and log)
 * 13. connect on hashed field
 * 14. cursor on hashed field
 * 15. transactions
 * 16. transactions with rollback
 * 17. Doesn't work with the Fluent API (it does here: the related records are opened)
 * 18. query entries with non-empty name
 * 19. create user with normalizeable name
 * 20. query user by encrypted and hashed name field with a normalized input (with equals)
 * 21. query field with 4 MiB+ data
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, UnsupportedQueryError } from '../../../src/index.js';
import type { Harness } from '../support/harness.js';
import { BLIND_INDEX, SEALED, pfeClient, sealerWith, storedRow, type PfeClient } from './support.js';

const EMAIL = '007@hmss.gov.uk';

/** Thrown inside a transaction to roll it back, carrying the id written before. */
class Rollback extends Error {
  constructor(readonly postId: number) {
    super('rolled back on purpose');
  }
}

export function integrationScenarios(h: Harness): void {
  let prisma: PfeClient;
  beforeAll(() => {
    prisma = pfeClient(h);
  });
  const createBond = () => prisma.pfeUser.create({ data: { email: EMAIL, name: 'James Bond' } });

  describe('prisma-field-encryption integration scenarios', () => {
    it('1. create user: clear text returned, ciphertext and blind index stored', async () => {
      const received = await createBond();
      expect(received.name).toBe('James Bond');
      const stored = await storedRow(h, 'PfeUser', 'email', EMAIL);
      expect(stored.name).toMatch(SEALED);
      expect(stored.nameHash).toMatch(BLIND_INDEX);
      expect(stored.email).toBe(EMAIL);
    });

    it('2. query user by encrypted field: bare value, equals, OR, and findUnique through the unique blind index', async () => {
      await createBond();
      expect((await prisma.pfeUser.findFirst({ where: { name: 'James Bond' } }))?.name).toBe('James Bond');
      expect((await prisma.pfeUser.findFirst({ where: { name: { equals: 'James Bond' } } }))?.name).toBe('James Bond');
      expect((await prisma.pfeUser.findFirst({ where: { OR: [{ name: 'James Bond' }, { name: 'Bond, James Bond.' }] } }))?.name).toBe('James Bond');
      expect((await prisma.pfeUser.findUnique({ where: { name: 'James Bond' } }))?.email).toBe(EMAIL);
      expect(await prisma.pfeUser.findFirst({ where: { name: 'Bond, James Bond.' } })).toBeNull();
    });

    it('3. query user by encrypted field (with equals)', async () => {
      await createBond();
      expect((await prisma.pfeUser.findFirst({ where: { name: { equals: 'James Bond' } } }))?.name).toBe('James Bond');
    });

    it('4. query user by encrypted field with complex query (OR, AND, NOT)', async () => {
      await createBond();
      await prisma.pfeUser.create({ data: { email: 'no@spectre.org', name: 'Dr. No' } });
      const received = await prisma.pfeUser.findMany({
        where: { OR: [{ name: { equals: 'James Bond' } }, { AND: [{ NOT: { name: 'Dr. No' } }] }] },
      });
      expect(received.map((u) => u.name)).toEqual(['James Bond']);
      const notNo = await prisma.pfeUser.findFirst({ where: { AND: [{ NOT: { name: 'Dr. No' } }, { email: EMAIL }] } });
      expect(notNo?.name).toBe('James Bond');
    });

    it('5. delete user: the deleted record comes back opened', async () => {
      await createBond();
      const received = await prisma.pfeUser.delete({ where: { email: EMAIL } });
      expect(received.name).toBe('James Bond');
      expect(await prisma.pfeUser.count()).toBe(0);
    });

    it('6. create post & associated user: nested create, both sealed, the title in clear', async () => {
      const received = await prisma.pfePost.create({
        data: { title: "I'm back", content: 'You only live twice.', author: { create: { email: EMAIL, name: 'James Bond' } } },
        select: { id: true, author: true, content: true },
      });
      expect(received.author?.name).toBe('James Bond');
      expect(received.content).toBe('You only live twice.');
      expect((await storedRow(h, 'PfeUser', 'email', EMAIL)).name).toMatch(SEALED);
      const post = await storedRow(h, 'PfePost', 'id', received.id);
      expect(post.content).toMatch(SEALED);
      expect(post.title).toBe("I'm back");
    });

    it('7. update user: sealed again, and found by the new name only', async () => {
      await createBond();
      const received = await prisma.pfeUser.update({ where: { email: EMAIL }, data: { name: 'The name is Bond...' } });
      expect(received.name).toBe('The name is Bond...');
      expect((await storedRow(h, 'PfeUser', 'email', EMAIL)).name).toMatch(SEALED);
      expect((await prisma.pfeUser.findUnique({ where: { name: 'The name is Bond...' } }))?.email).toBe(EMAIL);
      expect(await prisma.pfeUser.findUnique({ where: { name: 'James Bond' } })).toBeNull();
    });

    it('8. update user (with set)', async () => {
      await createBond();
      const received = await prisma.pfeUser.update({ where: { email: EMAIL }, data: { name: { set: '...James Bond.' } } });
      expect(received.name).toBe('...James Bond.');
      expect((await storedRow(h, 'PfeUser', 'email', EMAIL)).name).toMatch(SEALED);
      expect((await prisma.pfeUser.findFirst({ where: { name: '...James Bond.' } }))?.email).toBe(EMAIL);
      await prisma.pfeUser.delete({ where: { email: EMAIL } });
    });

    it('9. complex query nesting: a user with posts and a category created and included in one call', async () => {
      const received = await prisma.pfeUser.create({
        data: {
          email: '006@hmss.gov.uk',
          name: 'Alec Trevelyan',
          posts: {
            create: [
              { title: '006 - First report', content: 'For England, James?' },
              { title: 'Janus Quotes', content: "I've set the timers for six minutes", categories: { create: { name: 'Quotes' } } },
            ],
          },
        },
        include: { posts: { include: { categories: true }, orderBy: { id: 'asc' } } },
      });
      expect(received.name).toBe('Alec Trevelyan');
      expect(received.posts.map((p) => p.content)).toEqual(['For England, James?', "I've set the timers for six minutes"]);
      expect(received.posts[1]?.categories.map((c) => c.name)).toEqual(['Quotes']);
      expect((await storedRow(h, 'PfeUser', 'email', '006@hmss.gov.uk')).name).toMatch(SEALED);
      for (const post of received.posts) expect((await storedRow(h, 'PfePost', 'id', post.id)).content).toMatch(SEALED);
      expect((await storedRow(h, 'PfeCategory', 'name', 'Quotes')).name).toBe('Quotes');
    });

    it('10. top level with no encrypted field, nested with encrypted field - using select', async () => {
      const created = await prisma.pfePost.create({
        data: {
          title: "I'm back",
          content: 'You only live twice.',
          categories: { create: { name: 'Secret agents' } },
          author: { create: { email: EMAIL, name: 'James Bond' } },
        },
        select: { id: true, author: true, content: true, categories: true },
      });
      const categoryId = created.categories[0]?.id;
      const category = await prisma.pfeCategory.findFirst({
        select: { name: true, posts: { select: { content: true, author: { select: { name: true } } } } },
        where: { id: { equals: categoryId } },
      });
      expect(category).toEqual({ name: 'Secret agents', posts: [{ content: 'You only live twice.', author: { name: 'James Bond' } }] });
    });

    it('11. immutable params: the arguments are left as they were given', async () => {
      const email = 'xenia@cccp.ru';
      const params = { data: { name: 'Xenia Onatop', email } };
      const before = structuredClone(params);
      const received = await prisma.pfeUser.create(params);
      expect(params).toEqual(before);
      expect(received.name).toBe('Xenia Onatop');
      expect((await storedRow(h, 'PfeUser', 'email', email)).name).toMatch(SEALED);
      const where = { where: { name: { equals: 'Xenia Onatop' } } };
      const whereBefore = structuredClone(where);
      expect((await prisma.pfeUser.findFirst(where))?.email).toBe(email);
      expect(where).toEqual(whereBefore);
    });

    it('12. orderBy is not supported: refused with UnsupportedQueryError (they drop it and log)', async () => {
      await createBond();
      await prisma.pfeUser.create({ data: { email: 'xenia@cccp.ru', name: 'Xenia Onatop' } });
      const refusal = { code: 'QUERY_UNSUPPORTED', model: 'PfeUser', field: 'name', operator: 'orderBy' };
      await expect(prisma.pfeUser.findMany({ orderBy: { name: 'desc' } })).rejects.toBeInstanceOf(UnsupportedQueryError);
      await expect(prisma.pfeUser.findMany({ orderBy: { name: 'desc' } })).rejects.toMatchObject(refusal);
      await expect(prisma.pfeUser.findMany({ orderBy: [{ name: 'asc' }] })).rejects.toMatchObject(refusal);
      await expect(prisma.pfePost.findMany({ orderBy: { author: { name: 'asc' } } })).rejects.toMatchObject(refusal);
      // Ordering by an unprotected column is answered.
      expect((await prisma.pfeUser.findMany({ orderBy: { email: 'desc' } })).map((u) => u.name)).toEqual(['Xenia Onatop', 'James Bond']);
    });

    it('13. connect on hashed field: a nested connect by the sealed name', async () => {
      await createBond();
      const content = 'You can connect to a hashed encrypted field.';
      const received = await prisma.pfePost.create({
        data: { title: 'Connected', content, author: { connect: { name: 'James Bond' } } },
        include: { author: true },
      });
      expect(received.author?.name).toBe('James Bond');
      expect(received.content).toBe(content);
    });

    it('14. cursor on hashed field', async () => {
      await prisma.pfeUser.create({ data: { email: 'a@example.com', name: 'Alec Trevelyan' } });
      await createBond();
      await prisma.pfeUser.create({ data: { email: 'x@example.com', name: 'Xenia Onatop' } });
      const received = await prisma.pfeUser.findMany({ take: 1, cursor: { name: 'James Bond' } });
      expect(received.map((u) => u.name)).toEqual(['James Bond']);
      const rest = await prisma.pfeUser.findMany({ cursor: { name: 'James Bond' }, orderBy: { id: 'asc' } });
      expect(rest.map((u) => u.name)).toEqual(['James Bond', 'Xenia Onatop']);
    });

    it('15. transactions: create with a connect by the sealed name, then delete, in one interactive transaction', async () => {
      await createBond();
      const id = await prisma.$transaction(async (tx) => {
        const post = await tx.pfePost.create({
          data: { title: 'Mission orders', author: { connect: { name: 'James Bond' } }, content: 'This message will self-destruct in 5 seconds' },
        });
        expect(post.content).toBe('This message will self-destruct in 5 seconds');
        await tx.pfePost.delete({ where: { id: post.id } });
        return post.id;
      });
      expect(await prisma.pfePost.findUnique({ where: { id } })).toBeNull();
    });

    it('16. transactions with rollback', async () => {
      await createBond();
      const rolledBack = await prisma
        .$transaction(async (tx) => {
          const post = await tx.pfePost.create({
            data: { title: 'Mission orders', author: { connect: { name: 'James Bond' } }, content: 'This message will self-destruct in 5 seconds' },
          });
          throw new Rollback(post.id);
        })
        .then(
          () => expect.fail('the transaction should have been rolled back'),
          (error: unknown) => error,
        );
      expect(rolledBack).toBeInstanceOf(Rollback);
      expect(await prisma.pfePost.findUnique({ where: { id: (rolledBack as Rollback).postId } })).toBeNull();
      expect(await prisma.pfePost.count()).toBe(0);
    });

    it('17. the Fluent API: related records come back opened (theirs stay ciphertext)', async () => {
      await prisma.pfeUser.create({
        data: { email: EMAIL, name: 'James Bond', posts: { create: [{ title: 'One', content: 'Shaken' }, { title: 'Two', content: 'Not stirred' }] } },
      });
      const posts = await prisma.pfeUser.findUnique({ where: { email: EMAIL } }).posts({ orderBy: { id: 'asc' } });
      expect(posts?.map((p) => p.content)).toEqual(['Shaken', 'Not stirred']);
      const author = await prisma.pfePost.findFirst({ where: { title: 'Two' } }).author();
      expect(author?.name).toBe('James Bond');
    });

    it('18. query entries with non-empty name', async () => {
      await createBond();
      await prisma.pfeUser.create({ data: { email: 'xenia@cccp.ru', name: 'Xenia Onatop' } });
      await prisma.pfeUser.create({ data: { name: '', email: 'test_mail@example.com' } });
      const users = await prisma.pfeUser.findMany({ orderBy: { id: 'asc' } });
      const activeUserCount = await prisma.pfeUser.count({ where: { name: { not: '' } } });
      const existingUsers = await prisma.pfeUser.findMany({ where: { name: { not: 'f@keU$er' } }, orderBy: { id: 'asc' } });
      expect(users.map((u) => u.name)).toEqual(['James Bond', 'Xenia Onatop', '']);
      expect(activeUserCount).toBe(users.length - 1);
      expect(existingUsers).toEqual(users);
    });

    it('19. create user with normalizeable name', async () => {
      const received = await prisma.pfeUser.create({ data: { email: 'normalize@example.com', name: ' François' } });
      expect(received.name).toBe(' François');
      const stored = await storedRow(h, 'PfeUser', 'email', 'normalize@example.com');
      expect(stored.name).toMatch(SEALED);
      expect(stored.nameHash).toMatch(BLIND_INDEX);
    });

    it('20. query user by encrypted and hashed name field with a normalized input (with equals)', async () => {
      await prisma.pfeUser.create({ data: { email: 'normalize@example.com', name: ' François' } });
      const received = await prisma.pfeUser.findFirst({ where: { name: { equals: 'Francois' } } });
      expect(received?.name).toBe(' François');
      expect(received?.email).toBe('normalize@example.com');
      expect((await prisma.pfeUser.findUnique({ where: { name: 'FRANÇOIS ' } }))?.email).toBe('normalize@example.com');
    });

    it('21. query field with 4 MiB+ data (maxTextLength raised; the default refuses it with InvalidInputError)', { timeout: 60_000 }, async () => {
      const longNameUser = { name: 'a'.repeat(4_194_304), email: 'mr-4MiB-name@example.test' };
      await expect(prisma.pfeUser.create({ data: longNameUser })).rejects.toBeInstanceOf(InvalidInputError);
      expect(await prisma.pfeUser.count()).toBe(0);

      const large = pfeClient(h, await sealerWith({ maxTextLength: 8 * 1024 * 1024 }));
      await large.pfeUser.upsert({ where: { email: longNameUser.email }, create: longNameUser, update: longNameUser });
      await large.pfeUser.upsert({ where: { email: longNameUser.email }, create: longNameUser, update: longNameUser });
      const saved = await large.pfeUser.findUniqueOrThrow({ where: { email: longNameUser.email } });
      expect(saved.email).toBe(longNameUser.email);
      expect(saved.name?.length).toBe(longNameUser.name.length);
      const digest = (text: string) => createHash('sha256').update(text).digest('hex');
      expect(digest(saved.name ?? '')).toBe(digest(longNameUser.name));
      expect((await large.pfeUser.findUniqueOrThrow({ where: { name: longNameUser.name }, select: { id: true } })).id).toBe(saved.id);
    });
  });
}
