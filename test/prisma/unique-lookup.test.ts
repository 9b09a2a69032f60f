/**
 * The one-key unique read (src/adapters/prisma/unique-lookup.ts) skips the general
 * rewriting of arguments for `findUnique({ where: { key: value } })`. It must send exactly
 * what the general rewriting sends and open the result under exactly the same plan
 * (lookup checks included), refuse exactly what it refuses, and leave every other shape
 * to it. No database: both paths are compared on the arguments and plans they produce.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Sealer } from '../../src/index.js';
import { datamodel } from '../../prisma/generated/sqlite/fieldseal.js';
import { omitLookupColumns } from '../../src/adapters/prisma/lookup-columns.js';
import { rewriteOperation, type Rewritten } from '../../src/adapters/prisma/operations.js';
import { buildRuntime, type Runtime } from '../../src/adapters/prisma/runtime.js';
import { rewriteUniqueLookup } from '../../src/adapters/prisma/unique-lookup.js';
import { newSealer, testFields } from './support/harness.js';

let sealer: Sealer;
let rt: Runtime;

beforeAll(async () => {
  sealer = await newSealer();
  rt = buildRuntime(sealer, datamodel, testFields(sealer));
});

function general(model: string, operation: string, args: unknown): Promise<Rewritten> {
  return rewriteOperation(rt, model, operation, omitLookupColumns(rt, model, operation, args));
}

/** The outcome of a promise: its value, or the class and message of its error. */
async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error: (error as Error).constructor.name, message: (error as Error).message };
  }
}

/** Both paths on `args`, twice over (the second lookup of a key runs from the template the first made). */
async function bothPaths(model: string, args: unknown, operation = 'findUnique'): Promise<[unknown, unknown]> {
  for (let round = 0; round < 2; round++) {
    const fast = rewriteUniqueLookup(rt, model, operation, args);
    expect(fast, `${model} ${JSON.stringify(args)} takes the one-key path`).toBeDefined();
    const [a, b] = await Promise.all([outcome(Promise.resolve(fast!)), outcome(general(model, operation, args))]);
    if (round === 1) return [a, b];
    expect(a).toEqual(b);
  }
  throw new Error('unreachable');
}

describe('one-key unique reads', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['User', { email: 'Alice@Example.com' }],
    ['User', { emailIndex: 'alice@example.com' }],
    ['User', { name: 'Alice Liddell' }],
    ['User', { nameIndex: 'alice liddell' }],
    ['User', { ssn: '123-45-6789' }],
    ['User', { card: '4111111111111111' }],
    ['User', { id: 'u1' }],
    ['Tag', { label: 'red' }],
    ['Tag', { id: 7 }],
    ['Profile', { userId: 'u1' }],
    ['Order', { reference: 'R-1' }],
    ['Typed', { id: 't1' }],
    ['Typed', { detInt: 42 }],
    ['AnnotationOption', { refA: 'ref-1' }],
    ['AnnotationOption', { mobileIndex: '+1 (555) 010-0199' }],
    ['AnnotationOption', { pin: '0000' }],
    ['AnnotationOption', { account: '12345678' }],
    ['RotationAccount', { emailIndex: 'a@b.com' }],
  ];
  it.each(cases)('%s %j: the same arguments and plan as the general rewriting', async (model, where) => {
    const [fast, slow] = await bothPaths(model, { where });
    expect(fast).toEqual(slow);
    expect(fast).toHaveProperty('value.args.where');
  });

  it('findUniqueOrThrow too', async () => {
    const [fast, slow] = await bothPaths('User', { where: { email: 'bob@example.com' } }, 'findUniqueOrThrow');
    expect(fast).toEqual(slow);
  });

  it('a blind index lookup is checked on the row found, the field selected for it', async () => {
    const [fast] = await bothPaths('User', { where: { email: 'Carol@Example.com' } });
    const { args, plan } = (fast as { value: Rewritten }).value;
    expect(plan?.checks.map((c) => [c.field.field, [...c.expected], c.select])).toEqual([['email', ['115:carol@example.com'], true]]);
    expect(args.omit).toEqual({ emailIndex: true, nameIndex: true });
    expect(Object.isFrozen(args.omit)).toBe(true);
  });

  it('with the lookup key cached, a blind index lookup is rewritten at once (no promise)', async () => {
    await bothPaths('User', { where: { email: 'dan@example.com' } });
    const now = rewriteUniqueLookup(rt, 'User', 'findUnique', { where: { email: 'erin@example.com' } });
    expect(now).not.toBeInstanceOf(Promise);
    expect(now).toEqual(await general('User', 'findUnique', { where: { email: 'erin@example.com' } }));
  });

  const refusals: [string, Record<string, unknown>, string][] = [
    ['Legacy', { code: 'x' }, 'UnsupportedQueryError'],
    ['Legacy', { email: 'x' }, 'UnsupportedQueryError'],
    ['Order', { note: 'x' }, 'UnsupportedQueryError'],
    ['Typed', { detInt: 'not a number' }, 'InvalidInputError'],
    ['User', { email: 42 }, 'InvalidInputError'],
  ];
  it.each(refusals)('%s %j: refused as the general rewriting refuses it (%s)', async (model, where, error) => {
    const [fast, slow] = await bothPaths(model, { where });
    expect(fast).toEqual(slow);
    expect(fast).toHaveProperty('error', error);
  });

  it('property: any string looked up by email or by id gives what the general rewriting gives', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('email', 'emailIndex', 'name', 'ssn', 'id'), fc.string({ maxLength: 40 }), async (key, value) => {
        const [fast, slow] = await bothPaths('User', { where: { [key]: value } });
        expect(fast).toEqual(slow);
      }),
      { numRuns: 150 },
    );
  });
});

describe('every other shape goes to the general rewriting', () => {
  const polluted = JSON.parse('{"where":{"id":"u1"},"__proto__":{"select":{"id":true}}}') as unknown;
  const others: [string, string, unknown][] = [
    ['a select beside the where', 'findUnique', { where: { email: 'a@b.c' }, select: { id: true } }],
    ['an omit beside the where', 'findUnique', { where: { email: 'a@b.c' }, omit: { emailIndex: false } }],
    ['an include beside the where', 'findUnique', { where: { id: 'u1' }, include: { orders: true } }],
    ['two keys', 'findUnique', { where: { id: 'u1', email: 'a@b.c' } }],
    ['a null value', 'findUnique', { where: { ssn: null } }],
    ['an undefined value', 'findUnique', { where: { email: undefined } }],
    ['a filter object', 'findUnique', { where: { email: { equals: 'a@b.c' } } }],
    ['a relation filter', 'findUnique', { where: { profile: { is: { bio: 'x' } } } }],
    ['an unknown key', 'findUnique', { where: { nope: 1 } }],
    ['an empty where', 'findUnique', { where: {} }],
    ['no arguments', 'findUnique', undefined],
    ['findFirst', 'findFirst', { where: { email: 'a@b.c' } }],
    ['an update', 'update', { where: { email: 'a@b.c' }, data: { name: 'x' } }],
    ['an own __proto__ key', 'findUnique', polluted],
  ];
  it.each(others)('%s', (_, operation, args) => {
    expect(rewriteUniqueLookup(rt, 'User', operation, args)).toBeUndefined();
  });

  it('an unknown model', () => {
    expect(rewriteUniqueLookup(rt, 'Nope', 'findUnique', { where: { id: 1 } })).toBeUndefined();
  });
});
