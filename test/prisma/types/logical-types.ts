/**
 * Type tests of withFieldseal clients, checked by tsc (`npx tsc --noEmit`, and the fixture
 * run of typecheck.test.ts): what the logical types accept and refuse. Nothing here runs.
 */
import { expectTypeOf } from 'vitest';
import type { JsonValue } from '@prisma/client/runtime/client';
import type { PrismaClient } from '../../../prisma/generated/sqlite/client.js';
import { withFieldseal } from '../../../prisma/generated/sqlite/fieldseal.js';
import type { Sealer } from '../../../src/index.js';

declare const sealer: Sealer;
declare const base: PrismaClient;
const prisma = withFieldseal(base, { sealer });

export async function accepted(): Promise<void> {
  // Inputs: data of create, createMany, update (with { set }) and nested writes.
  await prisma.typed.createMany({ data: [{ id: 'a', intV: 1, bigV: 2, dateV: '2024-01-01', jsonV: [1, { b: true }], decV: 1.25 }] });
  await prisma.typed.updateMany({ where: { detInt: 3 }, data: { floatV: { set: 2.5 }, boolV: null } });
  await prisma.user.create({ data: { id: 'u', email: 'e', orders: { create: [{ note: 'n', items: { create: { secret: 's' } } }] } } });
  // Filters: equality on deterministic and blind-indexed fields, null checks on the others.
  await prisma.user.findMany({ where: { OR: [{ email: 'e' }, { email: { in: ['f'] } }, { ssn: { not: 'x' } }, { name: { notIn: ['y'] } }] } });
  await prisma.order.findMany({ where: { user: { is: { email: 'e' } }, note: null } });
  await prisma.typed.findMany({ where: { detInt: { not: { in: [1, 2] } }, intV: { not: null } } });
  // A lookup column is filtered with a plaintext value of its field.
  await prisma.user.findUnique({ where: { emailIndex: 'alice@example.com' } });
  // Unique keys: the @unique blind index's field, wherever Prisma takes a unique where.
  await prisma.user.delete({ where: { email: 'e' } });
  await prisma.user.update({ where: { email: 'e' }, data: { orders: { connect: [{ id: 1 }] } } });
  await prisma.profile.create({ data: { user: { connect: { email: 'e' } }, bio: 'b' } });
  await prisma.user.findMany({ cursor: { email: 'e' } });
  await prisma.order.update({ where: { id: 1 }, data: { user: { connectOrCreate: { where: { email: 'e' }, create: { id: 'v', email: 'e' } } } } });

  // Results: select, include, nested relations, fluent API.
  const typed = await prisma.typed.findFirstOrThrow();
  expectTypeOf(typed.jsonV).toEqualTypeOf<JsonValue>();
  expectTypeOf(typed.floatV).toEqualTypeOf<number | null>();
  const user = await prisma.user.findFirstOrThrow({ include: { orders: { include: { items: true } }, profile: true } });
  expectTypeOf(user.email).toEqualTypeOf<string>();
  expectTypeOf(user.orders[0]!.items[0]!.secret).toEqualTypeOf<string | null>();
  expectTypeOf(user).not.toHaveProperty('emailIndex');
  expectTypeOf(user).not.toHaveProperty('nameIndex');
  const items = await prisma.order.findFirstOrThrow().items();
  expectTypeOf(items).toEqualTypeOf<Array<{ id: number; orderId: number; secret: string | null }>>();
}

export async function refused(): Promise<void> {
  // @ts-expect-error an Int field takes a number
  await prisma.typed.create({ data: { id: 'a', intV: '1' } });
  // @ts-expect-error a DateTime field takes a Date or ISO text, not a number
  await prisma.typed.update({ where: { id: 'a' }, data: { dateV: { set: 1 } } });
  // @ts-expect-error a lookup column is written by the adapter only
  await prisma.user.create({ data: { id: 'u', email: 'e', emailIndex: 'x' } });
  // @ts-expect-error a randomized field without a blind index cannot be compared
  await prisma.typed.findMany({ where: { intV: 1 } });
  // @ts-expect-error only equality can be answered on ciphertext
  await prisma.user.findMany({ where: { email: { contains: 'e' } } });
  // @ts-expect-error name's blind index is not @unique
  await prisma.user.findUnique({ where: { name: 'n' } });
  const user = await prisma.user.findFirstOrThrow();
  // @ts-expect-error lookup columns are left out of results
  void user.emailIndex;
  // @ts-expect-error an opened Int is a number
  const text: string | null = (await prisma.typed.findFirstOrThrow()).intV;
  void text;
}
