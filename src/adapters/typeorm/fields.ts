/**
 * Resolves the fieldseal decorators against a DataSource's entity metadata: one
 * {@link ProtectedEntity} per entity with protected columns. Every mistake is a
 * ConfigurationError naming entity and column, raised by `fieldsealDataSource` before the
 * first query.
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';
import { MAX_LOOKUP_VERSION } from '../../keys/key-scope.js';
import { fpePresetFormat } from '../../tokenize/fpe-presets.js';
import { NORMALIZER_NAMES } from '../../tokenize/normalize.js';
import type { FpeFormat, Normalizer, SealMode } from '../../index.js';
import type { DataSource, EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { declarationOf, declaredProperties, type BlindIndexColumnOptions, type Declaration, type DeterministicColumnOptions, type FpeColumnOptions, type SealedColumnOptions } from './declarations.js';
import { typeorm } from './peer.js';
import { FIXED_BYTES, VALUE_TYPES, type ValueOwner, type ValueType } from './value-types.js';

/** How one protected column is protected, resolved. */
export interface ProtectedField extends ValueOwner {
  readonly mode: Declaration['kind'];
  readonly migrating: boolean;
  readonly scope: string | undefined;
  /** Property binding randomized values to their row. */
  readonly row: string | undefined;
  /** The row property is a uuid generated column the adapter may fill before insert. */
  readonly rowIsGeneratedUuid: boolean;
  readonly domain: string | undefined;
  /** For a blind index: the indexed property. */
  readonly of: string | undefined;
  readonly normalize: Normalizer | undefined;
  readonly bits: number | undefined;
  /** For a source column: its blind indexes. */
  readonly indexes: ProtectedField[];
  /** For an FPE column: the token format. */
  readonly fpeFormat: FpeFormat | undefined;
  /** The field name bound into the column's contexts: the property, or for a shadow column the logical column's. */
  readonly contextField: string;
  /** Lookup key version of the column's tokens (undefined: version 1). */
  readonly lookupVersion: number | undefined;
  /** A shadow or second blind index being filled: written, never used for lookups. */
  readonly reindexing: boolean;
  /** For a shadow column: the logical (deterministic or FPE) column it shadows. */
  readonly shadowOf: string | undefined;
  /** For a deterministic or FPE column: its shadow columns. */
  readonly shadows: ProtectedField[];
  /** A plain property holding the row's data subject (randomized columns). */
  readonly subject: string | undefined;
  /**
   * The column lookups of this one's values compare: for a randomized column its blind
   * index of the highest version not reindexing; for a deterministic or FPE column itself
   * or its shadow of the highest such version. Undefined: no lookups (no usable index).
   */
  lookupBy: ProtectedField | undefined;
}

/** The protected columns of one entity. */
export interface ProtectedEntity {
  /** The entity's name (its class name), bound into every ciphertext as the model. */
  readonly name: string;
  readonly metadata: EntityMetadata;
  /** Protected columns by property name. */
  readonly fields: ReadonlyMap<string, ProtectedField>;
}

const NORMALIZERS = new Set<string>(NORMALIZER_NAMES);

/** Options of every FPE column that are not format options. */
const FPE_COLUMN_OPTIONS = new Set(['preset', 'scope', 'unique', 'name', 'nullable', 'length', 'lookupVersion', 'reindexing', 'shadowOf']);

const DECORATOR_NAMES: Readonly<Record<Declaration['kind'], string>> = {
  randomized: '@SealedColumn',
  deterministic: '@DeterministicColumn',
  blindIndex: '@BlindIndexColumn',
  fpe: '@FpeColumn',
};

/** The tokenizer format of an FPE column: its preset and the options that are not the column's own. */
function fpeFormatOf(options: FpeColumnOptions, bad: (why: string) => never): FpeFormat {
  const formatOptions = Object.fromEntries(Object.entries(options).filter(([name]) => !FPE_COLUMN_OPTIONS.has(name)));
  return fpePresetFormat(options.preset, formatOptions, bad);
}

