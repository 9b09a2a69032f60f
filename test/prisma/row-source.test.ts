/**
 * The rotation jobs over Prisma models (`prismaRowSource`) on SQLite, PostgreSQL and
 * MariaDB: rows written by the extension are re-encrypted, verified and counted by the jobs
 * after a data key rotation and still read back through the extension; legacy plaintext of a
 * migrating field is backfilled (with its blind index) and then found through the
 * extension's lookups. The generated `fieldseal` module of each provider is the input.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { prismaRowSource, type DatamodelInput } from '../../src/adapters/prisma/index.js';
import { prismaSqlConnection } from '../../src/index.js';
import { runBackfill, runReencrypt, runStatus, runVerify, sqlJobCheckpoints, type ColumnReport, type JobReport } from '../../src/rotation/index.js';
import { datamodel as mysqlDatamodel } from '../../prisma/generated/mysql/fieldseal.js';
import { datamodel as postgresDatamodel } from '../../prisma/generated/postgresql/fieldseal.js';
import { datamodel as sqliteDatamodel } from '../../prisma/generated/sqlite/fieldseal.js';
import { databaseKinds, unavailableReason, type DatabaseKind } from '../support/databases.js';
import { extend, newSealer, testFields, useHarness, type Harness } from './support/harness.js';

const DATAMODELS: Readonly<Record<DatabaseKind, DatamodelInput>> = { sqlite: sqliteDatamodel, postgresql: postgresDatamodel, mysql: mysqlDatamodel };

function column(report: JobReport, name: string): ColumnReport {
  const found = report.columns.find((c) => c.column === name);
  if (found === undefined) throw new Error(`no column ${name} in the report`);
  return found;
}

function rowSourceSuite(kind: DatabaseKind, h: Harness): void {
  /** The model's row source and columns over the base client, as an application builds them. */
  const modelSource = (model: string, sealer: Parameters<typeof testFields>[0]) =>
    prismaRowSource(h.base, model, { fields: testFields(sealer), datamodel: DATAMODELS[kind], ...(kind === 'postgresql' ? { schema: h.db.name } : {}) });

  it('derives the columns of a model from its annotations, as the extension seals them', async () => {
    const sealer = await newSealer();
    const users = modelSource('User', sealer);
    expect(users.source.keyColumn).toBe('id');
    expect(users.columns).toEqual([
      { column: 'email', model: 'User', field: 'email', mode: 'randomized', plaintextType: 'string', rowBound: true, blindIndex: { column: 'emailIndex', normalize: 'email' } },
      { column: 'ssn', model: 'User', field: 'ssn', mode: 'deterministic', plaintextType: 'string' },
      { column: 'name', model: 'User', field: 'name', mode: 'randomized', plaintextType: 'string', blindIndex: { column: 'nameIndex', normalize: 'lowercase' } },
    ]);
    expect(users.skipped).toEqual([{ field: 'User.card', reason: expect.stringContaining('FPE') }]);
    const accounts = modelSource('RotationAccount', sealer);
    expect(accounts.source.keyColumn).toBe('account_id');
    expect(accounts.source.description).toMatch(/rotation_accounts$/);
    expect(accounts.columns).toEqual([
      { column: 'email_address', model: 'RotationAccount', field: 'email', mode: 'randomized', plaintextType: 'string', rowBound: true, blindIndex: { column: 'email_index', normalize: 'email' } },
      { column: 'pin', model: 'RotationAccount', field: 'pin', mode: 'deterministic', plaintextType: 'number' },
      { column: 'profile', model: 'RotationAccount', field: 'profile', mode: 'randomized', plaintextType: 'json' },
    ]);
  });

  it('re-encrypts, verifies and counts the rows the extension wrote after a data key rotation, and the extension reads every row', async () => {
    const sealer = await newSealer();
    const prisma = extend(h.base, sealer);
    const written = Array.from({ length: 25 }, (_, i) => ({
      id: randomUUID(),
      email: `User${i}@Example.com`,
      ssn: `123-45-${String(1000 + i)}`,
      name: i % 3 === 0 ? null : `Name ${i}`,
    }));
    for (const data of written) await prisma.user.create({ data });
    const accounts = Array.from({ length: 7 }, (_, i) => ({ id: 100 + i, email: `acct${i}@example.com`, pin: 4000 + i, profile: { tier: i, tags: ['a', 'b'] } }));
    // The logical types (Int, Json) are the extension's; the generated client types the columns as String.
    for (const data of accounts) await prisma.rotationAccount.create({ data: data as never });
    await sealer.rotateDataKey();

    const users = modelSource('User', sealer);
    const before = await runStatus({ sealer, ...users });
    expect(before.rows).toBe(25);
    expect(column(before, 'email')).toMatchObject({ sealed: 25, notCurrent: 25, plaintext: 0 });
    expect(column(before, 'name')).toMatchObject({ sealed: 16, nulls: 9, notCurrent: 16 });
    const oldKeys = column(before, 'email').keys.map((k) => k.keyId);
    expect(oldKeys).toHaveLength(1);

    // Checkpoints in the application's database through the same client.
    const dialect = kind === 'postgresql' ? 'postgres' : kind;
    const checkpoints = sqlJobCheckpoints({ dialect, connection: prismaSqlConnection(h.base), ...(kind === 'postgresql' ? { schema: h.db.name } : {}) });
    const reencrypted = await runReencrypt({ sealer, ...users, checkpoints, batchSize: 10 });
    expect(reencrypted.complete).toBe(true);
    expect(column(reencrypted, 'email').changed).toBe(25);
    expect(column(reencrypted, 'name').changed).toBe(16);
    expect(column(reencrypted, 'ssn').changed).toBe(0); // deterministic: under the lookup key, which a data key rotation leaves alone
    expect((await checkpoints.summary(reencrypted.job))?.ranges.every((range) => range.state === 'done')).toBe(true);

    const account = modelSource('RotationAccount', sealer);
    expect(column(await runReencrypt({ sealer, ...account }), 'profile').changed).toBe(7);

    const after = await runStatus({ sealer, ...users });
    expect(column(after, 'email')).toMatchObject({ sealed: 25, notCurrent: 0 });
    expect(column(after, 'email').keys.map((k) => k.keyId)).not.toContain(oldKeys[0]);
    expect(column(after, 'name').notCurrent).toBe(0);
    const verified = await runVerify({ sealer, ...users });
    expect([verified.failureCount, column(verified, 'email').indexMissing]).toEqual([0, 0]);
    expect((await runVerify({ sealer, ...account })).failureCount).toBe(0);

    // A fresh client reads every row, and finds them by blind index and deterministic value.
    const reader = extend(h.base, sealer);
    const read = await reader.user.findMany({ orderBy: { id: 'asc' } });
    expect(read.map(({ id, email, ssn, name }) => ({ id, email, ssn, name }))).toEqual([...written].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
    expect((await reader.user.findUnique({ where: { emailIndex: 'user7@example.com' } }))?.id).toBe(written[7]?.id);
    expect((await reader.user.findUnique({ where: { ssn: '123-45-1011' } }))?.id).toBe(written[11]?.id);
    const readAccounts = await reader.rotationAccount.findMany({ orderBy: { id: 'asc' } });
    expect(readAccounts.map(({ id, email, pin, profile }) => ({ id, email, pin, profile }))).toEqual(accounts);
  });

  it('backfills the legacy plaintext of a migrating field with its blind index; the extension then finds the rows by it', async () => {
    const sealer = await newSealer();
    const prisma = extend(h.base, sealer);
    const q = (name: string) => h.db.quote(name);
    const p = (n: number) => h.db.param(n);
    // Rows written before the fields were protected: plaintext, no blind index.
    for (let i = 0; i < 12; i++) {
      await h.db.query(`INSERT INTO ${q('rotation_accounts')} (${q('account_id')}, ${q('email_address')}, ${q('pin')}) VALUES (${p(1)}, ${p(2)}, ${p(3)})`, [i + 1, `Legacy${i}@Example.com`, String(7000 + i)]);
    }
    await prisma.rotationAccount.create({ data: { id: 50, email: 'new@example.com', pin: 9999 } as never });
    // Migrating: the extension reads the plaintext rows already, but cannot find them by blind index.
    expect((await prisma.rotationAccount.findUniqueOrThrow({ where: { id: 3 } })).email).toBe('Legacy2@Example.com');
    expect(await prisma.rotationAccount.findUnique({ where: { emailIndex: 'legacy2@example.com' } })).toBeNull();

    const accounts = modelSource('RotationAccount', sealer);
    const status = await runStatus({ sealer, ...accounts });
    expect(column(status, 'email_address')).toMatchObject({ plaintext: 12, sealed: 1 });
    const backfilled = await runBackfill({ sealer, ...accounts, batchSize: 5 });
    expect(backfilled.complete).toBe(true);
    expect(column(backfilled, 'email_address')).toMatchObject({ changed: 12, indexed: 12 });
    expect(column(backfilled, 'pin').changed).toBe(12);

    const stored = await h.rows('rotation_accounts', 'account_id');
    expect(stored.every((row) => String(row.email_address).startsWith('fs1:') && String(row.pin).startsWith('fs1:') && typeof row.email_index === 'string')).toBe(true);
    expect((await prisma.rotationAccount.findUnique({ where: { emailIndex: 'LEGACY2@example.com' } }))?.id).toBe(3);
    expect((await prisma.rotationAccount.findFirst({ where: { pin: 7005 } as never }))?.email).toBe('Legacy5@Example.com');
    expect((await prisma.rotationAccount.findMany({ orderBy: { id: 'asc' } })).map((a) => [a.id, a.email, a.pin])).toEqual([
      ...Array.from({ length: 12 }, (_, i) => [i + 1, `Legacy${i}@Example.com`, 7000 + i]),
      [50, 'new@example.com', 9999],
    ]);
    expect((await runVerify({ sealer, ...accounts })).failureCount).toBe(0);
    expect(column(await runStatus({ sealer, ...accounts }), 'email_address')).toMatchObject({ plaintext: 0, sealed: 13 });
  });
}

for (const kind of databaseKinds) {
  const reason = await unavailableReason(kind); // throws in CI: there, a missing server is a failure
  describe.skipIf(reason !== undefined)(reason ?? `prismaRowSource on ${kind}`, { timeout: 120_000 }, () => {
    const h = useHarness(kind, 'rowsource');
    rowSourceSuite(kind, h);
  });
}
