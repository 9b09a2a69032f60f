/**
 * prisma-field-encryption's migration scenarios (their README's "Migrations" and "Custom
 * cursors", src/tests/migrate.ts and the generated migrations' runtime in
 * src/generator/runtime of github.com/47ng/prisma-field-encryption, MIT licence), rewritten
 * for fieldseal: their generated per-model migrations (read every record through the
 * extended client, write it back) are fieldseal's rotation jobs over `prismaRowSource`
 * (`fieldseal backfill` / `fieldseal reencrypt` from the command line). Scenarios:
 *
 * 22. adding encryption to an existing field: clear text rows still read (fieldseal: the
 *     field is `migrating: true` meanwhile; strict fields refuse plaintext)
 * 23. migrating existing data: every clear text row encrypted, its hash filled in
 * 24. migrations over a model with a BigInt cursor (their BigIntCursorTest)
 * 25. running the migrations again
 * 26. following migrations progress (processed, totalCount)
 * 27. models without encrypted fields get no migration
 */
import { describe, expect, it } from 'vitest';
import { ConfigurationError, UnsupportedQueryError, type Sealer } from '../../../src/index.js';
import type { FieldsConfig } from '../../../src/adapters/prisma/index.js';
import { runBackfill, runReencrypt, runStatus, runVerify, type ColumnReport, type JobProgress, type JobReport } from '../../../src/rotation/index.js';
import { testFields, type Harness } from '../support/harness.js';
import { BLIND_INDEX, SEALED, modelSource, pfeClient, sealerWith } from './support.js';

/** The generated fields with PfeUser.name migrating: plaintext rows are read while the backfill runs. */
export function migratingFields(sealer: Sealer): FieldsConfig {
  const fields = testFields(sealer);
  return { ...fields, PfeUser: { ...fields.PfeUser, name: { mode: 'randomized', migrating: true } } };
}

/** One column's counts in a job report (fails the test when absent). */
export function columnOf(report: JobReport, name: string): ColumnReport {
  const found = report.columns.find((c) => c.column === name);
  if (found === undefined) expect.fail(`no column ${name} in the report of ${report.source}`);
  return found;
}

const LEGACY = [
  ['bond@mi6.gov.uk', 'James Bond'],
  ['m@mi6.gov.uk', 'Olivia Mansfield'],
  ['q@mi6.gov.uk', 'Major Boothroyd'],
  ['moneypenny@mi6.gov.uk', ' Éve Moneypenny'],
] as const;

