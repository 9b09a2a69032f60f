/**
 * Rotation jobs under a purpose-based access policy: a job that opens values refuses to start
 * unless the access context sees them in the clear (a mask or a null would otherwise be
 * sealed over the value); `status`, which opens nothing, runs anyway.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AccessDeniedError, createSealer, localKeyProvider, sqliteKeyStore } from '../../src/index.js';
import { withAccess } from '../../src/privacy/index.js';
import { runReencrypt, runStatus, runVerify, sqliteRowSource, type ProtectedColumn } from '../../src/rotation/index.js';
import { TEST_KEK } from '../support/sealer.js';

const columns: ProtectedColumn[] = [{ column: 'email', model: 'User', field: 'email', mode: 'randomized', rowBound: true }];

describe('rotation jobs under an access policy', () => {
  it('refuse to open values the context would only see masked; run for a purpose that sees them', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)');
    const sealer = await createSealer({
      provider: localKeyProvider({ keys: { main: TEST_KEK } }),
      store: sqliteKeyStore({ database: db }),
      policy: { fields: { 'User.email': { purposes: ['key-rotation'], otherwise: { mask: 'email' } } }, outsideAccess: 'otherwise' },
    });
    const insert = db.prepare('INSERT INTO users (id, email) VALUES (?, ?)');
    for (let id = 1; id <= 10; id++) insert.run(id, await sealer.encrypt(`user${id}@example.com`, { model: 'User', field: 'email', row: id }));
    await sealer.rotateDataKey();
    const source = sqliteRowSource({ database: db, table: 'users', keyColumn: 'id' });
    await expect(runReencrypt({ sealer, source, columns })).rejects.toThrow(AccessDeniedError);
    await expect(withAccess({ actor: 'ops', purpose: 'support' }, () => runReencrypt({ sealer, source, columns }))).rejects.toThrow(AccessDeniedError);
    await expect(runVerify({ sealer, source, columns })).rejects.toThrow(AccessDeniedError);
    expect((await runStatus({ sealer, source, columns })).columns[0]?.notCurrent).toBe(10);
    const report = await withAccess({ actor: 'ops', purpose: 'key-rotation' }, () => runReencrypt({ sealer, source, columns }));
    expect(report.changed).toBe(10);
    const rows = db.prepare('SELECT id, email FROM users').all() as { id: number; email: string }[];
    for (const { id, email } of rows) {
      expect(await withAccess({ actor: 'ops', purpose: 'key-rotation' }, () => sealer.decrypt(email, { model: 'User', field: 'email', row: id }))).toBe(`user${id}@example.com`);
    }
    db.close();
  });
});
