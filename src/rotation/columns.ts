/**
 * Protected columns as the rotation jobs see them: how a column is sealed (mode, context,
 * blind index), what a stored value is (NULL, legacy plaintext, sealed under which key, or
 * damaged), the context a row's value opens in, and how legacy plaintext parses into the
 * typed value to seal (and back, for `decrypt`).
 *
 * @module
 */
import { ConfigurationError, InvalidInputError } from '../errors.js';
import type { FieldContext } from '../format/context.js';
import { Algorithm, keyIdToString, parseText, PREFIX } from '../format/envelope.js';
import type { Sealable } from '../format/value-codec.js';
import { checkScopeName, MAX_LOOKUP_VERSION } from '../keys/key-scope.js';
import type { BlindIndexOptions, TokenContext } from '../seal/sealer.js';
import type { FpeOptions } from '../seal/tokens.js';
import type { FpeFormat } from '../tokenize/fpe.js';
import { checkBlindIndexBits } from '../tokenize/blind-index.js';
import { NORMALIZER_NAMES, type Normalizer } from '../tokenize/normalize.js';
import type { RowKey, SourceRow, StoredValue } from './row-source.js';

/** How legacy plaintext in a column parses into the value to seal (`string` when not given). */
export type PlaintextType = 'string' | 'number' | 'bigint' | 'boolean' | 'date' | 'json';

/**
 * A reindex in progress: the shadow column a lookup token is also written to, under the
 * next lookup key version, while the `reindex` job backfills it. The application writes
 * both columns meanwhile (the adapters' dual write), reads switch to the shadow column once
 * the job is done, and the old column is dropped last.
 */
export interface ReindexColumn {
  /** The shadow column (text, nullable, with the old column's unique constraint if it has one). */
  readonly column: string;
  /** The lookup key version of the new tokens (2, 3, ...): never the version the column has now. */
  readonly lookupVersion: number;
}

/** The blind index column kept beside a protected column. */
export interface BlindIndexColumn {
  /** The column holding the index (text). */
  readonly column: string;
  /** Normalizer applied to string values before hashing; the same one the application uses. */
  readonly normalize?: Normalizer;
  /** Bits kept (16..256, default 256); the same as the application's. */
  readonly bits?: number;
  /** A token domain shared with other fields, when the application's index uses one. */
  readonly domain?: string;
  /** The lookup key version the index is under (default 1; see `TokenContext.lookupVersion`). */
  readonly lookupVersion?: number;
  /** A reindex of this blind index in progress (filled by the `reindex` job). */
  readonly reindex?: ReindexColumn;
}

/**
 * One protected column of a row source's table, described the way the application seals
 * it: the jobs must open and seal values in exactly the application's context, or the
 * application could no longer read what a job wrote.
 */
export interface ProtectedColumn {
  /** The column in the table. */
  readonly column: string;
  /** The context's model (as the application passes it, e.g. `User`). */
  readonly model: string;
  /** The context's field (e.g. `email`). */
  readonly field: string;
  /**
   * Randomized (under the data key of the scope or subject), deterministic (under the
   * scope's lookup key), or format-preserving tokens (FF1 under the scope's lookup key; see
   * `format`). FPE tokens look like plaintext, so only `status`, `verify`, `reindex` and
   * `decrypt` take FPE columns.
   */
  readonly mode: 'randomized' | 'deterministic' | 'fpe';
  /** Randomized: values are bound to their row, whose context row is the primary key. FPE: the row is part of the tweak. */
  readonly rowBound?: boolean;
  /** FPE only: the token format, as the application passes it (e.g. `fpeFormats.card({ keep: { last: 4 } })`). */
  readonly format?: FpeFormat;
  /** Deterministic and FPE: the lookup key version of the column's tokens (default 1). */
  readonly lookupVersion?: number;
  /** Deterministic and FPE: a reindex of the column's tokens in progress (filled by the `reindex` job). */
  readonly reindex?: ReindexColumn;
  /** The key scope (default: the Sealer's default scope). */
  readonly scope?: string;
  /** Randomized only: a plain column of the same row holding the data subject (NULL: no subject). */
  readonly subjectColumn?: string;
  /** Deterministic and FPE: the token domain, when the application shares one between fields. */
  readonly domain?: string;
  /** The column's blind index, filled by `backfill` in the same write as the sealed value. */
  readonly blindIndex?: BlindIndexColumn;
  /** How legacy plaintext parses (backfill) and how opened values are written back as text (decrypt). */
  readonly plaintextType?: PlaintextType;
}

