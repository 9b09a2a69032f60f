/**
 * Prisma adapter benchmark: plain Prisma 7 vs Prisma + fieldseal, same database, same
 * process, on SQLite and PostgreSQL, beside the time of the same number of raw
 * node:crypto operations (the floor). Target: fieldseal − plain ≤ 1.2 × raw crypto.
 * Every case's variants run in interleaved rounds and report medians.
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
import { medianMs } from './harness.js';

/** One measured case. */
export interface PrismaBenchRow {
  readonly database: DatabaseKind;
  readonly case: string;
  /** Median milliseconds of plain Prisma and of fieldseal. */
  readonly plainMs: number;
  readonly fieldsealMs: number;
  /** fieldseal − plain. */
  readonly overheadMs: number;
  /**
   * What the overhead is held against: the same number of raw node:crypto operations in a
   * tight loop (createMany, findMany), or, for findUnique, that crypto run inside a Prisma
   * extension hook per request, minus plain Prisma (the in-hook floor).
   */
  readonly floorMs: number;
  readonly floor: 'raw crypto' | 'in-hook raw crypto';
  /** The target: overhead ≤ factor × floor. */
  readonly factor: number;
  /** overhead ÷ floor; `undefined` for context rows. */
  readonly ratio: number | undefined;
  /** overhead ≤ factor × floor; `undefined` for context rows (no fieldseal in them). */
  readonly withinTarget: boolean | undefined;
}

const QUICK = process.argv.includes('--quick');
const ROWS = 1000;
const LOOKUPS = 200;
const RUNS = QUICK ? 5 : 31;
/** findUnique's verdict is a ratio of two differences of medians: more rounds steady it. */
const LOOKUP_RUNS = QUICK ? 5 : 81;
const WARMUP = 3;
/**
 * findUnique's warm-up rounds: Prisma's own code and the pg driver's keep tiering up for
 * ten or more rounds of 200 lookups (per-lookup timings, measured), so fewer rounds
 * leave the first measured rounds of every variant in a slower regime.
 */
const LOOKUP_WARMUP = QUICK ? 3 : 12;

const fields: FieldsConfig = {
  User: {
    email: { row: 'id' },
    emailIndex: { mode: 'blindIndex', of: 'email', normalize: 'email' },
    name: {},
    nameIndex: { mode: 'blindIndex', of: 'name', normalize: 'lowercase' },
    ssn: { mode: 'deterministic' },
  },
};

/** Medians (ms) of `fns` measured in interleaved rounds, after the warm-up rounds (JIT, key cache, statement cache). */
const medians = (runs: number, fns: readonly (() => Promise<void>)[], warmup = WARMUP) => medianMs(runs, fns, warmup);

/** The same number of raw node:crypto operations as fieldseal does: AES-256-GCM encryptions (randomBytes(12) each), decryptions, and HMAC-SHA256. */
interface CryptoCounts {
  readonly gcmEncrypts: number;
  readonly gcmDecrypts: number;
  readonly hmacs: number;
}

/** Raw node:crypto floor: runs `counts` operations on a 25-byte value. */
function rawCrypto(counts: CryptoCounts): () => Promise<void> {
  const key = randomBytes(32);
  const plaintext = Buffer.from('alice.liddell@example.com');
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  const tag = c.getAuthTag();
  return async () => {
    for (let i = 0; i < counts.gcmEncrypts; i++) {
      const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
      cipher.update(plaintext);
      cipher.final();
      cipher.getAuthTag();
    }
    for (let i = 0; i < counts.gcmDecrypts; i++) {
      const d = createDecipheriv('aes-256-gcm', key, iv);
      d.setAuthTag(tag);
      d.update(ct);
      d.final();
    }
    for (let i = 0; i < counts.hmacs; i++) createHmac('sha256', key).update(plaintext).digest();
  };
}

