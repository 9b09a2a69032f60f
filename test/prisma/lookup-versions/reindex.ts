/**
 * A lookup key replacement through the Prisma adapter (docs/rotation.md §6), phase by
 * phase, on ReindexCustomer: `email`'s blind index, `ssn` (deterministic) and `card` (FPE)
 * each get a version 2 shadow column. Before the dual write the application writes the old
 * columns only; with it, every write fills both; `runReindex` over `prismaRowSource` fills
 * the rows written before; once `reindexing` is removed, lookups go through version 2.
 */
import { describe, expect, it } from 'vitest';
import { LookupIntegrityError, UnsupportedQueryError } from '../../../src/adapters/prisma/index.js';
import { runReindex, runVerify } from '../../../src/rotation/index.js';
import type { Harness } from '../support/harness.js';
import { beforeDualWrite, dualWrite, modelSource, switched, typedClient } from './support.js';

const MODEL = 'ReindexCustomer';
const TABLE = 'fsx_reindex_customers';
const CARD = { kind: 'card', keep: { last: 4 } } as const;

interface Person {
  id: string;
  email: string;
  ssn: string;
  card: string;
}

const PEOPLE: Person[] = [
  { id: 'r1', email: 'Ada@Example.com', ssn: '123-45-6789', card: '4111111111111111' },
  { id: 'r2', email: 'grace@example.com', ssn: '987-65-4321', card: '5500000000000004' },
  { id: 'r3', email: 'alan@example.com', ssn: '111-22-3333', card: '340000000000009' },
  { id: 'r4', email: 'edsger@example.com', ssn: '444-55-6666', card: '6011000000000004' },
  { id: 'r5', email: 'barbara@example.com', ssn: '777-88-9999', card: '3530111333300000' },
];
/** Written before the dual write, and with it. */
const OLD = PEOPLE.slice(0, 3);
const RECENT = PEOPLE.slice(3);

