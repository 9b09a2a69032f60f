/**
 * fieldseal + Prisma 7 on SQLite: writes, fields of other types than String (a Date, a
 * number, JSON), lookups by email, a nested include, and what the rows look like in the
 * database. `withFieldseal` types every protected field with its logical type, so there is
 * not one cast here. Run from the repository root:
 *
 *   npm run example:prisma
 *
 * (which generates the Prisma client and fieldseal config offline, then runs this file).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { createSealer, generateKek, localKeyProvider, memoryKeyStore } from '../../src/index.js';
import { PrismaClient } from './generated/client.js';
import { withFieldseal } from './generated/fieldseal.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const file = here('./example.db');

// A fresh database from the committed migrations (what `prisma migrate deploy` would apply).
rmSync(file, { force: true });
const sqlite = new Database(file);
for (const migration of readdirSync(here('./migrations'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
  sqlite.exec(readFileSync(here(`./migrations/${migration}/migration.sql`), 'utf8'));
}

// Keys: a KEK from FIELDSEAL_KEK (32 bytes, base64) or a throwaway one for this run.
const kek = process.env.FIELDSEAL_KEK ?? generateKek();
const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: kek } }), store: memoryKeyStore() });

// The client extended with fieldseal and typed from the schema's annotations.
const prisma = withFieldseal(new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}` }) }), { sealer });

// Writes: plain Prisma calls; fieldseal seals email, name, ssn, card and order items.
const alice = randomUUID();
await prisma.user.create({
  data: {
    id: alice,
    email: 'Alice@Example.com',
    name: 'Alice Liddell',
    ssn: '078-05-1120',
    card: '4111 1111 1111 1111',
    birthday: new Date('1852-05-04'),
    visits: 3,
    preferences: { tea: 'earl grey', newsletter: false },
    orders: { create: [{ item: 'Looking glass', total: 1200 }, { item: 'Tea set', total: 4500 }] },
  },
});
await prisma.user.create({ data: { id: randomUUID(), email: 'bob@example.com', name: 'Bob', ssn: '219-09-9999' } });

// A lookup by email: rewritten to the blind index column (normalized: case and spaces don't
// matter). The index column is @unique, so email is a unique key: findUnique, update, upsert,
// delete, connect and cursor take it.
const found = await prisma.user.findUnique({ where: { email: '  alice@example.COM' } });
console.log('lookup by email      →', found?.name, found?.email);

// Typed fields come back with their types: a Date, a number, JSON.
if (found?.birthday) console.log('birthday             →', found.birthday.toDateString(), `(${found.birthday.getUTCFullYear()})`);
const visits = found?.visits ?? 0;
console.log('visits + 1           →', visits + 1);
console.log('preferences          →', JSON.stringify(found?.preferences));

// An update by email (naming the row column too: email is bound to the row's id).
const updated = await prisma.user.update({ where: { email: 'alice@example.com', id: alice }, data: { visits: visits + 1, birthday: '1852-05-04T12:00:00Z' } });
console.log('update by email      →', updated.visits, updated.birthday?.toISOString());

// The blind index column is left out of results unless asked for.
console.log('lookup columns       →', 'emailIndex' in updated ? 'returned' : 'left out', '/', (await prisma.user.findUniqueOrThrow({ where: { id: alice }, select: { emailIndex: true } })).emailIndex?.slice(0, 12) + '...');

// A lookup by SSN: rewritten to the deterministic ciphertext.
const bySsn = await prisma.user.findUnique({ where: { ssn: '219-09-9999' }, select: { name: true } });
console.log('lookup by ssn        →', bySsn?.name);

// A nested include: orders are opened too.
const withOrders = await prisma.user.findUnique({ where: { id: alice }, include: { orders: { orderBy: { id: 'asc' } } } });
console.log('nested include       →', withOrders?.orders.map((o) => `${o.item} (${o.total})`).join(', '));

// What cannot be answered on ciphertext is refused, never silently wrong. Some of it does not
// even compile: `where: { email: { contains: 'example' } }` is a type error. Ordering is refused
// at runtime.
try {
  await prisma.user.findMany({ orderBy: { email: 'asc' } });
} catch (error) {
  console.log('refused              →', error instanceof Error ? error.message : error);
}

// The rows as stored: no plaintext.
console.log('\nrows in the database:');
for (const row of sqlite.prepare('SELECT id, email, emailIndex, name, ssn, card, birthday, visits, preferences FROM "User"').all()) {
  if (typeof row !== 'object' || row === null) continue;
  console.log(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && v.length > 48 ? `${v.slice(0, 45)}...` : v])));
}
console.log(sqlite.prepare('SELECT id, userId, item, total FROM "Order"').all());

await prisma.$disconnect();
sqlite.close();
