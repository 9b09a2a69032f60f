/**
 * The generator's checks of lookup key versions (version, shadowOf, reindexing) and data
 * subjects, the fields they emit, and how the rotation jobs' columns map them (no database).
 */
import { describe, expect, it } from 'vitest';
import { AnnotationError } from '../../../src/adapters/prisma/generator/annotations.js';
import { fieldsFromDmmf } from '../../../src/adapters/prisma/generator/emit.js';
import { emitModelsType } from '../../../src/adapters/prisma/generator/emit-types.js';
import { modelColumns } from '../../../src/adapters/prisma/model-columns.js';
import { ConfigurationError, fieldsealExtension, fieldsealRaw, type FieldsConfig } from '../../../src/adapters/prisma/index.js';
import { newSealer } from '../support/harness.js';

type Column = { documentation?: string; isRequired?: boolean; type?: string };

/** A one-model DMMF: `id` (the key), `owner` (plain), and annotated columns, nullable unless `isRequired`. */
function dmmf(columns: Record<string, Column>) {
  return {
    datamodel: {
      models: [
        {
          name: 'Customer',
          fields: [
            { name: 'id', kind: 'scalar', type: 'String', isId: true, isRequired: true },
            { name: 'owner', kind: 'scalar', type: 'String', isRequired: true },
            ...Object.entries(columns).map(([name, c]) => ({ name, kind: 'scalar', type: c.type ?? 'String', isRequired: c.isRequired ?? false, documentation: c.documentation })),
          ],
        },
      ],
    },
  };
}

