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

function context(field: ProtectedField, row: RowKey | undefined): TokenContext {
  return { model: field.entity, field: field.property, scope: field.scope, domain: field.domain, ...(row !== undefined ? { row } : {}) };
}

function indexOptions(index: ProtectedField): BlindIndexOptions {
  return { model: index.entity, field: index.of as string, scope: index.scope, domain: index.domain, normalize: index.normalize, bits: index.bits };
}

function indexable(index: ProtectedField, source: ProtectedField, value: unknown): BlindIndexable {
  const sealable = toSealable(source, value);
  if (typeof sealable === 'string' || typeof sealable === 'number' || typeof sealable === 'bigint' || typeof sealable === 'boolean' || sealable instanceof Date || sealable instanceof Uint8Array) return sealable;
  throw new InvalidInputError(`${index.entity}.${index.property}: a blind index needs a string, number, bigint, boolean, Date or bytes value`);
}

/** One value to seal. `row` is the row key for row-bound columns. */
export interface ValueToSeal {
  readonly field: ProtectedField;
  readonly value: unknown;
  readonly row?: RowKey | undefined;
  /** For a blind index: the indexed column (whose value `value` is). */
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
    const { field, value, row, source } = values[i] as ValueToSeal;
    if (value === null) continue;
    switch (field.mode) {
      case 'randomized':
        randomized.push({ value: toSealable(field, value), ctx: context(field, field.row !== undefined ? rowKey(field, row) : undefined) });
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
    const { field, stored, row } = values[i] as StoredValue;
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
      sealed.push({ text: stored, ctx: context(field, field.mode === 'randomized' && field.row !== undefined ? rowKey(field, row) : undefined) });
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
 * The stored values a lookup of `value` on `field` must match: the token under every live
 * lookup key of the scope (one unless the scope's lookup keys were migrated), plus, while a
 * deterministic string column is migrating, the legacy plaintext. For a randomized column,
 * the tokens of its (first) blind index.
 */
export async function lookupTexts(sealer: TypeormSealer, field: ProtectedField, value: unknown): Promise<string[]> {
  switch (field.mode) {
    case 'deterministic': {
      const texts = await sealer.deterministicCandidates(toSealable(field, value), context(field, undefined));
      if (field.migrating) {
        const legacy = legacyText(field, value);
        if (legacy !== undefined) texts.push(legacy);
      }
      return texts;
    }
    case 'fpe':
      return (await sealer.fpeCandidates(toSealable(field, value) as string, { ...context(field, undefined), format: field.fpeFormat! })).map((c) => c.token);
    case 'randomized': {
      const index = field.indexes[0];
      if (index === undefined) throw new ConfigurationError(`${field.entity}.${field.property} has no blind index to look it up by`);
      return sealer.blindIndexCandidates(indexable(index, field, value), indexOptions(index));
    }
    case 'blindIndex':
      throw new ConfigurationError(`${field.entity}.${field.property} is a blind index: query ${field.of ?? 'its source'} instead`);
  }
}
