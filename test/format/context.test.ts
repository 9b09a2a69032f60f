/**
 * The field context is encoded injectively (src/format/context.ts, docs/format.md §Keys and
 * associated data, §Rows): lone UTF-16 surrogates are refused wherever a context or domain
 * string enters, since UTF-8 would turn them all into U+FFFD, and rows follow one stated rule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { checkContext, encodeParts, encodeRow, rowPartBytes, rowText, writeRowPart } from '../../src/format/context.js';
import { decodeValue, encodeValue } from '../../src/format/value-codec.js';
import { fpeFormats, type JsonObject } from '../../src/index.js';
import { testSealer } from '../support/sealer.js';

const ctx = { model: 'User', field: 'email' };
/** Pairs of distinct strings that UTF-8 encodes alike. */
const LONE = ['user-\uD800', 'user-\uDBFF', 'user-\uDC00', 'user-\uFFFD'];
const loneSurrogateString = fc
  .tuple(fc.string(), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string())
  .map(([a, unit, b]) => `${a.replace(/[\uD800-\uDFFF]/g, '')}${String.fromCharCode(unit)}${b.replace(/[\uD800-\uDFFF]/g, '')}`);

describe('context encoding refuses ill-formed strings', () => {
  it('encodeParts throws InvalidInputError for any string with a lone surrogate', () => {
    fc.assert(
      fc.property(loneSurrogateString, (s) => {
        expect(() => encodeParts([s])).toThrow(InvalidInputError);
        expect(() => encodeParts(['ok', s])).toThrow(InvalidInputError);
      }),
    );
    // The collision it prevents: these encode to the same bytes as UTF-8.
    expect(Buffer.from(LONE[0] as string, 'utf8').equals(Buffer.from(LONE[1] as string, 'utf8'))).toBe(true);
  });

  it('encodeParts stays injective on well-formed strings', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 4 }), fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 4 }), (a, b) => {
        if (JSON.stringify(a) !== JSON.stringify(b)) expect(encodeParts(a).equals(encodeParts(b))).toBe(false);
      }),
    );
  });

  it('checkContext refuses a lone surrogate in model, field, domain, scope or row', () => {
    for (const bad of LONE.slice(0, 3)) {
      expect(() => checkContext({ model: bad, field: 'f' })).toThrow(InvalidInputError);
      expect(() => checkContext({ model: 'm', field: bad })).toThrow(InvalidInputError);
      expect(() => checkContext({ ...ctx, domain: bad } as never)).toThrow(InvalidInputError);
      expect(() => checkContext({ ...ctx, scope: bad })).toThrow(InvalidInputError);
      expect(() => checkContext({ ...ctx, row: bad })).toThrow(InvalidInputError);
      expect(() => encodeRow(bad)).toThrow(InvalidInputError);
    }
    expect(() => checkContext({ ...ctx, scope: 7 } as never)).toThrow(InvalidInputError);
    expect(() => checkContext({ ...ctx, row: LONE[3] as string })).not.toThrow();
  });

  it('a value sealed for one row never opens for a row that differs in a lone surrogate', async () => {
    const sealer = await testSealer();
    await expect(sealer.encrypt('x', { ...ctx, row: LONE[0] as string })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(sealer.encryptMany([1, 2, 3, 4].map(() => ({ value: 'x', ctx: { ...ctx, row: LONE[0] as string } })))).rejects.toBeInstanceOf(InvalidInputError);
    const sealed = await sealer.encrypt('x', { ...ctx, row: LONE[3] as string });
    await expect(sealer.decrypt(sealed, { ...ctx, row: LONE[1] as string })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(sealer.decryptMany([1, 2, 3, 4].map(() => ({ text: sealed, ctx: { ...ctx, row: LONE[1] as string } })))).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('token domains, blind indexes, FPE and pseudonyms refuse ill-formed domains instead of merging them', async () => {
    const sealer = await testSealer();
    for (const domain of ['pii\uD800', 'pii\uDFFF']) {
      await expect(sealer.encryptDeterministic('v', { ...ctx, domain })).rejects.toBeInstanceOf(InvalidInputError);
      await expect(sealer.deterministicCandidates('v', { ...ctx, domain })).rejects.toBeInstanceOf(InvalidInputError);
      await expect(sealer.blindIndex('v', { ...ctx, domain })).rejects.toBeInstanceOf(InvalidInputError);
      await expect(sealer.fpe('4111111111111111', { ...ctx, domain, format: fpeFormats.card() })).rejects.toBeInstanceOf(InvalidInputError);
      await expect(sealer.pseudonymizer({ domain })).rejects.toBeInstanceOf(InvalidInputError);
    }
    await expect(sealer.blindIndex('v', { model: 'User\uD800', field: 'email' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(sealer.encryptDeterministic('v', { ...ctx, scope: 'tenant\uD800' })).rejects.toBeInstanceOf(InvalidInputError);
    // U+FFFD itself is a character like any other: it is accepted and is its own domain.
    expect(await sealer.encryptDeterministic('v', { ...ctx, domain: 'pii\uFFFD' })).not.toBe(await sealer.encryptDeterministic('v', { ...ctx, domain: 'pii' }));
  });
});

describe('rows: one documented rule', () => {
  it('a string binds as itself; a bigint or safe-integer number as its decimal digits', () => {
    expect(rowText('u_1')).toBe('u_1');
    expect(rowText(' 1')).toBe(' 1');
    expect(rowText(42)).toBe('42');
    expect(rowText(-42)).toBe('-42');
    expect(rowText(-0)).toBe('0');
    expect(rowText(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
    expect(rowText(-12345678901234567890n)).toBe('-12345678901234567890');
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(encodeRow(n).equals(encodeRow(BigInt(n)))).toBe(true);
        expect(encodeRow(n).equals(encodeRow(String(n)))).toBe(true);
      }),
    );
  });

  it('writeRowPart writes exactly encodeRow (what batches lay out in one buffer), rowPartBytes its size; beyond 65535 bytes refused alike', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.nat(20), (row, at) => {
        const out = Buffer.alloc(at + rowPartBytes(row) + 3, 0xa5);
        expect(writeRowPart(out, at, row)).toBe(rowPartBytes(row));
        expect(out.subarray(at, at + rowPartBytes(row)).equals(encodeRow(row))).toBe(true);
        expect(out.subarray(at + rowPartBytes(row)).equals(Buffer.alloc(3, 0xa5))).toBe(true);
      }),
    );
    const long = 'é'.repeat(40_000);
    expect(() => rowPartBytes(long)).toThrow(InvalidInputError);
    expect(() => encodeRow(long)).toThrow(InvalidInputError);
  });

  it('refuses non-integers, unsafe integers and other types', () => {
    for (const bad of [1.5, -0.1, 2 ** 53, -(2 ** 53), 1e21, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => rowText(bad)).toThrow(InvalidInputError);
      expect(() => checkContext({ ...ctx, row: bad })).toThrow(InvalidInputError);
    }
    for (const bad of [new Date(0), new Uint8Array([1]), true, null, {}]) {
      expect(() => checkContext({ ...ctx, row: bad } as never)).toThrow(InvalidInputError);
    }
  });

  it('1, 1n and "1" are the same row; -0 is 0; "01" and " 1" are other rows', async () => {
    const sealer = await testSealer();
    const sealed = await sealer.encrypt('x', { ...ctx, row: 1 });
    for (const row of [1, 1n, '1']) expect(await sealer.decrypt(sealed, { ...ctx, row })).toBe('x');
    for (const row of ['01', ' 1', '1.0', 2]) await expect(sealer.decrypt(sealed, { ...ctx, row })).rejects.toThrow();
    const negativeZero = await sealer.encrypt('y', { ...ctx, row: -0 });
    expect(await sealer.decrypt(negativeZero, { ...ctx, row: 0 })).toBe('y');
    expect(await sealer.decrypt(negativeZero, { ...ctx, row: '0' })).toBe('y');
    const negative = await sealer.encrypt('z', { ...ctx, row: -7n });
    expect(await sealer.decrypt(negative, { ...ctx, row: -7 })).toBe('z');
    await expect(sealer.encrypt('x', { ...ctx, row: 1.5 })).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('JSON values keep lone surrogates exactly', () => {
  it('keys and strings with lone surrogates round-trip and never share an encoding', () => {
    const a: JsonObject = { ['k\uD800']: ['v\uDC00'] };
    const b: JsonObject = { ['k\uFFFD']: ['v\uFFFD'] };
    const ea = encodeValue(a);
    const eb = encodeValue(b);
    expect(Buffer.from(ea.bytes).equals(Buffer.from(eb.bytes))).toBe(false);
    expect(decodeValue(ea.type, ea.bytes)).toEqual(a);
    expect(Object.keys(decodeValue(ea.type, ea.bytes) as JsonObject)).toEqual(['k\uD800']);
    expect(Buffer.from(ea.bytes).toString('utf8')).toBe('{"k\\ud800":["v\\udc00"]}');
  });

  it('deterministic tokens of such JSON values differ, and decrypt gives the exact value back', async () => {
    const sealer = await testSealer();
    const a = await sealer.encryptDeterministic({ ['k\uD800']: 1 }, ctx);
    const b = await sealer.encryptDeterministic({ ['k\uDBFF']: 1 }, ctx);
    expect(a).not.toBe(b);
    expect(await sealer.decrypt(a, ctx)).toEqual({ ['k\uD800']: 1 });
  });

  it('a top-level string with a lone surrogate is refused (plain UTF-8 cannot carry it)', () => {
    expect(() => encodeValue('a\uD800')).toThrow(InvalidInputError);
  });
});
