/**
 * TypeORM adapter benchmark: plain TypeORM 1.x, TypeORM + fieldseal, and TypeORM +
 * typeorm-encrypted (its AES-256-GCM transformer, as its README configures it), same
 * database, same process, on SQLite and PostgreSQL; beside the time of the Sealer calls
 * the adapter has to make, made directly outside TypeORM (the raw crypto floor).
 * Targets: fieldseal − plain ≤ 1.2 × raw crypto, and fieldseal faster than typeorm-encrypted.
 * Every case's variants run in interleaved rounds and report medians.
 *
 *   npx tsx bench/index.ts --only typeorm
 *
 * Entity: 3 protected columns, `email` (randomized, row-bound, with a unique blind index),
 * `name` (randomized, row-bound) and `ssn` (deterministic). typeorm-encrypted encrypts the
 * same three columns (it has one mode: random IV). Plain TypeORM writes and reads rows of
 * the stored shape (the same ciphertext-sized texts, sealed beforehand), so TypeORM's and the
 * database's cost of moving the larger rows is on both sides and the difference is the
 * adapter plus the crypto.
 *
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Column, Entity, EventSubscriber, PrimaryColumn, PrimaryGeneratedColumn, type EntitySubscriberInterface, type Repository } from 'typeorm';
import { EncryptionTransformer } from 'typeorm-encrypted';
import { createSealer, localKeyProvider, memoryKeyStore, type Sealer } from '../src/index.js';
import { BlindIndexColumn, DeterministicColumn, fieldsealDataSource, SealedColumn } from '../src/adapters/typeorm/index.js';
import { testDataSource } from '../test/typeorm/support.js';
import { unavailableReason, type DatabaseKind } from '../test/support/databases.js';
import { medianMs } from './harness.js';

/** One measured case; `undefined` times are variants that cannot run the case (`note` says why). */
export interface TypeormBenchRow {
  readonly database: DatabaseKind;
  readonly case: string;
  /** Median milliseconds of each variant. */
  readonly plainMs: number;
  readonly fieldsealMs: number;
  readonly typeormEncryptedMs: number | undefined;
  readonly rawCryptoMs: number;
  /** fieldseal − plain. */
  readonly overheadMs: number;
  /** Why typeorm-encrypted has no time. */
  readonly note?: string;
  /** A context row: its "fieldseal" time is the hand-written subscriber's, no target applies. */
  readonly context: boolean;
}

const QUICK = process.argv.includes('--quick');
const ROWS = 1000;
const LOOKUPS = 200;
const RUNS = QUICK ? 5 : 11;

/** typeorm-encrypted's options as its README gives them for AES-256-GCM (random IV per value). */
const gcm = new EncryptionTransformer({ key: randomBytes(32).toString('hex'), algorithm: 'aes-256-gcm', ivLength: 16 });

@Entity('torm2_bench_plain')
class PlainUser {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  email!: string;

  @Column('varchar', { length: 44, unique: true })
  emailIndex!: string;

  @Column('text')
  name!: string;

  @Column('text')
  ssn!: string;
}

@Entity('torm2_bench_sealed')
class SealedUser {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @SealedColumn({ row: 'id' })
  email!: string;

  @BlindIndexColumn({ of: 'email', normalize: 'email', unique: true })
  emailIndex!: string;

  @SealedColumn({ row: 'id' })
  name!: string;

  @DeterministicColumn()
  ssn!: string;
}

@Entity('torm2_bench_tenc')
class EncryptedUser {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text', { transformer: gcm })
  email!: string;

  @Column('text', { transformer: gcm })
  name!: string;

  @Column('text', { transformer: gcm })
  ssn!: string;
}

/** The same rows as SealedUser's, opened by a hand-written subscriber (context: TypeORM's own cost of an async afterLoad doing the raw crypto). */
@Entity('torm2_bench_hooked')
class HookedUser {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @Column('text')
  email!: string;

  @Column('varchar', { length: 44, unique: true })
  emailIndex!: string;

  @Column('text')
  name!: string;

  @Column('text')
  ssn!: string;
}

let hookSealer: Sealer | undefined;

/** Opens HookedUser's three columns after every load with one decryptMany: the least any adapter does in TypeORM's hook. */
@EventSubscriber()
class RawCryptoInHook implements EntitySubscriberInterface<HookedUser> {
  listenTo() {
    return HookedUser;
  }

  async afterLoad(entity: HookedUser): Promise<void> {
    const [email, name, ssn] = await hookSealer!.decryptMany([
      { text: entity.email, ctx: ctx('email', entity.id) },
      { text: entity.name, ctx: ctx('name', entity.id) },
      { text: entity.ssn, ctx: ctx('ssn') },
    ]);
    Object.assign(entity, { email, name, ssn });
  }
}

