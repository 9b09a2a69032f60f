/**
 * Small pieces the job passes share.
 *
 * @module
 */
import { ConfigurationError, FieldsealError, FormatError } from '../../errors.js';
import { classifyValue, type ProtectedColumn } from '../columns.js';
import { RowValueError } from '../errors.js';
import type { RowSource, SourceRow } from '../row-source.js';
import type { RowFailure } from './job-options.js';
import type { BatchPlans } from './row-plans.js';

/** The error a job stops with for a row's value (see RowValueError). */
export function rowError(source: RowSource, spec: ProtectedColumn, row: SourceRow, cause: unknown): RowValueError {
  return new RowValueError(source.description, spec.column, row.key, cause);
}

/** The error for a value with the `fs1:` prefix that does not parse. */
export function malformedValue(): FormatError {
  return new FormatError('the value has the fs1: prefix but is not a well-formed sealed value');
}

/** A `verify` failure for a row: the error's code and message, never the value. */
export function rowFailure(spec: ProtectedColumn, row: SourceRow, error: unknown): RowFailure {
  if (error instanceof FieldsealError) return { column: spec.column, key: row.key, code: error.code, message: error.message };
  return { column: spec.column, key: row.key, code: 'INPUT_INVALID', message: 'unexpected failure' };
}

/** Checks `onlyKeyIds`: a non-empty list of 8-hex-digit key ids. */
export function checkKeyIds(ids: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (ids === undefined) return undefined;
  if (!Array.isArray(ids) || ids.length === 0) throw new ConfigurationError('onlyKeyIds must be a non-empty list of key ids');
  for (const id of ids) if (typeof id !== 'string' || !/^[0-9a-f]{8}$/.test(id)) throw new ConfigurationError('onlyKeyIds must be key ids of 8 lowercase hex digits');
  return new Set(ids);
}

/**
 * Counts one column's values in a batch by kind (NULL, plaintext, sealed, malformed, wrong
 * mode) and returns the sealed ones with their key ids; a malformed value goes to
 * `malformed` (a job stops there, verify records it).
 */
export function sealedValuesOf(
  batch: BatchPlans,
  col: number,
  spec: ProtectedColumn,
  malformed: (i: number, row: SourceRow) => void,
): { i: number; row: SourceRow; keyId: string }[] {
  const sealed: { i: number; row: SourceRow; keyId: string }[] = [];
  for (const [i, row] of batch.rows.entries()) {
    const info = classifyValue(row.values[spec.column] ?? null);
    batch.count(i, col, info.kind === 'null' ? 'nulls' : info.kind);
    if (info.kind === 'malformed') malformed(i, row);
    if (info.kind !== 'sealed') continue;
    if (info.mode !== spec.mode) batch.count(i, col, 'wrongMode');
    sealed.push({ i, row, keyId: info.keyId });
  }
  return sealed;
}

/** Counts an FPE column's values in a batch: NULL or a token (a token carries no key id, and looks like plaintext). */
export function countTokens(batch: BatchPlans, col: number, spec: ProtectedColumn): void {
  for (const [i, row] of batch.rows.entries()) batch.count(i, col, (row.values[spec.column] ?? null) === null ? 'nulls' : 'tokens');
}
