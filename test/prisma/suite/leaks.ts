/**
 * Every error path of the adapter, each triggered with a recognisable secret: the secret
 * must appear nowhere in the error (message, stack, cause chain, JSON, util.inspect).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  DecryptionError,
  FieldsealError,
  FormatError,
  InvalidInputError,
  PlaintextRejectedError,
  UnsupportedQueryError,
} from '../../../src/errors.js';
import { fieldsealExtension, fieldsealRaw, sealValue, type FieldsConfig } from '../../../src/adapters/prisma/index.js';
import { datamodel } from '../../../prisma/generated/sqlite/fieldseal.js';
import { extend, testFields, type Harness, type SealedClient } from '../support/harness.js';
import { expectNoLeak, rejection } from '../support/leak.js';

/** The card number of the examples, with a stray letter: no type parses it. */
const CARD = '4111 1111 1111 1111x';

/** The test fields with Typed's columns migrating (legacy plaintext rows still present). */
function migratingTyped(base: FieldsConfig): FieldsConfig {
  const typed = Object.fromEntries(Object.entries(base.Typed ?? {}).map(([name, f]) => [name, f.mode === 'randomized' || f.mode === undefined ? { ...f, migrating: true } : f]));
  return { ...base, Typed: typed };
}

export function leakSuite(h: Harness): void {
  describe('no plaintext in errors', () => {
    let migrating: SealedClient;
    const legacyClient = () => (migrating ??= extend(h.base, h.sealer, migratingTyped(testFields(h.sealer))));
    const insertTyped = (column: string, value: unknown) =>
      h.db.query(`INSERT INTO ${h.db.quote('Typed')} (${h.db.quote('id')}, ${h.db.quote(column)}) VALUES (${h.db.param(1)}, ${h.db.param(2)})`, [randomUUID(), value]);
    const setUser = (column: string, value: unknown, id: string) =>
      h.db.query(`UPDATE ${h.db.quote('User')} SET ${h.db.quote(column)} = ${h.db.param(1)} WHERE ${h.db.quote('id')} = ${h.db.param(2)}`, [value, id]);

    describe('legacy plaintext that does not parse as the field type (migrating fields)', () => {
      it.each([
        ['intV', 'Int', CARD],
        ['floatV', 'Float', CARD],
        ['bigV', 'BigInt', CARD],
        ['decV', 'Decimal', CARD],
        ['boolV', 'Boolean', CARD],
        ['dateV', 'DateTime', CARD],
        ['jsonV', 'Json', `{"card": "${CARD}"`],
      ])('%s (%s)', async (column, type, secret) => {
        await insertTyped(column, secret);
        const error = await rejection(legacyClient().typed.findMany());
        expect(error).toBeInstanceOf(InvalidInputError);
        expect((error as Error).message).toBe(`Typed.${column}: a legacy plaintext value does not parse as ${type} (the value is not shown)`);
        expect((error as Error).cause).toBeUndefined();
        expectNoLeak(error, secret);
      });

      it('blank legacy numbers are refused, not read as 0', async () => {
        await insertTyped('bigV', ' ');
        await insertTyped('intV', '');
        expect(await rejection(legacyClient().typed.findMany({ select: { bigV: true } }))).toBeInstanceOf(InvalidInputError);
        expect(await rejection(legacyClient().typed.findMany({ select: { intV: true } }))).toBeInstanceOf(InvalidInputError);
      });

      it('legacy bytes that are not text, in a String field stored in a Bytes column', async () => {
        const secret = 'bytes-secret-Nd63yU';
        await insertTyped('blob', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(secret)]));
        const error = await rejection(legacyClient().typed.findMany({ select: { blob: true } }));
        expect(error).toBeInstanceOf(PlaintextRejectedError);
        expectNoLeak(error, secret);
      });

      it('legacy values that parse are read with their type', async () => {
        await insertTyped('bigV', '9007199254740993');
        await insertTyped('jsonV', '{"a":[1,null]}');
        await insertTyped('boolV', 'f');
        const rows = await legacyClient().typed.findMany({ select: { bigV: true, jsonV: true, boolV: true } });
        const values = rows.flatMap((r) => Object.values(r).filter((v) => v !== null));
        expect(values).toEqual(expect.arrayContaining([9007199254740993n, { a: [1, null] }, false]));
      });
    });

    it('a sealed value that does not parse as Decimal (sealed while the field was a String)', async () => {
      const asString = extend(h.base, h.sealer, { ...testFields(h.sealer), Typed: { ...testFields(h.sealer).Typed, decV: {} } });
      await asString.typed.create({ data: { id: randomUUID(), decV: CARD } });
      const error = await rejection(h.prisma.typed.findMany());
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).toContain('Typed.decV');
      expectNoLeak(error, CARD);
    });

    describe('write arguments', () => {
      it('a value of the wrong type', async () => {
        const error = await rejection(h.prisma.typed.create({ data: { id: randomUUID(), intV: CARD } }));
        expect(error).toBeInstanceOf(InvalidInputError);
        expectNoLeak(error, CARD);
      });

      it('a Json value the Sealer cannot serialise', async () => {
        const secret = 'json-secret-Zq81kP';
        const error = await rejection(h.prisma.typed.create({ data: { id: randomUUID(), jsonV: { note: secret, big: 1n } as never } }));
        expect(error).toBeInstanceOf(InvalidInputError);
        expectNoLeak(error, secret);
      });

      it('a blind index column written directly', async () => {
        const secret = 'index-secret@example.com';
        const error = await rejection(h.prisma.user.create({ data: { id: randomUUID(), email: secret, emailIndex: secret } }));
        expect(error).toBeInstanceOf(UnsupportedQueryError);
        expectNoLeak(error, secret);
      });

      it('an update operation other than set', async () => {
        const secret = 'push-secret-Hq72mX';
        const error = await rejection(h.prisma.user.updateMany({ data: { ssn: { push: secret } as never } }));
        expect(error).toBeInstanceOf(UnsupportedQueryError);
        expectNoLeak(error, secret);
      });

      it('a row-bound field written without its row key', async () => {
        const secret = 'unbound-secret@example.com';
        const error = await rejection(h.prisma.user.create({ data: { email: secret } as never }));
        expect(error).toBeInstanceOf(UnsupportedQueryError);
        expectNoLeak(error, secret);
        const many = await rejection(h.prisma.user.updateMany({ where: { tenantId: 't1' }, data: { email: secret } }));
        expect(many).toBeInstanceOf(UnsupportedQueryError);
        expectNoLeak(many, secret);
      });

      it('a row key that is not a string or number', async () => {
        const secret = 'row-key-secret-Vb31';
        const error = await rejection(h.prisma.user.create({ data: { id: [secret] as never, email: 'row@example.com' } }));
        expect(error).toBeInstanceOf(ConfigurationError);
        expectNoLeak(error, secret);
      });

      it('a change of the row key a value is bound to', async () => {
        const id = randomUUID();
        await h.prisma.user.create({ data: { id, email: 'bound@example.com' } });
        const secret = 'new-row-key-secret-Lp05';
        const error = await rejection(h.prisma.user.update({ where: { id }, data: { id: secret } }));
        expect(error).toBeInstanceOf(UnsupportedQueryError);
        expectNoLeak(error, secret);
      });

      it('a lone surrogate in a row id reaches the Sealer as its typed error', async () => {
        const error = await rejection(h.prisma.user.create({ data: { id: 'row-\uD800-id', email: 'surrogate@example.com' } }));
        expect(error).toBeInstanceOf(InvalidInputError);
        expect((error as Error).message).toMatch(/context\.row .*surrogate/);
        expect(await h.prisma.user.count()).toBe(0);
      });
    });

    describe('filters', () => {
      it.each<[string, (p: SealedClient, secret: string) => PromiseLike<unknown>]>([
        ['contains on a randomized field', (p, s) => p.user.findMany({ where: { email: { contains: s } } })],
        ['lt on a deterministic field', (p, s) => p.user.findMany({ where: { ssn: { lt: s } } })],
        ['equality on a randomized field without blind index', (p, s) => p.order.findMany({ where: { note: s } })],
        ['mode: insensitive on a case-sensitive lookup', (p, s) => p.user.findMany({ where: { ssn: { equals: s, mode: 'insensitive' } } as never })],
        ['in with a value that is not a list', (p, s) => p.user.findMany({ where: { ssn: { in: s as never } } })],
        ['null in an in list, beside the secret', (p, s) => p.user.findMany({ where: { ssn: { in: [s, null as never] } } })],
        ['a nested relation filter', (p, s) => p.user.findMany({ where: { orders: { some: { note: { startsWith: s } } } } })],
      ])('%s', async (_label, query) => {
        const secret = 'filter-secret-Rt48wQ';
        const error = await rejection(query(h.prisma, secret));
        expect(error).toBeInstanceOf(UnsupportedQueryError);
        expectNoLeak(error, secret);
      });

      it('a compound unique whose protected part is not a single value', async () => {
        const secret = 'Kx7-pair-Yc55-qq';
        const error = await rejection(h.prisma.user.findFirst({ where: { ssn_tenantId: { ssn: { in: [secret] }, tenantId: 't1' } } as never }));
        expect(error).toBeInstanceOf(UnsupportedQueryError);
        expectNoLeak(error, secret);
      });

      it('a blind index lookup on a field that is still migrating', async () => {
        const fields = testFields(h.sealer);
        const prisma = extend(h.base, h.sealer, { ...fields, User: { ...fields.User, email: { row: 'id', migrating: true } } });
        const secret = 'mover-Tg42@example.com';
        const error = await rejection(prisma.user.findFirst({ where: { email: secret } }));
        expect(error).toBeInstanceOf(UnsupportedQueryError);
        expectNoLeak(error, secret);
      });

      it('a value a blind index cannot take', async () => {
        const secret = 'blind-secret@example.com';
        const error = await rejection(h.prisma.user.findMany({ where: { email: [secret] as never } }));
        expect(error).toBeInstanceOf(InvalidInputError);
        expectNoLeak(error, secret);
      });

      it('a deterministic lookup value of the wrong type', async () => {
        const secret = 'det-lookup-secret-Wm21';
        const error = await rejection(h.prisma.typed.findMany({ where: { detInt: secret } }));
        expect(error).toBeInstanceOf(InvalidInputError);
        expectNoLeak(error, secret);
      });
    });

    describe('FPE', () => {
      it.each([
        ['a character outside the alphabet', CARD],
        ['too few digits', '4111 1111'],
        ['too many digits', '4111 1111 1111 1111 1111 1111'],
      ])('tokenizing: %s', async (_label, secret) => {
        const error = await rejection(h.prisma.user.create({ data: { id: randomUUID(), email: 'fpe@example.com', card: secret } }));
        expect(error).toBeInstanceOf(InvalidInputError);
        expectNoLeak(error, secret);
      });

      it('looking up with a malformed value', async () => {
        const error = await rejection(h.prisma.user.findFirst({ where: { card: CARD } }));
        expect(error).toBeInstanceOf(InvalidInputError);
        expectNoLeak(error, CARD);
      });

      it('detokenizing a stored value that is not a token', async () => {
        const id = randomUUID();
        await h.prisma.user.create({ data: { id, email: 'fpe@example.com' } });
        await setUser('card', CARD, id);
        const error = await rejection(h.prisma.user.findUnique({ where: { id } }));
        expect(error).toBeInstanceOf(InvalidInputError);
        expectNoLeak(error, CARD);
      });
    });

    describe('reading stored values', () => {
      const secret = 'stored-secret@example.com';

      it('plaintext in a strict column', async () => {
        const id = randomUUID();
        await h.prisma.user.create({ data: { id, email: 'strict@example.com' } });
        await setUser('name', secret, id);
        const error = await rejection(h.prisma.user.findUnique({ where: { id } }));
        expect(error).toBeInstanceOf(PlaintextRejectedError);
        expectNoLeak(error, secret);
      });

      it('text with the prefix that is not a sealed value', async () => {
        const id = randomUUID();
        await h.prisma.user.create({ data: { id, email: 'format@example.com' } });
        await setUser('name', `fs1:${secret}`, id);
        const error = await rejection(h.prisma.user.findUnique({ where: { id } }));
        expect(error).toBeInstanceOf(FormatError);
        expectNoLeak(error, secret);
      });

      it('a tampered ciphertext, and one moved to another row', async () => {
        const a = randomUUID();
        const b = randomUUID();
        await h.prisma.user.create({ data: { id: a, email: secret, name: secret } });
        await h.prisma.user.create({ data: { id: b, email: 'other@example.com' } });
        const [row] = await h.db.query(`SELECT ${h.db.quote('email')} AS e, ${h.db.quote('name')} AS n FROM ${h.db.quote('User')} WHERE ${h.db.quote('id')} = ${h.db.param(1)}`, [a]);
        const name = String(row!.n);
        await setUser('name', name.slice(0, -3) + (name.at(-3) === 'A' ? 'B' : 'A') + name.slice(-2), a);
        const tampered = await rejection(h.prisma.user.findUnique({ where: { id: a } }));
        expect(tampered).toBeInstanceOf(DecryptionError);
        expectNoLeak(tampered, secret);
        await setUser('email', row!.e, b);
        const moved = await rejection(h.prisma.user.findUnique({ where: { id: b }, select: { email: true } }));
        expect(moved).toBeInstanceOf(DecryptionError);
        expectNoLeak(moved, secret);
      });
    });

    describe('unique lookups that miss', () => {
      const secret = '078-05-1120-secret';
      it.each<[string, (p: SealedClient) => PromiseLike<unknown>]>([
        ['findUniqueOrThrow', (p) => p.user.findUniqueOrThrow({ where: { ssn: secret } })],
        ['update', (p) => p.user.update({ where: { ssn: secret }, data: { name: 'n' } })],
        ['delete', (p) => p.user.delete({ where: { emailIndex: secret } })],
        ['a nested connect', (p) => p.order.create({ data: { note: 'n', user: { connect: { ssn: secret } } } })],
      ])('%s', async (_label, query) => {
        const error = await rejection(query(h.prisma));
        expect(error).toMatchObject({ code: 'P2025' });
        expectNoLeak(error, secret);
      });
    });

    it("Prisma's own validation error shows the sealed arguments, not the values", async () => {
      // Random: Prisma's validation error quotes the calling source line, which must not hold the secret.
      const secret = randomUUID();
      const error = await rejection(h.prisma.user.create({ data: { id: randomUUID(), email: secret, ssn: secret, notAColumn: 1 } as never }));
      expect(error).not.toBeInstanceOf(FieldsealError);
      expectNoLeak(error, secret);
    });

    it('an operation the adapter does not know, on a model with protected fields', async () => {
      const secret = 'raw-op-secret@example.com';
      const extension = fieldsealExtension({ sealer: h.sealer, fields: testFields(h.sealer), datamodel });
      const error = await rejection(
        extension.query.$allModels.$allOperations({ model: 'User', operation: 'findRaw', args: { filter: { email: secret } }, query: async () => [] }),
      );
      expect(error).toBeInstanceOf(ConfigurationError);
      expectNoLeak(error, secret);
    });

    describe('raw helpers and field access', () => {
      const secret = 'raw-secret@example.com';
      const raw = () => fieldsealRaw({ sealer: h.sealer, fields: testFields(h.sealer), datamodel });

      it('a lookup on a randomized field without blind index', async () => {
        const error = await rejection(raw().lookup('Order', 'note', secret));
        expect(error).toBeInstanceOf(ConfigurationError);
        expectNoLeak(error, secret);
      });

      it('a blind index of a value it cannot take', async () => {
        const error = await rejection(raw().seal('User', 'emailIndex', { secret }));
        expect(error).toBeInstanceOf(InvalidInputError);
        expectNoLeak(error, secret);
      });

      it('opening plaintext of a strict field', async () => {
        const error = await rejection(raw().open('User', 'name', secret));
        expect(error).toBeInstanceOf(PlaintextRejectedError);
        expectNoLeak(error, secret);
      });

      it('sealing a blind index field as a value', async () => {
        const field = { model: 'User', field: 'emailIndex', mode: 'blindIndex', of: 'email', type: 'String', storage: 'String', migrating: false, indexes: [] } as never;
        const error = await rejection(sealValue(h.sealer, field, secret));
        expect(error).toBeInstanceOf(ConfigurationError);
        expectNoLeak(error, secret);
      });
    });
  });
}
