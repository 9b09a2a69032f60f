/**
 * Replacing a lookup key through TypeORM entities: shadow columns written beside the old
 * ones under lookup key version 2 (dual write), a unique shadow refusing duplicates,
 * `runReindex` filling the shadows of older rows through the TypeORM row source, then reads
 * switched to version 2 with every row still found.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource, type DataSourceOptions, type Repository } from 'typeorm';
import { fieldsealDataSource, type FieldsealDataSource } from '../../../src/adapters/typeorm/index.js';
import { typeormRowSource } from '../../../src/adapters/typeorm/row-source.js';
import { ConfigurationError, type Sealer } from '../../../src/index.js';
import { runReindex, runVerify, type ProtectedColumn } from '../../../src/rotation/index.js';
import { testPan } from '../../support/cards.js';
import { testSealer } from '../../support/sealer.js';
import type { DatabaseKind } from '../../support/databases.js';
import { MissingSubject, OnlyReindexingIndex, personEntity, ShadowOfMissing, ShadowSameVersion, TwoIndexesOneVersion, type PersonShape, type ReindexPhase } from '../entities-versions.js';
import { testDataSource, type TestDataSource } from '../support.js';

const cardFormat = { kind: 'card', keep: { last: 4 } } as const;

/** The columns as the application in the dual-write phase describes them to the rotation jobs. */
const columns: ProtectedColumn[] = [
  { column: 'email', model: 'Person', field: 'email', mode: 'randomized', rowBound: true, blindIndex: { column: 'emailIndex', normalize: 'email', bits: 64, reindex: { column: 'emailIndexV2', lookupVersion: 2 } } },
  { column: 'ssn', model: 'Person', field: 'ssn', mode: 'deterministic', reindex: { column: 'ssnV2', lookupVersion: 2 } },
  { column: 'card', model: 'Person', field: 'card', mode: 'fpe', format: cardFormat, reindex: { column: 'cardV2', lookupVersion: 2 } },
];

const ids = new Map<number, string>();
const person = (i: number) => ({ id: ids.get(i) ?? (ids.set(i, randomUUID()), ids.get(i)!), name: `Person ${i}`, email: `Person.${i}@Example.com`, ssn: `100-00-000${i}`, card: testPan('411111', i) });

