/**
 * fieldseal + Prisma 7 on SQLite: writes, a lookup by email, a nested include, and what
 * the rows look like in the database. Run from the repository root:
 *
 *   npm run example:prisma
 *
 * (which generates the Prisma client and fieldseal config offline, then runs this file).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { createSealer, generateKek, localKeyProvider, memoryKeyStore } from '../../src/index.js';
import { fieldsealExtension } from '../../src/adapters/prisma/index.js';
import { PrismaClient } from './generated/client.js';
import { fieldseal } from './generated/fieldseal.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const file = here('./example.db');

// A fresh database from the committed migration (what `prisma migrate deploy` would apply).
rmSync(file, { force: true });
const sqlite = new Database(file);
sqlite.exec(readFileSync(here('./migrations/20250101000000_init/migration.sql'), 'utf8'));

// Keys: a KEK from FIELDSEAL_KEK (32 bytes, base64) or a throwaway one for this run.
const kek = process.env.FIELDSEAL_KEK ?? generateKek();
const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: kek } }), store: memoryKeyStore() });

const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}` }) }).$extends(
  fieldsealExtension({ sealer, ...fieldseal }),
);

// Writes: plain Prisma calls; fieldseal seals email, name, ssn, card and order items.
const alice = randomUUID();
await prisma.user.create({
  data: {
    id: alice,
    email: 'Alice@Example.com',
    name: 'Alice Liddell',
    ssn: '078-05-1120',
    card: '4111 1111 1111 1111',
    orders: { create: [{ item: 'Looking glass', total: 1200 }, { item: 'Tea set', total: 4500 }] },
  },
});
await prisma.user.create({ data: { id: randomUUID(), email: 'bob@example.com', name: 'Bob', ssn: '219-09-9999' } });

// A lookup by email: rewritten to the blind index column (normalized: case and spaces don't matter).
const found = await prisma.user.findFirst({ where: { email: '  alice@example.COM' } });
console.log('lookup by email      →', found?.name, found?.email);

// A lookup by SSN: rewritten to the deterministic ciphertext.
const bySsn = await prisma.user.findUnique({ where: { ssn: '219-09-9999' }, select: { name: true } });
console.log('lookup by ssn        →', bySsn?.name);

// A nested include: orders are opened too.
const withOrders = await prisma.user.findUnique({ where: { id: alice }, include: { orders: { orderBy: { id: 'asc' } } } });
console.log('nested include       →', withOrders?.orders.map((o) => `${o.item} (${o.total})`).join(', '));

// What cannot be answered on ciphertext is refused, never silently wrong.
try {
  await prisma.user.findMany({ where: { email: { contains: 'example' } } });
} catch (error) {
  console.log('refused              →', (error as Error).message);
}

// The rows as stored: no plaintext.
console.log('\nrows in the database:');
for (const row of sqlite.prepare('SELECT id, email, emailIndex, name, ssn, card FROM "User"').all() as Record<string, string>[]) {
  console.log(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && v.length > 48 ? `${v.slice(0, 45)}...` : v])));
}
console.log(sqlite.prepare('SELECT id, userId, item, total FROM "Order"').all());

await prisma.$disconnect();
sqlite.close();
