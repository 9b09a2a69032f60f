/**
 * Row access for one protected field: read a stored value, decide whether it is sealed or
 * legacy plaintext, open or seal it, and compute lookup tokens. Everything that touches a
 * single column value lives here so that a resumable backfill utility
 * reuses exactly the adapter's rules.
 *
 * @module
 */
import { Decimal } from './decimal.js';
import { ConfigurationError, InvalidInputError, PlaintextRejectedError } from '../../errors.js';
import { PREFIX, type BlindIndexable, type BlindIndexOptions, type Sealable, type TokenContext } from '../../index.js';
import { fromLegacyValue, fromSealable, fromStorage, toSealable, toStorage } from './codec.js';
import type { ProtectedField } from './config.js';
import type { FieldSealer, RowKey } from './sealer-port.js';
import { withheldIndexes, type UnpolicedOpener } from '../../seal/policy-results.js';

/** What a stored column value is. */
export type StoredState = 'null' | 'sealed' | 'plaintext';

/** Classifies a stored value: null, a fieldseal value, or anything else (legacy plaintext). */
export function classifyStored(sealer: FieldSealer, stored: unknown): StoredState {
  if (stored === null || stored === undefined) return 'null';
  const text = fromStorage(stored);
  return text !== undefined && sealer.isSealed(text) ? 'sealed' : 'plaintext';
}

/** Whether a stored value still needs sealing (what a backfill looks for). */
export function needsSealing(sealer: FieldSealer, field: ProtectedField, stored: unknown): boolean {
  if (field.mode === 'fpe' || field.mode === 'blindIndex') return false;
  return classifyStored(sealer, stored) === 'plaintext';
}

/** The token context of a field, without a row or subject: made once per field (results open thousands of values). */
const fieldContexts = new WeakMap<ProtectedField, TokenContext>();

/**
 * The context `field`'s values are sealed in: the logical field's model and name (a
 * shadow's are its field's), scope, domain, the lookup key version of its tokens, and the
 * row and subject when the field is bound to them.
 */
function context(field: ProtectedField, row: RowKey | undefined, subject?: string): TokenContext {
  const base = fieldContext(field);
  if (row === undefined && subject === undefined) return base;
  // One shape for every context (absent parts are undefined), spelled out rather than
  // spread: a spread copy given a key its source lacks gets a hidden class of its own in V8,
  // and the Sealer reads every value's context.
  return { model: base.model, field: base.field, scope: base.scope, row, domain: base.domain, subject, lookupVersion: base.lookupVersion };
}

function fieldContext(field: ProtectedField): TokenContext {
  let ctx = fieldContexts.get(field);
  if (ctx === undefined) {
    ctx = Object.freeze({
      model: field.model,
      field: field.contextField,
      scope: field.scope,
      row: undefined,
      domain: field.domain,
      subject: undefined,
      lookupVersion: field.version > 1 ? field.version : undefined,
    });
    fieldContexts.set(field, ctx);
  }
  return ctx;
}

/** Converts a subject-column value to a context subject (NULL: no subject). */
export function subjectKey(field: ProtectedField, value: unknown): string | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) return String(value);
  throw new ConfigurationError(`${field.model}.${field.field} is sealed under the data subject in ${field.model}.${field.subject ?? '?'}, whose value must be known (a string or an integer) when the field is written or read`);
}

/** Converts a row-column value to a context row key. */
export function rowKey(field: ProtectedField, value: unknown): RowKey {
  if (typeof value === 'string' || typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value instanceof Date) return value.toISOString();
  throw new ConfigurationError(`${field.model}.${field.field} is bound to ${field.model}.${field.row ?? '?'}, whose value must be known (a string or number) when the field is written or read`);
}

/**
 * Seals an application value for storage. `row` is required for row-bound fields.
 * Blind index fields are not sealed here (see `indexValue`).
 */
export async function sealValue(sealer: FieldSealer, field: ProtectedField, value: unknown, row?: RowKey): Promise<string | Uint8Array | null> {
  return (await sealValues(sealer, [{ field, value, row }]))[0] as string | Uint8Array | null;
}

/** One application value to seal: its field, the value, and the row key for row-bound fields. */
export interface ValueToSeal {
  readonly field: ProtectedField;
  readonly value: unknown;
  readonly row?: RowKey | undefined;
  /** The data subject, for a field with one (undefined: the scope's data key). */
  readonly subject?: string | undefined;
}