const PLAINTEXT_TYPES: readonly PlaintextType[] = ['string', 'number', 'bigint', 'boolean', 'date', 'json'];
const NAMED_NORMALIZERS = new Set<string>(NORMALIZER_NAMES);

/**
 * Checks a job's column list against itself and the table's key column: names present and
 * distinct, each option valid for the mode. Throws ConfigurationError naming the column.
 */
export function checkColumns(columns: readonly ProtectedColumn[], keyColumn: string): void {
  if (!Array.isArray(columns) || columns.length === 0) throw new ConfigurationError('a rotation job needs at least one protected column');
  const written = new Set<string>();
  const claim = (name: string, what: string): void => {
    if (name === keyColumn) throw new ConfigurationError(`${what} '${name}' is the primary key column`);
    if (written.has(name)) throw new ConfigurationError(`column '${name}' is named twice (protected columns and blind index columns must be distinct)`);
    written.add(name);
  };
  for (const spec of columns) {
    if (spec === null || typeof spec !== 'object') throw new ConfigurationError('a protected column must be an object { column, model, field, mode }');
    const bad = (why: string): never => {
      throw new ConfigurationError(`protected column '${String(spec.column)}': ${why}`);
    };
    if (typeof spec.column !== 'string' || spec.column === '') bad('column must be a non-empty string');
    if (typeof spec.model !== 'string' || spec.model === '' || typeof spec.field !== 'string' || spec.field === '') bad('model and field must be non-empty strings');
    if (spec.mode !== 'randomized' && spec.mode !== 'deterministic' && spec.mode !== 'fpe') bad("mode must be 'randomized', 'deterministic' or 'fpe'");
    claim(spec.column, 'protected column');
    if (spec.scope !== undefined) checkScopeName(spec.scope);
    if (spec.mode === 'fpe') {
      if (spec.format === null || typeof spec.format !== 'object' || typeof (spec.format as { kind?: unknown }).kind !== 'string') bad('an FPE column needs its token format (fpeFormats.card(), ...)');
      if (spec.subjectColumn !== undefined) bad("FPE tokens are made under the scope's lookup key, never a subject's");
      if (spec.blindIndex !== undefined) bad('an FPE column is looked up by its own tokens; it has no blind index');
      if (spec.plaintextType !== undefined && spec.plaintextType !== 'string') bad('FPE tokens are strings');
    } else if (spec.format !== undefined) {
      bad('a token format applies to FPE columns');
    }
    if (spec.mode === 'randomized' && (spec.lookupVersion !== undefined || spec.reindex !== undefined)) bad('a randomized column has no lookup tokens of its own (reindex its blindIndex)');
    if (spec.lookupVersion !== undefined) checkVersion(spec.lookupVersion, bad);
    if (spec.reindex !== undefined) checkReindex(spec.reindex, spec.lookupVersion, 'reindex', bad, claim);
    if (spec.mode === 'deterministic') {
      // The Sealer binds neither: a job that did would write values the application cannot find by equality.
      if (spec.rowBound === true) bad('deterministic values are never bound to a row (equal values must give equal texts)');
      if (spec.subjectColumn !== undefined) bad("deterministic values are sealed under the scope's lookup key, never a subject's");
    } else if (spec.mode === 'randomized' && spec.domain !== undefined) {
      bad('a token domain applies to deterministic and FPE columns (a blind index takes its own blindIndex.domain)');
    }
    if (spec.subjectColumn !== undefined) {
      if (typeof spec.subjectColumn !== 'string' || spec.subjectColumn === '') bad('subjectColumn must be a non-empty string');
      if (spec.subjectColumn === spec.column) bad('subjectColumn must be another column');
    }
    if (spec.plaintextType !== undefined && !PLAINTEXT_TYPES.includes(spec.plaintextType)) bad(`plaintextType must be one of ${PLAINTEXT_TYPES.join(', ')}`);
    const index = spec.blindIndex;
    if (index !== undefined) {
      if (index === null || typeof index !== 'object' || typeof index.column !== 'string' || index.column === '') bad('blindIndex.column must be a non-empty string');
      claim(index.column, 'blind index column');
      if (index.bits !== undefined) checkBlindIndexBits(index.bits);
      if (index.lookupVersion !== undefined) checkVersion(index.lookupVersion, bad);
      if (index.reindex !== undefined) checkReindex(index.reindex, index.lookupVersion, 'blindIndex.reindex', bad, claim);
      if (index.normalize !== undefined && typeof index.normalize !== 'function' && !NAMED_NORMALIZERS.has(index.normalize)) bad(`unknown normalizer '${String(index.normalize)}'`);
      if (spec.plaintextType === 'json') bad('JSON values have no blind index');
    }
  }
  // A subject column is read, never written: it must not be one the job rewrites.
  for (const spec of columns) {
    if (spec.subjectColumn !== undefined && written.has(spec.subjectColumn)) {
      throw new ConfigurationError(`protected column '${spec.column}': subjectColumn '${spec.subjectColumn}' is written by the job; it must be a plain column`);
    }
  }
}

