/** How driver errors become conflicts, retries, or KeyStoreErrors that carry no values. */
import { describe, expect, it } from 'vitest';
import { KeyStoreError } from '../../../src/errors.js';
import { driverErrorKind, storeFailure } from '../../../src/keys/store/driver-errors.js';
import { findLeak } from '../../../src/testing/leak-check.js';

const withCode = (message: string, fields: Record<string, unknown>): Error => Object.assign(new Error(message), fields);

describe('driver errors', () => {
  it('recognises unique violations and retryable failures of every driver and ORM', () => {
    expect(driverErrorKind(withCode('duplicate key', { code: '23505' }))).toBe('unique'); // pg
    expect(driverErrorKind(withCode('Duplicate entry', { errno: 1062, code: 'ER_DUP_ENTRY' }))).toBe('unique'); // mariadb, mysql2
    expect(driverErrorKind(withCode('UNIQUE constraint failed', { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }))).toBe('unique'); // better-sqlite3
    expect(driverErrorKind(withCode('Raw query failed', { code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'UniqueConstraintViolation' } } } }))).toBe('unique'); // Prisma
    expect(driverErrorKind(withCode('query failed', { driverError: { code: '23505' } }))).toBe('unique'); // TypeORM
    expect(driverErrorKind(withCode('deadlock detected', { code: '40P01' }))).toBe('retry');
    expect(driverErrorKind(withCode('Deadlock found', { errno: 1213 }))).toBe('retry');
    expect(driverErrorKind(withCode('database is locked', { code: 'SQLITE_BUSY' }))).toBe('retry');
    expect(driverErrorKind(withCode('relation does not exist', { code: '42P01' }))).toBe('other');
    expect(driverErrorKind('not an error')).toBe('other');
  });

  it('reports a failure with its code and first line, without parameters, base64 runs, or the driver error', () => {
    const secret = Buffer.from('0123456789abcdef0123456789abcdef01234567', 'hex');
    const wrapped = secret.toString('base64');
    const driver = withCode(`invalid input syntax: "${wrapped}" for tenant-secret-scope\nsql: INSERT ... - parameters:['${wrapped}']`, {
      code: '22P02',
      detail: `Failing row contains (${wrapped})`,
      parameters: [wrapped],
    });
    const error = storeFailure('postgres:keys', 'insert of key 0a0b0c0d', driver, ['tenant-secret-scope']);
    expect(error).toBeInstanceOf(KeyStoreError);
    expect(error.message).toBe('postgres:keys: insert of key 0a0b0c0d failed: invalid input syntax: "[value]" for [value] (22P02)');
    expect(findLeak(error, [{ label: 'wrapped', bytes: secret }])).toBeUndefined();
    expect(JSON.stringify((error.cause as Error & { detail?: unknown }).detail)).toBeUndefined();
  });

  it('keeps identifiers that are not base64-like readable', () => {
    const error = storeFailure('postgres:fieldseal_keys_v2', 'list', withCode('relation "fieldseal_keys_v2" does not exist', { code: '42P01' }), []);
    expect(error.message).toContain('relation "fieldseal_keys_v2" does not exist');
  });
});
