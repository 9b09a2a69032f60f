/** The key table's SQL: identifiers, index names, and the SQL printed in docs/key-stores.md. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../src/errors.js';
import { keyTableSql, sqlDialect, type SqlDialectName } from '../../../src/keys/store/sql-dialect.js';

const dialects: readonly SqlDialectName[] = ['postgres', 'mysql', 'sqlite'];

describe('key table SQL', () => {
  it('is printed in docs/key-stores.md exactly as migrate() runs it, for every dialect', () => {
    const docs = readFileSync(new URL('../../../docs/key-stores.md', import.meta.url), 'utf8');
    for (const dialect of dialects) {
      for (const statement of keyTableSql(dialect)) expect(docs, dialect).toContain(`${statement};`);
    }
  });

  it('refuses table and schema names that are not plain identifiers', () => {
    for (const table of ['', 'keys;drop', 'a"b', 'a`b', '1keys', 'x'.repeat(64), 'ké']) {
      for (const dialect of dialects) expect(() => sqlDialect(dialect, { table }), `${dialect} ${table}`).toThrow(ConfigurationError);
    }
    expect(() => sqlDialect('postgres', { schema: 'a b' })).toThrow(ConfigurationError);
    expect(() => sqlDialect('mysql', { schema: 'app' })).toThrow(ConfigurationError); // a PostgreSQL option
    expect(sqlDialect('postgres', { table: `K${'x'.repeat(62)}`, schema: 'app' }).description).toBe(`postgres:app.K${'x'.repeat(62)}`);
  });

  it('gives long tables distinct index names within the identifier limit', () => {
    const long = (suffix: string) => `${'t'.repeat(60)}${suffix}`;
    const indexOf = (table: string) => /CREATE INDEX IF NOT EXISTS "([^"]+)"/.exec(keyTableSql('postgres', { table })[1] ?? '')?.[1] ?? '';
    const [a, b] = [indexOf(long('_a1')), indexOf(long('_b2'))];
    expect(a.length).toBeLessThanOrEqual(63);
    expect(b.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
    expect(indexOf('fieldseal_keys')).toBe('fieldseal_keys_scope_purpose_idx');
  });
});