function checkVersion(version: unknown, bad: (why: string) => never): void {
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > MAX_LOOKUP_VERSION) bad(`lookupVersion must be an integer from 1 to ${MAX_LOOKUP_VERSION}`);
}

function checkReindex(target: ReindexColumn, from: number | undefined, what: string, bad: (why: string) => never, claim: (name: string, what: string) => void): void {
  if (target === null || typeof target !== 'object' || typeof target.column !== 'string' || target.column === '') bad(`${what}.column must be a non-empty string`);
  checkVersion(target.lookupVersion, bad);
  // The same version would write the same tokens again: a no-op migration that hides a config mistake.
  if (target.lookupVersion === (from ?? 1)) bad(`${what}.lookupVersion must differ from the version the column has now (${from ?? 1})`);
  claim(target.column, `${what} column`);
}

/** Every column a job reads for `columns`, besides the key: protected, blind index, shadow and subject columns. */
export function columnsToRead(columns: readonly ProtectedColumn[]): string[] {
  const names = new Set<string>();
  for (const spec of columns) {
    names.add(spec.column);
    if (spec.reindex !== undefined) names.add(spec.reindex.column);
    if (spec.blindIndex?.reindex !== undefined) names.add(spec.blindIndex.reindex.column);
    if (spec.blindIndex !== undefined) names.add(spec.blindIndex.column);
    if (spec.subjectColumn !== undefined) names.add(spec.subjectColumn);
  }
  return [...names];
}

/**
 * The key id of a sealed value: 8 lowercase hex digits (as in key records and `keys
 * list`), or undefined when `text` is not a well-formed fieldseal value. Reads the header
 * only: it does not authenticate the value.
 */
export function keyIdOf(text: unknown): string | undefined {
  const stored = classifyValue(typeof text === 'string' ? text : null);
  return stored.kind === 'sealed' ? stored.keyId : undefined;
}

/** What a stored value is. */
export type StoredValueInfo =
  | { readonly kind: 'null' }
  /** Legacy plaintext: any text without the `fs1:` prefix. */
  | { readonly kind: 'plaintext' }
  /** Has the `fs1:` prefix but does not parse (truncated, bad encoding, unknown or retired algorithm). */
  | { readonly kind: 'malformed' }
  | {
      readonly kind: 'sealed';
      /** 8 hex digits. */
      readonly keyId: string;
      /** Deterministic (AES-SIV under a lookup key) or randomized (under a data key). */
      readonly mode: 'randomized' | 'deterministic';
    };

/**
 * Classifies a stored value by its shape (no key is used). Values of any length parse
 * here; the Sealer's `maxTextLength` applies when one is opened.
 */
export function classifyValue(value: StoredValue): StoredValueInfo {
  if (value === null || value === undefined) return { kind: 'null' };
  if (!value.startsWith(PREFIX)) return { kind: 'plaintext' };
  try {
    const envelope = parseText(value, Number.MAX_SAFE_INTEGER);
    return {
      kind: 'sealed',
      keyId: keyIdToString(envelope.keyId),
      mode: envelope.algorithm === Algorithm.aesSiv ? 'deterministic' : 'randomized',
    };
  } catch {
    return { kind: 'malformed' };
  }
}

/** The subject of a row for a column: the subject column's value (NULL: none). */
export function subjectOf(spec: ProtectedColumn, row: SourceRow): string | undefined {
  if (spec.subjectColumn === undefined) return undefined;
  return row.values[spec.subjectColumn] ?? undefined;
}

/** The context a row's value of the column is sealed in: the application's, field for field. */
export function contextOf(spec: ProtectedColumn, row: SourceRow): TokenContext {
  if (spec.mode === 'deterministic') {
    const ctx: { -readonly [K in keyof TokenContext]: TokenContext[K] } = { model: spec.model, field: spec.field };
    if (spec.scope !== undefined) ctx.scope = spec.scope;
    if (spec.domain !== undefined) ctx.domain = spec.domain;
    if (spec.lookupVersion !== undefined) ctx.lookupVersion = spec.lookupVersion;
    return ctx;
  }
  if (spec.mode === 'fpe') return fpeOptionsOf(spec, row, spec.lookupVersion);
  const ctx: { -readonly [K in keyof FieldContext]: FieldContext[K] } = { model: spec.model, field: spec.field };
  if (spec.scope !== undefined) ctx.scope = spec.scope;
  const subject = subjectOf(spec, row);
  if (subject !== undefined) ctx.subject = subject;
  if (spec.rowBound === true) ctx.row = row.key;
  return ctx;
}