interface Person {
  email: string;
  name: string;
  ssn: string;
}

const people = (n: number): Person[] =>
  Array.from({ length: n }, (_, i) => ({ email: `user${i}.${randomUUID().slice(0, 8)}@example.com`, name: `Person Number ${i}`, ssn: `${100000000 + i}` }));

const ctx = (field: string, row?: string) => ({ model: 'SealedUser', field, ...(row !== undefined ? { row } : {}) });
const indexOptions = { model: 'SealedUser', field: 'email', normalize: 'email' } as const;

async function benchDatabase(kind: DatabaseKind): Promise<TypeormBenchRow[]> {
  const db = await testDataSource(kind, 'torm2_bench', [PlainUser, SealedUser, EncryptedUser, HookedUser], { subscribers: [RawCryptoInHook] });
  const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: randomBytes(32).toString('base64') } }), store: memoryKeyStore() });
  hookSealer = sealer;
  await fieldsealDataSource(db.dataSource, { sealer });
  const plain: Repository<PlainUser> = db.dataSource.getRepository(PlainUser);
  const sealed: Repository<SealedUser> = db.dataSource.getRepository(SealedUser);
  const encrypted: Repository<EncryptedUser> = db.dataSource.getRepository(EncryptedUser);
  const hooked: Repository<HookedUser> = db.dataSource.getRepository(HookedUser);
  const rows: TypeormBenchRow[] = [];
  const record = (name: string, plainMs: number, fieldsealMs: number, typeormEncryptedMs: number | undefined, rawCryptoMs: number, note?: string, context = false) =>
    rows.push({ database: kind, case: name, plainMs, fieldsealMs, typeormEncryptedMs, rawCryptoMs, overheadMs: fieldsealMs - plainMs, context, ...(note !== undefined ? { note } : {}) });
  try {
    // The stored shape: the same rows sealed once, written by plain TypeORM as text.
    const storedShape = async (): Promise<Omit<PlainUser, 'id'>[]> =>
      Promise.all(
        people(ROWS).map(async (p) => {
          const row = randomUUID();
          return {
            email: await sealer.encrypt(p.email, ctx('email', row)),
            emailIndex: await sealer.blindIndex(p.email, indexOptions),
            name: await sealer.encrypt(p.name, ctx('name', row)),
            ssn: await sealer.encryptDeterministic(p.ssn, ctx('ssn')),
          };
        }),
      );
    const stored = await storedShape();
    // The Sealer calls the adapter makes for a save of ROWS entities, in one batch each.
    const saveCrypto = async () => {
      const batch = people(ROWS).map((p) => ({ p, row: randomUUID() }));
      await Promise.all([
        sealer.encryptMany(batch.flatMap(({ p, row }) => [{ value: p.email, ctx: ctx('email', row) }, { value: p.name, ctx: ctx('name', row) }])),
        sealer.encryptDeterministicMany(batch.map(({ p }) => ({ value: p.ssn, ctx: ctx('ssn') }))),
        sealer.blindIndexMany(batch.map(({ p }) => ({ value: p.email, options: indexOptions }))),
      ]);
    };
    const [savePlain, saveSealed, saveEncrypted, saveRaw] = await medianMs(RUNS, [
      async () => {
        await plain.clear();
        await plain.save(stored.map((s) => ({ ...s })));
      },
      async () => {
        await sealed.clear();
        await sealed.save(people(ROWS).map((p) => sealed.create(p)));
      },
      async () => {
        await encrypted.clear();
        await encrypted.save(people(ROWS).map((p) => encrypted.create(p)));
      },
      saveCrypto,
    ]);
    record(`save ${ROWS} entities × 3 protected columns`, savePlain!, saveSealed!, saveEncrypted!, saveRaw!);

    // find of every row, 3 protected columns opened per row.
    await Promise.all([plain.clear(), sealed.clear(), encrypted.clear()]);
    await plain.save(stored.map((s) => ({ ...s })));
    await sealed.save(people(ROWS).map((p) => sealed.create(p)));
    await encrypted.save(people(ROWS).map((p) => encrypted.create(p)));
    const storedRows = await db.dataSource
      .createQueryBuilder()
      .select(['t.id AS id', 't.email AS email', 't.emailIndex AS "emailIndex"', 't.name AS name', 't.ssn AS ssn'])
      .from('torm2_bench_sealed', 't')
      .getRawMany<{ id: string; email: string; emailIndex: string; name: string; ssn: string }>();
    await hooked.clear();
    await hooked.insert(storedRows.map((r) => ({ ...r })));
    const findCrypto = async () => {
      await sealer.decryptMany(storedRows.flatMap((r) => [{ text: r.email, ctx: ctx('email', r.id) }, { text: r.name, ctx: ctx('name', r.id) }, { text: r.ssn, ctx: ctx('ssn') }]));
    };
    const [findPlain, findSealed, findEncrypted, findRaw] = await medianMs(RUNS, [
      async () => void (await plain.find()),
      async () => void (await sealed.find()),
      async () => void (await encrypted.find()),
      findCrypto,
    ]);
    record(`find ${ROWS} entities × 3 protected columns`, findPlain!, findSealed!, findEncrypted!, findRaw!);

    // findOneBy the unique protected column (email, through its blind index), each opening 3 columns.
    const picked = await sealed.find({ take: LOOKUPS });
    const sample = picked.map((u) => u.email);
    const storedById = new Map(storedRows.map((r) => [r.id, r]));
    const sampleRows = picked.map((u) => storedById.get(u.id)!);
    const indexes = (await plain.find({ take: LOOKUPS, select: { emailIndex: true } })).map((u) => u.emailIndex);
    const lookupCrypto = async () => {
      for (let i = 0; i < LOOKUPS; i++) {
        const r = sampleRows[i]!;
        await sealer.blindIndexCandidates(sample[i]!, indexOptions);
        await sealer.decryptMany([{ text: r.email, ctx: ctx('email', r.id) }, { text: r.name, ctx: ctx('name', r.id) }, { text: r.ssn, ctx: ctx('ssn') }]);
      }
    };
    const [lookupPlain, lookupSealed, lookupRaw, lookupHooked] = await medianMs(RUNS, [
      async () => {
        for (const emailIndex of indexes) await plain.findOneBy({ emailIndex });
      },
      async () => {
        for (const email of sample) await sealed.findOneBy({ email });
      },
      lookupCrypto,
      async () => {
        for (const email of sample) {
          const [emailIndex] = await sealer.blindIndexCandidates(email, indexOptions);
          await hooked.findOneBy({ emailIndex: emailIndex! });
        }
      },
    ]);
    // typeorm-encrypted turns findOneBy({ email }) into a fresh encryption of the value under a new random IV, which matches no row.
    const missed = await encrypted.findOneBy({ email: (await encrypted.find({ take: 1 }))[0]!.email });
    record(
      `findOneBy unique protected column × ${LOOKUPS}`,
      lookupPlain!,
      lookupSealed!,
      undefined,
      lookupRaw!,
      `n/a: typeorm-encrypted has no blind index, and its GCM values use a random IV (its README: never hardcode the IV), so an equality condition never matches a stored value (findOneBy returned ${missed === null ? 'null' : 'a row'})`,
    );
    record(`context: findOneBy × ${LOOKUPS}, the raw crypto in a hand-written subscriber (TypeORM's cost of an async hook)`, lookupPlain!, lookupHooked!, undefined, lookupRaw!, undefined, true);
  } finally {
    await db.dispose();
  }
  return rows;
}

