/**
 * `fieldseal reindex` on SQLite: a blind index, a deterministic and an FPE column move to
 * lookup key version 2 through shadow columns; `verify` checks them; `keys destroy` refuses
 * the version 1 lookup key while the config still makes tokens under it, and takes it with
 * --allow-primary once the config has moved to version 2. No output shows a value.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fpeFormats } from '../../src/tokenize/fpe.js';
import { localKeyProvider } from '../../src/keys/local-provider.js';
import { sqliteKeyStore } from '../../src/keys/store/sqlite-key-store.js';
import { createSealer, type Sealer } from '../../src/seal/sealer.js';
import { CliProject, SQLITE_CONFIG } from './support.js';

const ROWS = 150;
const card = fpeFormats.card({ keep: { last: 4 } });
const email = (i: number): string => `Person.${i}@Example.com`;
const pan = (i: number): string => `5500000000${String(100000 + i)}`;

const columnsWith = (reindex: boolean) => [
  {
    column: 'email',
    model: 'User',
    field: 'email',
    mode: 'randomized',
    rowBound: true,
    blindIndex: reindex ? { column: 'email_idx', normalize: 'email', reindex: { column: 'email_idx_v2', lookupVersion: 2 } } : { column: 'email_idx_v2', normalize: 'email', lookupVersion: 2 },
  },
  reindex ? { column: 'ssn', model: 'User', field: 'ssn', mode: 'deterministic', reindex: { column: 'ssn_v2', lookupVersion: 2 } } : { column: 'ssn_v2', model: 'User', field: 'ssn', mode: 'deterministic', lookupVersion: 2 },
  reindex ? { column: 'card', model: 'User', field: 'card', mode: 'fpe', format: card, reindex: { column: 'card_v2', lookupVersion: 2 } } : { column: 'card_v2', model: 'User', field: 'card', mode: 'fpe', format: card, lookupVersion: 2 },
];

let project: CliProject;
let db: Database.Database;
let sealer: Sealer;

beforeAll(async () => {
  project = await CliProject.create({ ...SQLITE_CONFIG, tables: { users: { primaryKey: 'id', columns: columnsWith(true) } } });
  db = new Database(join(project.dir, 'keys.db'));
  db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, email_idx TEXT UNIQUE, email_idx_v2 TEXT UNIQUE, ssn TEXT UNIQUE, ssn_v2 TEXT UNIQUE, card TEXT, card_v2 TEXT)');
  sealer = await createSealer({ provider: localKeyProvider({ keys: { main: project.kek } }), store: sqliteKeyStore({ database: db }) });
  const insert = db.prepare('INSERT INTO users (id, email, email_idx, ssn, card) VALUES (?, ?, ?, ?, ?)');
  for (let i = 1; i <= ROWS; i++) {
    insert.run(
      i,
      await sealer.encrypt(email(i), { model: 'User', field: 'email', row: i }),
      await sealer.blindIndex(email(i), { model: 'User', field: 'email', normalize: 'email' }),
      await sealer.encryptDeterministic(`ssn-${i}`, { model: 'User', field: 'ssn' }),
      await sealer.fpe(pan(i), { model: 'User', field: 'card', format: card }),
    );
  }
});
afterAll(async () => {
  db.close();
  await project.remove();
});

describe('fieldseal reindex', { timeout: 300_000 }, () => {
  it('fills the shadow columns; verify passes; a second run has nothing to do', async () => {
    // A dry run creates nothing, the version 2 lookup key included: it says what is missing.
    const dry = await project.run(['reindex', '--table', 'users', '--dry-run']);
    expect(dry.status).toBe(1);
    expect(dry.stderr).toMatch(/KEY_NOT_FOUND.*lookup key/);
    expect(await project.keys('--purpose', 'lookup')).toHaveLength(1);
    const out = await project.ok(['reindex', '--table', 'users']);
    expect(out).toMatch(/ssn: 150 written/);
    expect(out).toMatch(/card: 150 written/);
    for (const i of [1, 77, ROWS]) {
      const row = db.prepare('SELECT email_idx_v2, ssn_v2, card_v2 FROM users WHERE id = ?').get(i) as Record<string, string>;
      expect(row.email_idx_v2).toBe(await sealer.blindIndex(email(i).toUpperCase(), { model: 'User', field: 'email', normalize: 'email', lookupVersion: 2 }));
      expect(await sealer.decrypt(row.ssn_v2 as string, { model: 'User', field: 'ssn' })).toBe(`ssn-${i}`);
      expect(await sealer.detokenize(row.card_v2 as string, { model: 'User', field: 'card', format: card, lookupVersion: 2 })).toBe(pan(i));
    }
    expect(await project.ok(['verify', '--table', 'users'])).toMatch(/0 failing/);
    expect(await project.ok(['reindex', '--table', 'users', '--dry-run'])).toMatch(/email: 0 would write\n/);
    db.prepare('UPDATE users SET card_v2 = card WHERE id = 5').run();
    const bad = await project.run(['verify', '--table', 'users']);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/card\s+row 5\s+REINDEX_MISMATCH/);
    // A finished job starts over when its command runs again, and writes only what differs.
    const repair = await project.ok(['reindex', '--table', 'users']);
    expect(repair).toMatch(/email: 0 written\n/);
    expect(repair).toMatch(/card: 1 written/);
    expect(await project.ok(['verify', '--table', 'users'])).toMatch(/0 failing/);
    await project.expectNoLeak([email(1), 'ssn-1', pan(1)]);
  });

  it('keys destroy refuses the version 1 lookup key while the config makes tokens under it, and takes it after the switch', async () => {
    const [v1] = await project.keys('--purpose', 'lookup', '--scope', 'default');
    expect(v1?.primary).toBe(true);
    const refused = await project.run(['keys', 'destroy', v1!.id, '--allow-primary']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/users\.email_idx, users\.ssn/);
    await project.writeConfig({ ...SQLITE_CONFIG, tables: { users: { primaryKey: 'id', columns: columnsWith(false) } } });
    const primary = await project.run(['keys', 'destroy', v1!.id]);
    expect(primary.status).toBe(1);
    expect(primary.stderr).toMatch(/primary/);
    await project.ok(['keys', 'destroy', v1!.id, '--allow-primary']);
    expect(await project.ok(['verify', '--table', 'users'])).toMatch(/0 failing/);
    const status = JSON.parse(await project.ok(['status', '--table', 'users', '--json'])) as { reports: { columns: { column: string; tokens: number; onDestroyedKeys: number }[] }[] };
    expect(status.reports[0]?.columns.map((c) => [c.column, c.onDestroyedKeys])).toEqual([
      ['email', 0],
      ['ssn_v2', 0],
      ['card_v2', 0],
    ]);
    expect(status.reports[0]?.columns[2]?.tokens).toBe(ROWS);
  });
});
