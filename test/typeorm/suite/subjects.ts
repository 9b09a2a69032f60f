/**
 * Data subjects: randomized columns sealed under the data keys of the subject their row
 * names, so that shredding one subject erases exactly its values; lookup tokens stay under
 * the scope's lookup key.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repository } from 'typeorm';
import { fieldsealDataSource } from '../../../src/adapters/typeorm/index.js';
import { KeyDestroyedError, type Sealer } from '../../../src/index.js';
import { testSealer } from '../../support/sealer.js';
import type { DatabaseKind } from '../../support/databases.js';
import { Ticket } from '../entities-versions.js';
import { rawColumn, testDataSource, type TestDataSource } from '../support.js';

export function subjectSuite(kind: DatabaseKind): void {
  describe('data subjects', () => {
    let db: TestDataSource;
    let sealer: Sealer;
    let repo: Repository<Ticket>;
    const subjects = { one: `cust-${randomUUID()}`, two: `cust-${randomUUID()}` };
    const ids = { one: randomUUID(), two: randomUUID(), none: randomUUID() };

    beforeAll(async () => {
      sealer = await testSealer();
      db = await testDataSource(kind, 'subjects', [Ticket]);
      await fieldsealDataSource(db.dataSource, { sealer });
      repo = db.dataSource.getRepository(Ticket);
    });
    afterAll(async () => db?.dispose());

    it("seals under each row's subject; shredding one subject leaves the other's values readable", async () => {
      await repo.save([
        repo.create({ id: ids.one, customerId: subjects.one, email: 'one@example.com', note: 'first', code: 'C-1' }),
        repo.create({ id: ids.two, customerId: subjects.two, email: 'two@example.com', note: 'second', code: 'C-2' }),
        repo.create({ id: ids.none, customerId: null, email: 'none@example.com', note: 'third', code: 'C-3' }),
      ]);
      // Sealed under the subject's keys: the value opens with the subject in its context, not without it.
      const stored = (await rawColumn(db, 'torm2_tickets', 'email', ids.one)) as string;
      expect(await sealer.decrypt(stored, { model: 'Ticket', field: 'email', row: ids.one, subject: subjects.one })).toBe('one@example.com');
      await expect(sealer.decrypt(stored, { model: 'Ticket', field: 'email', row: ids.one })).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
      // Lookups stay at the scope: the index is the scope's, whatever the subject.
      expect(await rawColumn(db, 'torm2_tickets', 'emailIndex', ids.one)).toBe(await sealer.blindIndex('one@example.com', { model: 'Ticket', field: 'email', normalize: 'email' }));
      expect(await repo.findOneBy({ email: 'ONE@example.com' })).toMatchObject({ id: ids.one, note: 'first', code: 'C-1' });
      // select gains the subject column of a selected subject-bound column.
      expect(await repo.findOne({ where: { id: ids.two }, select: { id: true, note: true } })).toMatchObject({ id: ids.two, note: 'second' });
      // An update that does not name the subject would seal under the wrong keys: refused.
      await expect(repo.update(ids.two, { note: 'changed' })).rejects.toMatchObject({ code: 'QUERY_UNSUPPORTED', operator: 'update' });
      await repo.update(ids.two, { note: 'changed', customerId: subjects.two });
      const loaded = (await repo.findOneBy({ id: ids.two }))!;
      loaded.email = 'two.new@example.com';
      await repo.save(loaded);

      expect(await sealer.shred({ subject: subjects.one })).toBeGreaterThan(0);
      await expect(repo.findOneBy({ id: ids.one })).rejects.toBeInstanceOf(KeyDestroyedError);
      await expect(repo.findOneBy({ email: 'one@example.com' })).rejects.toBeInstanceOf(KeyDestroyedError);
      expect(await repo.findOneBy({ id: ids.two })).toMatchObject({ email: 'two.new@example.com', note: 'changed', code: 'C-2', customerId: subjects.two });
      expect(await repo.findOneBy({ email: 'two.new@example.com' })).toMatchObject({ id: ids.two });
      expect(await repo.findOneBy({ id: ids.none })).toMatchObject({ email: 'none@example.com', note: 'third' });
      // The shredded subject's deterministic value (scope-keyed) still reads; its randomized ones never do.
      expect(await repo.findOne({ where: { id: ids.one }, select: { id: true, code: true } })).toMatchObject({ code: 'C-1' });
    });
  });
}
