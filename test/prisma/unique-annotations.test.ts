/** The generator checks protected fields against their columns' unique indexes (no database). */
import { describe, expect, it } from 'vitest';
import { AnnotationError, parseFieldAnnotation } from '../../src/adapters/prisma/generator/annotations.js';
import { fieldsFromDmmf } from '../../src/adapters/prisma/generator/emit.js';

type Column = { name: string; documentation?: string; isUnique?: boolean; isId?: boolean };

/** A one-model DMMF: `id`, `email`, `emailIndex`, `ssn` and the given columns' overrides. */
function dmmf(columns: Record<string, Omit<Column, 'name'>>, uniqueFields: string[][] = []) {
  const names = ['email', 'emailIndex', 'ssn'];
  return {
    datamodel: {
      models: [
        {
          name: 'Customer',
          uniqueFields,
          fields: [{ name: 'id', kind: 'scalar', type: 'String', isId: true }, ...names.map((name) => ({ name, kind: 'scalar', type: 'String', ...columns[name] }))],
        },
      ],
    },
  };
}

function annotationError(run: () => unknown, field: string, message: RegExp): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(AnnotationError);
  expect((error as Error).message).toContain(`Customer.${field}:`);
  expect((error as Error).message).toMatch(message);
}

describe('unique lookups in annotations', () => {
  const email = { documentation: '@fieldseal.encrypt(row: id)' };

  it('unique: true on a blind index or deterministic field needs a unique index on its column', () => {
    annotationError(() => fieldsFromDmmf(dmmf({ email, emailIndex: { documentation: '@fieldseal.blindIndex(of: email, unique: true)' } })), 'emailIndex', /unique: true, but the column has no unique index; add @unique/);
    annotationError(() => fieldsFromDmmf(dmmf({ ssn: { documentation: '@fieldseal.encrypt(mode: deterministic, unique: true)' } })), 'ssn', /no unique index/);
    // With the index (@unique, or a one-field @@unique) it passes, and emits no `unique` option.
    expect(fieldsFromDmmf(dmmf({ email, emailIndex: { documentation: '@fieldseal.blindIndex(of: email, unique: true)', isUnique: true } })).Customer?.emailIndex).toEqual({ mode: 'blindIndex', of: 'email' });
    expect(fieldsFromDmmf(dmmf({ ssn: { documentation: '@fieldseal.encrypt(mode: deterministic, unique: true)' } }, [['ssn']])).Customer?.ssn).toEqual({ mode: 'deterministic' });
    // A compound @@unique does not make one column unique.
    annotationError(() => fieldsFromDmmf(dmmf({ ssn: { documentation: '@fieldseal.encrypt(mode: deterministic, unique: true)' } }, [['ssn', 'email']])), 'ssn', /no unique index/);
  });

  it('a unique index on a randomized column is refused: it enforces nothing', () => {
    annotationError(() => fieldsFromDmmf(dmmf({ email: { ...email, isUnique: true } })), 'email', /randomized ciphertexts are all distinct.*blind index column.*mode: deterministic/);
    annotationError(() => fieldsFromDmmf(dmmf({ email }, [['email']])), 'email', /enforces nothing/);
  });

  it('unique applies to deterministic fields and blind indexes only, and must be true or false', () => {
    expect(() => parseFieldAnnotation('Customer', 'email', '@fieldseal.encrypt(unique: true)')).toThrow(/Customer\.email: unique applies to deterministic fields and blind indexes/);
    expect(() => parseFieldAnnotation('Customer', 'card', '@fieldseal.fpe(preset: card, unique: true)')).toThrow(/Customer\.card: unknown argument 'unique'/);
    expect(() => parseFieldAnnotation('Customer', 'ssn', '@fieldseal.encrypt(mode: deterministic, unique: yes)')).toThrow(/Customer\.ssn: 'unique' must be true or false/);
    expect(parseFieldAnnotation('Customer', 'ssn', '@fieldseal.encrypt(mode: deterministic, unique: false)')).toEqual({ mode: 'deterministic' });
  });
});
