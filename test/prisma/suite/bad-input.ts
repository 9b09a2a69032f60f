/** Queries that cannot mean one thing are refused with typed errors, before reaching the database. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, UnsupportedQueryError } from '../../../src/errors.js';
import type { Harness } from '../support/harness.js';

/** The promise's rejection, or undefined. */
async function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  return undefined;
}

export function badInputSuite(h: Harness): void {
  describe('bad input', () => {
    it('a where naming a field and its lookup column side by side is refused, whichever value would have won', async () => {
      const id = randomUUID();
      await h.prisma.user.create({ data: { id, email: 'both@example.com', name: 'Both' } });
      const queries = [
        h.prisma.user.findUnique({ where: { emailIndex: 'both@example.com', email: 'other@example.com' } as never }),
        h.prisma.user.findFirst({ where: { email: 'both@example.com', emailIndex: 'both@example.com' } }),
        h.prisma.user.findMany({ where: { AND: [{ name: { in: ['Both'] }, nameIndex: 'Both' }] } }),
        h.prisma.user.updateMany({ where: { email: 'both@example.com', emailIndex: { equals: 'x@example.com' } }, data: { name: 'x' } }),
        h.prisma.user.count({ where: { OR: [{ emailIndex: null, email: 'both@example.com' }] } }),
      ];
      for (const query of queries) {
        const error = await rejection(query);
        expect(error).toBeInstanceOf(UnsupportedQueryError);
        expect(error).toMatchObject({ code: 'QUERY_UNSUPPORTED', model: 'User', operator: 'where' });
        expect((error as Error).message).toMatch(/names both User\.(email|name) and its lookup column User\.(emailIndex|nameIndex)/);
        expect((error as Error).message).not.toContain('both@example.com');
      }
      expect((await h.prisma.user.findUnique({ where: { id } }))?.name).toBe('Both');
    });

    it('a lookup value of the wrong type is an InvalidInputError naming the field, never the value', async () => {
      const cases: [PromiseLike<unknown>, RegExp][] = [
        [h.prisma.user.findFirst({ where: { email: 42 as never } }), /User\.email holds String; got a number value/],
        [h.prisma.user.findUnique({ where: { emailIndex: 4242 as never } }), /User\.email holds String; got a number value/],
        [h.prisma.user.findUnique({ where: { ssn: true as never } }), /User\.ssn holds String; got a boolean value/],
        [h.prisma.user.findMany({ where: { name: { in: ['ok', 7 as never] } } }), /User\.name holds String; got a number value/],
        [h.prisma.user.findMany({ where: { ssn: { notIn: [new Date(0) as never] } } }), /User\.ssn holds String; got a Date value/],
        [h.prisma.user.count({ where: { NOT: { name: { not: 5 as never } } } }), /User\.name holds String; got a number value/],
        [h.prisma.typed.findFirst({ where: { detInt: 'seven' } }), /Typed\.detInt holds Int; got a string value/],
        [h.prisma.user.findFirst({ where: { email: { equals: { nested: 'object' } as never } } }), /User\.email holds String; got a object value/],
      ];
      for (const [query, message] of cases) {
        const error = await rejection(query);
        expect(error, String(message)).toBeInstanceOf(InvalidInputError);
        expect(error).toMatchObject({ code: 'INPUT_INVALID' });
        expect((error as Error).message).toMatch(message);
        expect((error as Error).message).not.toMatch(/seven|4242|nested/);
      }
    });
  });
}
