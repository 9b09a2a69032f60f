/**
 * The typed configuration of protected fields, and its validation against the data model.
 * Written by hand or emitted by the `fieldseal` Prisma generator from schema annotations.
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';
import type { FpeFormat, Normalizer } from '../../index.js';
import type { ModelShape } from './datamodel.js';
import { NORMALIZER_NAMES } from '../../tokenize/normalize.js';
import { MAX_LOOKUP_VERSION } from '../../keys/key-scope.js';
import { fpePresetFormat, type FpePreset } from '../../tokenize/fpe-presets.js';

/** The JS type a protected field holds in the application (the column stores ciphertext). */
export type LogicalType = 'String' | 'Int' | 'BigInt' | 'Float' | 'Decimal' | 'Boolean' | 'DateTime' | 'Json' | 'Bytes';

/** Every {@link LogicalType}. */
export const LOGICAL_TYPES: readonly LogicalType[] = ['String', 'Int', 'BigInt', 'Float', 'Decimal', 'Boolean', 'DateTime', 'Json', 'Bytes'];

/** FPE presets understood by the tokenization module. */
export type { FpePreset } from '../../tokenize/fpe-presets.js';

/** Options shared by every protected field. */
interface BaseFieldConfig {
  /** The application-side type (default `String`). The column is `String` or `Bytes` in the schema. */
  readonly type?: LogicalType;
  /**
   * Accept legacy plaintext on read (and always seal on write) while an existing column is
   * being moved over. Default false: a non-ciphertext value read from the column is an error.
   */
  readonly migrating?: boolean;
  /** A fixed key scope (default: the sealer's default scope). */
  readonly scope?: string;
}

/** Randomized encryption (the default): reversible, no lookups, leaks only length. */
export interface RandomizedFieldConfig extends BaseFieldConfig {
  readonly mode?: 'randomized';
  /**
   * A scalar field of the same model whose value binds the ciphertext to its row (usually a
   * client-generated id, or a tenant column). It must be known before every write of this field.
   */
  readonly row?: string;
  /**
   * A plain column of the same model holding the row's data subject (a customer id): the
   * value is sealed under that subject's data keys, so that `sealer.shred({ subject })`
   * erases it. NULL in the column: no subject (the scope's data key). Lookup tokens (blind
   * indexes) stay under the scope's lookup key.
   */
  readonly subject?: string;
}

/**
 * Options of a lookup column during a lookup key replacement (docs/rotation.md §6): which
 * lookup key version makes its tokens, and whether it is still being filled.
 */
export interface LookupVersionOptions {
  /** The lookup key version of the column's tokens (1..65535; default 1, the scope's original lookup key). */
  readonly version?: number;
  /**
   * The column is being filled by the `reindex` job: written on every write of its field,
   * never used for lookups. Remove it once the job is done: lookups then go through the
   * highest version that is not reindexing. The column must be nullable.
   */
  readonly reindexing?: boolean;
}

/** Deterministic encryption (AES-SIV): reversible, equality lookups on this column. */
export interface DeterministicFieldConfig extends BaseFieldConfig, LookupVersionOptions {
  readonly mode: 'deterministic';
  /** A token domain shared with other fields on purpose (to join on them). */
  readonly domain?: string;
  /**
   * This column is a shadow of the deterministic field named here: it holds that field's
   * value under another lookup key `version`, written on every write of the field and never
   * read as a value (results leave it out, like a blind index column).
   */
  readonly shadowOf?: string;
}

/** A keyed blind index of another (usually randomized) field of the same model, kept in this column. */
export interface BlindIndexFieldConfig extends LookupVersionOptions {
  readonly mode: 'blindIndex';
  /** The field whose value is indexed. */
  readonly of: string;
  /** Normalizer applied before hashing (e.g. `email`). */
  readonly normalize?: Normalizer;
  /** Truncation in bits (default: the sealer's default). */
  readonly bits?: number;
  /** A token domain shared with other fields on purpose. */
  readonly domain?: string;
  /** A fixed key scope. */
  readonly scope?: string;
}

