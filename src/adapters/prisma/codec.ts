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
import { InvalidInputError } from '../../errors.js';
import type { Sealable } from '../../index.js';
import type { LogicalType, ProtectedField } from './config.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
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

/** The application value for a value the Sealer opened. */
export function fromSealable(field: ProtectedField, value: Sealable): unknown {
  switch (field.type) {
    case 'Decimal':
      return new Decimal(value as string);
    case 'Bytes':
      // Prisma 7 returns Bytes as Uint8Array; keep that (not Buffer) for equality with plain Prisma.
      return value instanceof Uint8Array && !(value.constructor === Uint8Array) ? new Uint8Array(value) : value;
    default:
      return value;
  }
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
