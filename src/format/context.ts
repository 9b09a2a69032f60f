/**
 * Encoding of the field context (model, field, optional row) that becomes part of the
 * AEAD's associated data. Length-prefixed so that no two contexts encode alike
 * ("ab"+"c" vs "a"+"bc").
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
  /** The row's key (or tenant) when known before the write; binds the value to that row. */
  readonly row?: string | number | bigint;
  /** The key scope: `default`, a tenant id or a data subject id (for per-subject crypto-shredding). */
  readonly scope?: string;
}

const MAX_PART_BYTES = 0xffff;

/** Length-prefixed UTF-8 of the given parts: u16be length ‖ bytes, for each. */
export function encodeParts(parts: readonly string[]): Buffer {
  const encoded = parts.map((p) => Buffer.from(p, 'utf8'));
  let size = 0;
  for (const e of encoded) {
    if (e.length > MAX_PART_BYTES) throw new InvalidInputError('context part is longer than 65535 bytes');
    size += 2 + e.length;
  }
  const out = Buffer.allocUnsafe(size);
  let off = 0;
  for (const e of encoded) {
    out.writeUInt16BE(e.length, off);
    out.set(e, off + 2);
    off += 2 + e.length;
  }
  return out;
}

/** Checks model and field names: non-empty strings. */
export function checkContext(ctx: FieldContext): void {
  if (ctx === null || typeof ctx !== 'object') throw new InvalidInputError('a field context { model, field } is required');
  if (typeof ctx.model !== 'string' || ctx.model === '') throw new InvalidInputError('context.model must be a non-empty string');
  if (typeof ctx.field !== 'string' || ctx.field === '') throw new InvalidInputError('context.field must be a non-empty string');
  if (ctx.model.includes('\0') || ctx.field.includes('\0')) throw new InvalidInputError('context.model and context.field must not contain NUL');
  const domain = (ctx as { domain?: unknown }).domain;
  if (domain !== undefined && (typeof domain !== 'string' || domain === '' || domain.includes('\0'))) {
    throw new InvalidInputError('context.domain must be a non-empty string without NUL');
  }
  const row = ctx.row;
  if (row !== undefined && typeof row !== 'string' && typeof row !== 'bigint' && !(typeof row === 'number' && Number.isFinite(row))) {
    throw new InvalidInputError('context.row must be a string, finite number or bigint');
  }
}

/** The row part of the associated data (empty when no row is bound). */
export function encodeRow(row: string | number | bigint | undefined): Buffer {
  if (row === undefined) return EMPTY;
  return encodeParts([String(row)]);
}

const EMPTY = Buffer.alloc(0);