/**
 * Seals many values (of any fields) under the rules of {@link sealValue}: randomized and
 * deterministic values with one batch call each, FPE tokens one by one. Throws (sealing
 * nothing) on the first value that cannot be sealed.
 */
export async function sealValues(sealer: FieldSealer, values: readonly ValueToSeal[]): Promise<(string | Uint8Array | null)[]> {
  const out = new Array<string | Uint8Array | null>(values.length);
  const randomized: { value: Sealable; ctx: TokenContext }[] = [];
  const deterministic: { value: Sealable; ctx: TokenContext }[] = [];
  const randomizedAt: number[] = [];
  const deterministicAt: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const { field, value, row, subject } = values[i] as ValueToSeal;
    if (value === null) {
      out[i] = null;
      continue;
    }
    const ctx = context(field, field.row !== undefined ? row : undefined, field.subject !== undefined ? subject : undefined);
    switch (field.mode) {
      case 'randomized':
        if (field.row !== undefined && row === undefined) rowKey(field, undefined);
        randomized.push({ value: toSealable(field, value), ctx });
        randomizedAt.push(i);
        break;
      case 'deterministic':
        deterministic.push({ value: toSealable(field, value), ctx });
        deterministicAt.push(i);
        break;
      case 'fpe':
        out[i] = await fpeOf(sealer, field).tokenize(toSealable(field, value), ctx);
        break;
      case 'blindIndex':
        throw new ConfigurationError(`${field.model}.${field.field} is a blind index: it is computed from ${field.of ?? '?'}, not written directly`);
    }
  }
  const [texts, tokens] = await Promise.all([
    randomized.length === 0 ? [] : sealer.encryptMany(randomized),
    deterministic.length === 0 ? [] : sealer.encryptDeterministicMany(deterministic),
  ]);
  randomizedAt.forEach((i, j) => (out[i] = toStorage((values[i] as ValueToSeal).field, texts[j] as string)));
  deterministicAt.forEach((i, j) => (out[i] = toStorage((values[i] as ValueToSeal).field, tokens[j] as string)));
  return out;
}

/**
 * Opens a stored value. Strict fields reject anything that is not sealed with
 * PlaintextRejectedError; migrating fields return legacy plaintext converted to the
 * field's type. Blind indexes are returned as stored (they are one-way).
 */
export async function openValue(sealer: FieldSealer, field: ProtectedField, stored: unknown, row?: RowKey, subject?: string): Promise<unknown> {
  return (await openValues(sealer, [{ field, stored, row, subject }]))[0];
}

/** One stored value to open: its field, the column value, and the row key for row-bound fields. */
export interface StoredValue {
  readonly field: ProtectedField;
  readonly stored: unknown;
  readonly row?: RowKey | undefined;
  /** The data subject, for a field with one. */
  readonly subject?: string | undefined;
}

/**
 * Opens many stored values (of any fields) under the rules of {@link openValue}: sealed
 * values go to the Sealer in one `decryptMany` batch, FPE tokens one by one. All or
 * nothing: the first value that fails throws, and no value is returned. `open` replaces
 * `decryptMany` (the lookup check's opening past the access policy).
 */