/** The FPE options of an FPE column's row, under lookup key `version` (the column's own, or a reindex target's). */
export function fpeOptionsOf(spec: ProtectedColumn, row: SourceRow, version: number | undefined): FpeOptions {
  const options: { -readonly [K in keyof FpeOptions]: FpeOptions[K] } = { model: spec.model, field: spec.field, format: spec.format as FpeFormat };
  if (spec.scope !== undefined) options.scope = spec.scope;
  if (spec.domain !== undefined) options.domain = spec.domain;
  if (spec.rowBound === true) options.row = row.key;
  if (version !== undefined) options.lookupVersion = version;
  return options;
}

/** The options of the column's blind index (under its own version, or `version` for a reindex target). */
export function blindIndexOptionsOf(spec: ProtectedColumn & { readonly blindIndex: BlindIndexColumn }, version: number | undefined = spec.blindIndex.lookupVersion): BlindIndexOptions {
  const options: { -readonly [K in keyof BlindIndexOptions]: BlindIndexOptions[K] } = { model: spec.model, field: spec.field };
  if (version !== undefined) options.lookupVersion = version;
  if (spec.scope !== undefined) options.scope = spec.scope;
  if (spec.blindIndex.domain !== undefined) options.domain = spec.blindIndex.domain;
  if (spec.blindIndex.normalize !== undefined) options.normalize = spec.blindIndex.normalize;
  if (spec.blindIndex.bits !== undefined) options.bits = spec.blindIndex.bits;
  return options;
}

/**
 * Parses legacy plaintext as the column's `plaintextType`. Strict: a text that does not
 * read back as the same value (`'1.0'` as a bigint, `'yes'` as a boolean, a JSON scalar)
 * is refused with InvalidInputError, whose message never quotes the text.
 */
export function parsePlaintext(text: string, type: PlaintextType = 'string'): Sealable {
  switch (type) {
    case 'string':
      return text;
    case 'number': {
      const value = Number(text);
      if (text.trim() === '' || (Number.isNaN(value) && text.trim() !== 'NaN')) throw new InvalidInputError('plaintext is not a number');
      return value;
    }
    case 'bigint':
      if (!/^\s*-?\d+\s*$/.test(text)) throw new InvalidInputError('plaintext is not an integer');
      return BigInt(text.trim());
    case 'boolean': {
      const word = text.trim().toLowerCase();
      if (word === 'true' || word === 't' || word === '1') return true;
      if (word === 'false' || word === 'f' || word === '0') return false;
      throw new InvalidInputError('plaintext is not a boolean (true/false, t/f, 1/0)');
    }
    case 'date': {
      // Digits alone are milliseconds since the epoch (how some schemas keep times as text).
      const time = /^\s*-?\d+\s*$/.test(text) ? Number(text) : Date.parse(text);
      if (!Number.isFinite(time)) throw new InvalidInputError('plaintext is not a date');
      return new Date(time);
    }
    case 'json': {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new InvalidInputError('plaintext is not JSON');
      }
      // A JSON scalar would be sealed as a string, number or boolean and open as that type, not as JSON.
      if (value === null || typeof value !== 'object') throw new InvalidInputError('plaintext JSON is not an object or an array');
      return value as Sealable;
    }
    default:
      throw new ConfigurationError(`unknown plaintextType '${String(type)}'`);
  }
}

/**
 * The text an opened value is written back as by `decrypt`: strings as they are, numbers
 * and bigints in decimal, booleans as `true`/`false`, dates in ISO 8601, JSON as JSON.
 * Bytes have no text form the column could hold without a convention of its own: refused.
 */
export function plaintextText(value: Sealable): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      if (value instanceof Date) return value.toISOString();
      if (value instanceof Uint8Array) throw new InvalidInputError('the value is bytes, which decrypt does not write back as text');
      return JSON.stringify(value);
  }
}

/** A row key as text, for maps and messages (`1`, `1n` and `'1'` are the same row, as in contexts). */
export function keyText(key: RowKey): string {
  return typeof key === 'string' ? key : key.toString(10);
}
