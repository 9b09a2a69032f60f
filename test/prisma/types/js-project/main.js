// @ts-check
/**
 * A JavaScript project using the generated fieldseal.js: no TypeScript source, the types
 * come from fieldseal.d.ts (checked here with checkJs). Prints the values read back.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { createSealer, generateKek, localKeyProvider, memoryKeyStore } from '../../../../src/index.js';
import { PrismaClient } from './generated/client.js';
import { withFieldseal } from './generated/fieldseal.js';

const file = fileURLToPath(new URL('./patients.db', import.meta.url));
rmSync(file, { force: true });
const sqlite = new Database(file);
sqlite.exec('CREATE TABLE "Patient" ("id" TEXT NOT NULL PRIMARY KEY, "email" TEXT NOT NULL, "emailIndex" TEXT, "born" TEXT NOT NULL, "visits" TEXT, "notes" TEXT); CREATE UNIQUE INDEX "Patient_emailIndex_key" ON "Patient"("emailIndex");');
sqlite.close();

const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: generateKek() } }), store: memoryKeyStore() });
const prisma = withFieldseal(new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}` }) }), { sealer });

const id = randomUUID();
await prisma.patient.create({ data: { id, email: 'Pat@Example.com', born: new Date('1990-05-17T00:00:00.000Z'), visits: 3, notes: { allergies: ['penicillin'] } } });
const patient = await prisma.patient.findUniqueOrThrow({ where: { email: 'pat@example.com' } });

/** @type {Date} */
const born = patient.born;
/** @type {number | null} */
const visits = patient.visits;
// @ts-expect-error the opened Int is a number, not text
/** @type {string | null} */ const visitsText = patient.visits;

console.log(JSON.stringify({ born: born.toISOString(), visits, notes: patient.notes, keys: Object.keys(patient).sort(), visitsText }));
await prisma.$disconnect();
rmSync(file, { force: true });