export function openValues(sealer: FieldSealer, values: readonly StoredValue[], open?: UnpolicedOpener): Promise<unknown[]> {
  const out = new Array<unknown>(values.length);
  const batch: { text: string; ctx: TokenContext }[] = [];
  const batched: number[] = [];
  try {
    return finishOpening(sealer, values, sortForOpening(sealer, values, 0, out, batch, batched), out, batch, batched, open);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * {@link openValues}, at once when no waiting is needed: no value is an FPE token and the
 * Sealer opens the batch now ({@link FieldSealer.decryptManyNow}: a few values, keys
 * cached, no policy, no audit). Otherwise a promise, with the values sorted only once.
 * Throws (or rejects with) what openValues rejects with.
 */
export function openValuesAtOnce(sealer: FieldSealer, values: readonly StoredValue[]): unknown[] | Promise<unknown[]> {
  const out = new Array<unknown>(values.length);
  const batch: { text: string; ctx: TokenContext }[] = [];
  const batched: number[] = [];
  const fpeAt = sortForOpening(sealer, values, 0, out, batch, batched);
  if (fpeAt === -1) {
    if (batch.length === 0) return out;
    const now = sealer.decryptManyNow?.(batch);
    if (now !== undefined) return placeOpened(values, out, batched, now);
  }
  return finishOpening(sealer, values, fpeAt, out, batch, batched);
}

/**
 * The rest of {@link openValues} once the values before index `fpeAt` are sorted: each FPE
 * token detokenized in order, between the values sorted after it, then the batch opened.
 */
async function finishOpening(
  sealer: FieldSealer,
  values: readonly StoredValue[],
  fpeAt: number,
  out: unknown[],
  batch: { text: string; ctx: TokenContext }[],
  batched: number[],
  open?: UnpolicedOpener,
): Promise<unknown[]> {
  for (let i = fpeAt; i !== -1; i = sortForOpening(sealer, values, i + 1, out, batch, batched)) {
    const { field, stored } = values[i] as StoredValue;
    out[i] = await fpeOf(sealer, field).detokenize(stored as string, context(field, undefined));
  }
  if (batch.length === 0) return out;
  const opened = open === undefined ? await sealer.decryptMany(batch) : await open(batch);
  return placeOpened(values, out, batched, opened);
}

/**
 * Sorts `values` from index `from` on: what is returned as stored (nulls, lookup tokens)
 * or converted (legacy plaintext of a migrating field) goes to `out`, sealed texts to
 * `batch` with their context (their indexes to `batched`). Stops at an FPE token, whose
 * detokenizing awaits the tokenizer: returns its index, or -1 at the end. Throws
 * PlaintextRejectedError for a strict field's unsealed value.
 */
function sortForOpening(sealer: FieldSealer, values: readonly StoredValue[], from: number, out: unknown[], batch: { text: string; ctx: TokenContext }[], batched: number[]): number {
  for (let i = from; i < values.length; i++) {
    const { field, stored, row, subject } = values[i] as StoredValue;
    // Lookup columns (blind indexes, shadows) hold tokens only: returned as stored.
    if (stored === null || stored === undefined || field.mode === 'blindIndex' || field.shadowOf !== undefined) {
      out[i] = stored;
      continue;
    }
    if (field.mode === 'fpe') {
      if (typeof stored !== 'string') throw new PlaintextRejectedError(`${field.model}.${field.field}: stored value is not an FPE token`);
      return i;
    }
    const text = fromStorage(stored);
    // Strict fields only check the prefix: decrypt parses (and authenticates) the rest, and
    // a full isSealed() here would decode every value twice. Migrating fields need the full
    // test to tell legacy plaintext that happens to start with the prefix from ciphertext.
    const sealed = text !== undefined && (field.migrating ? sealer.isSealed(text) : text.startsWith(PREFIX));
    if (!sealed) {
      if (field.migrating) {
        out[i] = fromLegacyValue(field, stored);
        continue;
      }
      throw new PlaintextRejectedError(`${field.model}.${field.field}: the column holds a value that is not sealed (strict mode); mark the field 'migrating' while backfilling`);
    }
    batch.push({ text, ctx: context(field, field.row !== undefined ? row : undefined, field.subject !== undefined ? subject : undefined) });
    batched.push(i);
  }
  return -1;
}

/** Puts the opened batch in place (converted to each field's type); masks and nulls an access policy put in place of values are returned as they are. */
function placeOpened(values: readonly StoredValue[], out: unknown[], batched: readonly number[], opened: readonly unknown[]): unknown[] {
  const withheld = withheldIndexes(opened);
  for (let j = 0; j < batched.length; j++) {
    const i = batched[j] as number;
    out[i] = withheld?.has(j) === true ? opened[j] : fromSealable((values[i] as StoredValue).field, opened[j] as Sealable);
  }
  return out;
}

/**
 * The stored values that equal `value` in a deterministic or FPE column (or a shadow of
 * one): its token under the column's version of the scope's lookup key (which data key rotations leave alone, so one token finds rows written
 * under any data key), and for a migrating deterministic column its legacy plaintext forms.
 */
export async function lookupTokens(sealer: FieldSealer, field: ProtectedField, value: unknown): Promise<Array<string | Uint8Array>> {
  if (field.mode === 'deterministic') {
    const stored: Array<string | Uint8Array> = [toStorage(field, await sealer.encryptDeterministic(toSealable(field, value), context(field, undefined)))];
    // A migrating column still holds legacy plaintext rows, which must match too.
    if (field.migrating) stored.push(...legacyForms(field, value));
    return stored;
  }
  if (field.mode === 'fpe') {
    return [await fpeOf(sealer, field).tokenize(toSealable(field, value), context(field, undefined))];
  }
  throw new ConfigurationError(`${field.model}.${field.field}: ${field.mode} fields have no lookup tokens`);
}

/** The blind index of a source value (under the scope's lookup key), for storing in `index`. */
export async function indexValue(sealer: FieldSealer, index: ProtectedField, sourceValue: unknown): Promise<string | null> {
  return (await indexValues(sealer, [{ index, value: sourceValue }]))[0] as string | null;
}

/** {@link indexValue} of many (index field, source value) pairs, computed together. */
export async function indexValues(sealer: FieldSealer, values: readonly { readonly index: ProtectedField; readonly value: unknown }[]): Promise<(string | null)[]> {
  const out = new Array<string | null>(values.length).fill(null);
  const items: { value: BlindIndexable; options: BlindIndexOptions }[] = [];
  const at: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const { index, value } = values[i] as (typeof values)[number];
    if (value === null) continue;
    items.push({ value: indexable(index, value), options: indexOptions(index) });
    at.push(i);
  }
  if (items.length === 0) return out;
  const tokens = await sealer.blindIndexMany(items);
  at.forEach((i, j) => (out[i] = tokens[j] as string));
  return out;
}

/** The blind index a lookup by `sourceValue` compares the `index` column with: the one {@link indexValue} stores. */
export function indexLookup(sealer: FieldSealer, index: ProtectedField, sourceValue: unknown): Promise<string> {
  let value: BlindIndexable;
  try {
    value = indexable(index, sourceValue);
  } catch (error) {
    return Promise.reject(error);
  }
  return sealer.blindIndex(value, indexOptions(index));
}

/**
 * {@link indexLookup} at once when the Sealer can compute it without waiting
 * ({@link FieldSealer.blindIndexNow}: the lookup key is cached), else `undefined`. Throws
 * what indexLookup rejects with.
 */
export function indexLookupNow(sealer: FieldSealer, index: ProtectedField, sourceValue: unknown): string | undefined {
  return sealer.blindIndexNow?.(indexable(index, sourceValue), indexOptions(index));
}

/** Each blind index field's options, made once (a lookup per request would allocate them on every query). */
const indexOptionsOf = new WeakMap<ProtectedField, BlindIndexOptions>();

function indexOptions(index: ProtectedField): BlindIndexOptions {
  let options = indexOptionsOf.get(index);
  if (options === undefined) {
    options = Object.freeze({
      model: index.model,
      field: index.of!,
      scope: index.scope,
      domain: index.domain,
      normalize: index.normalize,
      bits: index.bits,
      ...(index.version > 1 ? { lookupVersion: index.version } : {}),
    });
    indexOptionsOf.set(index, options);
  }
  return options;
}

function indexable(index: ProtectedField, value: unknown): BlindIndexable {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || value instanceof Date || value instanceof Uint8Array) {
    return value;
  }
  if (Decimal.isDecimal(value)) return (value as Decimal).toFixed();
  throw new InvalidInputError(`${index.model}.${index.field}: a blind index needs a string, number, bigint, boolean, Date or bytes value`);
}

