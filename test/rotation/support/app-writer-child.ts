/**
 * A child process of row-source-concurrency.test.ts: the application, writing rows of a
 * table on a connection of its own while the test's job seals them. Prints `ready` once
 * connected, starts on `go` (stdin), and on `stop` finishes its write in flight and prints
 * one JSON line: how many writes it made and the last value it wrote to each row.
 *
 * Arguments: `postgres <url> <schema> <table> <rows>`, `mysql <url> <table> <rows>` (a
 * mariadb:// URL naming the database) or `sqlite <file> <table> <rows>`.
 */
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import Database from 'better-sqlite3';
import * as mariadb from 'mariadb';
import pg from 'pg';
import { mariadbConfigFrom } from '../../support/database-servers.js';

const [dialect, ...args] = process.argv.slice(2);
let update: (key: number, value: string) => Promise<void>;
let close: () => Promise<void>;
let table: string;
let rows: number;
if (dialect === 'postgres') {
  const [url, schema, name, count] = args as [string, string, string, string];
  [table, rows] = [name, Number(count)];
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  update = async (key, value) => {
    await client.query(`UPDATE "${schema}"."${table}" SET secret = $1 WHERE id = $2`, [value, key]);
  };
  close = () => client.end();
} else if (dialect === 'mysql') {
  const [url, name, count] = args as [string, string, string];
  [table, rows] = [name, Number(count)];
  const conn = await mariadb.createConnection(mariadbConfigFrom(url));
  update = async (key, value) => {
    await conn.query(`UPDATE \`${table}\` SET secret = ? WHERE id = ?`, [value, key]);
  };
  close = () => conn.end();
} else {
  const [file, name, count] = args as [string, string, string];
  [table, rows] = [name, Number(count)];
  const db = new Database(file, { timeout: 5000 });
  const statement = db.prepare(`UPDATE "${table}" SET secret = ? WHERE id = ?`);
  update = async (key, value) => {
    statement.run(value, key);
  };
  close = async () => {
    db.close();
  };
}

process.stdout.write('ready\n');
process.stdin.setEncoding('utf8');
await once(process.stdin, 'data'); // go
let stopping = false;
const stop = (): void => {
  stopping = true;
};
process.stdin.on('data', stop);
process.stdin.on('end', stop); // the test process went away
const last: Record<string, string> = {};
let writes = 0;
while (!stopping) {
  const key = 1 + randomInt(rows);
  const value = `app ${key} #${writes} (${process.pid})`;
  await update(key, value);
  last[String(key)] = value; // committed: autocommit statements
  writes++;
  // Let stdin's `stop` in between writes of a synchronous driver.
  if (writes % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
}
await close();
process.stdin.destroy(); // nothing more to read: let the process exit
process.stdout.write(`${JSON.stringify({ writes, last })}\n`);
