/**
 * Ciphertext format v1 (docs/format.md is the normative description; golden vectors in
 * test/format/golden.test.ts freeze it).
 *
 * Text form:  `fs1:` ‖ base64url(envelope), no padding, canonical.
 * Envelope:   byte 0      algorithm (high 4 bits) ‖ value type (low 4 bits)
 *             bytes 1..4  data key id (u32, big-endian)
 *             randomized, long  (alg 1, XAES-256-GCM):   nonce (16) ‖ ciphertext ‖ tag (16)
 *             deterministic     (alg 2, AES-SIV):        SIV (16) ‖ ciphertext
 *             randomized, short (alg 3, AES-SIV):       SIV (16) ‖ ciphertext of (random 16 ‖ plaintext)
 *
 * The 5 header bytes are authenticated as associated data together with the field context.
 *
 * @module
 */
import { FormatError } from '../errors.js';

/** The fixed text prefix: tells sealed values from legacy plaintext while a column migrates. */
export const PREFIX = 'fs1:';
/** Header length in bytes (algorithm/type byte + 4-byte key id). */
export const HEADER_BYTES = 5;
/** Stored nonce length of the randomized mode (see docs/format.md §Nonces). */
export const NONCE_BYTES = 16;
/** AEAD tag / SIV length. */
export const TAG_BYTES = 16;

/** Algorithm codes (high nibble of byte 0). */
export const Algorithm = {
  /** Randomized: XAES-256-GCM with a per-field subkey. */
  xaes256gcm: 1,
  /** Deterministic: AES-SIV (RFC 5297) with a 512-bit per-field subkey. */
  aesSiv: 2,
  /** Randomized, short values: AES-SIV (RFC 5297) of a 128-bit random prefix ‖ plaintext. */
  aesSivRandom: 3,
} as const;
/** One of {@link Algorithm}'s codes. */
export type AlgorithmCode = (typeof Algorithm)[keyof typeof Algorithm];

/** The mode names users pass to {@link ciphertextLength}. */
export type SealMode = 'randomized' | 'deterministic';

/** A parsed envelope: views into one decoded buffer. */
export interface Envelope {
  readonly algorithm: AlgorithmCode;
  readonly valueType: number;
  /** The data key id as a u32. */
  readonly keyId: number;
  /** The 5 header bytes (associated data). */
  readonly header: Buffer;
  /** Everything after the header. */
  readonly body: Buffer;
}

/** Minimum envelope length per algorithm (empty plaintext). */
const MIN_BYTES: Record<number, number> = {
  [Algorithm.xaes256gcm]: HEADER_BYTES + NONCE_BYTES + TAG_BYTES,
  [Algorithm.aesSiv]: HEADER_BYTES + TAG_BYTES,
  [Algorithm.aesSivRandom]: HEADER_BYTES + TAG_BYTES + NONCE_BYTES,
};

/** Formats a data key id (u32) as the 8-hex-digit string used in key records. */
export function keyIdToString(id: number): string {
  return id.toString(16).padStart(8, '0');
}

/** Parses an 8-hex-digit key id. */
export function keyIdFromString(id: string): number {
  if (!/^[0-9a-f]{8}$/.test(id)) throw new FormatError('data key id must be 8 lowercase hex digits');
  return Number.parseInt(id, 16);
}

/** Writes the header into `out` at offset 0. */
export function writeHeader(out: Buffer, algorithm: AlgorithmCode, valueType: number, keyId: number): void {
  out[0] = (algorithm << 4) | valueType;
  out.writeUInt32BE(keyId, 1);
}

/** A standalone header, for use as associated data before the envelope exists. */
export function headerOf(algorithm: AlgorithmCode, valueType: number, keyId: number): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  writeHeader(header, algorithm, valueType, keyId);
  return header;
}

/** Text form of an envelope. */
export function toText(envelope: Buffer): string {
  return PREFIX + envelope.toString('base64url');
}

/**
 * Parses the text form strictly: prefix, canonical base64url, known algorithm, minimum
 * length. Anything else is a {@link FormatError}, never a partial result.
 */
export function parseText(text: unknown, maxLength = DEFAULT_MAX_TEXT_LENGTH): Envelope {
  if (typeof text !== 'string') throw new FormatError(`expected a sealed string, got ${text === null ? 'null' : typeof text}`);
  if (!text.startsWith(PREFIX)) throw new FormatError('not a fieldseal value (missing fs1: prefix)');
  if (text.length > maxLength) throw new FormatError(`sealed value is longer than the ${maxLength}-character limit`);
  const b64 = text.slice(PREFIX.length);
  const bytes = Buffer.from(b64, 'base64url');
  // Buffer.from skips characters outside the alphabet and ignores non-zero trailing bits:
  // re-encoding detects both, so every bit of the text is significant.
  if (bytes.length < HEADER_BYTES || bytes.toString('base64url') !== b64) {
    throw new FormatError('sealed value is not canonical base64url or is truncated');
  }
  const algorithm = (bytes[0] as number) >>> 4;
  const min = MIN_BYTES[algorithm];
  if (min === undefined) throw new FormatError(`unknown algorithm ${algorithm} in sealed value`);
  if (bytes.length < min) throw new FormatError('sealed value is truncated');
  return {
    algorithm: algorithm as AlgorithmCode,
    valueType: (bytes[0] as number) & 0x0f,
    keyId: bytes.readUInt32BE(1),
    header: bytes.subarray(0, HEADER_BYTES),
    body: bytes.subarray(HEADER_BYTES),
  };
}

/** Default upper bound on the text length decrypt accepts: 64 MiB of text. */
export const DEFAULT_MAX_TEXT_LENGTH = 64 * 1024 * 1024;

/** Cheap structural test: does this look like a fieldseal value (prefix, canonical encoding, known algorithm)? */
export function isSealedText(text: unknown): boolean {
  if (typeof text !== 'string' || !text.startsWith(PREFIX)) return false;
  try {
    parseText(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Exact text length of a sealed value whose plaintext encodes to `plaintextBytes` bytes,
 * for sizing VARCHAR columns. Strings count UTF-8 bytes; numbers and Dates are 8 bytes,
 * booleans 1, bigints their decimal digits (and sign).
 */
export function ciphertextLength(plaintextBytes: number, mode: SealMode = 'randomized'): number {
  if (!Number.isInteger(plaintextBytes) || plaintextBytes < 0) throw new FormatError('plaintextBytes must be a non-negative integer');
  const envelope = mode === 'deterministic' ? HEADER_BYTES + TAG_BYTES + plaintextBytes : HEADER_BYTES + NONCE_BYTES + plaintextBytes + TAG_BYTES;
  return PREFIX.length + Math.ceil((envelope * 4) / 3);
}
