/**
 * Sealing, opening and lookup tokens of protected column values, through the Sealer's
 * public async API (batched: one `encryptMany` / `decryptMany` per operation).
 *
 * @module
 */
import { ConfigurationError, InvalidInputError, PlaintextRejectedError } from '../../errors.js';
import { PREFIX } from '../../format/envelope.js';
import type { BlindIndexable, BlindIndexOptions, Sealable, Sealer, TokenContext } from '../../index.js';
import type { ProtectedField } from './fields.js';
import { fromLegacyText, fromSealable, legacyText, toSealable } from './value-types.js';
import { markWithheld, withheldIndexes } from '../../seal/policy-results.js';

/** The part of the Sealer the adapter uses; a `Sealer` is one. */
export type TypeormSealer = Pick<
  Sealer,
  | 'encryptMany'
  | 'encryptDeterministicMany'
  | 'decryptMany'
  | 'blindIndexMany'
  | 'blindIndexCandidates'
  | 'deterministicCandidates'
  | 'fpe'
  | 'detokenize'
  | 'fpeCandidates'
  | 'isSealed'
  | 'ciphertextLength'
  | 'keyring'
  | 'defaultScope'
>;

/** A row key bound into a randomized ciphertext. */
export type RowKey = string | number | bigint;

/** The row key of a row-column value, or a ConfigurationError naming the columns. */
export function rowKey(field: ProtectedField, value: unknown): RowKey {
  if (typeof value === 'string' || typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new ConfigurationError(`${field.entity}.${field.property} is bound to ${field.entity}.${field.row ?? '?'}, whose value must be known (a string or number) when the column is written or read`);
}

/** The data subject of a row-subject value: a string, or `undefined` for none (NULL). */
export function subjectOf(field: ProtectedField, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) return String(value);
  throw new ConfigurationError(`${field.entity}.${field.property} is sealed under the data subject in ${field.entity}.${field.subject ?? '?'}, whose value must be a string or an integer`);
}

/** The context of a column's values: the logical field's (for a shadow column too), under the column's lookup key version. */
function context(field: ProtectedField, row: RowKey | undefined, subject?: string): TokenContext {
  const ctx: { -readonly [K in keyof TokenContext]: TokenContext[K] } = { model: field.entity, field: field.contextField, scope: field.scope, domain: field.domain };
  if (row !== undefined) ctx.row = row;
  if (subject !== undefined) ctx.subject = subject;
  if (field.lookupVersion !== undefined) ctx.lookupVersion = field.lookupVersion;
  return ctx;
}

function indexOptions(index: ProtectedField): BlindIndexOptions {
  const options: { -readonly [K in keyof BlindIndexOptions]: BlindIndexOptions[K] } = { model: index.entity, field: index.of as string, scope: index.scope, domain: index.domain, normalize: index.normalize, bits: index.bits };
  if (index.lookupVersion !== undefined) options.lookupVersion = index.lookupVersion;
  return options;
}

/** The value a blind index of `source` hashes (typed as the source column). */
export function indexable(index: ProtectedField, source: ProtectedField, value: unknown): BlindIndexable {
  const sealable = toSealable(source, value);
  if (typeof sealable === 'string' || typeof sealable === 'number' || typeof sealable === 'bigint' || typeof sealable === 'boolean' || sealable instanceof Date || sealable instanceof Uint8Array) return sealable;
  throw new InvalidInputError(`${index.entity}.${index.property}: a blind index needs a string, number, bigint, boolean, Date or bytes value`);
}

/** One value to seal. `row` is the row key for row-bound columns. */
export interface ValueToSeal {
  readonly field: ProtectedField;
  readonly value: unknown;
  readonly row?: RowKey | undefined;
  /** For a randomized column with a subject column: the row's data subject (undefined: none). */
  readonly subject?: string | undefined;
  /** For a blind index or a shadow column: the logical column (whose value `value` is). */
  readonly source?: ProtectedField;
}

/**
 * Seals values of any columns (randomized and deterministic in one batch call each, blind
 * indexes in one, FPE one by one). `null` stays `null`. Throws on the first value that
 * cannot be sealed, sealing nothing.
 */
export async function sealValues(sealer: TypeormSealer, values: readonly ValueToSeal[]): Promise<(string | null)[]> {
  const out = new Array<string | null>(values.length).fill(null);
  const randomized: { value: Sealable; ctx: TokenContext }[] = [];
  const deterministic: { value: Sealable; ctx: TokenContext }[] = [];
  const indexes: { value: BlindIndexable; options: BlindIndexOptions }[] = [];
  const at = { randomized: [] as number[], deterministic: [] as number[], indexes: [] as number[] };
  const fpe: Promise<void>[] = [];
  for (let i = 0; i < values.length; i++) {
    const { field, value, row, subject, source } = values[i] as ValueToSeal;
    if (value === null) continue;
    switch (field.mode) {
      case 'randomized':
        randomized.push({ value: toSealable(field, value), ctx: context(field, field.row !== undefined ? rowKey(field, row) : undefined, subject) });
        at.randomized.push(i);
        break;
      case 'deterministic':
        deterministic.push({ value: toSealable(field, value), ctx: context(field, undefined) });
        at.deterministic.push(i);
        break;
      case 'blindIndex':
        indexes.push({ value: indexable(field, source ?? field, value), options: indexOptions(field) });
        at.indexes.push(i);
        break;
      case 'fpe': {
        const text = toSealable(field, value) as string;
        fpe.push(
          sealer.fpe(text, { ...context(field, undefined), format: field.fpeFormat! }).then((token) => {
            out[i] = token;
          }),
        );
        break;
      }
    }
  }
  const [texts, tokens, hashes] = await Promise.all([
    randomized.length === 0 ? [] : sealer.encryptMany(randomized),
    deterministic.length === 0 ? [] : sealer.encryptDeterministicMany(deterministic),
    indexes.length === 0 ? [] : sealer.blindIndexMany(indexes),
    Promise.all(fpe),
  ]);
  at.randomized.forEach((i, j) => (out[i] = texts[j] as string));
  at.deterministic.forEach((i, j) => (out[i] = tokens[j] as string));
  at.indexes.forEach((i, j) => (out[i] = hashes[j] as string));
  return out;
}

