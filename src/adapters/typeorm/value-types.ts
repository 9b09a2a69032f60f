/**
 * The application types a protected TypeORM column holds, and their conversion to what the
 * Sealer seals and back. The column itself always stores text (sealed text or a token).
 *
 * The Sealer records a value's JS type in the ciphertext, so most types round-trip as they
 * are. Decimal strings are the exception: they are sealed as one canonical text per number
 * (`1.50` and `1.5` are the same decimal), so that deterministic tokens of equal decimals match.
 *
 * @module
 */
import { InvalidInputError, PlaintextRejectedError } from '../../errors.js';
import type { Sealable } from '../../index.js';

/** What a protected column holds in the application. */
export type ValueType = 'string' | 'number' | 'bigint' | 'boolean' | 'date' | 'json' | 'bytes' | 'decimal';

/** Every {@link ValueType}. */
export const VALUE_TYPES: readonly ValueType[] = ['string', 'number', 'bigint', 'boolean', 'date', 'json', 'bytes', 'decimal'];

/** Plaintext bytes of the fixed-size types (value-codec encodings), for column sizing. */
export const FIXED_BYTES: Readonly<Partial<Record<ValueType, number>>> = { number: 8, date: 8, boolean: 1 };

/** A column described for messages: entity and property. */
export interface ValueOwner {
  readonly entity: string;
  readonly property: string;
  readonly valueType: ValueType;
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** The canonical text of a decimal (no exponent, no leading or trailing zeros, no `-0`), or `undefined`. */
export function canonicalDecimal(value: unknown): string | undefined {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? numberText(value) : undefined) : typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined) return undefined;
  const match = DECIMAL.exec(text);
  if (match === null) return undefined;
  const whole = (match[2] as string).replace(/^0+(?=\d)/, '');
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  const digits = fraction === '' ? whole : `${whole}.${fraction}`;
  return match[1] === '-' && /[1-9]/.test(digits) ? `-${digits}` : digits;
}

/** A number's decimal text without exponent form. */
function numberText(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

function wrongType(owner: ValueOwner, got: unknown): never {
  const kind = got === null ? 'null' : got instanceof Date ? 'Date' : got instanceof Uint8Array ? 'bytes' : Array.isArray(got) ? 'array' : typeof got;
  throw new InvalidInputError(`${owner.entity}.${owner.property} holds ${owner.valueType}; got a ${kind} value`);
}

/** The value to seal for an application value (InvalidInputError on a type mismatch, naming entity and column, never the value). */
export function toSealable(owner: ValueOwner, value: unknown): Sealable {
  switch (owner.valueType) {
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'number':
      if (typeof value === 'number' && !Number.isNaN(value)) return value;
      break;
    case 'bigint':
      if (typeof value === 'bigint') return value;
      if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
      break;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      break;
    case 'date':
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
      break;
    case 'bytes':
      if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      break;
    case 'json':
      // Objects and arrays are sealed as JSON; JSON scalars keep their own type in the ciphertext.
      if (value !== null && typeof value === 'object' && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) return value as Sealable;
      if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
      break;
    case 'decimal': {
      const text = canonicalDecimal(value);
      if (text !== undefined) return text;
      break;
    }
  }
  return wrongType(owner, value);
}

/** The application value of an opened value. */
export function fromSealable(owner: ValueOwner, value: Sealable): unknown {
  switch (owner.valueType) {
    case 'bytes':
      return Buffer.isBuffer(value) ? value : value instanceof Uint8Array ? Buffer.from(value) : wrongType(owner, value);
    case 'decimal': {
      const text = canonicalDecimal(value);
      if (text === undefined) throw new InvalidInputError(`${owner.entity}.${owner.property}: a sealed value does not parse as decimal (the value is not shown)`);
      return text;
    }
    default:
      return value;
  }
}

const TRUE_TEXT = new Set(['true', 't', '1']);
const FALSE_TEXT = new Set(['false', 'f', '0']);

/**
 * Legacy plaintext of a migrating column converted to the column's type. A value that does
 * not parse is an InvalidInputError naming entity and column, never the value.
 */
export function fromLegacyText(owner: ValueOwner, stored: unknown): unknown {
  if (typeof stored !== 'string') throw new PlaintextRejectedError(`${owner.entity}.${owner.property}: legacy value is not text`);
  const bad = (): never => {
    throw new InvalidInputError(`${owner.entity}.${owner.property}: a legacy plaintext value does not parse as ${owner.valueType} (the value is not shown)`);
  };
  const text = stored;
  switch (owner.valueType) {
    case 'string':
      return text;
    case 'number': {
      const n = text.trim() === '' ? Number.NaN : Number(text);
      return Number.isNaN(n) ? bad() : n;
    }
    case 'bigint':
      try {
        if (text.trim() === '') bad();
        return BigInt(text);
      } catch {
        return bad();
      }
    case 'boolean': {
      const t = text.trim().toLowerCase();
      return TRUE_TEXT.has(t) ? true : FALSE_TEXT.has(t) ? false : bad();
    }
    case 'date': {
      const date = new Date(text);
      return Number.isNaN(date.getTime()) ? bad() : date;
    }
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return bad();
      }
    case 'bytes':
      return Buffer.from(text, 'utf8');
    case 'decimal':
      return canonicalDecimal(text) ?? bad();
  }
}

/** How a legacy plaintext value of a migrating column is stored, for lookups during the migration. */
export function legacyText(owner: ValueOwner, value: unknown): string | undefined {
  const sealable = toSealable(owner, value);
  if (sealable instanceof Uint8Array) return undefined;
  if (sealable instanceof Date) return sealable.toISOString();
  return typeof sealable === 'object' ? JSON.stringify(sealable) : String(sealable);
}