/**
 * Options of an FPE field: the arguments of `@fieldseal.fpe(...)` besides `preset` and
 * `scope`, with the same names. Each preset takes only the options that apply to it.
 */
export interface FpeFieldOptions {
  /** Characters at the start kept in clear (card, phone, numeric, alphanumeric), e.g. 6 for a card's BIN. */
  readonly keepFirst?: number;
  /** Characters at the end kept in clear (card, phone, numeric, alphanumeric), e.g. a card's last 4. */
  readonly keepLast?: number;
  /** card: every token passes (`valid`) or fails (`invalid`) the Luhn check; needs Luhn-valid input. */
  readonly luhn?: 'valid' | 'invalid';
  /** alphanumeric: the letters of the alphabet, `upper` (default), `lower` or `mixed`. */
  readonly letterCase?: 'upper' | 'lower' | 'mixed';
}

/** A format-preserving (FF1) token: reversible, equality lookups, keeps the value's format. */
export interface FpeFieldConfig extends LookupVersionOptions {
  readonly mode: 'fpe';
  /** The tokenization preset. */
  readonly preset: FpePreset;
  /** Options of the preset, e.g. `{ keepLast: 4 }`. */
  readonly options?: FpeFieldOptions;
  /** A fixed key scope. */
  readonly scope?: string;
  /** This column is a shadow of the FPE field named here (same preset and options), under another lookup key `version`. */
  readonly shadowOf?: string;
}

/** How one field is protected. */
export type FieldConfig = RandomizedFieldConfig | DeterministicFieldConfig | BlindIndexFieldConfig | FpeFieldConfig;

/** Protected fields by model name, then field name. */
export type FieldsConfig = Readonly<Record<string, Readonly<Record<string, FieldConfig>>>>;

/** Identity helper that types a {@link FieldsConfig} literal. */
export function defineFields<const T extends FieldsConfig>(fields: T): T {
  return fields;
}

/** The resolved, validated description of one protected field, used at runtime. */
export interface ProtectedField {
  readonly model: string;
  readonly field: string;
  readonly mode: 'randomized' | 'deterministic' | 'blindIndex' | 'fpe';
  readonly type: LogicalType;
  /** Column storage in the schema. */
  readonly storage: 'String' | 'Bytes';
  readonly migrating: boolean;
  readonly scope: string | undefined;
  readonly row: string | undefined;
  readonly domain: string | undefined;
  /** For a source field with a blind index: the index field(s). */
  readonly indexes: readonly ProtectedField[];
  /** For a blind index field: the indexed source field. */
  readonly of: string | undefined;
  readonly normalize: Normalizer | undefined;
  readonly bits: number | undefined;
  readonly preset: FpePreset | undefined;
  /** For an FPE field: the tokenizer's format, built from the preset and its options. */
  readonly fpeFormat: FpeFormat | undefined;
  /** Blind index, deterministic and FPE fields: the lookup key version of the tokens (1 = the scope's original lookup key). */
  readonly version: number;
  /** A lookup column being filled: written on every write of its field, never used for lookups. */
  readonly reindexing: boolean;
  /** For a deterministic or FPE shadow column: the logical field it shadows. */
  readonly shadowOf: string | undefined;
  /** For a deterministic or FPE field: its shadow columns (other lookup key versions). */
  readonly shadows: readonly ProtectedField[];
  /** The field name in token contexts: the logical field's for a shadow, else the field's own. */
  readonly contextField: string;
  /** Randomized fields: the plain column holding the row's data subject. */
  readonly subject: string | undefined;
  /**
   * The column lookups on this field compare, as a protected field: for a randomized field
   * the blind index (of its first index's options) of the highest version not reindexing;
   * for a deterministic or FPE field itself or its shadow of the highest version not
   * reindexing. Undefined: the field cannot be looked up.
   */
  readonly lookupVia: ProtectedField | undefined;
}

