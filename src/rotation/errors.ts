/**
 * The error a rotation job stops with when one row's value cannot be processed.
 *
 * @module
 */
import { FieldsealError, InvalidInputError, type FieldsealErrorCode } from '../errors.js';
import { keyText } from './columns.js';
import type { RowKey } from './row-source.js';

/**
 * A value of one row could not be opened, parsed or sealed. It names the table, column and
 * primary key, and keeps the code of the error underneath (`DECRYPTION_FAILED`,
 * `KEY_DESTROYED`, `KEY_NOT_FOUND`, `FORMAT_INVALID`, `INPUT_INVALID`...), never the
 * value. The job that throws it stopped at a batch boundary: nothing of the failing batch
 * was written and its checkpoint still points before it, so after fixing the row (or
 * excluding the table) the same job resumes there.
 */
export class RowValueError extends FieldsealError {
  /** The row source's description, e.g. `postgres:public.users`. */
  readonly table: string;
  readonly column: string;
  /** The row's primary key. */
  readonly key: RowKey;

  constructor(table: string, column: string, key: RowKey, cause: unknown) {
    const code: FieldsealErrorCode = cause instanceof FieldsealError ? cause.code : 'INPUT_INVALID';
    const why = cause instanceof FieldsealError ? cause.message : 'unexpected failure';
    super(code, `${table}: column ${column}, row ${keyText(key)}: ${why}`, { cause: cause instanceof FieldsealError ? cause : new InvalidInputError(why) });
    this.table = table;
    this.column = column;
    this.key = key;
  }
}