/** How a legacy plaintext value of a migrating deterministic column is stored, for lookups. */
function legacyForms(field: ProtectedField, value: unknown): Array<string | Uint8Array> {
  const sealable: Sealable = toSealable(field, value);
  if (sealable instanceof Uint8Array) return field.storage === 'Bytes' ? [sealable] : [];
  const text = sealable instanceof Date ? sealable.toISOString() : typeof sealable === 'object' ? JSON.stringify(sealable) : String(sealable);
  return [toStorage(field, text)];
}

function fpeOf(sealer: FieldSealer, field: ProtectedField) {
  const tokenize = sealer.fpe;
  const detokenize = sealer.detokenize;
  if (typeof tokenize !== 'function' || typeof detokenize !== 'function') {
    throw new ConfigurationError(`${field.model}.${field.field} uses FPE, but this Sealer has no fpe/detokenize methods`);
  }
  const format = field.fpeFormat;
  if (format === undefined) throw new ConfigurationError(`${field.model}.${field.field} is not an FPE field`);
  return {
    tokenize: (value: Sealable, ctx: TokenContext) => tokenize.call(sealer, String(value), { ...ctx, format }),
    detokenize: (token: string, ctx: TokenContext) => detokenize.call(sealer, token, { ...ctx, format }),
  };
}
