/**
 * A child process of multi-process.test.ts: opens a key store on a shared database, waits
 * for `go` on stdin (so that every process starts together), makes 25 concurrent first-key
 * inserts on 10 scopes, learns each scope's primary with primary(), and prints the outcome
 * as one JSON line.
 *
 * Arguments: `sqlite <file> <table>`, `postgres <url> <schema> <table>` or `file <key file>`.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import Database from 'better-sqlite3';
import pg from 'pg';
import { KeyConflictError } from '../../../src/errors.js';
import { fileKeyStore } from '../../../src/keys/file-key-store.js';
import type { KeyStore } from '../../../src/keys/store/key-store.js';
import { postgresKeyStore } from '../../../src/keys/store/postgres-key-store.js';
import { sqliteKeyStore } from '../../../src/keys/store/sqlite-key-store.js';

const [backend, ...rest] = process.argv.slice(2);
let store: KeyStore;
let close: () => Promise<void>;
if (backend === 'file') {
  store = fileKeyStore(rest[0] as string);
  close = async () => undefined;
} else if (backend === 'sqlite') {
  const [file, table] = rest as [string, string];
  const db = new Database(file, { timeout: 1000 });
  store = sqliteKeyStore({ database: db, table, timeoutMs: 20_000 });
  close = async () => {
    db.close();
  };
} else {
  const [url, schema, table] = rest as [string, string, string];
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  store = postgresKeyStore({ client: pool, schema, table, timeoutMs: 20_000 });
  close = () => pool.end();
}

await store.migrate(); // every process migrates, racing the others
process.stdout.write('ready\n');
process.stdin.setEncoding('utf8');
await once(process.stdin, 'data');

const scopes = Array.from({ length: 10 }, (_, i) => `scope-${i}`);
const attempts = Array.from({ length: 25 }, (_, i) => scopes[i % scopes.length] as string);
const outcomes = await Promise.all(
  attempts.map(async (scope) => {
    const id = randomBytes(4).toString('hex');
    try {
      await store.insert({ id, scope, purpose: 'data', parent: '0a0b0c0d', wrapped: randomBytes(40).toString('base64'), state: 'active', primary: true });
      return { scope, won: id, learned: id };
    } catch (error) {
      if (!(error instanceof KeyConflictError) || error.reason !== 'primary') throw error;
      return { scope, won: undefined, learned: (await store.primary(scope, 'data'))?.id };
    }
  }),
);
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
await close();
process.stdin.destroy();
