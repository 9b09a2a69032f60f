/**
 * Encoding of the field context (model, field, optional row) that becomes part of the
 * AEAD's associated data and of subkey derivation. The encoding is injective: parts are
 * length-prefixed, so that no two contexts encode alike ("ab"+"c" vs "a"+"bc"), and only
 * well-formed strings are accepted, because UTF-8 turns every lone UTF-16 surrogate into
 * U+FFFD ("user-\uD800" and "user-\uDBFF" would bind the same row). docs/format.md
 * §Keys and associated data states the rules, including how rows are written.
 *
 * @module
 */
import { InvalidInputError } from '../errors.js';

/** Where a value lives. Binding it into the ciphertext makes a value moved elsewhere fail to decrypt. */
export interface FieldContext {
  /** The model or table, e.g. `User`. */
  readonly model: string;
  /** The field or column, e.g. `email`. */
  readonly field: string;
  /**
   * The row's key (or tenant) when known before the write; binds the value to that row.
   * A string as it is, or an integer (a safe-integer number or a bigint) as its decimal
   * digits: `1`, `1n` and `'1'` are the same row (docs/format.md §Rows).
   */
  readonly row?: string | number | bigint;
  /**
   * The key scope: `default` when omitted (the Sealer's default scope), a tenant, or any
   * partition of your data. A scope has its own lookup key (deterministic tokens, blind
   * indexes, FPE tokens, pseudonyms) and data keys; pass the same scope to open or look the
   * value up. `sealer.shred(scope)` erases a whole scope. 1-120 letters, digits or
   * `_ . : @ / + = -`; use opaque ids (the key table stores scopes and subjects in the clear).
   */
  readonly scope?: string;
  /**
   * The data subject the value belongs to (a customer id), within the scope. Randomized
   * values are then sealed under the subject's own data keys, so that
   * `sealer.shred({ subject })` erases exactly that subject's values, while lookup tokens
   * keep using the scope's lookup key (a customer stays findable by e-mail before the
   * subject is known). Pass the same subject to open the value. Same characters as a scope.
   */
  readonly subject?: string;
}

const MAX_PART_BYTES = 0xffff;

/**
 * Throws {@link InvalidInputError} unless `value` is a well-formed string (no lone UTF-16
 * surrogate, ECMAScript `String.prototype.isWellFormed`). `what` names the argument, never
 * its value.
 */
export function checkWellFormed(value: string, what: string): void {
  if (!value.isWellFormed()) throw new InvalidInputError(`${what} contains a lone UTF-16 surrogate (not well-formed Unicode)`);
}

/** Length-prefixed UTF-8 of the given parts: u16be length ‖ bytes, for each. Every part must be a well-formed string. */
export function encodeParts(parts: readonly string[]): Buffer {
  // Sized first and written in place: one allocation (every value opened with a row runs this).
  let size = 0;
  for (const p of parts) {
    if (typeof p !== 'string') throw new InvalidInputError('context parts must be strings');
    checkWellFormed(p, 'context part');
    const length = Buffer.byteLength(p, 'utf8');
    if (length > MAX_PART_BYTES) throw new InvalidInputError('context part is longer than 65535 bytes');
    size += 2 + length;
  }
  const out = Buffer.allocUnsafe(size);
  let off = 0;
  for (const p of parts) {
    const length = out.write(p, off + 2, 'utf8');
    out.writeUInt16BE(length, off);
    off += 2 + length;
  }
  return out;
}

/**
 * Checks a field context: model and field are non-empty well-formed strings without NUL;
 * domain likewise when given; scope a well-formed string when given; row as
 * {@link rowText} accepts.
 */
export function checkContext(ctx: FieldContext): void {
  if (ctx === null || typeof ctx !== 'object') throw new InvalidInputError('a field context { model, field } is required');
  // A frozen context cannot change once checked: adapters pass one per field to every value.
  if (checkedFrozen.has(ctx)) return;
  checkFields(ctx);
  if (Object.isFrozen(ctx)) checkedFrozen.add(ctx);
}

/** Frozen contexts that passed {@link checkContext}. */
const checkedFrozen = new WeakSet<object>();

function checkFields(ctx: FieldContext): void {
  if (typeof ctx.model !== 'string' || ctx.model === '') throw new InvalidInputError('context.model must be a non-empty string');
  if (typeof ctx.field !== 'string' || ctx.field === '') throw new InvalidInputError('context.field must be a non-empty string');
  if (ctx.model.includes('\0') || ctx.field.includes('\0')) throw new InvalidInputError('context.model and context.field must not contain NUL');
  checkWellFormed(ctx.model, 'context.model');
  checkWellFormed(ctx.field, 'context.field');
  const domain = (ctx as { domain?: unknown }).domain;
  if (domain !== undefined) {
    if (typeof domain !== 'string' || domain === '' || domain.includes('\0')) throw new InvalidInputError('context.domain must be a non-empty string without NUL');
    checkWellFormed(domain, 'context.domain');
  }
  const subject: unknown = ctx.subject;
  if (subject !== undefined) {
    if (typeof subject !== 'string') throw new InvalidInputError('context.subject must be a string');
    checkWellFormed(subject, 'context.subject');
  }
  const scope: unknown = ctx.scope;
  if (scope !== undefined) {
    if (typeof scope !== 'string') throw new InvalidInputError('context.scope must be a string');
    checkWellFormed(scope, 'context.scope');
  }
  if (ctx.row !== undefined) rowText(ctx.row);
  const version: unknown = (ctx as { lookupVersion?: unknown }).lookupVersion;
  if (version !== undefined && (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > 65535)) {
    throw new InvalidInputError('context.lookupVersion must be an integer from 1 to 65535');
  }
}

/**
 * The text a row is bound as: a string as it is (well-formed; not trimmed or otherwise
 * normalized, so `'01'` is not `1`); a bigint or a safe-integer number as its decimal
 * digits with a leading `-` when negative (`-0` is `0`). Anything else (non-integers,
 * numbers beyond ±(2^53 − 1), which may already have lost precision, Dates, bytes) is
 * refused: pass such a key as a string you choose.
 */
export function rowText(row: string | number | bigint): string {
  if (typeof row === 'string') {
    checkWellFormed(row, 'context.row');
    return row;
  }
  if (typeof row === 'bigint') return row.toString(10);
  if (typeof row === 'number' && Number.isSafeInteger(row)) return String(row);
  throw new InvalidInputError('context.row must be a string, a bigint or a safe-integer number');
}

/** The row part of the associated data (empty when no row is bound). */
export function encodeRow(row: string | number | bigint | undefined): Buffer {
  if (row === undefined) return EMPTY;
  return encodeParts([rowText(row)]);
}

const EMPTY = Buffer.alloc(0);

/**
 * Bytes of {@link encodeRow}'s output for a row text ({@link rowText}); throws
 * InvalidInputError beyond 65535 UTF-8 bytes, as encodeRow does.
 */
export function rowPartBytes(row: string): number {
  const length = Buffer.byteLength(row, 'utf8');
  if (length > MAX_PART_BYTES) throw new InvalidInputError('context part is longer than 65535 bytes');
  return 2 + length;
}

/**
 * {@link encodeRow} of a row text written at `out[at]` (which has room for
 * {@link rowPartBytes}), for batches that lay many values' associated data out in one
 * buffer. Returns the bytes written.
 */
export function writeRowPart(out: Buffer, at: number, row: string): number {
  const length = out.write(row, at + 2, 'utf8');
  out.writeUInt16BE(length, at);
  return 2 + length;
}
