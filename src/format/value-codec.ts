/**
 * Typed value encoding: the JS type of a sealed value is recorded in the ciphertext header
 * (4 bits, authenticated) so that `decrypt` returns a string, number, bigint, boolean,
 * Date, bytes or JSON without a schema. docs/format.md §Value types lists the encodings.
 *
 * @module
 */
import { FormatError, InvalidInputError } from '../errors.js';

/** The value types a field can hold. */
export type Sealable = string | number | bigint | boolean | Date | Uint8Array | JsonObject | JsonArray;
/** A JSON object (plain object: no class instances). */
export interface JsonObject {
  [key: string]: JsonValue;
}
/** A JSON array. */
export type JsonArray = JsonValue[];
/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonObject | JsonArray;

/** Type codes, stored in the low 4 bits of the envelope's first byte. Frozen by golden vectors. */
export const ValueType = {
  string: 0,
  number: 1,
  bigint: 2,
  boolean: 3,
  date: 4,
  bytes: 5,
  buffer: 6,
  json: 7,
} as const;
/** One of {@link ValueType}'s codes. */
export type ValueTypeCode = (typeof ValueType)[keyof typeof ValueType];

/** Strict UTF-8 that keeps a leading U+FEFF: a string value that starts with one is opened with it (TextDecoder drops it unless told not to). */
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Encodes a value to its type code and plaintext bytes. Throws InvalidInputError for unsupported values. */
export function encodeValue(value: unknown): { type: ValueTypeCode; bytes: Uint8Array } {
  switch (typeof value) {
    case 'string':
      // Lone surrogates would silently become U+FFFD: refuse rather than change the value.
      if (!value.isWellFormed()) throw new InvalidInputError('string contains a lone UTF-16 surrogate and cannot be encoded losslessly');
      return { type: ValueType.string, bytes: Buffer.from(value, 'utf8') };
    case 'number': {
      const bytes = Buffer.allocUnsafe(8);
      bytes.writeDoubleBE(value);
      return { type: ValueType.number, bytes };
    }
    case 'bigint':
      return { type: ValueType.bigint, bytes: Buffer.from(value.toString(10), 'latin1') };
    case 'boolean':
      return { type: ValueType.boolean, bytes: Buffer.of(value ? 1 : 0) };
    case 'object': {
      if (value === null) throw new InvalidInputError('null cannot be sealed: keep null as null (adapters do)');
      if (value instanceof Date) {
        const time = value.getTime();
        if (Number.isNaN(time)) throw new InvalidInputError('invalid Date cannot be sealed');
        const bytes = Buffer.allocUnsafe(8);
        bytes.writeDoubleBE(time);
        return { type: ValueType.date, bytes };
      }
      if (Buffer.isBuffer(value)) return { type: ValueType.buffer, bytes: value };
      if (value instanceof Uint8Array) return { type: ValueType.bytes, bytes: value };
      if (Array.isArray(value) || isPlainObject(value)) {
        let json: string;
        try {
          json = JSON.stringify(value);
        } catch {
          throw new InvalidInputError('JSON value cannot be serialised (cycle or BigInt inside)');
        }
        // Lone surrogates in keys or strings need no check: JSON.stringify writes them as
        // \uXXXX escapes (ECMAScript 2019, well-formed JSON.stringify), so the text is
        // well-formed UTF-8 and JSON.parse gives them back exactly. Distinct strings keep
        // distinct encodings, unlike plain UTF-8 of a top-level string.
        return { type: ValueType.json, bytes: Buffer.from(json, 'utf8') };
      }
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new InvalidInputError(`a ${name} instance cannot be sealed: convert it to a string, number or plain object first`);
    }
    default:
      throw new InvalidInputError(`a value of type ${typeof value} cannot be sealed`);
  }
}

/** Decodes plaintext bytes for a type code. Throws FormatError if the bytes do not fit the type. */
export function decodeValue(type: number, bytes: Uint8Array): Sealable {
  switch (type) {
    case ValueType.string:
      return decodeUtf8(bytes);
    case ValueType.number:
      if (bytes.length !== 8) throw new FormatError('number payload must be 8 bytes');
      return Buffer.from(bytes.buffer, bytes.byteOffset, 8).readDoubleBE(0);
    case ValueType.bigint: {
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
      if (!/^-?(0|[1-9][0-9]*)$/.test(text)) throw new FormatError('bigint payload is not a decimal integer');
      return BigInt(text);
    }
    case ValueType.boolean:
      if (bytes.length !== 1 || (bytes[0] as number) > 1) throw new FormatError('boolean payload must be one byte 0 or 1');
      return bytes[0] === 1;
    case ValueType.date:
      if (bytes.length !== 8) throw new FormatError('date payload must be 8 bytes');
      return new Date(Buffer.from(bytes.buffer, bytes.byteOffset, 8).readDoubleBE(0));
    case ValueType.bytes:
      return new Uint8Array(bytes);
    case ValueType.buffer:
      return Buffer.from(bytes);
    case ValueType.json:
      try {
        return JSON.parse(decodeUtf8(bytes)) as JsonObject | JsonArray;
      } catch (error) {
        if (error instanceof FormatError) throw error;
        throw new FormatError('JSON payload does not parse');
      }
    default:
      throw new FormatError(`unknown value type ${type}`);
  }
}

/**
 * {@link decodeValue} of bytes [start, end) of `buffer`, for batches whose plaintexts share
 * one buffer: a string (nearly every value) is decoded without a view of its bytes.
 */
export function decodeValueAt(type: number, buffer: Buffer, start: number, end: number): Sealable {
  if (type !== ValueType.string) return decodeValue(type, buffer.subarray(start, end));
  // Buffer#toString puts U+FFFD where the bytes are not UTF-8 instead of throwing: a text
  // with one is decoded again strictly, which gives the same text when the U+FFFD is real
  // and throws FormatError otherwise (the same results as decodeValue, property-tested).
  const text = buffer.toString('utf8', start, end);
  return text.includes('\uFFFD') ? decodeUtf8(buffer.subarray(start, end)) : text;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    throw new FormatError('string payload is not valid UTF-8');
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
