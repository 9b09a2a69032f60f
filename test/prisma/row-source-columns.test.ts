/**
 * The protected columns `prismaRowSource` derives from the generator's output (no
 * database): every annotation option as the extension seals it, the fields the jobs leave
 * out with their reason, and the refusals (no primary key, a compound one, no provider,
 * nothing for the jobs).
 */
import { describe, expect, it } from 'vitest';
import { prismaRowSource, type DatamodelInput, type FieldsConfig } from '../../src/adapters/prisma/index.js';
import { modelColumns } from '../../src/adapters/prisma/model-columns.js';
import { ConfigurationError } from '../../src/errors.js';
import { datamodel, fields } from '../../prisma/generated/sqlite/fieldseal.js';

/** A client shape that is never called: these tests make no query. */
const client = {
  $queryRawUnsafe: () => Promise.reject(new Error('no query expected')),
  $executeRawUnsafe: () => Promise.reject(new Error('no query expected')),
  $transaction: () => Promise.reject(new Error('no query expected')),
};

const scalar = (name: string, extra: Record<string, unknown> = {}) => ({ name, kind: 'scalar', type: 'String', isList: false, ...extra });

describe('the columns of a Prisma model', () => {
  it('follows every annotation option: scope, token domain, blind index normalizer, domain and bits', () => {
    const { columns, skipped } = modelColumns(fields, datamodel, 'AnnotationOption');
    expect(columns).toEqual([
      { column: 'refA', model: 'AnnotationOption', field: 'refA', mode: 'deterministic', plaintextType: 'string', domain: 'refs' },
      { column: 'refB', model: 'AnnotationOption', field: 'refB', mode: 'deterministic', plaintextType: 'string', domain: 'refs' },
      { column: 'vaulted', model: 'AnnotationOption', field: 'vaulted', mode: 'randomized', plaintextType: 'string', scope: 'vault' },
      { column: 'mobile', model: 'AnnotationOption', field: 'mobile', mode: 'randomized', plaintextType: 'string', blindIndex: { column: 'mobileIndex', normalize: 'digits', domain: 'phones' } },
      { column: 'fax', model: 'AnnotationOption', field: 'fax', mode: 'randomized', plaintextType: 'string', blindIndex: { column: 'faxIndex', normalize: 'digits', domain: 'phones' } },
      { column: 'pin', model: 'AnnotationOption', field: 'pin', mode: 'randomized', plaintextType: 'string' },
    ]);
    expect(skipped.map((s) => s.field)).toEqual([
      'AnnotationOption.cardLast',
      'AnnotationOption.cardFirst',
      'AnnotationOption.cardLuhn',
      'AnnotationOption.code',
      'AnnotationOption.ssn',
      'AnnotationOption.phone',
      'AnnotationOption.account',
      'AnnotationOption.pinIndex',
    ]);
    expect(skipped.at(-1)?.reason).toBe("its scope (vault) is not pin's (default); the jobs compute a blind index under its field's scope");
  });

  it('parses legacy plaintext as the logical type, and leaves out a field stored in a Bytes column', () => {
    const { columns, skipped, keyColumn } = modelColumns(fields, datamodel, 'Typed');
    expect(keyColumn).toBe('id');
    expect(Object.fromEntries(columns.map((c) => [c.column, [c.mode, c.plaintextType]]))).toEqual({
      intV: ['randomized', 'number'],
      bigV: ['randomized', 'bigint'],
      floatV: ['randomized', 'number'],
      decV: ['randomized', 'string'],
      boolV: ['randomized', 'boolean'],
      dateV: ['randomized', 'date'],
      jsonV: ['randomized', 'json'],
      bytesV: ['randomized', 'string'],
      detInt: ['deterministic', 'number'],
    });
    expect(skipped).toEqual([{ field: 'Typed.blob', reason: 'a Bytes column; the row sources read and write text columns only' }]);
  });

  it('leaves out a field bound to another column than the key, a second blind index, and the blind index of a skipped field', () => {
    const model = {
      name: 'Doc',
      fields: [
        scalar('id', { isId: true, dbName: 'doc_id' }),
        scalar('tenant'),
        scalar('body'),
        scalar('title', { dbName: 'doc_title' }),
        scalar('titleA'),
        scalar('titleB'),
        { name: 'blob', kind: 'scalar', type: 'Bytes', isList: false },
        scalar('blobIndex'),
      ],
    };
    const docFields: FieldsConfig = {
      Doc: {
        body: { row: 'tenant' },
        title: { row: 'id', migrating: true },
        titleA: { mode: 'blindIndex', of: 'title', normalize: 'lowercase' },
        titleB: { mode: 'blindIndex', of: 'title', bits: 32 },
        blob: {},
        blobIndex: { mode: 'blindIndex', of: 'blob' },
      },
    };
    const { columns, skipped, keyColumn, table } = modelColumns(docFields, { models: [{ ...model, dbName: 'docs' }] }, 'Doc');
    expect([table, keyColumn]).toEqual(['docs', 'doc_id']);
    expect(columns).toEqual([
      { column: 'doc_title', model: 'Doc', field: 'title', mode: 'randomized', plaintextType: 'string', rowBound: true, blindIndex: { column: 'titleA', normalize: 'lowercase' } },
    ]);
    expect(skipped).toEqual([
      { field: 'Doc.body', reason: 'bound to tenant, which is not the primary key; the jobs bind values to the primary key only' },
      { field: 'Doc.titleB', reason: 'a second blind index of title; the jobs fill and check one blind index per field (titleA)' },
      { field: 'Doc.blob', reason: 'a Bytes column; the row sources read and write text columns only' },
      { field: 'Doc.blobIndex', reason: 'the blind index of blob, which the jobs skip' },
    ]);
  });

  it('takes a single-field @@id, and refuses a compound one or none', () => {
    const model = (extra: Record<string, unknown>, idField: Record<string, unknown> = {}) =>
      ({ models: [{ name: 'Doc', fields: [scalar('a', idField), scalar('b'), scalar('body')], ...extra }] }) as DatamodelInput;
    const docFields: FieldsConfig = { Doc: { body: {} } };
    expect(modelColumns(docFields, model({ primaryKey: { fields: ['a'] } }), 'Doc').keyColumn).toBe('a');
    expect(() => modelColumns(docFields, model({ primaryKey: { fields: ['a', 'b'] } }), 'Doc')).toThrow(
      new ConfigurationError('fieldseal/prisma: model Doc has a compound primary key (a, b); the rotation jobs need a single-column primary key'),
    );
    expect(() => modelColumns(docFields, model({}), 'Doc')).toThrow(/model Doc has no primary key in the data model; run `prisma generate` again/);
    expect(() => modelColumns(docFields, model({}, { isId: true }), 'Nope')).toThrow(/model Nope is not in the Prisma data model/);
  });
});

