/**
 * `reindex` on SQLite: a blind index, a deterministic column and an FPE column move to
 * lookup key version 2 through shadow columns, beside an application that writes both
 * columns meanwhile (dual write); unique constraints hold throughout; every token reads
 * back exactly; `verify` checks the shadow columns; a rerun changes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError, createSealer, fpeFormats, localKeyProvider, sqliteKeyStore, type Sealer } from '../../src/index.js';
import { runBackfill, runDecrypt, runReencrypt, runReindex, runStatus, runVerify, sqliteJobCheckpoints, sqliteRowSource, type ProtectedColumn, type RowSource } from '../../src/rotation/index.js';
import { testPan } from '../support/cards.js';
import { TEST_KEK } from '../support/sealer.js';

const card = fpeFormats.card({ keep: { last: 4 } });
const emailCtx = (id: number) => ({ model: 'Customer', field: 'email', row: id });
const ssnCtx = { model: 'Customer', field: 'ssn' };
const cardCtx = { model: 'Customer', field: 'card', format: card };

/** The columns as the application in the dual-write phase describes them. */
const columns: ProtectedColumn[] = [
  { column: 'email', model: 'Customer', field: 'email', mode: 'randomized', rowBound: true, blindIndex: { column: 'email_bidx', normalize: 'email', reindex: { column: 'email_bidx_v2', lookupVersion: 2 } } },
  { column: 'ssn', model: 'Customer', field: 'ssn', mode: 'deterministic', reindex: { column: 'ssn_v2', lookupVersion: 2 } },
  { column: 'card', model: 'Customer', field: 'card', mode: 'fpe', format: card, reindex: { column: 'card_v2', lookupVersion: 2 } },
];

const pan = (i: number): string => testPan('411111', i);

interface Shop {
  db: Database.Database;
  sealer: Sealer;
  source: RowSource;
  close(): void;
}
let open: Shop[] = [];
afterEach(() => {
  for (const shop of open) shop.close();
  open = [];
});

/** The application: writes a customer, in the dual-write phase when `dual`. */
async function writeCustomer(shop: Shop, id: number, email: string, ssn: string, number: string, dual: boolean): Promise<void> {
  const { sealer } = shop;
  const row = {
    id,
    email: await sealer.encrypt(email, emailCtx(id)),
    email_bidx: await sealer.blindIndex(email, { ...emailCtx(id), row: undefined, normalize: 'email' }),
    email_bidx_v2: dual ? await sealer.blindIndex(email, { model: 'Customer', field: 'email', normalize: 'email', lookupVersion: 2 }) : null,
    ssn: await sealer.encryptDeterministic(ssn, ssnCtx),
    ssn_v2: dual ? await sealer.encryptDeterministic(ssn, { ...ssnCtx, lookupVersion: 2 }) : null,
    card: await sealer.fpe(number, cardCtx),
    card_v2: dual ? await sealer.fpe(number, { ...cardCtx, lookupVersion: 2 }) : null,
  };
  shop.db
    .prepare('INSERT INTO customers (id, email, email_bidx, email_bidx_v2, ssn, ssn_v2, card, card_v2) VALUES (@id, @email, @email_bidx, @email_bidx_v2, @ssn, @ssn_v2, @card, @card_v2)')
    .run(row);
}

