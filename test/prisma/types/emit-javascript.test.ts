/** The generator's JavaScript output (ESM and CommonJS) and the FieldsealModels type it declares. */
import { describe, expect, it } from 'vitest';
import { emitConfigModule, emitJavaScriptConfigModule, type GeneratorDmmf } from '../../../src/adapters/prisma/generator/emit.js';

type DmmfField = GeneratorDmmf['datamodel']['models'][number]['fields'][number];
const patientFields: readonly DmmfField[] = [
  { name: 'id', kind: 'scalar', type: 'String', isId: true },
  { name: 'email', kind: 'scalar', type: 'String', documentation: '@fieldseal.encrypt' },
  { name: 'emailIndex', kind: 'scalar', type: 'String', isUnique: true, documentation: '@fieldseal.blindIndex(of: email)' },
  { name: 'born', kind: 'scalar', type: 'String', documentation: '@fieldseal.encrypt(type: DateTime)' },
  { name: 'code', kind: 'scalar', type: 'String', documentation: '@fieldseal.encrypt(mode: deterministic, type: Int)' },
  { name: 'visits', kind: 'object', type: 'Visit', isList: true },
];
const visitFields: readonly DmmfField[] = [
  { name: 'id', kind: 'scalar', type: 'Int', isId: true },
  { name: 'patient', kind: 'object', type: 'Patient' },
];
const dmmf: GeneratorDmmf = { datamodel: { models: [{ name: 'Patient', fields: patientFields }, { name: 'Visit', fields: visitFields }] } };

const MODELS = `export type FieldsealModels = {
  "Patient": {
    fields: { "email": { type: "String"; search: true }; "born": { type: "DateTime"; search: false }; "code": { type: "Int"; search: true } };
    lookups: { "emailIndex": "email" };
    unique: "email";
    relations: { "visits": "Visit" };
  };
  "Visit": {
    fields: {  };
    lookups: {  };
    unique: never;
    relations: { "patient": "Patient" };
  };
};`;

describe('generated module', () => {
  it('describes each model for the types: logical types, searchable fields, lookup columns, unique keys, relations', () => {
    const ts = emitConfigModule(dmmf, 'fieldseal/prisma');
    expect(ts).toContain(MODELS);
    expect(ts).toContain('export const withFieldseal: WithFieldseal<FieldsealModels> = createWithFieldseal<FieldsealModels>(fieldseal);');
    expect(emitJavaScriptConfigModule(dmmf, 'fieldseal/prisma', undefined, 'esm').dts).toContain(MODELS);
  });

  it('as CommonJS: a module that exports fields, datamodel, fieldseal and withFieldseal', () => {
    const { js, dts } = emitJavaScriptConfigModule(dmmf, 'fieldseal/prisma', 'sqlite', 'cjs');
    const required: string[] = [];
    const module = { exports: {} as Record<string, unknown> };
    const factory = { createWithFieldseal: (config: unknown) => ({ config }) };
    new Function('require', 'module', js)((name: string) => {
      required.push(name);
      return factory;
    }, module);
    expect(required).toEqual(['fieldseal/prisma']);
    expect(Object.keys(module.exports)).toEqual(['fields', 'datamodel', 'fieldseal', 'withFieldseal']);
    expect(module.exports.withFieldseal).toEqual({ config: { fields: module.exports.fields, datamodel: module.exports.datamodel } });
    expect(module.exports.fields).toEqual({ Patient: { email: { mode: 'randomized' }, emailIndex: { mode: 'blindIndex', of: 'email' }, born: { mode: 'randomized', type: 'DateTime' }, code: { mode: 'deterministic', type: 'Int' } } });
    expect(dts).toContain('export declare const withFieldseal: WithFieldseal<FieldsealModels>;');
  });

  it('as an ES module: imports createWithFieldseal and exports the same names', () => {
    const { js } = emitJavaScriptConfigModule(dmmf, 'fieldseal/prisma', undefined, 'esm');
    expect(js).toContain('import { createWithFieldseal } from "fieldseal/prisma";');
    for (const name of ['fields', 'datamodel', 'fieldseal', 'withFieldseal']) expect(js).toContain(`export const ${name} = `);
  });
});
