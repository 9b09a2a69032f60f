/** Configuration validation and codec properties (no database). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import { fieldsealExtension, type FieldsConfig } from '../../src/adapters/prisma/index.js';
import { fromSealable, toSealable } from '../../src/adapters/prisma/codec.js';
import { resolveFields } from '../../src/adapters/prisma/config.js';
import { indexDatamodel } from '../../src/adapters/prisma/datamodel.js';
import { openValue, sealValue } from '../../src/adapters/prisma/field-access.js';
import { datamodel } from '../../prisma/generated/sqlite/fieldseal.js';
import { newSealer } from './support/harness.js';

const models = indexDatamodel(datamodel);

describe('configuration', () => {
  it.each<[FieldsConfig, RegExp]>([
    [{ Nope: { a: {} } }, /model Nope is not in the Prisma data model/],
    [{ User: { nope: {} } }, /User\.nope: is not a field/],
    [{ User: { orders: {} } }, /User\.orders: is a relation/],
    [{ Order: { total: {} } }, /Order\.total: is a Int column/],
    [{ User: { email: { row: 'nope' } } }, /User\.email: row column 'nope'/],
    [{ User: { emailIndex: { mode: 'blindIndex', of: 'email' } } }, /User\.emailIndex: blind index source 'email' must itself be protected/],
    [{ User: { email: {}, emailIndex: { mode: 'blindIndex', of: 'email', bits: 3 } } }, /bits must be/],
    [{ User: { card: { mode: 'fpe', preset: 'card', migrating: true } as never } }, /cannot be migrating/],
    [{ User: { email: { type: 'Text' as never } } }, /unknown type 'Text'/],
  ])('rejects %j', (fields, message) => {
    expect(() => resolveFields(fields, models)).toThrow(ConfigurationError);
    expect(() => resolveFields(fields, models)).toThrow(message);
  });

  it('builds the tokenizer format from FPE options (annotation names, flat) in one place', () => {
    const resolved = resolveFields(
      {
        User: { card: { mode: 'fpe', preset: 'card', options: { keepFirst: 6, keepLast: 4, luhn: 'valid' } } },
        AnnotationOption: {
          code: { mode: 'fpe', preset: 'alphanumeric', options: { letterCase: 'mixed', keepLast: 2 } },
          ssn: { mode: 'fpe', preset: 'ssn' },
          phone: { mode: 'fpe', preset: 'phone', options: { keepFirst: 1 } },
          account: { mode: 'fpe', preset: 'numeric', options: {} },
        },
      },
      models,
    );
    expect(resolved.get('User')!.fields.get('card')!.fpeFormat).toEqual({ kind: 'card', keep: { first: 6, last: 4 }, luhn: 'valid' });
    const other = resolved.get('AnnotationOption')!.fields;
    expect(other.get('code')!.fpeFormat).toEqual({ kind: 'alphanumeric', keep: { last: 2 }, letterCase: 'mixed' });
    expect(other.get('ssn')!.fpeFormat).toEqual({ kind: 'ssn' });
    expect(other.get('phone')!.fpeFormat).toEqual({ kind: 'phone', keep: { first: 1 } });
    expect(other.get('account')!.fpeFormat).toEqual({ kind: 'numeric' });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ preset: 'card', options: { keep: { last: 4 } } }, /fpe option 'keep' does not apply to preset card \(it takes keepFirst, keepLast, luhn\)/],
    [{ preset: 'card', options: { keepLast: -1 } }, /keepLast must be a non-negative integer/],
    [{ preset: 'card', options: { keepFirst: '6' } }, /keepFirst must be a non-negative integer/],
    [{ preset: 'card', options: { luhn: true } }, /luhn must be 'valid' or 'invalid'/],
    [{ preset: 'card', options: { letterCase: 'lower' } }, /'letterCase' does not apply to preset card/],
    [{ preset: 'ssn', options: { keepLast: 4 } }, /'keepLast' does not apply to preset ssn \(it takes no options\)/],
    [{ preset: 'phone', options: { luhn: 'valid' } }, /'luhn' does not apply to preset phone/],
    [{ preset: 'alphanumeric', options: { letterCase: 'title' } }, /letterCase must be 'upper', 'lower' or 'mixed'/],
    [{ preset: 'iban' }, /unknown fpe preset 'iban'/],
    [{ preset: 'card', options: 'keepLast: 4' }, /fpe options must be an object/],
  ])('rejects FPE config %j naming model and field', (fpe, message) => {
    const fields = { User: { card: { mode: 'fpe', ...fpe } } } as unknown as FieldsConfig;
    expect(() => resolveFields(fields, models)).toThrow(ConfigurationError);
    expect(() => resolveFields(fields, models)).toThrow(/User\.card: /);
    expect(() => resolveFields(fields, models)).toThrow(message);
  });

  it('checks at extension creation, including FPE support of the sealer', async () => {
    const sealer = await newSealer();
    expect(() => fieldsealExtension({ sealer, datamodel, fields: { User: { nope: {} } } })).toThrow(ConfigurationError);
    if (typeof (sealer as unknown as { fpe?: unknown }).fpe !== 'function') {
      expect(() => fieldsealExtension({ sealer, datamodel, fields: { User: { card: { mode: 'fpe', preset: 'card' } } } })).toThrow(/FPE/);
    }
  });
});

describe('codec properties', () => {
  const fieldsOf = resolveFields(
    {
      Typed: {
        intV: { type: 'Int' },
        bigV: { type: 'BigInt' },
        floatV: { type: 'Float' },
        decV: { type: 'Decimal' },
        boolV: { type: 'Boolean' },
        dateV: { type: 'DateTime' },
        jsonV: { type: 'Json' },
        bytesV: { type: 'Bytes' },
        detInt: { mode: 'deterministic', type: 'Int' },
        blob: {},
      },
    },
    models,
  ).get('Typed')!.fields;
  const f = (name: string) => fieldsOf.get(name)!;

  it('every type survives seal → open through the field access module', async () => {
    const sealer = await newSealer();
    const json = fc.jsonValue().filter((v) => v !== null) as fc.Arbitrary<unknown>;
    const cases: Array<[string, fc.Arbitrary<unknown>]> = [
      ['intV', fc.integer()],
      ['bigV', fc.bigInt()],
      ['floatV', fc.double({ noNaN: true })],
      ['boolV', fc.boolean()],
      ['dateV', fc.date({ noInvalidDate: true })],
      ['jsonV', json],
      ['bytesV', fc.uint8Array()],
      ['detInt', fc.integer()],
      ['blob', fc.string()],
    ];
    for (const [name, arb] of cases) {
      await fc.assert(
        fc.asyncProperty(arb, async (value) => {
          const stored = await sealValue(sealer, f(name), value);
          const opened = await openValue(sealer, f(name), stored);
          // JSON has no -0 inside objects and arrays: a Json field holds what JSON can carry
          // there. A top-level number is sealed as a number, so -0 stays -0.
          const expected = name === 'jsonV' && typeof value === 'object' ? JSON.parse(JSON.stringify(value)) : value;
          expect(opened).toEqual(expected);
        }),
        { numRuns: 40 },
      );
    }
  });

  it('decimals round-trip exactly and canonically', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 12 }), (units, scale) => {
        const text = scale === 0 ? units.toString() : `${units < 0n ? '-' : ''}${(units < 0n ? -units : units).toString().padStart(scale + 1, '0').replace(new RegExp(`(\\d{${scale}})$`), '.$1')}`;
        const sealable = toSealable(f('decV'), text);
        const back = fromSealable(f('decV'), sealable) as { equals(v: string): boolean };
        expect(back.equals(text)).toBe(true);
        expect(toSealable(f('decV'), back)).toBe(sealable);
      }),
    );
  });
});