export function migrationScenarios(h: Harness): void {
  /** Rows written before `name` was protected: clear text, no hash. */
  async function insertLegacyUsers(): Promise<void> {
    const q = (name: string) => h.db.quote(name);
    for (const [email, name] of LEGACY) {
      await h.db.query(`INSERT INTO ${q('PfeUser')} (${q('email')}, ${q('name')}) VALUES (${h.db.param(1)}, ${h.db.param(2)})`, [email, name]);
    }
  }

  describe('prisma-field-encryption migration scenarios', () => {
    it('22. adding encryption to an existing field: clear text rows still read while migrating, every write seals', async () => {
      await insertLegacyUsers();
      const prisma = pfeClient(h, h.sealer, migratingFields(h.sealer));
      expect((await prisma.pfeUser.findMany({ orderBy: { id: 'asc' } })).map((u) => [u.email, u.name])).toEqual(LEGACY.map(([e, n]) => [e, n]));
      const created = await prisma.pfeUser.create({ data: { email: 'new@mi6.gov.uk', name: 'Bill Tanner' } });
      expect((await h.rows('PfeUser')).find((r) => r.id === created.id)?.name).toMatch(SEALED);
      await prisma.pfeUser.update({ where: { email: 'q@mi6.gov.uk' }, data: { name: 'Q' } });
      const q = (await h.rows('PfeUser')).find((r) => r.email === 'q@mi6.gov.uk');
      expect([String(q?.name).startsWith('fs1:'), q?.nameHash]).toEqual([true, expect.stringMatching(BLIND_INDEX)]);
      // A lookup through the hash would miss the rows that have none yet: refused until the backfill.
      await expect(prisma.pfeUser.findFirst({ where: { name: 'James Bond' } })).rejects.toBeInstanceOf(UnsupportedQueryError);
      // A strict field (the default) refuses the clear text instead of passing it off as sealed.
      await expect(pfeClient(h).pfeUser.findMany()).rejects.toMatchObject({ code: 'PLAINTEXT_REJECTED', name: 'PlaintextRejectedError' });
    });

    it('23. migrating existing data: the backfill seals every clear text row and fills its hash; lookups by name then work', async () => {
      await insertLegacyUsers();
      const users = modelSource(h, 'PfeUser', migratingFields(h.sealer));
      expect(columnOf(await runStatus({ sealer: h.sealer, ...users }), 'name')).toMatchObject({ plaintext: LEGACY.length, sealed: 0 });
      const report = await runBackfill({ sealer: h.sealer, ...users, batchSize: 2 });
      expect(report.complete).toBe(true);
      expect(columnOf(report, 'name')).toMatchObject({ changed: LEGACY.length, indexed: LEGACY.length });
      for (const row of await h.rows('PfeUser')) {
        expect(row.name).toMatch(SEALED);
        expect(row.nameHash).toMatch(BLIND_INDEX);
      }
      // Strict again: every row reads, and is found through its hash.
      const prisma = pfeClient(h);
      expect((await prisma.pfeUser.findMany({ orderBy: { id: 'asc' } })).map((u) => u.name)).toEqual(LEGACY.map(([, n]) => n));
      expect((await prisma.pfeUser.findUnique({ where: { name: 'eve moneypenny' } }))?.email).toBe('moneypenny@mi6.gov.uk');
      expect((await runVerify({ sealer: h.sealer, ...users })).failureCount).toBe(0);
    });

    it('24. migrations over a model with a BigInt cursor: every row re-encrypted under the current key', async () => {
      const prisma = pfeClient(h);
      const ids = [1n, 42n, 9_007_199_254_740_993n];
      for (const id of ids) await prisma.pfeBigIntCursor.create({ data: { id, key: `Answer ${id}`, value: 42 } });
      await h.sealer.rotateDataKey();
      const cursors = modelSource(h, 'PfeBigIntCursor');
      expect(cursors.source.keyColumn).toBe('id');
      expect(columnOf(await runStatus({ sealer: h.sealer, ...cursors }), 'key')).toMatchObject({ sealed: 3, notCurrent: 3 });
      const report = await runReencrypt({ sealer: h.sealer, ...cursors, batchSize: 2 });
      expect(columnOf(report, 'key').changed).toBe(3);
      expect(columnOf(await runStatus({ sealer: h.sealer, ...cursors }), 'key')).toMatchObject({ sealed: 3, notCurrent: 0 });
      const read = await prisma.pfeBigIntCursor.findMany({ orderBy: { id: 'asc' } });
      expect(read).toEqual(ids.map((id) => ({ id, key: `Answer ${id}`, value: 42 })));
    });

    it('25. running the migrations again: nothing left to change', async () => {
      await insertLegacyUsers();
      const users = modelSource(h, 'PfeUser', migratingFields(h.sealer));
      expect(columnOf(await runBackfill({ sealer: h.sealer, ...users }), 'name').changed).toBe(LEGACY.length);
      const before = await h.rows('PfeUser');
      expect(columnOf(await runBackfill({ sealer: h.sealer, ...users }), 'name').changed).toBe(0);
      expect(columnOf(await runReencrypt({ sealer: h.sealer, ...users }), 'name').changed).toBe(0);
      expect(await h.rows('PfeUser')).toEqual(before);
    });

    it('26. following migrations progress: a report after every batch, and the rows counted', async () => {
      await insertLegacyUsers();
      const prisma = pfeClient(h, h.sealer, migratingFields(h.sealer));
      for (let i = 0; i < 6; i++) await prisma.pfeUser.create({ data: { email: `agent${i}@mi6.gov.uk`, name: `Agent 00${i}` } });
      const users = modelSource(h, 'PfeUser', migratingFields(h.sealer));
      const progress: JobProgress[] = [];
      const report = await runBackfill({ sealer: h.sealer, ...users, batchSize: 3, onProgress: (p) => progress.push(p) });
      expect(progress.length).toBeGreaterThanOrEqual(4);
      expect(progress.every((p) => p.kind === 'backfill' && p.job === report.job)).toBe(true);
      expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
      // Values written: a sealed name and its hash per legacy row.
      expect(progress.at(-1)).toMatchObject({ done: LEGACY.length + 6, changed: 2 * LEGACY.length });
      expect(columnOf(report, 'name')).toMatchObject({ changed: LEGACY.length, indexed: LEGACY.length });
      expect((await runStatus({ sealer: h.sealer, ...users })).rows).toBe(LEGACY.length + 6);
    });

    it('27. models without encrypted fields get no migration: refused with ConfigurationError', async () => {
      expect(() => modelSource(h, 'PfeCategory')).toThrow(ConfigurationError);
      expect(() => modelSource(h, 'PfeCategory')).toThrow(/PfeCategory has no column for the rotation jobs: it has no protected fields/);
      // The models with encrypted fields each have one.
      expect(modelSource(h, 'PfePost').columns.map((c) => c.field)).toEqual(['content']);
      const sealer = await sealerWith({});
      expect(modelSource(h, 'PfeUser', testFields(sealer)).columns).toEqual([
        { column: 'name', model: 'PfeUser', field: 'name', mode: 'randomized', plaintextType: 'string', blindIndex: { column: 'nameHash', normalize: 'fold' } },
      ]);
    });
  });
}
