/**
 * The quick start (`npm run demo`): protect a users table in SQLite with fieldseal.
 *
 * - email: randomized encryption + a keyed blind index column for lookups;
 * - ssn:   deterministic encryption (equality-searchable);
 * - the KEK comes from FIELDSEAL_KEK, or (demo only) a key file made on first run;
 * - the wrapped keys (a root key wrapped by the KEK, the scope's data and lookup keys wrapped
 *   by the root key) live in the `fieldseal_keys` table of the same SQLite database, beside
 *   the data, shared by every process that opens it.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createSealer, generateKek, localKeyProvider, sqliteKeyStore } from '../src/index.js';

const dir = '.fieldseal';
mkdirSync(dir, { recursive: true, mode: 0o700 });
const kekFile = `${dir}/demo-kek`;
if (!process.env.FIELDSEAL_KEK && !existsSync(kekFile)) writeFileSync(kekFile, generateKek(), { mode: 0o600 });
const kek = process.env.FIELDSEAL_KEK ?? readFileSync(kekFile, 'utf8').trim(); // production: a KMS provider, never a file

// Several processes may share the file: WAL, and a busy timeout below the store's own (5 s).
const db = new Database(`${dir}/demo.sqlite`, { timeout: 1000 });
db.pragma('journal_mode = WAL');

const sealer = await createSealer({
  provider: localKeyProvider({ keys: { main: kek } }),
  store: sqliteKeyStore({ database: db }), // createSealer creates its table when missing
});

db.exec(`DROP TABLE IF EXISTS users;
  CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL, email_bidx TEXT NOT NULL, ssn TEXT NOT NULL, name TEXT NOT NULL);
  CREATE INDEX users_email_bidx ON users (email_bidx); CREATE INDEX users_ssn ON users (ssn);`);

const people = [
  { id: 'u_1', email: 'alice@example.com', ssn: '123-45-6789', name: 'Alice Martin' },
  { id: 'u_2', email: 'bob@example.org', ssn: '987-65-4321', name: 'Bob Chen' },
];
const insert = db.prepare('INSERT INTO users (id, email, email_bidx, ssn, name) VALUES (?, ?, ?, ?, ?)');
for (const p of people) {
  insert.run(
    p.id,
    await sealer.encrypt(p.email, { model: 'User', field: 'email', row: p.id }),
    await sealer.blindIndex(p.email, { model: 'User', field: 'email', normalize: 'email' }),
    await sealer.encryptDeterministic(p.ssn, { model: 'User', field: 'ssn' }),
    await sealer.encrypt(p.name, { model: 'User', field: 'name', row: p.id }),
  );
}

console.log('What the database holds (no plaintext):');
console.table(db.prepare('SELECT id, email, email_bidx, ssn FROM users').all());

// A new data key for the scope: new values are sealed under it, old ones still open, and
// lookup tokens (blind indexes, deterministic values) do not change, so no row is rewritten.
await sealer.rotateDataKey();
const keys = await sealer.listKeys();
console.log('\nThe primary keys after a data key rotation (the table holds wrapped keys only):');
console.table(keys.filter((k) => k.primary).map(({ id, scope, purpose, parent, state }) => ({ id, scope, purpose, 'wrapped by': parent, state })));
console.log(`and ${keys.filter((k) => k.state === 'decrypt-only').length} older data key(s), decrypt-only: values sealed under them still open.`);

// Look up by email: the query value is normalised and indexed the same way.
const query = '  Alice@Example.COM ';
const index = await sealer.blindIndex(query, { model: 'User', field: 'email', normalize: 'email' });
const row = db.prepare('SELECT * FROM users WHERE email_bidx = ?').get(index) as { id: string; email: string; ssn: string; name: string } | undefined;
if (!row) throw new Error('lookup failed');
console.log(`\nLookup by email ${JSON.stringify(query)} found row ${row.id}; decrypted:`);
console.log({
  email: await sealer.decrypt(row.email, { model: 'User', field: 'email', row: row.id }),
  ssn: await sealer.decrypt(row.ssn, { model: 'User', field: 'ssn' }),
  name: await sealer.decrypt(row.name, { model: 'User', field: 'name', row: row.id }),
});

// Equality lookup on the deterministic column.
const ssnToken = await sealer.encryptDeterministic('987-65-4321', { model: 'User', field: 'ssn' });
const bob = db.prepare('SELECT id FROM users WHERE ssn = ?').get(ssnToken) as { id: string } | undefined;
if (!bob) throw new Error('lookup failed');
console.log(`Lookup by SSN found row ${bob.id}`);

// A ciphertext copied to another row does not open there.
const moved = await sealer.decrypt(row.email, { model: 'User', field: 'email', row: 'u_2' }).catch((e: Error) => e.name);
console.log(`Alice's email ciphertext read as row u_2: ${String(moved)}`);

const stats = sealer.stats();
console.log(`\nKMS/provider calls: ${stats.provider.unwrap} unwrap, ${stats.provider.wrap} wrap (the root key only); cache hits ${stats.cache.hits}; sealed ${stats.encryptions}, opened ${stats.decryptions}`);
db.close();