/** What the resolver needs from the Sealer: sizing of sealed texts. */
export interface SizingSealer {
  ciphertextLength(plaintextBytes: number, mode?: SealMode): number;
}

/**
 * Checks the decorated properties of entity classes before TypeORM builds its metadata:
 * a protected primary key or a second column decorator on a protected property would
 * otherwise surface as TypeORM's own error about something else (a missing primary key).
 */
export function precheckDeclarations(entities: readonly unknown[]): void {
  const columnArgs = typeorm().getMetadataArgsStorage().columns;
  for (const entity of entities) {
    if (typeof entity !== 'function') continue;
    for (let target: unknown = entity; typeof target === 'function' && target !== Function.prototype; target = Object.getPrototypeOf(target)) {
      for (const [property, entry] of declaredProperties(target as Function)) {
        const bad = (why: string): never => {
          throw new ConfigurationError(`fieldseal/typeorm: ${(entity as Function).name}.${property}: ${why}`);
        };
        const args = columnArgs.filter((c) => c.target === target && c.propertyName === property);
        if (args.some((c) => c.options.primary === true || c.mode === 'objectId')) bad('a primary key cannot be protected (it identifies the row: bind sealed columns to it with `row` instead)');
        if (entry.declarations.length > 1) bad(`conflicting decorators: ${entry.declarations.map((d) => DECORATOR_NAMES[d.kind]).join(' and ')} on one property`);
        if (args.length > 1) bad('conflicting decorators: another column decorator (@Column, @PrimaryColumn...) is on the same property; a fieldseal decorator declares the column itself');
      }
    }
  }
}

/** Resolves the protected columns of every entity of `dataSource` (initialized). */
export function resolveEntities(dataSource: DataSource, sealer: SizingSealer): Map<Function | string, ProtectedEntity> {
  const out = new Map<Function | string, ProtectedEntity>();
  const columnArgs = typeorm().getMetadataArgsStorage().columns;
  for (const metadata of dataSource.entityMetadatas) {
    const fields = new Map<string, ProtectedField>();
    const declared: [ColumnMetadata, Declaration][] = [];
    for (const column of metadata.columns) {
      const entry = declarationOf(column.target, column.propertyName);
      if (entry === undefined) continue;
      const bad: (why: string) => never = (why) => {
        throw new ConfigurationError(`fieldseal/typeorm: ${metadata.name}.${column.propertyName}: ${why}`);
      };
      if (entry.declarations.length > 1) bad(`conflicting decorators: ${entry.declarations.map((d) => DECORATOR_NAMES[d.kind]).join(' and ')} on one property`);
      if (columnArgs.filter((c) => c.target === column.target && c.propertyName === column.propertyName).length > 1) {
        bad('conflicting decorators: another column decorator (@Column, @PrimaryColumn...) is on the same property; a fieldseal decorator declares the column itself');
      }
      if (column.isPrimary) bad('a primary key cannot be protected (it identifies the row: bind sealed columns to it with `row` instead)');
      if (column.relationMetadata !== undefined || column.referencedColumn !== undefined) bad("a relation's join column cannot be protected");
      if (column.embeddedMetadata !== undefined) bad('protected columns inside embedded entities are not supported');
      declared.push([column, (entry.declarations[0] as Declaration)]);
    }
    if (declared.length === 0) continue;
    for (const [column, declaration] of declared) {
      fields.set(column.propertyName, resolveField(metadata, column, declaration, sealer, declared));
    }
    for (const field of fields.values()) {
      if (field.shadowOf !== undefined) attachShadow(metadata, fields, field);
      if (field.mode !== 'blindIndex') continue;
      const bad: (why: string) => never = (why) => {
        throw new ConfigurationError(`fieldseal/typeorm: ${metadata.name}.${field.property}: ${why}`);
      };
      const source = fields.get(field.of as string);
      if (source === undefined) {
        if (metadata.findColumnWithPropertyName(field.of as string) === undefined) bad(`blind index of '${String(field.of)}', which is not a column of ${metadata.name}`);
        bad(`blind index of '${String(field.of)}', which is not protected: index a @SealedColumn`);
      }
      if (source.mode !== 'randomized') bad(`blind index of '${source.property}', a ${DECORATOR_NAMES[source.mode]}: index a @SealedColumn (deterministic and FPE columns are queried directly)`);
      source.indexes.push(field);
    }
    for (const field of fields.values()) chooseLookupColumn(metadata, field);
    out.set(metadata.target, { name: metadata.name, metadata, fields });
  }
  return out;
}