function annotationError(columns: Record<string, Column>, field: string, message: RegExp): void {
  let error: unknown;
  try {
    fieldsFromDmmf(dmmf(columns));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(AnnotationError);
  expect((error as Error).message).toContain(`Customer.${field}:`);
  expect((error as Error).message).toMatch(message);
}

const email = { documentation: '@fieldseal.encrypt' };
const ssn = { documentation: '@fieldseal.encrypt(mode: deterministic)' };
const card = { documentation: '@fieldseal.fpe(preset: card, keepLast: 4)' };

describe('lookup key versions in annotations', () => {
  it('emits version, shadowOf and reindexing', () => {
    const fields = fieldsFromDmmf(
      dmmf({
        email,
        emailIdx: { documentation: '@fieldseal.blindIndex(of: email, normalize: email)' },
        emailIdxV2: { documentation: '@fieldseal.blindIndex(of: email, normalize: email, version: 2, reindexing: true)' },
        ssn,
        ssnV2: { documentation: '@fieldseal.encrypt(mode: deterministic, version: 2, shadowOf: ssn, reindexing: true)' },
        card,
        cardV2: { documentation: '@fieldseal.fpe(preset: card, keepLast: 4, version: 2, shadowOf: card, reindexing: true)' },
      }),
    );
    expect(fields.Customer).toMatchObject({
      emailIdxV2: { mode: 'blindIndex', of: 'email', normalize: 'email', version: 2, reindexing: true },
      ssnV2: { mode: 'deterministic', version: 2, shadowOf: 'ssn', reindexing: true },
      cardV2: { mode: 'fpe', preset: 'card', options: { keepLast: 4 }, version: 2, shadowOf: 'card', reindexing: true },
    });
  });

  it('version is an integer from 1 to 65535', () => {
    for (const version of ['0', '65536', '1.5', 'two']) {
      annotationError({ ssn: { documentation: `@fieldseal.encrypt(mode: deterministic, version: ${version})` } }, 'ssn', /version must be an integer from 1 to 65535/);
    }
  });

  it('two lookup columns of one field under the same version are refused', () => {
    annotationError(
      { email, a: { documentation: '@fieldseal.blindIndex(of: email, normalize: email)' }, b: { documentation: '@fieldseal.blindIndex(of: email, normalize: email, version: 1)' } },
      'b',
      /has lookup key version 1, like a/,
    );
    annotationError({ ssn, ssnV2: { documentation: '@fieldseal.encrypt(mode: deterministic, shadowOf: ssn)' } }, 'ssnV2', /has lookup key version 1, like ssn/);
    // Blind indexes with other options are another lookup: both version 1 is fine.
    expect(() => fieldsFromDmmf(dmmf({ email, a: { documentation: '@fieldseal.blindIndex(of: email)' }, b: { documentation: '@fieldseal.blindIndex(of: email, bits: 32)' } }))).not.toThrow();
  });

  it('shadowOf must name a deterministic or FPE field of the same context', () => {
    annotationError({ ssnV2: { documentation: '@fieldseal.encrypt(mode: deterministic, version: 2, shadowOf: ssn)' } }, 'ssnV2', /shadowOf 'ssn' must name a deterministic or FPE field/);
    annotationError({ email, emailV2: { documentation: '@fieldseal.encrypt(mode: deterministic, version: 2, shadowOf: email)' } }, 'emailV2', /must name a deterministic or FPE field/);
    annotationError({ ssn, ssnV2: { documentation: '@fieldseal.fpe(preset: ssn, version: 2, shadowOf: ssn)' } }, 'ssnV2', /its mode must be ssn's/);
    annotationError({ card, cardV2: { documentation: '@fieldseal.fpe(preset: card, version: 2, shadowOf: card)' } }, 'cardV2', /its preset and options must be card's/);
    annotationError({ ssn, ssnV2: { documentation: '@fieldseal.encrypt(mode: deterministic, version: 2, shadowOf: ssn, scope: vault)' } }, 'ssnV2', /its scope must be ssn's/);
    annotationError({ email: { documentation: '@fieldseal.encrypt(shadowOf: ssn)' } }, 'email', /shadowOf applies to lookup columns/);
    annotationError({ email, idx: { documentation: '@fieldseal.blindIndex(of: email, shadowOf: email)' } }, 'idx', /unknown argument 'shadowOf'/);
  });

  it('reindexing belongs on a nullable lookup column that has a column to read beside it', () => {
    annotationError(
      { ssn, ssnV2: { documentation: '@fieldseal.encrypt(mode: deterministic, version: 2, shadowOf: ssn, reindexing: true)', isRequired: true } },
      'ssnV2',
      /reindexing: the column is filled by the reindex job after it is added, so it must be nullable/,
    );
    annotationError({ ssn: { documentation: '@fieldseal.encrypt(mode: deterministic, reindexing: true)' } }, 'ssn', /a field's own column is always read/);
    annotationError({ email, idx: { documentation: '@fieldseal.blindIndex(of: email, version: 2, reindexing: true)' } }, 'idx', /every blind index of email is reindexing/);
  });
});

describe('data subjects in annotations', () => {
  it('subject names a plain column and applies to randomized fields', () => {
    expect(fieldsFromDmmf(dmmf({ email: { documentation: '@fieldseal.encrypt(subject: owner)' } })).Customer).toEqual({ email: { mode: 'randomized', subject: 'owner' } });
    annotationError({ ssn: { documentation: '@fieldseal.encrypt(mode: deterministic, subject: owner)' } }, 'ssn', /subject applies to randomized fields only/);
    annotationError({ email: { documentation: '@fieldseal.encrypt(subject: nobody)' } }, 'email', /subject column 'nobody' is not a scalar field/);
    annotationError({ email: { documentation: '@fieldseal.encrypt(subject: name)' }, name: { documentation: '@fieldseal.encrypt' } }, 'email', /subject column 'name' must be a plain/);
  });
});

describe('rotation columns and types of lookup key versions and subjects', () => {
  const datamodel = {
    models: [
      {
        name: 'Customer',
        fields: ['id', 'owner', 'email', 'idx1', 'idx2', 'idx3', 'ssn', 'ssnV2', 'note'].map((name) => ({ name, kind: 'scalar', type: 'String', ...(name === 'id' ? { isId: true } : {}) })),
      },
    ],
  };

  it('maps the lowest version to the column and the highest other to its reindex target; a third version is skipped', () => {
    const fields: FieldsConfig = {
      Customer: {
        email: { subject: 'owner' },
        idx1: { mode: 'blindIndex', of: 'email' },
        idx2: { mode: 'blindIndex', of: 'email', version: 2 },
        idx3: { mode: 'blindIndex', of: 'email', version: 3, reindexing: true },
        ssn: { mode: 'deterministic', version: 2 },
        ssnV2: { mode: 'deterministic', version: 3, shadowOf: 'ssn' },
        note: { subject: 'id' },
      },
    };
    const { columns, skipped } = modelColumns(fields, datamodel, 'Customer', 'reindex');
    expect(columns).toEqual([
      { column: 'email', model: 'Customer', field: 'email', mode: 'randomized', plaintextType: 'string', subjectColumn: 'owner', blindIndex: { column: 'idx1', reindex: { column: 'idx3', lookupVersion: 3 } } },
      { column: 'ssn', model: 'Customer', field: 'ssn', mode: 'deterministic', plaintextType: 'string', lookupVersion: 2, reindex: { column: 'ssnV2', lookupVersion: 3 } },
    ]);
    expect(skipped).toEqual([
      { field: 'Customer.idx2', reason: "a third lookup key version of email's blind index; the jobs take a column and one reindex target (idx1, idx3)" },
      { field: 'Customer.note', reason: "its subject is the primary key id, which the row sources read as the row's key only; keep the subject in a column of its own" },
    ]);
    expect(() => modelColumns(fields, datamodel, 'Customer', 'rename' as never)).toThrow(ConfigurationError);
  });

  it('types shadow columns as lookup columns of their field', () => {
    const fields: FieldsConfig = { Customer: { ssn: { mode: 'deterministic' }, ssnV2: { mode: 'deterministic', version: 2, shadowOf: 'ssn', reindexing: true } } };
    const text = emitModelsType([{ name: 'Customer', fields: datamodel.models[0]!.fields }], fields);
    expect(text).toContain('fields: { "ssn": { type: "String"; search: true } };');
    expect(text).toContain('lookups: { "ssnV2": "ssn" };');
  });

  it('the typed config is validated when the extension is made', async () => {
    const sealer = await newSealer();
    const make = (fields: FieldsConfig) => () => fieldsealExtension({ sealer, fields, datamodel });
    expect(make({ Customer: { ssn: { mode: 'deterministic' }, ssnV2: { mode: 'deterministic', version: 2, shadowOf: 'ssn' } } })).not.toThrow();
    expect(make({ Customer: { email: {}, idx1: { mode: 'blindIndex', of: 'email', version: 0 } } })).toThrow(/Customer\.idx1: version must be an integer from 1 to 65535/);
    expect(make({ Customer: { email: { version: 2 } as never } })).toThrow(/randomized field has no lookup tokens of its own/);
    expect(make({ Customer: { ssn: { mode: 'deterministic' }, ssnV2: { mode: 'deterministic', shadowOf: 'ssn', reindexing: 'yes' as never } } })).toThrow(/reindexing must be true or false/);
  });

  it('after the old column is dropped, the field renamed onto its shadow (its version) reads and finds what the shadow held', async () => {
    const sealer = await newSealer();
    const model = (names: string[]) => ({ models: [{ name: 'Customer', fields: ['id', ...names].map((name) => ({ name, kind: 'scalar', type: 'String', ...(name === 'id' ? { isId: true } : {}) })) }] });
    const during = fieldsealRaw({
      sealer,
      datamodel: model(['ssn', 'ssnV2', 'card', 'cardV2']),
      fields: {
        Customer: {
          ssn: { mode: 'deterministic' },
          ssnV2: { mode: 'deterministic', version: 2, shadowOf: 'ssn' },
          card: { mode: 'fpe', preset: 'card', options: { keepLast: 4 } },
          cardV2: { mode: 'fpe', preset: 'card', options: { keepLast: 4 }, version: 2, shadowOf: 'card' },
        },
      },
    });
    // Step 5: `ssn` and `card` now @map to the shadow columns, with the shadows' version.
    const renamed = fieldsealRaw({
      sealer,
      datamodel: model(['ssn', 'card']),
      fields: { Customer: { ssn: { mode: 'deterministic', version: 2 }, card: { mode: 'fpe', preset: 'card', options: { keepLast: 4 }, version: 2 } } },
    });
    const ssnV2 = await during.seal('Customer', 'ssnV2', '078-05-1120');
    const cardV2 = await during.seal('Customer', 'cardV2', '4111111111111111');
    expect(ssnV2).not.toBe(await during.seal('Customer', 'ssn', '078-05-1120'));
    expect(await renamed.seal('Customer', 'ssn', '078-05-1120')).toBe(ssnV2);
    expect(await renamed.lookup('Customer', 'ssn', '078-05-1120')).toEqual([ssnV2]);
    expect(await renamed.open('Customer', 'ssn', ssnV2)).toBe('078-05-1120');
    expect(await renamed.open('Customer', 'card', cardV2)).toBe('4111111111111111');
    expect(await during.lookup('Customer', 'ssn', '078-05-1120')).toEqual([ssnV2]); // lookups already go through the shadow
  });
});
