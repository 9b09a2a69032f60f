/**
 * Purpose-based access through the Prisma adapter, on SQLite and PostgreSQL: a field the
 * purpose may see comes back clear, a masked field as its mask (a string, whatever the
 * field's type), a 'null' field as null, and a denied field fails the query with
 * AccessDeniedError. Lookups on a field the caller sees masked still pass their integrity
 * check (which opens the field past the policy and never returns it), and a swapped blind
 * index still fails it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AccessDeniedError, createSealer, LookupIntegrityError, localKeyProvider, memoryKeyStore, type Sealer } from '../../src/index.js';
import { callbackAuditSink, withAccess, type AccessPolicy, type AuditEvent } from '../../src/privacy/index.js';
import { openTestDatabase, unavailableReason, type DatabaseKind, type TestDatabase } from '../support/databases.js';
import { baseClient, extend, fpeAvailable, type SealedClient } from './support/harness.js';

const policy: AccessPolicy = {
  purposes: ['admin', 'support', 'billing', 'kyc', 'analytics'],
  fields: {
    'User.email': { purposes: ['admin', 'support', 'billing'], otherwise: { mask: 'email' } },
    'User.ssn': { purposes: ['admin', 'kyc'], otherwise: 'deny' },
    'User.name': { purposes: ['admin', 'support'], otherwise: 'null' },
    'User.card': { purposes: ['admin', 'billing'], otherwise: { mask: 'card' } },
    'Typed.decV': { purposes: ['admin'], otherwise: { mask: 'redact' } },
    'Typed.intV': { purposes: ['admin'], otherwise: 'null' },
  },
};

/** Prisma queries run when awaited, so the query is awaited inside withAccess (as an application does). */
const as = <R>(purpose: string, fn: () => PromiseLike<R>): Promise<R> => withAccess({ actor: 'agent-7', purpose }, async () => await fn());