/** One stored value to open. */
export interface StoredValue {
  readonly field: ProtectedField;
  readonly stored: unknown;
  readonly row?: RowKey | undefined;
  /** The row's data subject, for a randomized column with a subject column. */
  readonly subject?: string | undefined;
}

/**
 * Opens stored values of any columns: sealed values in one `decryptMany` (all or nothing:
 * a tampered value fails the whole read with DecryptionError), FPE tokens one by one.
 * Plaintext in a strict column is a PlaintextRejectedError; a migrating column returns it
 * converted to its type. Blind indexes are returned as stored.
 */
export async function openValues(sealer: TypeormSealer, values: readonly StoredValue[]): Promise<unknown[]> {
  const out = new Array<unknown>(values.length);
  const sealed: { text: string; ctx: TokenContext }[] = [];
  const sealedAt: number[] = [];
  const fpe: Promise<void>[] = [];
  for (let i = 0; i < values.length; i++) {
    const { field, stored, row, subject } = values[i] as StoredValue;
    if (stored === null || stored === undefined || field.mode === 'blindIndex') {
      out[i] = stored;
      continue;
    }
    if (field.mode === 'fpe') {
      if (typeof stored !== 'string') throw new PlaintextRejectedError(`${field.entity}.${field.property}: stored token is not text`);
      fpe.push(
        sealer.detokenize(stored, { ...context(field, undefined), format: field.fpeFormat! }).then((value) => {
          out[i] = value;
        }),
      );
      continue;
    }
    // A strict column's text is opened as it is (a malformed one fails with FormatError): a
    // full parse here would decode every value twice. A migrating column tells sealed text
    // from legacy plaintext by parsing it.
    if (typeof stored === 'string' && (field.migrating ? sealer.isSealed(stored) : stored.startsWith(PREFIX))) {
      const randomized = field.mode === 'randomized';
      sealed.push({ text: stored, ctx: context(field, randomized && field.row !== undefined ? rowKey(field, row) : undefined, randomized ? subject : undefined) });
      sealedAt.push(i);
      continue;
    }
    if (!field.migrating) {
      throw new PlaintextRejectedError(`${field.entity}.${field.property}: the column holds a value that is not sealed (mark the column migrating while existing rows are sealed)`);
    }
    out[i] = fromLegacyText(field, stored);
  }
  const [opened] = await Promise.all([sealed.length === 0 ? [] : sealer.decryptMany(sealed), Promise.all(fpe)]);
  // Masks and nulls an access policy put in place of values are returned as they are (and marked on `out`).
  const withheld = withheldIndexes(opened);
  if (withheld === undefined) sealedAt.forEach((i, j) => (out[i] = fromSealable((values[i] as StoredValue).field, opened[j] as Sealable)));
  else {
    sealedAt.forEach((i, j) => (out[i] = withheld.has(j) ? opened[j] : fromSealable((values[i] as StoredValue).field, opened[j] as Sealable)));
    markWithheld(out, new Set(sealedAt.filter((_, j) => withheld.has(j))));
  }
  return out;
}

/**
 * The column a lookup on `field` compares: a randomized column's blind index, a
 * deterministic or FPE column itself or its shadow column (the highest lookup key version
 * not reindexing). A ConfigurationError when there is none.
 */
export function lookupColumn(field: ProtectedField): ProtectedField {
  if (field.mode === 'blindIndex' || field.shadowOf !== undefined) throw new ConfigurationError(`${field.entity}.${field.property} holds lookup tokens of ${field.of ?? field.shadowOf ?? 'another column'}: query that column instead`);
  const column = field.lookupBy;
  if (column === undefined) throw new ConfigurationError(`${field.entity}.${field.property} has no blind index to look it up by`);
  return column;
}

/**
 * The stored values a lookup of `value` on `field` must match in its {@link lookupColumn}:
 * the token under every live lookup key of the scope and the column's version (one unless
 * the scope's lookup keys were migrated), plus, while a deterministic string column is
 * migrating and looked up by itself, the legacy plaintext.
 */
export async function lookupTexts(sealer: TypeormSealer, field: ProtectedField, value: unknown): Promise<string[]> {
  const column = lookupColumn(field);
  switch (field.mode) {
    case 'deterministic': {
      const texts = await sealer.deterministicCandidates(toSealable(field, value), context(column, undefined));
      if (field.migrating && column === field) {
        const legacy = legacyText(field, value);
        if (legacy !== undefined) texts.push(legacy);
      }
      return texts;
    }
    case 'fpe':
      return (await sealer.fpeCandidates(toSealable(field, value) as string, { ...context(column, undefined), format: column.fpeFormat! })).map((c) => c.token);
    default:
      return sealer.blindIndexCandidates(indexable(column, field, value), indexOptions(column));
  }
}
