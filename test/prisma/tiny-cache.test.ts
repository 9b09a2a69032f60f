/**
 * The Prisma adapter beyond the key cache: with room for one or two unwrapped keys, a
 * lookup needs more keys than the cache holds (the scope's lookup key for the blind index
 * and the deterministic column, its data key for the randomized ones), so the synchronous
 * paths (Sealer.blindIndexNow / decryptManyNow) keep answering `undefined` and the adapter
 * must fall back without losing or mixing up a value. Many concurrent lookups and reads, on
 * every database; a copied blind index must still fail closed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSealer, localKeyProvider, memoryKeyStore, type Sealer } from '../../src/index.js';
import { LookupIntegrityError } from '../../src/errors.js';
import { baseClient, extend, type SealedClient } from './support/harness.js';
import { databaseKinds, openTestDatabase, unavailableReason, type TestDatabase } from '../support/databases.js';

const KEK = randomBytes(32).toString('base64');

for (const kind of databaseKinds) {
  const reason = await unavailableReason(kind); // throws in CI: there, a missing server is a failure
  describe.skipIf(reason !== undefined)(reason ?? `prisma adapter with a key cache smaller than a lookup's keys (${kind})`, { timeout: 120_000 }, () => {
    let db: TestDatabase;
    const store = memoryKeyStore();
    const people = Array.from({ length: 40 }, (_, i) => ({ id: randomUUID() as string, email: `person${i}@example.com`, name: `Person ${i}`, ssn: `${500000000 + i}` }));

    beforeAll(async () => {
      db = await openTestDatabase(kind, 'tinycache');
      const writer = await createSealer({ provider: localKeyProvider({ keys: { main: KEK } }), store });
      await extend(baseClient(db), writer).user.createMany({ data: people });
    });
    afterAll(async () => db?.close());

    async function client(maxEntries: number): Promise<{ sealer: Sealer; prisma: SealedClient }> {
      const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: KEK } }), store, cache: { maxEntries } });
      return { sealer, prisma: extend(baseClient(db), sealer) };
    }

    for (const maxEntries of [1, 2]) {
      it(`cache of ${maxEntries}: 400 concurrent findUnique and findMany calls each return their own rows, opened`, async () => {
        const { prisma } = await client(maxEntries);
        const lookups = Array.from({ length: 320 }, (_, i) => {
          const p = people[(i * 7) % people.length]!;
          // Both spellings of the lookup: the logical field (typed clients take it) and its index column.
          const where = i % 2 === 0 ? ({ email: p.email } as never) : { emailIndex: p.email };
          return prisma.user.findUnique({ where }).then((row) => [p, row] as const);
        });
        const lists = Array.from({ length: 80 }, (_, i) => {
          const ids = [people[i % people.length]!.id, people[(i + 3) % people.length]!.id];
          return prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true, name: true, ssn: true } }).then((rows) => [ids, rows] as const);
        });
        for (const [p, row] of await Promise.all(lookups)) {
          expect(row).toMatchObject({ id: p.id, email: p.email, name: p.name, ssn: p.ssn });
          expect(row).not.toHaveProperty('emailIndex');
        }
        const byId = new Map(people.map((p) => [p.id, p]));
        for (const [ids, rows] of await Promise.all(lists)) {
          expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
          for (const r of rows) expect(r).toEqual({ id: r.id, email: byId.get(r.id)!.email, name: byId.get(r.id)!.name, ssn: byId.get(r.id)!.ssn });
        }
      });
    }

    it('cache of 1: a blind index copied to another row still fails closed', async () => {
      const { prisma } = await client(1);
      const [a, b] = [people[0]!, people[1]!];
      const q = (n: string) => db.quote(n);
      const index = (await db.query(`SELECT ${q('emailIndex')} AS v FROM ${q('User')} WHERE ${q('id')} = ${db.param(1)}`, [a.id]))[0]!.v;
      await db.query(`UPDATE ${q('User')} SET ${q('emailIndex')} = NULL WHERE ${q('id')} = ${db.param(1)}`, [a.id]);
      await db.query(`UPDATE ${q('User')} SET ${q('emailIndex')} = ${db.param(1)} WHERE ${q('id')} = ${db.param(2)}`, [index, b.id]);
      await expect(prisma.user.findUnique({ where: { emailIndex: a.email } })).rejects.toBeInstanceOf(LookupIntegrityError);
      // Again (the keys cached by the first call differ): still refused.
      await expect(prisma.user.findUnique({ where: { emailIndex: a.email } })).rejects.toBeInstanceOf(LookupIntegrityError);
    });
  });
}
