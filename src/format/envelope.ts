/**
 * Ciphertext format v1 (docs/format.md is the normative description; golden vectors in
 * test/format/golden.test.ts freeze it).
 *
 * Text form:  `fs1:` ‖ base64url(envelope), no padding, canonical.
 * Envelope:   byte 0      algorithm (high 4 bits) ‖ value type (low 4 bits)
 *             bytes 1..4  data key id (u32, big-endian)
 *             deterministic     (alg 2, AES-SIV):        SIV (16) ‖ ciphertext
 *             randomized, short (alg 3, AES-SIV):        SIV (16) ‖ ciphertext of (random 16 ‖ plaintext)
 *             randomized, long  (alg 4, committing GCM): nonce (16) ‖ commitment (32) ‖ ciphertext ‖ tag (16)
 *
 * The 5 header bytes are authenticated as associated data together with the field context.
 * Algorithm 1 (XAES-256-GCM without key commitment, before 1.0) is retired: refused, and its
 * code is never reused.
 *
 * @module
 */
import { COMMITMENT_BYTES } from '../crypto/committing-gcm.js';
import { FormatError } from '../errors.js';

/** The fixed text prefix: tells sealed values from legacy plaintext while a column migrates. */
export const PREFIX = 'fs1:';
/** Header length in bytes (algorithm/type byte + 4-byte key id). */
export const HEADER_BYTES = 5;
/** Stored nonce length of the randomized mode (see docs/format.md §Nonces). */
export const NONCE_BYTES = 16;
/** AEAD tag / SIV length. */
export const TAG_BYTES = 16;
/** Key commitment length of algorithm 4 (docs/format.md §Key commitment). */
export { COMMITMENT_BYTES };
/** Randomized plaintexts up to this many bytes use algorithm 3 (AES-SIV), longer ones algorithm 4 (measured crossover, bench/). */
export const SHORT_VALUE_MAX_BYTES = 128;

/** Algorithm codes (high nibble of byte 0). Code 1 is retired and never reused. */
export const Algorithm = {
  /** Deterministic: AES-SIV (RFC 5297) with a 512-bit per-field subkey. */
  aesSiv: 2,
  /** Randomized, short values: AES-SIV (RFC 5297) of a 128-bit random prefix ‖ plaintext. */
  aesSivRandom: 3,
  /** Randomized, long values: key-committing AES-256-GCM (HKDF-derived key and commitment per nonce prefix, crypto/committing-gcm.ts). */
  aesGcmCommit: 4,
} as const;

/** Retired algorithm codes, with why they are refused. */
const RETIRED: Record<number, string> = {
  1: 'algorithm 1 (XAES-256-GCM without key commitment, written before 1.0) is no longer accepted: open such values with the release that wrote them and seal them again',
};
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
  [Algorithm.aesSiv]: HEADER_BYTES + TAG_BYTES,
  [Algorithm.aesSivRandom]: HEADER_BYTES + TAG_BYTES + NONCE_BYTES,
  [Algorithm.aesGcmCommit]: HEADER_BYTES + NONCE_BYTES + COMMITMENT_BYTES + TAG_BYTES,
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
  const bytes = Buffer.allocUnsafe(base64urlBytes(text.length - PREFIX.length));
  if (bytes.length < HEADER_BYTES || !decodeSealedInto(text, bytes, 0)) throw new FormatError('sealed value is not canonical base64url or is truncated');
  const algorithm = (bytes[0] as number) >>> 4;
  const min = MIN_BYTES[algorithm];
  if (min === undefined) throw new FormatError(RETIRED[algorithm] ?? `unknown algorithm ${algorithm} in sealed value`);
  if (bytes.length < min) throw new FormatError('sealed value is truncated');
  return {
    algorithm: algorithm as AlgorithmCode,
    valueType: (bytes[0] as number) & 0x0f,
    keyId: bytes.readUInt32BE(1),
    header: bytes.subarray(0, HEADER_BYTES),
    body: bytes.subarray(HEADER_BYTES),
  };
}

/** Envelopes decoded end to end into one buffer; see {@link decodeTexts}. */
export interface DecodedTexts {
  readonly data: Buffer;
  /** Where envelope i starts in `data`, or -1 when text i is not a valid sealed value. */
  readonly starts: readonly number[];
  readonly lengths: readonly number[];
}

/**
 * The bodies (what follows the header) of envelopes that lie in one buffer: envelope j is
 * `lengths[j]` bytes at `starts[j]`, its body the same range without the header.
 */
export function envelopeBodies(starts: readonly number[], lengths: readonly number[]): { starts: number[]; lengths: number[] } {
  const n = starts.length;
  const bodies = { starts: new Array<number>(n), lengths: new Array<number>(n) };
  for (let j = 0; j < n; j++) {
    bodies.starts[j] = (starts[j] as number) + HEADER_BYTES;
    bodies.lengths[j] = (lengths[j] as number) - HEADER_BYTES;
  }
  return bodies;
}

/**
 * Decodes many texts at once into one buffer, for opening many values without a buffer
 * and views per value. Accepts exactly what {@link parseText} accepts; for a text it
 * rejects (start -1), call parseText to get the error.
 */
