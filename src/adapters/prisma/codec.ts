/**
 * Conversion between a protected field's application value (its logical Prisma type) and
 * what the Sealer seals, and between sealed text and the column's storage (String or Bytes).
 *
 * The Sealer records the JS type in the ciphertext, so most types round-trip untouched.
 * Decimal is the exception (a decimal.js object, not a Sealable): it is sealed as its
 * canonical decimal string and rebuilt as a Prisma Decimal on read.
 *
 * @module
 */
import { Decimal } from './decimal.js';
import { InvalidInputError, PlaintextRejectedError } from '../../errors.js';
import type { Sealable } from '../../index.js';
import type { LogicalType, ProtectedField } from './config.js';

/** Strict UTF-8 that keeps a leading U+FEFF (the stored text exactly). */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

function wrongType(field: ProtectedField, got: unknown): never {
  const kind = got === null ? 'null' : got instanceof Date ? 'Date' : got instanceof Uint8Array ? 'bytes' : typeof got;
  throw new InvalidInputError(`${field.model}.${field.field} holds ${field.type}; got a ${kind} value`);
}

function isDecimalLike(value: unknown): value is { toFixed(): string } {
  return Decimal.isDecimal(value);
}

/** The value to seal for an application value of `field` (throws InvalidInputError on a type mismatch). */
export function toSealable(field: ProtectedField, value: unknown): Sealable {
  const type: LogicalType = field.type;
  switch (type) {
    case 'String':
      if (typeof value === 'string') return value;
      break;
    case 'Int':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      break;
    case 'Float':
      if (typeof value === 'number') return value;
      break;
    case 'BigInt':
      if (typeof value === 'bigint') return value;
      if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
      break;
    case 'Decimal':
      // One canonical text per number (no exponent form), so deterministic tokens of equal
      // decimals are equal however the caller wrote them.
      if (isDecimalLike(value)) return new Decimal(value as Decimal).toFixed();
      if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '')) {
        try {
          return new Decimal(value).toFixed();
        } catch {
          break;
        }
      }
      break;
    case 'Boolean':
      if (typeof value === 'boolean') return value;
      break;
    case 'DateTime':
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
      if (typeof value === 'string') {
        const date = new Date(value);
        if (!Number.isNaN(date.getTime())) return date;
      }
      break;
    case 'Bytes':
      if (value instanceof Uint8Array) return value;
      break;
    case 'Json':
      if (value !== undefined && value !== null && typeof value !== 'function' && typeof value !== 'symbol' && typeof value !== 'bigint') {
        return value as Sealable;
      }
      break;
  }
  return wrongType(field, value);
}

/**
 * The error for a stored value that does not convert to the field's type. It names model,
 * field and type only: the native parsers' messages (BigInt, Decimal, JSON.parse) quote the
 * value, and errors end up in logs.
 */
function unparsable(field: ProtectedField, what: string): InvalidInputError {
  return new InvalidInputError(`${field.model}.${field.field}: ${what} does not parse as ${field.type} (the value is not shown)`);
}

/** A Decimal of `value`, or `undefined` when it is not a decimal number. */
function decimalOf(value: unknown): Decimal | undefined {
  if (typeof value !== 'number' && (typeof value !== 'string' || value.trim() === '')) return undefined;
  try {
    return new Decimal(value);
  } catch {
    return undefined;
  }
}

/** The application value for a value the Sealer opened. */
export function fromSealable(field: ProtectedField, value: Sealable): unknown {
  switch (field.type) {
    case 'Decimal': {
      // A value sealed while the field had another type (a String holding any text) can be
      // anything; Decimal's own error would quote it.
      const decimal = decimalOf(value);
      if (decimal === undefined) throw unparsable(field, 'a sealed value');
      return decimal;
    }
    case 'Bytes':
      // Prisma 7 returns Bytes as Uint8Array; keep that (not Buffer) for equality with plain Prisma.
      return value instanceof Uint8Array && !(value.constructor === Uint8Array) ? new Uint8Array(value) : value;
    default:
      return value;
  }
}

const TRUE_TEXT = new Set(['true', 't', '1']);
const FALSE_TEXT = new Set(['false', 'f', '0']);

/** `text` as a number, or `undefined` when it is blank or not a number (`Number('')` is 0). */
function numberOf(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isNaN(n) ? undefined : n;
}

/** `text` as a bigint, or `undefined` when it is blank or not an integer (`BigInt('')` is 0n). */
function bigintOf(text: string): bigint | undefined {
  if (text.trim() === '') return undefined;
  try {
    return BigInt(text);
  } catch {
    return undefined;
  }
}

/** What {@link parseLegacyText} returns for text that does not parse (JSON text can parse to null). */
const UNPARSED = Symbol('unparsed');

/** `text` as JSON, or UNPARSED. */
function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return UNPARSED;
  }
}

/** Parses legacy plaintext as `type`, or returns UNPARSED. Never throws. */
function parseLegacyText(type: LogicalType, text: string): unknown {
  switch (type) {
    case 'String':
      return text;
    case 'Int': {
      const n = numberOf(text);
      return n !== undefined && Number.isInteger(n) ? n : UNPARSED;
    }
    case 'Float':
      return numberOf(text) ?? UNPARSED;
    case 'BigInt':
      return bigintOf(text) ?? UNPARSED;
    case 'Decimal':
      return decimalOf(text) ?? UNPARSED;
    case 'Boolean': {
      const t = text.trim().toLowerCase();
      return TRUE_TEXT.has(t) ? true : FALSE_TEXT.has(t) ? false : UNPARSED;
    }
    case 'DateTime': {
      const date = new Date(text);
      return Number.isNaN(date.getTime()) ? UNPARSED : date;
    }
    case 'Json':
      return jsonOf(text);
    case 'Bytes':
      return utf8Encoder.encode(text);
  }
}

/**
 * Legacy plaintext of a migrating field (a column value that is not sealed) converted to
 * the field's type. A value that does not parse as the type (`4111x` in a BigInt field,
 * text in a Json field) is an InvalidInputError naming model and field, never the value.
 */
export function fromLegacyValue(field: ProtectedField, stored: unknown): unknown {
  if (field.type === 'Bytes' && stored instanceof Uint8Array) return stored;
  const text = fromStorage(stored);
  if (text === undefined) throw new PlaintextRejectedError(`${field.model}.${field.field}: legacy value is not text`);
  const value = parseLegacyText(field.type, text);
  if (value === UNPARSED) throw unparsable(field, 'a legacy plaintext value');
  return value;
}

/** Sealed text in the column's storage form. */
export function toStorage(field: ProtectedField, text: string): string | Uint8Array {
  return field.storage === 'Bytes' ? utf8Encoder.encode(text) : text;
}

/**
 * A stored value as text, or `undefined` when it cannot be text (bytes that are not
 * UTF-8, a non-string value): such a value is never a sealed value.
 */
export function fromStorage(stored: unknown): string | undefined {
  if (typeof stored === 'string') return stored;
  if (stored instanceof Uint8Array) {
    try {
      return utf8.decode(stored);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