function resolveField(metadata: EntityMetadata, column: ColumnMetadata, declaration: Declaration, sealer: SizingSealer, declared: readonly [ColumnMetadata, Declaration][]): ProtectedField {
  const entity = metadata.name;
  const property = column.propertyName;
  const bad: (why: string) => never = (why) => {
    throw new ConfigurationError(`fieldseal/typeorm: ${entity}.${property}: ${why}`);
  };
  const base = {
    entity,
    property,
    row: undefined,
    rowIsGeneratedUuid: false,
    domain: undefined,
    of: undefined,
    normalize: undefined,
    bits: undefined,
    indexes: [],
    fpeFormat: undefined,
    contextField: property,
    lookupVersion: undefined,
    reindexing: false,
    shadowOf: undefined,
    shadows: [],
    subject: undefined,
    lookupBy: undefined,
  };
  const versioned = lookupVersioning(declaration, bad);
  switch (declaration.kind) {
    case 'randomized':
    case 'deterministic': {
      const options: SealedColumnOptions & DeterministicColumnOptions = declaration.options ?? {};
      const valueType: ValueType = options.valueType ?? 'string';
      if (!VALUE_TYPES.includes(valueType)) bad(`unknown valueType '${String(valueType)}' (use ${VALUE_TYPES.join(', ')})`);
      checkLength(options, valueType, declaration.kind, sealer, bad);
      if (declaration.kind === 'deterministic' && options.unique === true && options.length === undefined) bad('a UNIQUE deterministic column needs a varchar `length` (MySQL cannot index TEXT)');
      let row: string | undefined;
      let rowIsGeneratedUuid = false;
      if (declaration.kind === 'randomized' && options.row !== undefined) {
        row = options.row;
        const rowColumn = metadata.findColumnWithPropertyName(row);
        if (rowColumn === undefined) bad(`row column '${row}' is not a column of ${entity}`);
        if (declared.some(([c]) => c.propertyName === row)) bad(`row column '${row}' must be a plain (unprotected) column`);
        if (rowColumn.isGenerated) {
          if (rowColumn.generationStrategy !== 'uuid') bad(`row column '${row}' is generated by the database (${String(rowColumn.generationStrategy)}), so it is unknown when the value is sealed: use @PrimaryColumn or @PrimaryGeneratedColumn('uuid')`);
          rowIsGeneratedUuid = true;
        }
      }
      let subject: string | undefined;
      if (declaration.kind === 'randomized' && options.subject !== undefined) {
        subject = plainPropertyOption(metadata, declared, 'subject', options.subject, bad);
      }
      if (declaration.kind === 'deterministic' && options.shadowOf !== undefined) {
        for (const name of ['valueType', 'migrating', 'scope', 'domain'] as const) {
          if (options[name] !== undefined) bad(`'${name}' of a shadow column is its logical column's (${options.shadowOf}): remove it`);
        }
      }
      return { ...base, ...versioned, mode: declaration.kind, valueType, migrating: options.migrating === true, scope: options.scope, row, rowIsGeneratedUuid, domain: options.domain, subject };
    }
    case 'blindIndex': {
      const options: BlindIndexColumnOptions = declaration.options ?? ({} as BlindIndexColumnOptions);
      if (typeof options.of !== 'string') bad('a blind index needs `of`, the property it indexes');
      const normalize = options.normalize;
      if (normalize !== undefined && typeof normalize !== 'function' && !NORMALIZERS.has(normalize)) bad(`unknown normalizer '${String(normalize)}'`);
      if (options.bits !== undefined && (!Number.isInteger(options.bits) || options.bits < 16 || options.bits > 256)) bad('bits must be an integer from 16 to 256');
      if ((options as { migrating?: unknown }).migrating !== undefined) bad("'migrating' belongs on the indexed column, not on its blind index");
      const source = declared.find(([c]) => c.propertyName === options.of);
      const sourceScope = source !== undefined && (source[1].kind === 'randomized' || source[1].kind === 'deterministic') ? source[1].options?.scope : undefined;
      return { ...base, ...versioned, mode: 'blindIndex', valueType: 'string', migrating: false, scope: options.scope ?? sourceScope, domain: options.domain, of: options.of, normalize, bits: options.bits };
    }
    case 'fpe': {
      const options = declaration.options ?? ({} as FpeColumnOptions);
      if ((options as { migrating?: unknown }).migrating !== undefined) bad('an FPE token cannot be told apart from plaintext, so an FPE column cannot be migrating; backfill it first');
      const fpeFormat = fpeFormatOf(options, bad);
      if (options.shadowOf !== undefined && options.scope !== undefined) bad(`'scope' of a shadow column is its logical column's (${options.shadowOf}): remove it`);
      return { ...base, ...versioned, mode: 'fpe', valueType: 'string', migrating: false, scope: options.scope, fpeFormat };
    }
  }
}

