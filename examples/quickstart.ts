/**
 * The quick start (`npm run demo`): protect a users table in SQLite with fieldseal.
 *
 * - email: randomized encryption + a keyed blind index column for lookups;
 * - ssn:   deterministic encryption (equality-searchable);
 * - the KEK comes from FIELDSEAL_KEK, or (demo only) a key file made on first run;
 * - data keys live wrapped in .fieldseal/keys.json.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createSealer, fileKeyStore, generateKek, localKeyProvider } from '../src/index.js';

const dir = '.fieldseal';
mkdirSync(dir, { recursive: true, mode: 0o700 });
const kekFile = `${dir}/demo-kek`;
if (!process.env.FIELDSEAL_KEK && !existsSync(kekFile)) writeFileSync(kekFile, generateKek(), { mode: 0o600 });
const kek = process.env.FIELDSEAL_KEK ?? readFileSync(kekFile, 'utf8').trim(); // production: a KMS provider, never a file

const sealer = await createSealer({
  provider: localKeyProvider({ keys: { main: kek } }),
  store: fileKeyStore(`${dir}/keys.json`),
});

const db = new Database(`${dir}/demo.sqlite`);
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

// Look up by email: the query value is normalised and indexed the same way.
const query = '  Alice@Example.COM ';
const indexes = await sealer.blindIndexCandidates(query, { model: 'User', field: 'email', normalize: 'email' });
const row = db.prepare(`SELECT * FROM users WHERE email_bidx IN (${indexes.map(() => '?').join(',')})`).get(...indexes) as
  | { id: string; email: string; ssn: string; name: string }
  | undefined;
if (!row) throw new Error('lookup failed');
console.log(`\nLookup by email ${JSON.stringify(query)} found row ${row.id}; decrypted:`);
console.log({
  email: await sealer.decrypt(row.email, { model: 'User', field: 'email', row: row.id }),
  ssn: await sealer.decrypt(row.ssn, { model: 'User', field: 'ssn' }),
  name: await sealer.decrypt(row.name, { model: 'User', field: 'name', row: row.id }),
});

// Equality lookup on the deterministic column.
const ssnTokens = await sealer.deterministicCandidates('987-65-4321', { model: 'User', field: 'ssn' });
const bob = db.prepare(`SELECT id FROM users WHERE ssn IN (${ssnTokens.map(() => '?').join(',')})`).get(...ssnTokens) as { id: string };
console.log(`Lookup by SSN found row ${bob.id}`);

// A ciphertext copied to another row does not open there.
const moved = await sealer.decrypt(row.email, { model: 'User', field: 'email', row: 'u_2' }).catch((e: Error) => e.name);
console.log(`Alice's email ciphertext read as row u_2: ${String(moved)}`);

const stats = sealer.stats();
console.log(`\nKMS/provider calls: ${stats.provider.unwrap} unwrap, ${stats.provider.wrap} wrap; cache hits ${stats.cache.hits}; sealed ${stats.encryptions}, opened ${stats.decryptions}`);
db.close();
