/**
 * Keyed blind indexes: HMAC-SHA256 (RFC 2104) of a typed, canonical encoding of the value
 * under a per-field subkey, optionally truncated. Stored beside a randomized field, an index
 * lets the column be looked up by equality while revealing only equality (less when
 * truncated: truncation adds false positives on purpose, see {@link blindIndexBits}).
 *
 * The HMAC input starts with a one-byte type tag, so values of different types never share
 * an index (`1` and `"1"`, `true` and `"true"`, bytes and their Latin-1 string), while equal
 * numbers do (`0` and `-0`, `1` and `1n`). docs/tokenization.md §Blind indexes lists the
 * encodings.
 *
 * Never an unkeyed hash: an unkeyed SHA-256 of an email is reversed by a dictionary.
 *
 * @module
 */
import type { HmacSha256Key } from '../crypto/hmac-sha256-key.js';
import { InvalidInputError } from '../errors.js';
import { normalize, type Normalizer } from './normalize.js';

/** Bits kept by default: the full HMAC. */
export const BLIND_INDEX_DEFAULT_BITS = 256;
/** Fewest bits a truncated index may keep. */
export const BLIND_INDEX_MIN_BITS = 16;

/** Values a blind index accepts. Strings are normalized; other types are indexed by a canonical, type-tagged form. */
export type BlindIndexable = string | number | bigint | boolean | Date | Uint8Array;

/**
 * Type tags (first HMAC input byte), one ASCII letter per kind of value. Frozen: changing
 * one changes every stored index of that kind.
 */
export const BlindIndexTag = {
  /** Strings: UTF-8 of the normalized string. */
  string: 0x73, // 's'
  /** Integers, number or bigint alike: decimal digits, `-` when negative, `0` for -0. */
  integer: 0x69, // 'i'
  /** Other numbers (fractions, ±Infinity, NaN): IEEE 754 float64, big-endian, NaN canonical. */
  float: 0x66, // 'f'
  /** Booleans: one byte, 0 or 1. */
  boolean: 0x62, // 'b'
  /** Dates: decimal digits of `getTime()` (milliseconds since the epoch). */
  date: 0x64, // 'd'
  /** Uint8Array and Buffer: the bytes. */
  bytes: 0x78, // 'x'
} as const;

/** A blind index's HMAC input: the type tag, then the payload (a string is hashed as UTF-8). */
export interface BlindIndexInput {
  readonly tag: Buffer;
  readonly payload: string | Uint8Array;
}

const TAGS = Object.fromEntries(Object.entries(BlindIndexTag).map(([kind, byte]) => [kind, Buffer.of(byte)])) as Record<keyof typeof BlindIndexTag, Buffer>;
/** float64 of NaN in its one canonical form, whatever NaN bits the value carried. */
const CANONICAL_NAN = Buffer.from('7ff8000000000000', 'hex');

/**
 * The typed HMAC input of `value`. `normalizer` applies to strings only (other types have
 * one canonical form already). Throws {@link InvalidInputError} for an unsupported value, an
 * invalid Date, or a string that is not well-formed after normalizing.
 */
export function blindIndexInput(value: BlindIndexable, normalizer?: Normalizer): BlindIndexInput {
  switch (typeof value) {
    case 'string': {
      const text = normalize(value, normalizer);
      // UTF-8 would turn lone surrogates into U+FFFD: two strings would share an index.
      if (!text.isWellFormed()) throw new InvalidInputError('string contains a lone UTF-16 surrogate');
      return { tag: TAGS.string, payload: text };
    }
    case 'bigint':
      return { tag: TAGS.integer, payload: value.toString(10) };
    case 'number': {
      // Every integral double converts to a BigInt exactly, so 2 ** 60 and 2n ** 60n agree.
      if (Number.isInteger(value)) return { tag: TAGS.integer, payload: BigInt(value).toString(10) };
      const bytes = Buffer.allocUnsafe(8);
      if (Number.isNaN(value)) CANONICAL_NAN.copy(bytes);
      else bytes.writeDoubleBE(value);
      return { tag: TAGS.float, payload: bytes };
    }
    case 'boolean':
      return { tag: TAGS.boolean, payload: value ? ONE : ZERO };
    case 'object':
      if (value instanceof Date) {
        const time = value.getTime();
        if (Number.isNaN(time)) throw new InvalidInputError('invalid Date cannot be indexed');
        return { tag: TAGS.date, payload: String(time) };
      }
      if (value instanceof Uint8Array) return { tag: TAGS.bytes, payload: value };
      break;
    default:
      break;
  }
  throw new InvalidInputError(`a value of type ${value === null ? 'null' : typeof value} cannot be blind-indexed`);
}

const ZERO = Buffer.of(0);
const ONE = Buffer.of(1);

/** Checks a truncation length: 16..256 bits. */
export function checkBlindIndexBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < BLIND_INDEX_MIN_BITS || bits > 256) throw new InvalidInputError(`blind index bits must be an integer from ${BLIND_INDEX_MIN_BITS} to 256`);
}

/** HMAC-SHA256 of tag ‖ payload under `key` (the field's index subkey), truncated to `bits`, as base64url. */
export function blindIndexValue(key: HmacSha256Key, input: BlindIndexInput, bits: number = BLIND_INDEX_DEFAULT_BITS): string {
  const mac = key.mac(input.tag, input.payload);
  if (bits === 256) return mac.toString('base64url');
  const bytes = Math.ceil(bits / 8);
  const out = mac.subarray(0, bytes);
  const spare = bytes * 8 - bits;
  if (spare !== 0) out[bytes - 1] = (out[bytes - 1] as number) & (0xff << spare) & 0xff;
  return out.toString('base64url');
}

/**
 * Expected number of unrelated values matching one lookup, in a column of `rows` distinct
 * values with `bits`-bit indexes: (rows − 1) / 2^bits. The same number is how many other
 * values share each index, so it measures both the lookup cost and the privacy truncation
 * buys (docs/tokenization.md §Sizing truncated indexes).
 */
export function blindIndexFalsePositiveRate(bits: number, rows: number): number {
  checkBlindIndexBits(bits);
  if (!(rows >= 0)) throw new InvalidInputError('rows must be a non-negative number');
  return Math.max(0, rows - 1) / 2 ** bits;
}

/**
 * The fewest bits that keep the expected false positives per lookup at or below
 * `falsePositives` in a column of `distinctValues` distinct values: ⌈log2(N / fp)⌉, at least
 * {@link BLIND_INDEX_MIN_BITS} and at most 256. Every index of the same value that an
 * observer sees adds its bits: size their sum, not each one (docs/tokenization.md).
 */
export function blindIndexBits(distinctValues: number, falsePositives: number): number {
  if (!(Number.isFinite(distinctValues) && distinctValues >= 1)) throw new InvalidInputError('distinctValues must be a finite number of at least 1');
  if (!(Number.isFinite(falsePositives) && falsePositives > 0)) throw new InvalidInputError('falsePositives must be a positive finite number');
  const bits = Math.ceil(Math.log2(distinctValues / falsePositives));
  return Math.min(256, Math.max(BLIND_INDEX_MIN_BITS, bits));
}