/** Runs the benchmark on SQLite and (when reachable) PostgreSQL and returns the rows. */
export async function runTypeormBench(kinds: readonly DatabaseKind[] = ['sqlite', 'postgresql']): Promise<TypeormBenchRow[]> {
  const out: TypeormBenchRow[] = [];
  for (const kind of kinds) {
    if ((await unavailableReason(kind)) !== undefined) continue;
    out.push(...(await benchDatabase(kind)));
  }
  return out;
}

/** Formats rows as a Markdown table, with the targets checked. */
export function formatTypeormBench(rows: readonly TypeormBenchRow[]): string {
  const lines = [
    '| database | case | plain TypeORM ms | fieldseal ms | typeorm-encrypted ms | raw crypto ms | overhead ms | overhead / raw crypto (≤ 1.20) | fieldseal / typeorm-encrypted (< 1) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const notes: string[] = [];
  for (const r of rows) {
    const ratio = r.overheadMs / r.rawCryptoMs;
    const versus = r.context ? '' : r.typeormEncryptedMs === undefined ? 'n/a' : `${(r.fieldsealMs / r.typeormEncryptedMs).toFixed(2)}x ${r.fieldsealMs < r.typeormEncryptedMs ? 'yes' : 'NO'}`;
    const within = r.context ? '(context)' : ratio <= 1.2 ? 'yes' : 'NO';
    lines.push(
      `| ${r.database} | ${r.case} | ${r.plainMs.toFixed(1)} | ${r.fieldsealMs.toFixed(1)} | ${r.context ? '' : r.typeormEncryptedMs === undefined ? 'n/a' : r.typeormEncryptedMs.toFixed(1)} | ${r.rawCryptoMs.toFixed(1)} | ${r.overheadMs.toFixed(1)} | ${ratio.toFixed(2)} ${within} | ${versus} |`,
    );
    if (r.note !== undefined && !notes.includes(r.note)) notes.push(r.note);
  }
  return [...lines, '', ...notes.map((n) => `- ${n}`)].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${formatTypeormBench(await runTypeormBench())}\n`);
}
