/**
 * The key store contract on SQLite (better-sqlite3, a WAL file per test), in UTF-8 (the
 * default) and in UTF-16LE, whose BINARY collation orders texts differently.
 */
import { afterAll, describe, it } from 'vitest';
import { sqliteKeyStore } from '../../../src/keys/store/sqlite-key-store.js';
import { runKeyStoreContract } from '../../../src/testing/key-store-contract.js';
import { sqlSubject, sqliteFile, tempDir } from './support.js';

const temp = tempDir();
afterAll(() => temp.remove());

for (const encoding of ['UTF-8', 'UTF-16le'] as const) {
  runKeyStoreContract(
    `sqlite (${encoding} database)`,
    async () => {
      const db = sqliteFile(temp.dir, {}, encoding);
      return {
        ...(await sqlSubject(
          (table) => sqliteKeyStore({ database: db, table }),
          (table, id, column, value) => db.prepare(`UPDATE "${table}" SET ${column} = ? WHERE id = ?`).run(value, id),
        )),
        dispose: () => {
          db.close();
        },
      };
    },
    { test: { describe, it } },
  );
}
