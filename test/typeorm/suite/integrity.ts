/**
 * Lookup integrity: a row found through a blind index has its indexed column opened and
 * compared with the value looked up (after the normalizer); an index copied or swapped
 * between rows fails the read with LookupIntegrityError instead of returning another row.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { In, Not, type Repository } from 'typeorm';
import { fieldsealDataSource } from '../../../src/adapters/typeorm/index.js';
import { LookupIntegrityError } from '../../../src/index.js';
import { testSealer } from '../../support/sealer.js';
import type { DatabaseKind } from '../../support/databases.js';
import { Ticket } from '../entities-versions.js';
import { rawColumn, setRawColumn, testDataSource, type TestDataSource } from '../support.js';

export function integritySuite(kind: DatabaseKind): void {
  describe('lookup integrity', () => {
    let db: TestDataSource;
    let repo: Repository<Ticket>;
    const ids = { a: randomUUID(), b: randomUUID(), c: randomUUID() };

    beforeAll(async () => {
      db = await testDataSource(kind, 'integrity', [Ticket]);
      await fieldsealDataSource(db.dataSource, { sealer: await testSealer() });
      repo = db.dataSource.getRepository(Ticket);
      await repo.save([
        repo.create({ id: ids.a, customerId: null, email: 'Ann@Example.com', note: 'a', code: 'A1' }),
        repo.create({ id: ids.b, customerId: null, email: 'ben@example.com', note: 'b', code: 'B1' }),
        repo.create({ id: ids.c, customerId: null, email: 'cat@example.com', note: 'c', code: 'C1' }),
      ]);
    });
    afterAll(async () => db?.dispose());

    const index = async (id: string) => (await rawColumn(db, 'torm2_tickets', 'emailIndex', id)) as string;

    it('rows found through an intact index pass the check, the normalizer applied to both sides', async () => {
      expect((await repo.findOneBy({ email: 'ann@EXAMPLE.com' }))?.id).toBe(ids.a);
      expect((await repo.findBy({ email: In(['ANN@example.com', 'ben@example.com']) })).map((t) => t.id).sort()).toEqual([ids.a, ids.b].sort());
      expect(await repo.find({ where: [{ email: 'cat@example.com' }, { code: 'B1' }] })).toHaveLength(2);
      // The looked-up column is read for the check and left out of the result when not selected.
      const selected = await repo.findOne({ where: { email: 'ben@example.com' }, select: { id: true, note: true } });
      expect(selected).toEqual(expect.objectContaining({ id: ids.b, note: 'b' }));
      expect(selected).not.toHaveProperty('email');
      expect(await repo.findBy({ email: Not('ann@example.com') })).toHaveLength(2);
    });

    it('an index copied from another row fails closed', async () => {
      const [a, b] = [await index(ids.a), await index(ids.b)];
      await setRawColumn(db, 'torm2_tickets', 'emailIndex', ids.c, a);
      try {
        for (const read of [() => repo.findBy({ email: 'ann@example.com' }), () => repo.find({ where: { email: 'ann@example.com' }, select: { id: true } }), () => repo.findAndCountBy({ email: In(['ann@example.com']) })]) {
          const error = await read().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(LookupIntegrityError);
          expect(error).toMatchObject({ code: 'LOOKUP_INTEGRITY', model: 'Ticket', field: 'email' });
          expect(String((error as Error).message)).not.toContain('ann');
        }
        // Swapped: the lookup of one value returns only the other row.
        await setRawColumn(db, 'torm2_tickets', 'emailIndex', ids.c, `swap-${ids.c.slice(0, 8)}`);
        await setRawColumn(db, 'torm2_tickets', 'emailIndex', ids.a, b);
        await setRawColumn(db, 'torm2_tickets', 'emailIndex', ids.b, a);
        await expect(repo.findOneBy({ email: 'ann@example.com' })).rejects.toBeInstanceOf(LookupIntegrityError);
        await expect(repo.findOneByOrFail({ email: 'ben@example.com' })).rejects.toBeInstanceOf(LookupIntegrityError);
        await expect(repo.findOne({ where: { email: 'ben@example.com' }, select: { id: true } })).rejects.toBeInstanceOf(LookupIntegrityError);
      } finally {
        await setRawColumn(db, 'torm2_tickets', 'emailIndex', ids.a, a);
        await setRawColumn(db, 'torm2_tickets', 'emailIndex', ids.b, b);
      }
      expect((await repo.findOneBy({ email: 'ann@example.com' }))?.id).toBe(ids.a);
    });
  });
}