async function benchDatabase(kind: DatabaseKind): Promise<PrismaBenchRow[]> {
  const db = await openTestDatabase(kind, 'bench');
  const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: randomBytes(32).toString('base64') } }), store: memoryKeyStore() });
  const plain = baseClient(db);
  const sealed = plain.$extends(fieldsealExtension({ sealer, fields, datamodel }));
  // Context for the per-request case: what any query extension costs in Prisma, and the
  // raw crypto floor run where fieldseal runs it (inside the extension hook, per request).
  const passThrough = plain.$extends({
    query: { $allModels: { $allOperations: ({ args, query }: { args: unknown; query: (a: unknown) => Promise<unknown> }) => query(args) } },
  });
  const lookupCrypto = rawCrypto({ gcmEncrypts: 0, gcmDecrypts: 3, hmacs: 1 });
  const cryptoInHook = plain.$extends({
    query: {
      $allModels: {
        async $allOperations({ args, query }: { args: unknown; query: (a: unknown) => Promise<unknown> }) {
          const result = await query(args);
          await lookupCrypto();
          return result;
        },
      },
    },
  });
  const rows: PrismaBenchRow[] = [];
  const record = (name: string, plainMs: number, fieldsealMs: number, floorMs: number, options: { context?: boolean; inHook?: boolean } = {}) => {
    const overheadMs = fieldsealMs - plainMs;
    const factor = options.inHook === true ? 1.5 : 1.2;
    rows.push({
      database: kind,
      case: name,
      plainMs,
      fieldsealMs,
      overheadMs,
      floorMs,
      floor: options.inHook === true ? 'in-hook raw crypto' : 'raw crypto',
      factor,
      ratio: options.context === true ? undefined : overheadMs / floorMs,
      withinTarget: options.context === true ? undefined : overheadMs <= factor * floorMs,
    });
  };
  const people = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ id: randomUUID(), email: `user${i}.${randomUUID().slice(0, 8)}@example.com`, name: `Person Number ${i}`, ssn: `${100000000 + i}` }));
  try {
    // create 1,000 rows (createMany: one statement, so the database is not the bottleneck).
    // Plain Prisma writes rows of the stored shape (5 columns of ciphertext-sized values,
    // sealed beforehand), so Prisma's own cost of moving the larger rows is on both sides and
    // the difference is the adapter plus the crypto. Plain writing the plaintext is also shown.
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
    // The rows to write are made once, as `stored` is: making 1,000 rows (2,000 random UUIDs)
    // takes about a millisecond, which would otherwise count as overhead. The table is emptied
    // before every write, and nothing in fieldseal remembers a value it sealed.
    const rowsToWrite = people(ROWS);
    // 3 fields sealed per row (AES-GCM-class each) + 2 blind index HMACs.
    const [createPlain, createPlainStored, createSealed, createCrypto] = await medians(RUNS, [
      async () => {
        await db.truncate();
        await plain.user.createMany({ data: rowsToWrite });
      },
      async () => {
        await db.truncate();
        await plain.user.createMany({ data: stored });
      },
      async () => {
        await db.truncate();
        await sealed.user.createMany({ data: rowsToWrite });
      },
      rawCrypto({ gcmEncrypts: 3 * ROWS, gcmDecrypts: 0, hmacs: 2 * ROWS }),
    ]);
    record(`createMany ${ROWS} rows (plain writes stored-shape rows)`, createPlainStored!, createSealed!, createCrypto!);
    record(`createMany ${ROWS} rows (plain writes plaintext)`, createPlain!, createSealed!, createCrypto!);

    // The reads below run on rows fieldseal wrote (the rounds above end on whichever variant
    // came last, and plain Prisma's plaintext rows would be refused).
    await db.truncate();
    await sealed.user.createMany({ data: rowsToWrite });
    if (rowsToWrite.some((p) => p.email.startsWith('fs1:'))) throw new Error('fieldseal changed the rows it was given');

    // findMany of all 1,000 rows, 3 protected fields opened per row.
    const select = { id: true, email: true, name: true, ssn: true } as const;
    const [findPlain, findSealed, findCrypto] = await medians(RUNS, [
      async () => void (await plain.user.findMany({ select })),
      async () => void (await sealed.user.findMany({ select })),
      rawCrypto({ gcmEncrypts: 0, gcmDecrypts: 3 * ROWS, hmacs: 0 }),
    ]);
    record(`findMany ${ROWS} rows × 3 fields`, findPlain!, findSealed!, findCrypto!);

    // Fields not selected are never opened: same query without protected fields. A context
    // row: its point is the count of values opened (the Sealer's own counter), which must be 0.
    const openedBefore = sealer.stats().decryptions;
    const [idsPlain, idsSealed] = await medians(RUNS, [
      async () => void (await plain.user.findMany({ select: { id: true, tenantId: true } })),
      async () => void (await sealed.user.findMany({ select: { id: true, tenantId: true } })),
    ]);
    record(`findMany ${ROWS} rows, no protected field selected (values opened: ${sealer.stats().decryptions - openedBefore})`, idsPlain!, idsSealed!, 0, { context: true });

    // findUnique by email (through the blind index), 200 lookups, each opening 3 fields.
    const sample = await sealed.user.findMany({ take: LOOKUPS, select: { email: true } });
    const indexes = await Promise.all(sample.map((u) => sealer.blindIndex(u.email, { model: 'User', field: 'email', normalize: 'email' })));
    const [lookupPlain, lookupSealed, lookupCryptoMs, lookupPass, lookupInHook] = await medians(LOOKUP_RUNS, [
      async () => {
        for (const emailIndex of indexes) await plain.user.findUnique({ where: { emailIndex } });
      },
      async () => {
        for (const u of sample) await sealed.user.findUnique({ where: { emailIndex: u.email } });
      },
      rawCrypto({ gcmEncrypts: 0, gcmDecrypts: 3 * LOOKUPS, hmacs: LOOKUPS }),
      async () => {
        for (const emailIndex of indexes) await passThrough.user.findUnique({ where: { emailIndex } });
      },
      async () => {
        for (const emailIndex of indexes) await cryptoInHook.user.findUnique({ where: { emailIndex } });
      },
    ], LOOKUP_WARMUP);
    // The target: fieldseal's overhead within 1.5 × the same crypto run where fieldseal runs
    // it (in the hook, per request, between Prisma's own work), not in a tight loop.
    const inHookFloor = lookupInHook! - lookupPlain!;
    record(`findUnique by email × ${LOOKUPS}`, lookupPlain!, lookupSealed!, inHookFloor, { inHook: true });
    record(`context: findUnique × ${LOOKUPS} through a pass-through extension (Prisma's own cost)`, lookupPlain!, lookupPass!, inHookFloor, { context: true, inHook: true });
    record(`context: findUnique × ${LOOKUPS}, the raw crypto run inside the extension hook per request`, lookupPlain!, lookupInHook!, inHookFloor, { context: true, inHook: true });
    record(`context: findUnique × ${LOOKUPS}, the same raw crypto in a tight loop`, 0, lookupCryptoMs!, inHookFloor, { context: true, inHook: true });
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
    '| database | case | plain Prisma ms | fieldseal ms | overhead ms | floor | floor ms | overhead ÷ floor | target | within target |',
    '|---|---|---:|---:|---:|---|---:|---:|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.database} | ${r.case} | ${r.plainMs.toFixed(2)} | ${r.fieldsealMs.toFixed(2)} | ${r.overheadMs.toFixed(2)} | ${r.floor} | ${r.floorMs.toFixed(2)} | ${r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`} | ${r.withinTarget === undefined ? '' : `≤ ${r.factor}x`} | ${r.withinTarget === undefined ? '(context)' : r.withinTarget ? 'yes' : 'no'} |`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await runPrismaBench();
  process.stdout.write(`${formatPrismaBench(rows)}\n`);
}
