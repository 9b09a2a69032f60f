/**
 * Small pieces the job passes share.
 *
 * @module
 */
import { ConfigurationError, FieldsealError, FormatError } from '../../errors.js';
import { Algorithm, decodeTexts, keyIdToString, PREFIX } from '../../format/envelope.js';
import type { ProtectedColumn } from '../columns.js';
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
 * `malformed` (a job stops there, verify records it). The same kinds as `classifyValue`,
 * with the column's sealed values decoded together into one buffer (no buffer per value).
 */
export function sealedValuesOf(
  batch: BatchPlans,
  col: number,
  spec: ProtectedColumn,
  malformed: (i: number, row: SourceRow) => void,
): { i: number; row: SourceRow; keyId: string }[] {
  const prefixed: number[] = [];
  const texts: string[] = [];
  for (const [i, row] of batch.rows.entries()) {
    const value = row.values[spec.column] ?? null;
    if (value === null) batch.count(i, col, 'nulls');
    else if (!value.startsWith(PREFIX)) batch.count(i, col, 'plaintext');
    else {
      prefixed.push(i);
      texts.push(value);
    }
  }
  // Values of any length classify; the Sealer's maxTextLength applies when one is opened.
  const { data, starts } = decodeTexts(texts, Number.MAX_SAFE_INTEGER);
  const sealed: { i: number; row: SourceRow; keyId: string }[] = [];
  for (let j = 0; j < prefixed.length; j++) {
    const i = prefixed[j] as number;
    const row = batch.rows[i] as SourceRow;
    const start = starts[j] as number;
    if (start === -1) {
      batch.count(i, col, 'malformed');
      malformed(i, row);
      continue;
    }
    batch.count(i, col, 'sealed');
    const mode = (data[start] as number) >>> 4 === Algorithm.aesSiv ? 'deterministic' : 'randomized';
    if (mode !== spec.mode) batch.count(i, col, 'wrongMode');
    sealed.push({ i, row, keyId: keyIdText(data.readUInt32BE(start + 1)) });
  }
  return sealed;
}

const keyIdTexts = new Map<number, string>();

/** A key id as 8 hex digits, remembered: a table's values name a few keys, over and over. */
function keyIdText(id: number): string {
  let text = keyIdTexts.get(id);
  if (text === undefined) {
    text = keyIdToString(id);
    if (keyIdTexts.size >= 10_000) keyIdTexts.clear();
    keyIdTexts.set(id, text);
  }
  return text;
}

/** Counts an FPE column's values in a batch: NULL or a token (a token carries no key id, and looks like plaintext). */
export function countTokens(batch: BatchPlans, col: number, spec: ProtectedColumn): void {
  for (const [i, row] of batch.rows.entries()) batch.count(i, col, (row.values[spec.column] ?? null) === null ? 'nulls' : 'tokens');
}

/**
 * Lets the event loop run between two long stretches of crypto in a batch's plan: the
 * runner writes the batch before while this one is planned, and each statement of that
 * write waits for the event loop to send the next one.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
