/**
 * Prisma adapter benchmark: plain Prisma 7 vs Prisma + fieldseal, same database, same
 * process, on SQLite and PostgreSQL, beside the time of the same number of raw
 * node:crypto operations (the floor). Target: fieldseal − plain ≤ 1.2 × raw crypto.
 *
 *   node prisma/generate.mjs && npx tsx bench/prisma.bench.ts
 *
 * Model: User with randomized `email` (+ blind index), blind-indexed randomized `name`
 * and deterministic `ssn` (prisma/schema/*). Plain Prisma reads and writes the same
 * columns without fieldseal (reads return the stored ciphertext, so both move the same bytes).
 *
 * @module
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createSealer, localKeyProvider, memoryKeyStore } from '../src/index.js';
import { fieldsealExtension, type FieldsConfig } from '../src/adapters/prisma/index.js';
import { datamodel } from '../prisma/generated/sqlite/fieldseal.js';
import { baseClient } from '../test/prisma/support/harness.js';
import { openTestDatabase, unavailableReason, type DatabaseKind } from '../test/support/databases.js';

/** One measured case. */
export interface PrismaBenchRow {
  readonly database: DatabaseKind;
  readonly case: string;
  /** Median milliseconds of plain Prisma, fieldseal, and the raw crypto floor. */
  readonly plainMs: number;
  readonly fieldsealMs: number;
  readonly rawCryptoMs: number;
  /** fieldseal − plain. */
  readonly overheadMs: number;
  /** overhead ≤ 1.2 × raw crypto. */
  readonly withinTarget: boolean;
}

const ROWS = 1000;
const LOOKUPS = 200;
const RUNS = 9;

const fields: FieldsConfig = {
  User: {
    email: { row: 'id' },
    emailIndex: { mode: 'blindIndex', of: 'email', normalize: 'email' },
    name: {},
    nameIndex: { mode: 'blindIndex', of: 'name', normalize: 'lowercase' },
    ssn: { mode: 'deterministic' },
  },
};