/** Checks that a varchar `length` holds the longest sealed text. */
function checkLength(options: SealedColumnOptions, valueType: ValueType, kind: 'randomized' | 'deterministic', sealer: SizingSealer, bad: (why: string) => never): void {
  if (options.maxBytes !== undefined && (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 0)) bad('maxBytes must be a non-negative integer');
  if (options.length === undefined) return;
  if (!Number.isSafeInteger(options.length) || options.length < 1) bad('length must be a positive integer');
  const maxBytes = options.maxBytes ?? FIXED_BYTES[valueType] ?? (valueType === 'bigint' ? 20 : undefined);
  if (maxBytes === undefined) bad(`a varchar length for ${valueType} values needs maxBytes (the longest plaintext in bytes) to be checked; or drop length for a text column`);
  const needed = sealer.ciphertextLength(maxBytes, kind);
  if (options.length < needed) bad(`column length ${options.length} is too short: ${kind} sealed values of up to ${maxBytes} bytes need varchar(${needed})`);
}

/** The lookup key options of a declaration (validated): version, reindexing, shadow. */
function lookupVersioning(declaration: Declaration, bad: (why: string) => never): { lookupVersion: number | undefined; reindexing: boolean; shadowOf: string | undefined } {
  const options = (declaration.options ?? {}) as { lookupVersion?: unknown; reindexing?: unknown; shadowOf?: unknown };
  if (declaration.kind === 'randomized') {
    for (const name of ['lookupVersion', 'reindexing', 'shadowOf'] as const) {
      if (options[name] !== undefined) bad(`'${name}' applies to lookup tokens (a blind index, deterministic or FPE column), not to a randomized column`);
    }
    return { lookupVersion: undefined, reindexing: false, shadowOf: undefined };
  }
  const version = options.lookupVersion;
  if (version !== undefined && (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > MAX_LOOKUP_VERSION)) bad(`lookupVersion must be an integer from 1 to ${MAX_LOOKUP_VERSION}`);
  if (options.reindexing !== undefined && typeof options.reindexing !== 'boolean') bad('reindexing must be true or false');
  const shadowOf = options.shadowOf;
  if (shadowOf !== undefined && (declaration.kind === 'blindIndex' || typeof shadowOf !== 'string' || shadowOf === '')) {
    bad(declaration.kind === 'blindIndex' ? "a blind index has no 'shadowOf': declare a second @BlindIndexColumn of the same column with its own lookupVersion" : 'shadowOf must name a property');
  }
  if (shadowOf !== undefined && version === undefined) bad(`a shadow column needs its lookupVersion (the version its tokens are made under, not ${String(shadowOf)}'s)`);
  if (options.reindexing === true && declaration.kind !== 'blindIndex' && shadowOf === undefined) bad("'reindexing' marks a shadow column: add shadowOf, the column it shadows");
  return { lookupVersion: version === undefined || version === 1 ? undefined : (version as number), reindexing: options.reindexing === true, shadowOf: shadowOf as string | undefined };
}

