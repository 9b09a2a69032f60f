/**
 * The key store contract on the file key store: a new file per test. A damaged row is a
 * hand edit of the file: the row's column becomes the record's field (`primary_slot` null
 * becomes `primary: false`; a slot of another scope, a `primary` that is not a boolean).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { fileKeyStore } from '../../../src/keys/file-key-store.js';
import type { KeyColumn } from '../../../src/keys/store/record-row.js';
import { runKeyStoreContract } from '../../../src/testing/key-store-contract.js';
import { randomName, tempDir } from './support.js';

const temp = tempDir();
afterAll(() => temp.remove());

const FIELDS: Record<KeyColumn, string> = {
  id: 'id',
  scope: 'scope',
  purpose: 'purpose',
  parent: 'parent',
  wrapped: 'wrapped',
  state: 'state',
  primary_slot: 'primary',
  version: 'version',
  created_at: 'createdAt',
  updated_at: 'updatedAt',
};

/** Edits the record `id` in the key file at `path` in place, as a text editor would. */
function editKeyFile(path: string, id: string, column: KeyColumn, value: string | number | null): void {
  const body = JSON.parse(readFileSync(path, 'utf8')) as { keys: Array<Record<string, unknown>> };
  const entry = body.keys.find((e) => e.id === id);
  if (entry === undefined) throw new Error(`no record ${id} in ${path}`);
  let stored: unknown = value;
  if (column === 'primary_slot') stored = value === null ? false : value === `${String(entry.purpose)}:${String(entry.scope)}` ? true : value;
  entry[FIELDS[column]] = stored;
  writeFileSync(path, JSON.stringify(body, null, 2));
}

runKeyStoreContract(
  'file',
  async () => {
    const path = join(temp.dir, randomName('keys'), 'keys.json');
    const store = fileKeyStore(path);
    await store.migrate();
    // Every call needs the folder, and this one is a file: reading fails with ENOTDIR, writing cannot create it.
    const notAFolder = join(temp.dir, randomName('file'));
    writeFileSync(notAFolder, '');
    return {
      store,
      corrupt: (id, column, value) => editKeyFile(path, id, column, value),
      failing: fileKeyStore(join(notAFolder, 'keys.json')),
    };
  },
  { test: { describe, it } },
);