async function median(runs: number, fn: () => Promise<void>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn(); // warm-up (JIT, key cache, statement cache)
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Raw node:crypto floor: `gcmEncrypts` AES-256-GCM encryptions (randomBytes(12) each), `gcmDecrypts` decryptions, `hmacs` HMAC-SHA256. */
function rawCrypto(gcmEncrypts: number, gcmDecrypts: number, hmacs: number): () => Promise<void> {
  const key = randomBytes(32);
  const plaintext = Buffer.from('alice.liddell@example.com');
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  const tag = c.getAuthTag();
  return async () => {
    for (let i = 0; i < gcmEncrypts; i++) {
      const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
      cipher.update(plaintext);
      cipher.final();
      cipher.getAuthTag();
    }
    for (let i = 0; i < gcmDecrypts; i++) {
      const d = createDecipheriv('aes-256-gcm', key, iv);
      d.setAuthTag(tag);
      d.update(ct);
      d.final();
    }
    for (let i = 0; i < hmacs; i++) createHmac('sha256', key).update(plaintext).digest();
  };
}

async function benchDatabase(kind: DatabaseKind): Promise<PrismaBenchRow[]> {
  const db = await openTestDatabase(kind, 'bench');
  const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: randomBytes(32).toString('base64') } }), store: memoryKeyStore() });
  const plain = baseClient(db);
  const sealed = plain.$extends(fieldsealExtension({ sealer, fields, datamodel }));
  const rows: PrismaBenchRow[] = [];
  const record = (name: string, plainMs: number, fieldsealMs: number, rawCryptoMs: number) => {
    const overheadMs = fieldsealMs - plainMs;
    rows.push({ database: kind, case: name, plainMs, fieldsealMs, rawCryptoMs, overheadMs, withinTarget: overheadMs <= 1.2 * rawCryptoMs });
  };
  const people = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ id: randomUUID(), email: `user${i}.${randomUUID().slice(0, 8)}@example.com`, name: `Person Number ${i}`, ssn: `${100000000 + i}` }));
  try {
    // create 1,000 rows (createMany: one statement, so the database is not the bottleneck).
    const createPlain = await median(RUNS, async () => {
      await db.truncate();
      await plain.user.createMany({ data: people(ROWS) });
    });
    const createSealed = await median(RUNS, async () => {
      await db.truncate();
      await sealed.user.createMany({ data: people(ROWS) });
    });
    // 3 fields sealed per row (2 AES-GCM-class, 1 SIV) + 2 blind index HMACs.
    const createCrypto = await median(RUNS, rawCrypto(3 * ROWS, 0, 2 * ROWS));
    record(`createMany ${ROWS} rows (plain writes plaintext)`, createPlain, createSealed, createCrypto);
    // The same, with plain Prisma writing rows of the stored shape (5 columns of ciphertext-sized
    // values, sealed beforehand): Prisma's own cost of moving the larger rows is then on both
    // sides, and the difference is the adapter plus the crypto.
    const stored = await Promise.all(
      people(ROWS).map(async (p) => ({
        id: p.id,
        email: await sealer.encrypt(p.email, { model: 'User', field: 'email', row: p.id }),
        emailIndex: await sealer.blindIndex(p.email, { model: 'User', field: 'email', normalize: 'email' }),
        name: await sealer.encrypt(p.name, { model: 'User', field: 'name' }),
        nameIndex: await sealer.blindIndex(p.name, { model: 'User', field: 'name', normalize: 'lowercase' }),
        ssn: await sealer.encryptDeterministic(p.ssn, { model: 'User', field: 'ssn' }),
      })),
    );
    const createPlainStored = await median(RUNS, async () => {
      await db.truncate();
      await plain.user.createMany({ data: stored });
    });
    record(`createMany ${ROWS} rows (plain writes stored-shape rows)`, createPlainStored, createSealed, createCrypto);

    // findMany of all 1,000 rows, 3 protected fields opened per row.
    const findPlain = await median(RUNS, async () => {
      await plain.user.findMany({ select: { id: true, email: true, name: true, ssn: true } });
    });
    const findSealed = await median(RUNS, async () => {
      await sealed.user.findMany({ select: { id: true, email: true, name: true, ssn: true } });
    });
    record(`findMany ${ROWS} rows × 3 fields`, findPlain, findSealed, await median(RUNS, rawCrypto(0, 3 * ROWS, 0)));

    // Fields not selected are never opened: same query without protected fields.
    const findIdsSealed = await median(RUNS, async () => {
      await sealed.user.findMany({ select: { id: true, tenantId: true } });
    });
    const findIdsPlain = await median(RUNS, async () => {
      await plain.user.findMany({ select: { id: true, tenantId: true } });
    });
    record(`findMany ${ROWS} rows, no protected field`, findIdsPlain, findIdsSealed, 0);

    // findUnique by email (through the blind index), 200 lookups.
    const sample = await sealed.user.findMany({ take: LOOKUPS, select: { email: true } });
    const indexes = await Promise.all(sample.map((u) => sealer.blindIndex(u.email, { model: 'User', field: 'email', normalize: 'email' })));
    const lookupPlain = await median(RUNS, async () => {
      for (const emailIndex of indexes) await plain.user.findUnique({ where: { emailIndex } });
    });
    const lookupSealed = await median(RUNS, async () => {
      for (const u of sample) await sealed.user.findUnique({ where: { emailIndex: u.email } });
    });
    record(`findUnique by email × ${LOOKUPS}`, lookupPlain, lookupSealed, await median(RUNS, rawCrypto(0, 3 * LOOKUPS, LOOKUPS)));
  } finally {
    await plain.$disconnect();
    await db.close();
  }
  return rows;
}

/** Runs the benchmark on SQLite and (when reachable) PostgreSQL and returns the rows. */
export async function runPrismaBench(kinds: readonly DatabaseKind[] = ['sqlite', 'postgresql']): Promise<PrismaBenchRow[]> {
  const out: PrismaBenchRow[] = [];
  for (const kind of kinds) {
    if ((await unavailableReason(kind)) !== undefined) continue;
    out.push(...(await benchDatabase(kind)));
  }
  return out;
}

/** Formats rows as a Markdown table. */
export function formatPrismaBench(rows: readonly PrismaBenchRow[]): string {
  const lines = [
    '| database | case | plain Prisma ms | fieldseal ms | overhead ms | raw crypto ms | 1.2 × raw | within target |',
    '|---|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.database} | ${r.case} | ${r.plainMs.toFixed(2)} | ${r.fieldsealMs.toFixed(2)} | ${r.overheadMs.toFixed(2)} | ${r.rawCryptoMs.toFixed(2)} | ${(1.2 * r.rawCryptoMs).toFixed(2)} | ${r.withinTarget ? 'yes' : 'no'} |`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await runPrismaBench();
  process.stdout.write(`${formatPrismaBench(rows)}\n`);
}