/** A plain property named by an option (`row`, `subject`): it must be a column of the entity and not protected. */
function plainPropertyOption(metadata: EntityMetadata, declared: readonly [ColumnMetadata, Declaration][], option: string, name: string, bad: (why: string) => never): string {
  if (typeof name !== 'string' || metadata.findColumnWithPropertyName(name) === undefined) bad(`${option} column '${String(name)}' is not a column of ${metadata.name}`);
  if (declared.some(([c]) => c.propertyName === name)) bad(`${option} column '${name}' must be a plain (unprotected) column`);
  return name;
}

/** Links a shadow column to its logical column, taking the logical column's context, after checking they match. */
function attachShadow(metadata: EntityMetadata, fields: ReadonlyMap<string, ProtectedField>, shadow: ProtectedField): void {
  const bad: (why: string) => never = (why) => {
    throw new ConfigurationError(`fieldseal/typeorm: ${metadata.name}.${shadow.property}: ${why}`);
  };
  const name = shadow.shadowOf as string;
  const logical = fields.get(name);
  if (logical === undefined) bad(`shadow of '${name}', which is not a protected column of ${metadata.name}`);
  if (logical.mode !== shadow.mode) bad(`shadow of '${name}', a ${DECORATOR_NAMES[logical.mode]}: a shadow has its logical column's decorator`);
  if (logical.shadowOf !== undefined) bad(`shadow of '${name}', itself a shadow of '${logical.shadowOf}': shadow the logical column`);
  if ((logical.lookupVersion ?? 1) === (shadow.lookupVersion ?? 1)) bad(`lookupVersion ${shadow.lookupVersion ?? 1} is the version of '${name}' itself: a shadow column takes the next version`);
  if (logical.shadows.some((other) => (other.lookupVersion ?? 1) === (shadow.lookupVersion ?? 1))) bad(`'${name}' has another shadow of lookupVersion ${shadow.lookupVersion ?? 1}`);
  if (shadow.mode === 'fpe' && JSON.stringify(shadow.fpeFormat) !== JSON.stringify(logical.fpeFormat)) bad(`an FPE shadow takes the preset and options of '${name}'`);
  Object.assign(shadow, { contextField: logical.property, scope: logical.scope, domain: logical.domain, valueType: logical.valueType });
  logical.shadows.push(shadow);
}

/** Sets the column lookups of `field`'s values compare (the highest version not reindexing), checking the versions. */
function chooseLookupColumn(metadata: EntityMetadata, field: ProtectedField): void {
  const bad: (property: string, why: string) => never = (property, why) => {
    throw new ConfigurationError(`fieldseal/typeorm: ${metadata.name}.${property}: ${why}`);
  };
  if (field.mode === 'blindIndex' || field.shadowOf !== undefined) return;
  const candidates = field.mode === 'randomized' ? field.indexes : [field, ...field.shadows];
  if (field.mode === 'randomized') {
    const seen = new Map<number, string>();
    for (const index of field.indexes) {
      const version = index.lookupVersion ?? 1;
      const other = seen.get(version);
      if (other !== undefined) bad(index.property, `'${field.property}' has another blind index of lookupVersion ${version} (${other}): give the new one the next version`);
      seen.set(version, index.property);
    }
  }
  let chosen: ProtectedField | undefined;
  for (const candidate of candidates) {
    if (candidate.reindexing) continue;
    if (chosen === undefined || (candidate.lookupVersion ?? 1) > (chosen.lookupVersion ?? 1)) chosen = candidate;
  }
  const reindexing = candidates.find((c) => c.reindexing);
  if (chosen === undefined && reindexing !== undefined) bad(reindexing.property, `every lookup column of '${field.property}' is marked reindexing: the column it replaces must stay readable until the reindex is done`);
  field.lookupBy = chosen;
}