export function versionSuite(kind: DatabaseKind): void {
  describe('lookup key versions', () => {
    let db: TestDataSource;
    let sealer: Sealer;
    const opened: DataSource[] = [];
    const entities = new Map<ReindexPhase, new () => PersonShape>();

    beforeAll(async () => {
      sealer = await testSealer();
      entities.set('before', personEntity('before'));
      db = await testDataSource(kind, 'versions', [entities.get('before')!]);
    });
    afterAll(async () => {
      for (const ds of opened) if (ds.isInitialized) await ds.destroy();
      await db?.dispose();
    });

    /** A DataSource of `phase` on the test database, with fieldseal attached (it synchronizes the new columns). */
    const phase = async (which: ReindexPhase): Promise<{ ds: DataSource; repo: Repository<PersonShape>; fieldseal: FieldsealDataSource; Person: new () => PersonShape }> => {
      let Person = entities.get(which);
      if (Person === undefined) entities.set(which, (Person = personEntity(which)));
      const ds = which === 'before' ? db.dataSource : new DataSource({ ...db.dataSource.options, entities: [Person] } as DataSourceOptions);
      const fieldseal = await fieldsealDataSource(ds, { sealer });
      opened.push(ds);
      return { ds, repo: ds.getRepository(Person), fieldseal, Person };
    };

    /** Every row's stored tokens, past the adapter. */
    const storedRows = async (ds: DataSource) =>
      ds
        .createQueryBuilder()
        .select('t.id', 'id')
        .addSelect('t.emailIndex', 'emailIndex')
        .addSelect('t.emailIndexV2', 'emailIndexV2')
        .addSelect('t.ssn', 'ssn')
        .addSelect('t.ssnV2', 'ssnV2')
        .addSelect('t.card', 'card')
        .addSelect('t.cardV2', 'cardV2')
        .addSelect('t.name', 'name')
        .from('torm2_people', 't')
        .getRawMany<{ id: string; name: string; emailIndex: string; emailIndexV2: string | null; ssn: string; ssnV2: string | null; card: string; cardV2: string | null }>();

    /** The version 2 tokens of person `i`. */
    const v2Tokens = async (i: number) => {
      const p = person(i);
      return {
        emailIndexV2: await sealer.blindIndex(p.email, { model: 'Person', field: 'email', normalize: 'email', bits: 64, lookupVersion: 2 }),
        ssnV2: await sealer.encryptDeterministic(p.ssn, { model: 'Person', field: 'ssn', lookupVersion: 2 }),
        cardV2: await sealer.fpe(p.card, { model: 'Person', field: 'card', format: cardFormat, lookupVersion: 2 }),
      };
    };
    const indexOf = (name: string) => Number(name.slice('Person '.length));

    it('writes both columns while reindexing, fills the shadows with runReindex, then reads version 2 with no row lost', async () => {
      // Rows written before the shadow columns exist.
      const before = await phase('before');
      await before.repo.save([0, 1, 2].map((i) => before.repo.create(person(i))));
      await before.ds.destroy();

      // Dual write: both columns written, lookups still by version 1.
      const during = await phase('reindexing');
      await during.repo.save([3, 4].map((i) => during.repo.create(person(i))));
      for (const row of await storedRows(during.ds)) {
        const i = indexOf(row.name);
        if (i < 3) {
          expect([row.emailIndexV2, row.ssnV2, row.cardV2]).toEqual([null, null, null]);
          continue;
        }
        const expected = await v2Tokens(i);
        expect({ emailIndexV2: row.emailIndexV2, ssnV2: row.ssnV2, cardV2: row.cardV2 }).toEqual(expected);
        expect(row.emailIndexV2).not.toBe(row.emailIndex);
        expect(row.ssnV2).not.toBe(row.ssn);
        expect(row.cardV2).not.toBe(row.card);
      }
      expect((await during.fieldseal.lookup(during.Person, 'email', person(0).email)).column).toBe('emailIndex');
      expect((await during.fieldseal.lookup(during.Person, 'ssn', person(0).ssn)).column).toBe('ssn');
      for (const i of [0, 1, 2, 3, 4]) {
        const p = person(i);
        const found = await during.repo.findOneBy({ email: p.email.toLowerCase() });
        expect(found).toMatchObject({ name: p.name, email: p.email, ssn: p.ssn, card: p.card });
        expect((await during.repo.findOneBy({ ssn: p.ssn }))?.name).toBe(p.name);
        expect((await during.repo.findOneBy({ card: p.card }))?.name).toBe(p.name);
      }
      // The shadow column is unique (version 1 is not): a duplicate of a dual-written row is refused.
      await expect(during.repo.save(during.repo.create({ ...person(9), ssn: person(3).ssn }))).rejects.toMatchObject({ name: 'QueryFailedError' });
      expect(await during.repo.countBy({ name: person(9).name })).toBe(0);

      // The job fills the shadows of the rows written before, through the TypeORM row source.
      const source = typeormRowSource(during.ds, during.Person);
      const report = await runReindex({ sealer, source, columns });
      expect(report.complete).toBe(true);
      expect(report.rows).toBe(5);
      expect(report.changed).toBe(9);
      expect((await runVerify({ sealer, source, columns })).failureCount).toBe(0);
      for (const row of await storedRows(during.ds)) expect({ emailIndexV2: row.emailIndexV2, ssnV2: row.ssnV2, cardV2: row.cardV2 }).toEqual(await v2Tokens(indexOf(row.name)));
      await during.ds.destroy();

      // Reads switched to version 2: every row is found, by every column, and writes still fill both.
      const after = await phase('switched');
      expect((await after.fieldseal.lookup(after.Person, 'email', person(0).email)).column).toBe('emailIndexV2');
      expect(await after.fieldseal.lookup(after.Person, 'ssn', person(1).ssn)).toEqual({ column: 'ssnV2', values: [(await v2Tokens(1)).ssnV2] });
      expect((await after.fieldseal.lookup(after.Person, 'card', person(2).card)).column).toBe('cardV2');
      // Version 1 tokens no longer matter for lookups.
      const q = (name: string) => after.ds.driver.escape(name);
      const table = after.ds.getMetadata(after.Person).tablePath.split('.').map(q).join('.');
      const [a, b] = kind === 'postgresql' ? ['$1', '$2'] : ['?', '?'];
      for (const row of await storedRows(after.ds)) await after.ds.query(`UPDATE ${table} SET ${q('emailIndex')} = ${a} WHERE ${q('id')} = ${b}`, [`v1-${row.id.slice(0, 8)}`, row.id]);
      for (const i of [0, 1, 2, 3, 4]) {
        const p = person(i);
        expect(await after.repo.findOneBy({ email: p.email })).toMatchObject({ name: p.name, email: p.email, ssn: p.ssn, card: p.card });
        expect((await after.repo.findOneBy({ ssn: p.ssn }))?.name).toBe(p.name);
        expect((await after.repo.findOneBy({ card: p.card }))?.name).toBe(p.name);
      }
      const names = (await after.repo.find()).map((p) => p.name).sort();
      expect(names).toEqual([0, 1, 2, 3, 4].map((i) => person(i).name));
      await after.repo.save(after.repo.create(person(5)));
      const fifth = (await storedRows(after.ds)).find((r) => r.name === person(5).name)!;
      expect(fifth.emailIndex).toBe(await sealer.blindIndex(person(5).email, { model: 'Person', field: 'email', normalize: 'email', bits: 64 }));
      expect({ emailIndexV2: fifth.emailIndexV2, ssnV2: fifth.ssnV2, cardV2: fifth.cardV2 }).toEqual(await v2Tokens(5));
      // A shadow column is not a column to query by value.
      await expect(after.repo.findOneBy({ ssnV2: person(1).ssn })).rejects.toMatchObject({ code: 'QUERY_UNSUPPORTED', operator: 'where' });
    });

    // Declarations are checked before any database work: once is enough.
    if (kind === 'sqlite')
    it('refuses bad version and subject declarations, naming entity and column', async () => {
      const rejects = async (entity: Function, message: RegExp) => {
        const bad = await testDataSource(kind, 'versions_bad', [entity]);
        try {
          const error = await fieldsealDataSource(bad.dataSource, { sealer }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ConfigurationError);
          expect((error as Error).message).toMatch(message);
        } finally {
          await bad.dispose();
        }
      };
      await rejects(ShadowOfMissing, /ShadowOfMissing\.ssnV2: shadow of 'snn', which is not a protected column/);
      await rejects(ShadowSameVersion, /ShadowSameVersion\.ssnV2: lookupVersion 1 is the version of 'ssn' itself/);
      await rejects(OnlyReindexingIndex, /OnlyReindexingIndex\.emailIndexV2: every lookup column of 'email' is marked reindexing/);
      await rejects(TwoIndexesOneVersion, /TwoIndexesOneVersion\.emailIndex2: 'email' has another blind index of lookupVersion 1 \(emailIndex\)/);
      await rejects(MissingSubject, /MissingSubject\.email: subject column 'owner' is not a column of MissingSubject/);
    });
  });
}