/** Protected fields of one model, resolved. */
export interface ProtectedModel {
  readonly name: string;
  readonly fields: ReadonlyMap<string, ProtectedField>;
  /** Fields bound to a row column: the set of such row columns (selected whenever a bound field is). */
  readonly rowColumns: ReadonlySet<string>;
  /** Columns holding the data subject of some field (selected whenever such a field is). */
  readonly subjectColumns: ReadonlySet<string>;
}

const MODES = new Set(['randomized', 'deterministic', 'blindIndex', 'fpe']);

const NORMALIZERS = new Set<string>(NORMALIZER_NAMES);

/**
 * Validates `fields` against the data model and resolves defaults. Every mistake is a
 * ConfigurationError naming the model and field, raised when the extension is created.
 */
export function resolveFields(fields: FieldsConfig, models: ReadonlyMap<string, ModelShape>): Map<string, ProtectedModel> {
  if (fields === null || typeof fields !== 'object') throw new ConfigurationError('fieldseal/prisma: `fields` must be an object of models');
  const out = new Map<string, ProtectedModel>();
  for (const [modelName, modelFields] of Object.entries(fields)) {
    const shape = models.get(modelName);
    if (!shape) throw new ConfigurationError(`fieldseal/prisma: model ${modelName} is not in the Prisma data model`);
    const resolved = new Map<string, ProtectedField>();
    const rowColumns = new Set<string>();
    const subjectColumns = new Set<string>();
    const bad = (field: string, why: string): never => {
      throw new ConfigurationError(`fieldseal/prisma: ${modelName}.${field}: ${why}`);
    };
    for (const [fieldName, raw] of Object.entries(modelFields ?? {})) {
      const cfg: FieldConfig = raw ?? {};
      const storage = shape.scalars.get(fieldName);
      if (storage === undefined) bad(fieldName, shape.relations.has(fieldName) ? 'is a relation, not a column' : 'is not a field of the model');
      if (storage !== 'String' && storage !== 'Bytes') bad(fieldName, `is a ${storage} column; protected fields are stored in String or Bytes columns`);
      const mode = cfg.mode ?? 'randomized';
      if (!MODES.has(mode)) bad(fieldName, `unknown mode '${String(mode)}'`);
      const type = ('type' in cfg && cfg.type) || 'String';
      if (!LOGICAL_TYPES.includes(type)) bad(fieldName, `unknown type '${String(type)}'`);
      const migrating = 'migrating' in cfg && cfg.migrating === true;
      const row = 'row' in cfg ? cfg.row : undefined;
      if (row !== undefined) {
        if (mode !== 'randomized') bad(fieldName, 'only randomized fields can be bound to a row (deterministic tokens must match across rows)');
        if (!shape.scalars.has(row)) bad(fieldName, `row column '${row}' is not a scalar field of ${modelName}`);
        if (row === fieldName || fields[modelName]?.[row] !== undefined) bad(fieldName, `row column '${row}' must be a plain (unprotected) column`);
        rowColumns.add(row);
      }
      const subject = 'subject' in cfg ? cfg.subject : undefined;
      if (subject !== undefined) {
        if (mode !== 'randomized') bad(fieldName, "only randomized fields have a subject (lookup tokens stay under the scope's lookup key)");
        if (typeof subject !== 'string' || !shape.scalars.has(subject)) bad(fieldName, `subject column '${String(subject)}' is not a scalar field of ${modelName}`);
        if (subject === fieldName || fields[modelName]?.[subject] !== undefined) bad(fieldName, `subject column '${subject}' must be a plain (unprotected) column`);
        subjectColumns.add(subject);
      }
      const lookupOptions = cfg as LookupVersionOptions;
      const hasVersion = lookupOptions.version !== undefined || lookupOptions.reindexing !== undefined;
      if (mode === 'randomized' && hasVersion) bad(fieldName, 'a randomized field has no lookup tokens of its own; version and reindexing belong on its blind index');
      const version = lookupOptions.version ?? 1;
      if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > MAX_LOOKUP_VERSION) bad(fieldName, `version must be an integer from 1 to ${MAX_LOOKUP_VERSION}`);
      if (lookupOptions.reindexing !== undefined && typeof lookupOptions.reindexing !== 'boolean') bad(fieldName, 'reindexing must be true or false');
      const reindexing = lookupOptions.reindexing === true;
      const shadowOf = 'shadowOf' in cfg ? cfg.shadowOf : undefined;
      if (shadowOf !== undefined) {
        if (mode !== 'deterministic' && mode !== 'fpe') bad(fieldName, 'shadowOf applies to deterministic and FPE fields (a blind index names its field with of)');
        if (typeof shadowOf !== 'string' || shadowOf === fieldName) bad(fieldName, 'shadowOf must name another field of the model');
        if (migrating) bad(fieldName, "a shadow column holds tokens only; 'migrating' belongs on the field it shadows");
      } else if (reindexing && mode !== 'blindIndex') {
        bad(fieldName, "a field's own column is always read; reindexing belongs on a shadow column (shadowOf) or a blind index");
      }
      let normalizeOpt: Normalizer | undefined;
      let of: string | undefined;
      if (mode === 'blindIndex') {
        const bi = cfg as BlindIndexFieldConfig;
        of = bi.of;
        if (typeof of !== 'string' || !shape.scalars.has(of)) bad(fieldName, `blind index source '${String(of)}' is not a field of ${modelName}`);
        if (storage !== 'String') bad(fieldName, 'a blind index is stored in a String column');
        normalizeOpt = bi.normalize;
        if (normalizeOpt !== undefined && typeof normalizeOpt !== 'function' && !NORMALIZERS.has(normalizeOpt)) bad(fieldName, `unknown normalizer '${String(normalizeOpt)}'`);
        if (bi.bits !== undefined && (!Number.isInteger(bi.bits) || bi.bits < 16 || bi.bits > 256)) bad(fieldName, 'bits must be an integer from 16 to 256');
      }
      let fpeFormat: FpeFormat | undefined;
      if (mode === 'fpe') {
        const fpe = cfg as FpeFieldConfig;
        if (typeof fpe.preset !== 'string') bad(fieldName, 'an fpe field needs a preset');
        fpeFormat = fpePresetFormat(fpe.preset, fpe.options, (why) => bad(fieldName, why));
        if (storage !== 'String') bad(fieldName, 'an FPE token is stored in a String column');
      }
      if (migrating && mode === 'fpe') bad(fieldName, 'an FPE token cannot be told apart from plaintext, so an fpe field cannot be migrating; backfill it first');
      if (migrating && mode === 'blindIndex') bad(fieldName, "'migrating' belongs on the indexed field, not on its blind index");
      resolved.set(fieldName, {
        model: modelName,
        field: fieldName,
        mode,
        type: mode === 'blindIndex' || mode === 'fpe' ? 'String' : type,
        storage: storage as 'String' | 'Bytes',
        migrating,
        scope: cfg.scope,
        row,
        domain: 'domain' in cfg ? cfg.domain : undefined,
        indexes: [],
        of,
        normalize: normalizeOpt,
        bits: 'bits' in cfg ? cfg.bits : undefined,
        preset: 'preset' in cfg ? cfg.preset : undefined,
        fpeFormat,
        version,
        reindexing,
        shadowOf,
        shadows: [],
        contextField: shadowOf ?? fieldName,
        subject,
        lookupVia: undefined,
      });
    }
    // Link each blind index to its source; the source may itself be protected or not.
    for (const index of resolved.values()) {
      if (index.mode !== 'blindIndex') continue;
      const source = resolved.get(index.of!);
      if (source === undefined) bad(index.field, `blind index source '${index.of!}' must itself be protected (randomized)`);
      if (source!.mode === 'blindIndex') bad(index.field, 'a blind index cannot index another blind index');
      if (source!.shadowOf !== undefined) bad(index.field, `a blind index cannot index the shadow column ${source!.field}`);
      (source!.indexes as ProtectedField[]).push(index);
    }
    // Link each shadow to the field it shadows: same mode and context, another lookup key version.
    for (const shadow of resolved.values()) {
      if (shadow.shadowOf === undefined) continue;
      const logical = resolved.get(shadow.shadowOf);
      if (logical === undefined || (logical.mode !== 'deterministic' && logical.mode !== 'fpe') || logical.shadowOf !== undefined) {
        bad(shadow.field, `shadowOf '${shadow.shadowOf}' must name a deterministic or FPE field of ${modelName} that is not itself a shadow`);
      }
      const differs = sameContext(logical!, shadow);
      if (differs !== undefined) bad(shadow.field, `a shadow is written in the context of ${logical!.field}, so its ${differs} must be ${logical!.field}'s`);
      (logical!.shadows as ProtectedField[]).push(shadow);
    }
    for (const field of resolved.values()) {
      if (field.mode === 'randomized' && field.indexes.length > 0) {
        for (const group of indexGroups(field.indexes)) checkVersions(group, bad);
        (field as { lookupVia: ProtectedField | undefined }).lookupVia = readColumn(indexGroups(field.indexes)[0]!);
        if (field.lookupVia === undefined) bad(field.indexes[0]!.field, `every blind index of ${field.field} is reindexing: mark the filled one as read (remove reindexing)`);
      } else if ((field.mode === 'deterministic' || field.mode === 'fpe') && field.shadowOf === undefined) {
        checkVersions([field, ...field.shadows], bad);
        (field as { lookupVia: ProtectedField | undefined }).lookupVia = readColumn([field, ...field.shadows]);
      }
    }
    for (const index of resolved.values()) {
      if (index.mode === 'blindIndex' && index.reindexing) {
        const group = indexGroups(resolved.get(index.of!)!.indexes).find((g) => g.includes(index))!;
        if (group.length === 1) bad(index.field, `reindexing: a new version of a blind index of ${index.of!} with the same options (normalize, bits, domain, scope), but there is no other`);
      }
    }
    out.set(modelName, { name: modelName, fields: resolved, rowColumns, subjectColumns });
  }
  return out;
}