async function shop(count: number): Promise<Shop> {
  const dir = mkdtempSync(join(tmpdir(), 'fieldseal-reindex-'));
  const db = new Database(join(dir, 'shop.db'));
  db.pragma('journal_mode = WAL');
  // The shadow columns carry the old columns' unique constraints from the start.
  db.exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, email_bidx TEXT UNIQUE, email_bidx_v2 TEXT UNIQUE,
    ssn TEXT UNIQUE, ssn_v2 TEXT UNIQUE, card TEXT, card_v2 TEXT)`);
  const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: sqliteKeyStore({ database: db }) });
  const made: Shop = {
    db,
    sealer,
    source: sqliteRowSource({ database: db, table: 'customers', keyColumn: 'id' }),
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  open.push(made);
  // Written before the migration: no shadow values.
  for (let id = 1; id <= count; id++) await writeCustomer(made, id, `User${id}@Example.com`, `ssn-${id}`, pan(id), false);
  return made;
}

describe('reindex', () => {
  it('fills the shadow columns with version 2 tokens; reads through them find every row exactly, and a rerun changes nothing', async () => {
    const s = await shop(120);
    const checkpoints = sqliteJobCheckpoints({ database: s.db });
    const report = await runReindex({ sealer: s.sealer, source: s.source, columns, checkpoints, batchSize: 25 });
    expect(report.complete).toBe(true);
    expect(report.columns.map((c) => [c.column, c.changed, c.indexed])).toEqual([
      ['email', 0, 120],
      ['ssn', 120, 0],
      ['card', 120, 0],
    ]);
    for (let id = 1; id <= 120; id++) {
      // The application, after the switch, looks rows up by the shadow columns only.
      const bidx = await s.sealer.blindIndex(`  user${id}@example.COM `, { model: 'Customer', field: 'email', normalize: 'email', lookupVersion: 2 });
      expect(s.db.prepare('SELECT id FROM customers WHERE email_bidx_v2 = ?').all(bidx)).toEqual([{ id }]);
      const ssn = await s.sealer.encryptDeterministic(`ssn-${id}`, { ...ssnCtx, lookupVersion: 2 });
      const row = s.db.prepare('SELECT id, ssn_v2, card_v2 FROM customers WHERE ssn_v2 = ?').get(ssn) as { id: number; ssn_v2: string; card_v2: string };
      expect(row.id).toBe(id);
      expect(await s.sealer.decrypt(row.ssn_v2, ssnCtx)).toBe(`ssn-${id}`);
      // FPE: exact, and only under the version that made the token.
      expect(await s.sealer.detokenize(row.card_v2, { ...cardCtx, lookupVersion: 2 })).toBe(pan(id));
      expect(row.card_v2.slice(-4)).toBe(pan(id).slice(-4));
      expect(await s.sealer.fpe(pan(id), { ...cardCtx, lookupVersion: 2 })).toBe(row.card_v2);
    }
    const verify = await runVerify({ sealer: s.sealer, source: s.source, columns });
    expect(verify.failureCount).toBe(0);
    const again = await runReindex({ sealer: s.sealer, source: s.source, columns, checkpoints, batchSize: 25, restart: true });
    expect(again.changed).toBe(0);
    const status = await runStatus({ sealer: s.sealer, source: s.source, columns });
    expect(status.columns.find((c) => c.column === 'card')?.tokens).toBe(120);
    expect(status.columns.find((c) => c.column === 'card')?.plaintext).toBe(0);
  });

  it('keeps unique constraints throughout and never overwrites the dual-writing application', async () => {
    const s = await shop(60);
    let next = 61;
    let duplicatesRefused = 0;
    const updated = new Set<number>();
    // The application inserts new customers and tries duplicates while the job runs.
    const source: RowSource = {
      ...s.source,
      check: (c) => s.source.check(c),
      bounds: () => s.source.bounds(),
      page: (p) => s.source.page(p),
      write: async (writes) => {
        await writeCustomer(s, next, `new${next}@example.com`, `ssn-new-${next}`, pan(1000 + next), true);
        next++;
        // A duplicate of an old customer's email (old column), and of a new one's (both columns).
        for (const email of ['User3@example.com', `new${next - 1}@example.com`]) {
          try {
            await writeCustomer(s, 10_000 + next, email, `dup-${next}-${email}`, pan(5000 + next), true);
          } catch (error) {
            expect(String(error)).toMatch(/UNIQUE constraint failed: customers\.email_bidx/);
            duplicatesRefused++;
          }
        }
        // An update of a row the job has read (once per row): the job must retry it, not clobber it.
        const id = Number(writes[0]?.key);
        if (updated.has(id)) return s.source.write(writes);
        updated.add(id);
        const email = `changed${id}@example.com`;
        const v1 = await s.sealer.blindIndex(email, { model: 'Customer', field: 'email', normalize: 'email' });
        const v2 = await s.sealer.blindIndex(email, { model: 'Customer', field: 'email', normalize: 'email', lookupVersion: 2 });
        s.db.prepare('UPDATE customers SET email = ?, email_bidx = ?, email_bidx_v2 = ? WHERE id = ?').run(await s.sealer.encrypt(email, emailCtx(id)), v1, v2, id);
        return s.source.write(writes);
      },
    };
    const report = await runReindex({ sealer: s.sealer, source, columns, batchSize: 10 });
    expect(report.complete).toBe(true);
    expect(report.conflicts.count).toBe(0);
    expect(updated.size).toBeGreaterThanOrEqual(6);
    expect(duplicatesRefused).toBeGreaterThanOrEqual(2 * 6);
    const verify = await runVerify({ sealer: s.sealer, source: s.source, columns });
    expect(verify.failures).toEqual([]);
    // Every updated email is found through the shadow column with its new value.
    const rows = s.db.prepare('SELECT id, email FROM customers ORDER BY id').all() as { id: number; email: string }[];
    for (const { id, email } of rows) {
      const plain = (await s.sealer.decrypt(email, emailCtx(id))) as string;
      const bidx = await s.sealer.blindIndex(plain, { model: 'Customer', field: 'email', normalize: 'email', lookupVersion: 2 });
      expect(s.db.prepare('SELECT id FROM customers WHERE email_bidx_v2 = ?').all(bidx)).toEqual([{ id }]);
    }
  });

  it('stops at a row that does not open, naming table, column and key, with earlier batches kept', async () => {
    const s = await shop(30);
    s.db.prepare("UPDATE customers SET email = 'fs1:broken' WHERE id = 25").run();
    const checkpoints = sqliteJobCheckpoints({ database: s.db });
    await expect(runReindex({ sealer: s.sealer, source: s.source, columns, checkpoints, batchSize: 10, ranges: 1 })).rejects.toThrow(/customers.*email.*25/);
    const filled = s.db.prepare('SELECT count(*) AS n FROM customers WHERE email_bidx_v2 IS NOT NULL AND id <= 20').get() as { n: number };
    expect(filled.n).toBe(20);
  });

  it('refuses configurations that cannot be a reindex, and jobs that cannot take FPE columns', async () => {
    const s = await shop(1);
    const base = { sealer: s.sealer, source: s.source };
    await expect(runReindex({ ...base, columns: [{ column: 'ssn', model: 'Customer', field: 'ssn', mode: 'deterministic' }] })).rejects.toThrow(ConfigurationError);
    await expect(runReindex({ ...base, columns: [{ column: 'ssn', model: 'Customer', field: 'ssn', mode: 'deterministic', reindex: { column: 'ssn_v2', lookupVersion: 1 } }] })).rejects.toThrow(/must differ/);
    await expect(runReindex({ ...base, columns: [{ column: 'ssn', model: 'Customer', field: 'ssn', mode: 'deterministic', reindex: { column: 'ssn', lookupVersion: 2 } }] })).rejects.toThrow(/named twice/);
    await expect(runReindex({ ...base, columns: [{ column: 'email', model: 'Customer', field: 'email', mode: 'randomized', reindex: { column: 'email_v2', lookupVersion: 2 } }] })).rejects.toThrow(/blindIndex/);
    await expect(runReindex({ ...base, columns: [{ column: 'card', model: 'Customer', field: 'card', mode: 'fpe', reindex: { column: 'card_v2', lookupVersion: 2 } }] })).rejects.toThrow(/token format/);
    await expect(runReindex({ ...base, columns: [{ ...columns[1]!, reindex: { column: 'ssn_missing', lookupVersion: 2 } }] })).rejects.toThrow(/ssn_missing/);
    await expect(runBackfill({ ...base, columns: [columns[2]!] })).rejects.toThrow(/FPE tokens look like plaintext/);
    await expect(runDecrypt({ ...base, columns: [columns[2]!], confirm: 'decrypt-to-plaintext' })).rejects.toThrow(/FPE tokens/);
    await expect(runReencrypt({ ...base, columns: [columns[2]!] })).rejects.toThrow(/deterministic or FPE/);
  });
});