describe('prismaRowSource', () => {
  it('builds the source of the provider the generator recorded, with the model table and key', () => {
    const users = prismaRowSource(client, 'Legacy', { fields, datamodel });
    expect([users.source.description, users.source.keyColumn]).toEqual(['sqlite:Legacy', 'id']);
    expect(users.columns.map((c) => [c.column, c.mode])).toEqual([
      ['email', 'randomized'],
      ['code', 'deterministic'],
    ]);
    const onPostgres = prismaRowSource(client, 'Legacy', { fields, datamodel, provider: 'postgresql', schema: 'app' });
    expect(onPostgres.source.description).toBe('postgres:app.Legacy');
  });

  it('refuses what it cannot serve, naming the reason', () => {
    const { provider: _, ...withoutProvider } = datamodel as { provider?: string; models: unknown };
    expect(() => prismaRowSource(client, 'Legacy', { fields, datamodel: withoutProvider as DatamodelInput })).toThrow(/does not name its provider; run `prisma generate` again, or pass \{ provider/);
    expect(() => prismaRowSource(client, 'Legacy', { fields, datamodel, provider: 'mongodb' })).toThrow("prismaRowSource: provider 'mongodb' has no row source (PostgreSQL, MySQL/MariaDB and SQLite have)");
    expect(() => prismaRowSource(client, 'Legacy', { fields, datamodel, schema: 'app' })).toThrow('prismaRowSource: a schema is a PostgreSQL option');
    expect(() => prismaRowSource(client, 'Order', { fields: { User: fields.User }, datamodel })).toThrow('prismaRowSource: model Order has no column for the rotation jobs: it has no protected fields');
    expect(() => prismaRowSource(client, 'AnnotationOption', { fields: { AnnotationOption: { cardLast: fields.AnnotationOption.cardLast } }, datamodel })).toThrow(
      /model AnnotationOption has no column for the rotation jobs: the jobs skip every protected field \(AnnotationOption\.cardLast: an FPE field/,
    );
    expect(() => prismaRowSource({} as typeof client, 'Legacy', { fields, datamodel })).toThrow('prismaRowSource needs a Prisma client');
    expect(() => prismaRowSource(client, 'Legacy', { fields, datamodel, provider: 'mongodb' })).toThrow(ConfigurationError);
  });
});