/** What of a shadow's context differs from its field's (undefined: nothing): type, scope, domain, or FPE format. */
function sameContext(logical: ProtectedField, shadow: ProtectedField): string | undefined {
  if (logical.mode !== shadow.mode) return 'mode';
  if (logical.type !== shadow.type) return 'type';
  if (logical.storage !== shadow.storage) return 'column type (String or Bytes)';
  if (logical.scope !== shadow.scope) return 'scope';
  if (logical.domain !== shadow.domain) return 'domain';
  if (JSON.stringify(logical.fpeFormat) !== JSON.stringify(shadow.fpeFormat)) return 'preset and options';
  return undefined;
}

/** A field's blind indexes grouped by their options (normalize, bits, domain, scope): each group is one lookup, in versions. */
export function indexGroups(indexes: readonly ProtectedField[]): ProtectedField[][] {
  const groups = new Map<string, ProtectedField[]>();
  for (const index of indexes) {
    const normalize = typeof index.normalize === 'function' ? index.normalize : String(index.normalize);
    const known = [...groups.entries()].find(([, g]) => {
      const first = g[0]!;
      return (typeof first.normalize === 'function' ? first.normalize : String(first.normalize)) === normalize && first.bits === index.bits && first.domain === index.domain && first.scope === index.scope;
    });
    if (known) known[1].push(index);
    else groups.set(`${groups.size}`, [index]);
  }
  return [...groups.values()];
}

/** Refuses two columns of one lookup under the same lookup key version. */
function checkVersions(columns: readonly ProtectedField[], bad: (field: string, why: string) => never): void {
  const seen = new Map<number, ProtectedField>();
  for (const column of columns) {
    const other = seen.get(column.version);
    if (other !== undefined) bad(column.field, `has lookup key version ${column.version}, like ${other.field}; each column of a lookup needs its own version`);
    seen.set(column.version, column);
  }
}

/** The column of a lookup that is read: the highest version not reindexing. */
function readColumn(columns: readonly ProtectedField[]): ProtectedField | undefined {
  let best: ProtectedField | undefined;
  for (const column of columns) if (!column.reindexing && (best === undefined || column.version > best.version)) best = column;
  return best;
}