export function decodeTexts(texts: readonly unknown[], maxLength = DEFAULT_MAX_TEXT_LENGTH): DecodedTexts {
  const starts = new Array<number>(texts.length);
  const lengths = new Array<number>(texts.length);
  let total = 0;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    // The encoding itself is checked while decoding (below).
    const ok = typeof text === 'string' && text.length <= maxLength && text.startsWith(PREFIX) && ((text.length - PREFIX.length) & 3) !== 1;
    const length = ok ? base64urlBytes(text.length - PREFIX.length) : 0;
    starts[i] = ok ? total : -1;
    lengths[i] = length;
    total += length;
  }
  const data = Buffer.allocUnsafe(total);
  for (let i = 0; i < texts.length; i++) {
    const start = starts[i] as number;
    if (start === -1) continue;
    const length = lengths[i] as number;
    const canonical = decodeSealedInto(texts[i] as string, data, start);
    const min = length >= HEADER_BYTES ? MIN_BYTES[(data[start] as number) >>> 4] : undefined;
    if (!canonical || min === undefined || length < min) starts[i] = -1;
  }
  return { data, starts, lengths };
}

/** Texts longer than this are checked for canonical encoding by re-encoding (see decodeTexts). */
const LONG_TEXT = 256;

/** Bytes encoded by `n` canonical base64url characters (no padding). */
function base64urlBytes(n: number): number {
  return (n >> 2) * 3 + [0, 0, 1, 2][n & 3]!;
}

/** Base64url character values (-1: not in the alphabet). */
const BASE64URL_VALUE = (() => {
  const table = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

/**
 * Decodes the base64url after the prefix of `text` into `out` at `at`
 * ({@link base64urlBytes} of its length); false, `out` partly written, when it is not
 * canonical. Node's decoder skips characters outside the alphabet and ignores non-zero
 * trailing bits, so every bit is made significant: short texts are decoded in JS while
 * checked, long ones (where a native loop beats a JS one) natively, then re-encoded.
 */
function decodeSealedInto(text: string, out: Buffer, at: number): boolean {
  if (text.length <= LONG_TEXT) return decodeBase64urlInto(text, PREFIX.length, out, at);
  if (((text.length - PREFIX.length) & 3) === 1) return false;
  const b64 = text.slice(PREFIX.length);
  const length = base64urlBytes(b64.length);
  return out.write(b64, at, length, 'base64url') === length && out.toString('base64url', at, at + length) === b64;
}

/** The value of base64url character `i` of `text`, or -1 when it is not in the alphabet. */
function base64urlValue(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return code < 128 ? (BASE64URL_VALUE[code] as number) : -1;
}

/**
 * Decodes `text` from `from` on into `out` at `at` ({@link base64urlBytes} of its length),
 * when it is canonical unpadded base64url (RFC 4648 §5): only alphabet characters, a length
 * that is not 1 mod 4, and zero bits after the last byte; the set that decoding and
 * re-encoding to the same text accepts. Otherwise false, `out` partly written.
 *
 * Node's decoder would accept more (it skips foreign characters) and, for the short texts
 * of one lookup, costs more: a native call per value, several microseconds each when run
 * between a database driver's calls (bench/). The table is indexed by ciphertext
 * characters, which are not secret.
 */
function decodeBase64urlInto(text: string, from: number, out: Uint8Array, at: number): boolean {
  const rest = (text.length - from) & 3;
  if (rest === 1) return false;
  const whole = text.length - rest;
  let o = at;
  for (let i = from; i < whole; i += 4) {
    const a = base64urlValue(text, i);
    const b = base64urlValue(text, i + 1);
    const c = base64urlValue(text, i + 2);
    const d = base64urlValue(text, i + 3);
    if ((a | b | c | d) < 0) return false;
    const bits = (a << 18) | (b << 12) | (c << 6) | d;
    out[o] = bits >>> 16;
    out[o + 1] = (bits >>> 8) & 0xff;
    out[o + 2] = bits & 0xff;
    o += 3;
  }
  if (rest === 0) return true;
  const a = base64urlValue(text, whole);
  const b = base64urlValue(text, whole + 1);
  if ((a | b) < 0) return false;
  out[o] = (a << 2) | (b >>> 4);
  if (rest === 2) return (b & 0x0f) === 0;
  const c = base64urlValue(text, whole + 2);
  if (c < 0 || (c & 0x03) !== 0) return false;
  out[o + 1] = ((b & 0x0f) << 4) | (c >>> 2);
  return true;
}

/**
 * Default upper bound on a sealed text's length: 1 Mi characters (about 768 KiB of
 * plaintext). Opening one that long takes a few milliseconds of event-loop time; 64 Mi
 * characters took hundreds. Raise it per Sealer (`maxTextLength`) for large documents.
 */
export const DEFAULT_MAX_TEXT_LENGTH = 1024 * 1024;

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
 * booleans 1, bigints their decimal digits (and sign). Randomized values over
 * {@link SHORT_VALUE_MAX_BYTES} carry a 32-byte key commitment as well.
 */
export function ciphertextLength(plaintextBytes: number, mode: SealMode = 'randomized'): number {
  if (!Number.isInteger(plaintextBytes) || plaintextBytes < 0) throw new FormatError('plaintextBytes must be a non-negative integer');
  let envelope: number;
  if (mode === 'deterministic') envelope = HEADER_BYTES + TAG_BYTES + plaintextBytes;
  else if (plaintextBytes <= SHORT_VALUE_MAX_BYTES) envelope = HEADER_BYTES + TAG_BYTES + NONCE_BYTES + plaintextBytes;
  else envelope = HEADER_BYTES + NONCE_BYTES + COMMITMENT_BYTES + plaintextBytes + TAG_BYTES;
  return PREFIX.length + Math.ceil((envelope * 4) / 3);
}
