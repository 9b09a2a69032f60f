/**
 * Primary keys of a SQL row source, between JavaScript and SQL. Integer keys come back as
 * `bigint` on every dialect and at every width (PostgreSQL's driver returns int8 as text,
 * better-sqlite3 rounds integers above 2^53, MySQL drivers differ again): the key is
 * selected as text and parsed, so it is exact and always the same type. Text keys (and
 * PostgreSQL uuid keys) come back as `string`. Keys go back to SQL as decimal text cast to
 * an integer in SQL (never as a JavaScript number, and never compared as text against an
 * integer column, which MySQL would do in floating point).
 *
 * @module
 */
import { InvalidInputError } from '../errors.js';
import type { RowKey } from './row-source.js';

/** How a source's keys are typed: integers (`bigint`) or text (`string`). */
export type RowKeyKind = 'integer' | 'text';

/** The primary key column of a table, as a row source uses it. */
export interface KeyColumnShape {
  /** The column name, as the source was given it. */
  readonly name: string;
  readonly kind: RowKeyKind;
  /** The database's name of its type, for messages. */
  readonly type: string;
  /** An unsigned integer column (MySQL): keys range over 0..2^64-1 instead of the signed 64-bit range. */
  readonly unsigned: boolean;
  /** PostgreSQL: the type a key parameter is cast to (`int8`, `text` or `uuid`). */
  readonly pgType?: 'int8' | 'text' | 'uuid';
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const DECIMAL = /^-?(?:0|[1-9][0-9]*)$/;

/**
 * A key as the text bound to a statement: an integer key as canonical decimal text (from
 * a `bigint`, a safe-integer `number` or decimal text), a text key as it is. Throws
 * `InvalidInputError` for a key of the wrong type or out of the column's range; `what`
 * names the key's role (`after`, `until`, `write key`) in that message.
 */
export function keyParam(key: unknown, shape: KeyColumnShape, what: string): string {
  if (shape.kind === 'text') {
    if (typeof key !== 'string') throw new InvalidInputError(`${what} must be a string for the text key ${shape.name}`);
    return key;
  }
  let value: bigint;
  if (typeof key === 'bigint') value = key;
  else if (typeof key === 'number' && Number.isSafeInteger(key)) value = BigInt(key);
  else if (typeof key === 'string' && DECIMAL.test(key)) value = BigInt(key);
  else throw new InvalidInputError(`${what} must be a bigint, a safe integer or decimal text for the integer key ${shape.name}`);
  const [min, max] = shape.unsigned ? [0n, UINT64_MAX] : [INT64_MIN, INT64_MAX];
  if (value < min || value > max) throw new InvalidInputError(`${what} is out of the range of the key ${shape.name} (${shape.type})`);
  return value.toString();
}

/** A key selected as text (`keyText` below), as the source returns it; undefined if the text is not a key of that kind. */
export function keyFromText(text: unknown, shape: KeyColumnShape): RowKey | undefined {
  if (typeof text !== 'string') return undefined;
  if (shape.kind === 'text') return text;
  return DECIMAL.test(text) ? BigInt(text) : undefined;
}