export function reindexSuite(h: Harness): void {
  describe('lookup key replacement: version 2 shadows of a blind index, a deterministic and an FPE field', () => {
    /** The version 2 tokens of a person's values, as the Sealer makes them directly. */
    const version2 = async (p: Person) => ({
      email_idx_v2: await h.sealer.blindIndex(p.email, { model: MODEL, field: 'email', normalize: 'email', lookupVersion: 2 }),
      ssn_v2: await h.sealer.encryptDeterministic(p.ssn, { model: MODEL, field: 'ssn', lookupVersion: 2 }),
      card_v2: await h.sealer.fpe(p.card, { model: MODEL, field: 'card', format: CARD, lookupVersion: 2 }),
    });
    const stored = async (id: string): Promise<Record<string, unknown>> => (await h.rows(TABLE)).find((r) => r.id === id) ?? expect.fail(`no row ${id}`);
    const q = (name: string) => h.db.quote(name);

    it('dual write, reindex, switch: every column filled under its version, duplicates refused throughout, values read back exactly', async () => {
      // 1. Before the dual write: the version 2 columns stay NULL.
      const before = typedClient(h, beforeDualWrite);
      for (const p of OLD) await before.reindexCustomer.create({ data: p });
      for (const p of OLD) expect(await stored(p.id)).toMatchObject({ email_idx_v2: null, ssn_v2: null, card_v2: null });

      // 2. Dual write: every write fills each lookup column under its version; lookups still use version 1.
      const dual = typedClient(h, dualWrite);
      await dual.reindexCustomer.createMany({ data: RECENT });
      for (const p of RECENT) {
        const row = await stored(p.id);
        expect(row).toMatchObject(await version2(p));
        expect(row.email_idx).toBe(await h.sealer.blindIndex(p.email, { model: MODEL, field: 'email', normalize: 'email' }));
        expect(row.ssn).toBe(await h.sealer.encryptDeterministic(p.ssn, { model: MODEL, field: 'ssn' }));
        expect(row.card).toBe(await h.sealer.fpe(p.card, { model: MODEL, field: 'card', format: CARD }));
        expect(row.card_v2).not.toBe(row.card);
        expect(row.ssn_v2).not.toBe(row.ssn);
      }
      // Shadow columns are left out of results, like blind index columns, and are never write data.
      for (const p of PEOPLE) expect(await dual.reindexCustomer.findUnique({ where: { email: p.email.toUpperCase() } })).toEqual(p);
      expect(await dual.reindexCustomer.findFirst({ where: { ssn: OLD[1]!.ssn } })).toEqual(OLD[1]);
      expect(await dual.reindexCustomer.findFirst({ where: { card: OLD[2]!.card } })).toEqual(OLD[2]);
      // The typed client has no shadow column in write data either.
      // @ts-expect-error ssnV2 is written by the adapter only
      await expect(dual.reindexCustomer.create({ data: { id: 'x', email: 'x@example.com', ssnV2: 'forged' } })).rejects.toThrow(UnsupportedQueryError);
      // @ts-expect-error emailIdxV2 is written by the adapter only
      await expect(dual.reindexCustomer.update({ where: { id: 'r1' }, data: { emailIdxV2: 'forged' } })).rejects.toThrow(UnsupportedQueryError);
      // An update writes both columns of each field it sets.
      const moved: Person = { ...RECENT[0]!, ssn: '222-33-4444', card: '4012888888881881' };
      await dual.reindexCustomer.update({ where: { id: moved.id }, data: { ssn: moved.ssn, card: { set: moved.card } } });
      expect(await stored(moved.id)).toMatchObject({ ssn_v2: (await version2(moved)).ssn_v2, card_v2: (await version2(moved)).card_v2 });
      const people = PEOPLE.map((p) => (p.id === moved.id ? moved : p));
      // A duplicate is refused (the old unique columns, and the shadows of the rows that have them).
      await expect(dual.reindexCustomer.create({ data: { ...RECENT[1]!, id: 'dup' } })).rejects.toThrow();
      await expect(dual.reindexCustomer.create({ data: { ...OLD[0]!, id: 'dup' } })).rejects.toThrow();

      // 3. The reindex job over prismaRowSource fills the rows written before the dual write.
      const source = modelSource(h, MODEL, dualWrite, 'reindex');
      expect(source.columns).toEqual([
        {
          column: 'email',
          model: MODEL,
          field: 'email',
          mode: 'randomized',
          plaintextType: 'string',
          rowBound: true,
          blindIndex: { column: 'email_idx', normalize: 'email', reindex: { column: 'email_idx_v2', lookupVersion: 2 } },
        },
        { column: 'ssn', model: MODEL, field: 'ssn', mode: 'deterministic', plaintextType: 'string', reindex: { column: 'ssn_v2', lookupVersion: 2 } },
        { column: 'card', model: MODEL, field: 'card', mode: 'fpe', plaintextType: 'string', format: CARD, reindex: { column: 'card_v2', lookupVersion: 2 } },
      ]);
      expect(source.skipped).toEqual([]);
      const report = await runReindex({ sealer: h.sealer, ...source });
      expect(report.complete).toBe(true);
      expect(report.changed).toBe(OLD.length * 3);
      for (const p of people) expect(await stored(p.id)).toMatchObject(await version2(p));
      const verified = await runVerify({ sealer: h.sealer, ...modelSource(h, MODEL, dualWrite, 'verify') });
      expect(verified.failureCount).toBe(0);
      expect((await runReindex({ sealer: h.sealer, ...source, restart: true })).changed).toBe(0);
      await expect(dual.reindexCustomer.create({ data: { ...OLD[2]!, id: 'dup' } })).rejects.toThrow();
      // Without a job named, the FPE field stays out (backfill and decrypt refuse FPE columns).
      expect(modelSource(h, MODEL, dualWrite).skipped.map((s) => s.field)).toEqual([`${MODEL}.card`, `${MODEL}.cardV2`]);

      // 4. Switch: lookups go through version 2 (the version 1 blind index can go), writes still fill both.
      const after = typedClient(h, switched);
      await h.db.query(`UPDATE ${q(TABLE)} SET ${q('email_idx')} = NULL`);
      for (const p of people) {
        expect(await after.reindexCustomer.findUnique({ where: { email: p.email } })).toEqual(p);
        expect(await after.reindexCustomer.findUnique({ where: { ssn: p.ssn } })).toEqual(p);
        expect(await after.reindexCustomer.findFirst({ where: { card: p.card } })).toEqual(p);
      }
      expect(await dual.reindexCustomer.findUnique({ where: { email: PEOPLE[0]!.email } })).toBeNull(); // version 1 is gone
      const all = await after.reindexCustomer.findMany({ where: { ssn: { in: people.map((p) => p.ssn) } }, orderBy: { id: 'asc' } });
      expect(all).toEqual(people);
      expect(await after.reindexCustomer.findMany({ where: { card: { in: [people[0]!.card, people[4]!.card] } }, orderBy: { id: 'asc' } })).toEqual([people[0], people[4]]);
      const page = await after.reindexCustomer.findMany({ cursor: { email: people[2]!.email }, orderBy: { id: 'asc' }, take: 2 });
      expect(page.map((p) => p.id)).toEqual(['r3', 'r4']);
      const created: Person = { id: 'r6', email: 'tony@example.com', ssn: '555-66-7777', card: '4242424242424242' };
      await after.reindexCustomer.create({ data: created });
      expect(await stored('r6')).toMatchObject(await version2(created));
      expect(await after.reindexCustomer.findUnique({ where: { email: created.email } })).toEqual(created);
      await expect(after.reindexCustomer.create({ data: { ...people[3]!, id: 'dup' } })).rejects.toThrow();
      expect(await after.reindexCustomer.count()).toBe(6);

      // The lookup integrity check holds on the shadow columns: tokens swapped between rows are caught.
      const [a, b] = [await stored('r1'), await stored('r2')];
      await h.db.query(`UPDATE ${q(TABLE)} SET ${q('ssn_v2')} = NULL, ${q('card_v2')} = NULL WHERE ${q('id')} = ${h.db.param(1)}`, ['r1']);
      await h.db.query(`UPDATE ${q(TABLE)} SET ${q('ssn_v2')} = ${h.db.param(1)}, ${q('card_v2')} = ${h.db.param(2)} WHERE ${q('id')} = ${h.db.param(3)}`, [a.ssn_v2, a.card_v2, 'r2']);
      await h.db.query(`UPDATE ${q(TABLE)} SET ${q('ssn_v2')} = ${h.db.param(1)}, ${q('card_v2')} = ${h.db.param(2)} WHERE ${q('id')} = ${h.db.param(3)}`, [b.ssn_v2, b.card_v2, 'r1']);
      await expect(after.reindexCustomer.findUnique({ where: { ssn: PEOPLE[0]!.ssn }, select: { id: true } })).rejects.toThrow(LookupIntegrityError);
      await expect(after.reindexCustomer.findFirst({ where: { card: PEOPLE[1]!.card } })).rejects.toThrow(LookupIntegrityError);
    });

    it("refuses shadow and blind index columns as write data, returns a selected shadow as stored, and filters on a shadow by its field's value", async () => {
      const dual = typedClient(h, dualWrite);
      await dual.reindexCustomer.create({ data: PEOPLE[0]! });
      await expect(dual.reindexCustomer.update({ where: { id: 'r1' }, data: { cardV2: { set: '4111111111111111' } } as never })).rejects.toThrow(/shadow column is computed from card/);
      await expect(dual.reindexCustomer.update({ where: { id: 'r1' }, data: { emailIdxV2: 'x' } as never })).rejects.toThrow(/blind index is computed from email/);
      // A shadow column selected explicitly is returned as stored (a token).
      const row = await dual.reindexCustomer.findUnique({ where: { id: 'r1' }, select: { ssnV2: true, cardV2: true, ssn: true } });
      expect(row).toEqual({ ssn: PEOPLE[0]!.ssn, ...(({ ssn_v2, card_v2 }) => ({ ssnV2: ssn_v2, cardV2: card_v2 }))(await version2(PEOPLE[0]!)) });
      // A filter on the shadow column takes the field's value and compares its version 2 token.
      expect(await dual.reindexCustomer.findFirst({ where: { ssnV2: PEOPLE[0]!.ssn } })).toEqual(PEOPLE[0]);
      expect(await dual.reindexCustomer.findFirst({ where: { cardV2: PEOPLE[0]!.card } })).toEqual(PEOPLE[0]);
      expect(await dual.reindexCustomer.findFirst({ where: { emailIdxV2: 'ada@example.com' } })).toEqual(PEOPLE[0]);
    });
  });
}