async function failure(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

function policySuite(kind: DatabaseKind): void {
  let db: TestDatabase;
  let sealer: Sealer;
  let prisma: SealedClient;
  let base: ReturnType<typeof baseClient>;
  const events: AuditEvent[] = [];
  const alice = randomUUID();
  const bob = randomUUID();

  beforeAll(async () => {
    db = await openTestDatabase(kind, `policy_${kind}`);
    sealer = await createSealer({
      provider: localKeyProvider({ keys: { main: randomBytes(32).toString('base64') } }),
      store: memoryKeyStore(),
      policy,
      audit: { sink: callbackAuditSink((event) => void events.push(event)) },
    });
    base = baseClient(db);
    prisma = extend(base, sealer);
  });
  beforeEach(async () => {
    await db.truncate();
    await as('admin', async () => {
      const card = fpeAvailable(sealer) ? { card: '4111111111111111' } : {};
      await prisma.user.create({ data: { id: alice, email: 'alice@example.com', name: 'Alice Liddell', ssn: '111-11-1111', ...card } });
      await prisma.user.create({ data: { id: bob, email: 'bob@example.org', name: 'Bob Builder', ssn: '222-22-2222', ...card } });
      await prisma.typed.create({ data: { id: 't1', decV: '12.50', intV: 42 } as never });
    });
    events.length = 0;
  });
  afterAll(async () => {
    await base?.$disconnect();
    await db?.close();
  });

  it('clear for a purpose the policy allows', async () => {
    const user = await as('admin', () => prisma.user.findUnique({ where: { id: alice } }));
    expect(user).toMatchObject({ email: 'alice@example.com', name: 'Alice Liddell', ssn: '111-11-1111' });
    if (fpeAvailable(sealer)) expect(user?.card).toBe('4111111111111111');
  });

  it('masked fields come back as their mask, null fields as null, in one read; the event counts them', async () => {
    const users = await as('analytics', () => prisma.user.findMany({ omit: { ssn: true }, orderBy: { createdAt: 'asc' } }));
    expect(users.map((u) => [u.email, u.name])).toEqual(
      expect.arrayContaining([
        ['a***@example.com', null],
        ['b***@example.org', null],
      ]),
    );
    if (fpeAvailable(sealer)) expect(users.map((u) => u.card)).toEqual(['************1111', '************1111']);
    const reads = events.filter((e) => e.operation === 'decrypt');
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ purpose: 'analytics', outcome: 'success', masked: 2, withheld: 2 });
    const support = await as('support', () => prisma.user.findUnique({ where: { id: alice }, omit: { ssn: true } }));
    expect(support).toMatchObject({ email: 'alice@example.com', name: 'Alice Liddell' });
    if (fpeAvailable(sealer)) expect(support?.card).toBe('************1111');
  });

  it('a denied field fails the query with AccessDeniedError naming model, field and purpose, never a value', async () => {
    const error = await failure(as('support', () => prisma.user.findMany({})));
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ code: 'ACCESS_DENIED', model: 'User', field: 'ssn', purpose: 'support', reason: 'purpose' });
    for (const secret of ['111-11', '222-22', 'alice', 'bob']) expect(String((error as Error).message)).not.toContain(secret);
    // Not selecting it is enough; the purpose that may see it reads it.
    expect(await as('support', () => prisma.user.findUnique({ where: { id: alice }, select: { id: true, email: true } }))).toEqual({ id: alice, email: 'alice@example.com' });
    expect((await as('kyc', () => prisma.user.findUnique({ where: { id: alice }, select: { ssn: true } })))?.ssn).toBe('111-11-1111');
    // Writes that return the record fail the same way (select what the purpose may read).
    await expect(as('support', () => prisma.user.update({ where: { id: alice }, data: { tenantId: 't2' } }))).rejects.toBeInstanceOf(AccessDeniedError);
  });

  it('outside withAccess a field with a rule is denied (fail closed)', async () => {
    await expect(prisma.user.findUnique({ where: { id: alice }, select: { email: true } })).rejects.toMatchObject({ code: 'ACCESS_DENIED', reason: 'no-access' });
    expect(await prisma.user.findUnique({ where: { id: alice }, select: { tenantId: true } })).toEqual({ tenantId: 't1' });
  });

  it('a mask or a null takes the place of a typed value (Decimal, Int) without conversion', async () => {
    expect(await as('analytics', () => prisma.typed.findUnique({ where: { id: 't1' }, select: { decV: true, intV: true } }))).toEqual({ decV: '[REDACTED]', intV: null });
    const clear = await as('admin', () => prisma.typed.findUnique({ where: { id: 't1' }, select: { decV: true, intV: true } }));
    expect(String(clear?.decV)).toBe('12.5');
    expect(clear?.intV).toBe(42);
  });

  it('lookups through a field the caller sees masked pass their integrity check; the value stays masked', async () => {
    const byIndex = await as('analytics', () => prisma.user.findUnique({ where: { emailIndex: 'alice@example.com' }, omit: { ssn: true } }));
    expect(byIndex).toMatchObject({ id: alice, email: 'a***@example.com', name: null });
    const idOnly = await as('analytics', () => prisma.user.findFirst({ where: { email: 'Alice@Example.com' } as never, select: { id: true } }));
    expect(idOnly).toEqual({ id: alice });
    const both = await as('analytics', () => prisma.user.findMany({ where: { email: { in: ['alice@example.com', 'bob@example.org'] } } as never, select: { id: true, email: true } }));
    expect(both.map((u) => u.email).sort()).toEqual(['a***@example.com', 'b***@example.org']);
    // The check's own opening is not an audited read: an event per query that returned values
    // (the id-only lookup returned none), with the masked count.
    expect(events.filter((e) => e.operation === 'decrypt').map((e) => [e.purpose, e.masked])).toEqual([
      ['analytics', 1],
      ['analytics', 2],
    ]);
    // A denied purpose may still look up by the field without selecting it (the check never returns it).
    expect(await as('support', () => prisma.user.findUnique({ where: { ssn: '222-22-2222' }, select: { id: true } }))).toEqual({ id: bob });
  });

  it('a swapped blind index still fails the lookup for a masked caller, without showing either value', async () => {
    const q = (n: string) => db.quote(n);
    const read = async (id: string) => (await db.query(`SELECT ${q('emailIndex')} AS v FROM ${q('User')} WHERE ${q('id')} = ${db.param(1)}`, [id]))[0]!.v;
    const [va, vb] = [await read(alice), await read(bob)];
    await db.query(`UPDATE ${q('User')} SET ${q('emailIndex')} = NULL WHERE ${q('id')} = ${db.param(1)}`, [alice]);
    await db.query(`UPDATE ${q('User')} SET ${q('emailIndex')} = ${db.param(1)} WHERE ${q('id')} = ${db.param(2)}`, [va, bob]);
    await db.query(`UPDATE ${q('User')} SET ${q('emailIndex')} = ${db.param(1)} WHERE ${q('id')} = ${db.param(2)}`, [vb, alice]);
    for (const purpose of ['analytics', 'support']) {
      const error = await failure(as(purpose, () => prisma.user.findUnique({ where: { emailIndex: 'alice@example.com' }, omit: { ssn: true } })));
      expect(error).toBeInstanceOf(LookupIntegrityError);
      for (const secret of ['alice@', 'bob@', 'a***', 'b***']) expect(String((error as Error).message)).not.toContain(secret);
      await expect(as(purpose, () => prisma.user.findFirst({ where: { email: 'alice@example.com' } as never, select: { id: true } }))).rejects.toBeInstanceOf(LookupIntegrityError);
    }
  });
}

for (const kind of ['sqlite', 'postgresql'] as const) {
  const skip = await unavailableReason(kind);
  describe.skipIf(skip !== undefined)(`prisma adapter under an access policy on ${kind}`, () => policySuite(kind));
}
