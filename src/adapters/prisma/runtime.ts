/**
 * The adapter's runtime view: each model's relations, scalars and protected fields, built
 * once per extension so that walking arguments and results is a few map look-ups per key.
 *
 * @module
 */
import { ConfigurationError, UnsupportedQueryError } from '../../errors.js';
import type { FieldsConfig, ProtectedField } from './config.js';
import { resolveFields } from './config.js';
import { indexDatamodel, type DatamodelInput, type ModelShape } from './datamodel.js';
import type { FieldSealer } from './sealer-port.js';

/** One model as the walkers see it. */
export interface ModelInfo {
  readonly name: string;
  readonly shape: ModelShape;
  /** Protected fields (randomized, deterministic, fpe, blind index), by name. */
  readonly fields: ReadonlyMap<string, ProtectedField>;
  /** Columns some protected field is bound to (selected whenever such a field is). */
  readonly rowColumns: ReadonlySet<string>;
  /** Columns holding the data subject of some field (selected whenever such a field is). */
  readonly subjectColumns: ReadonlySet<string>;
  /** Whether this model or any model reachable through relations has protected fields. */
  readonly reachesProtected: boolean;
}

/** Everything the walkers need. */
export interface Runtime {
  readonly sealer: FieldSealer;
  readonly models: ReadonlyMap<string, ModelInfo>;
}

/** Builds the runtime from the data model and the fields configuration (validating both). */
export function buildRuntime(sealer: FieldSealer, datamodel: DatamodelInput, fields: FieldsConfig): Runtime {
  if (sealer === null || typeof sealer !== 'object' || typeof sealer.encrypt !== 'function') {
    throw new ConfigurationError('fieldseal/prisma: `sealer` must be a Sealer from createSealer()');
  }
  const shapes = indexDatamodel(datamodel);
  const protectedModels = resolveFields(fields, shapes);
  for (const model of protectedModels.values()) {
    for (const field of model.fields.values()) {
      if (field.mode === 'fpe' && (typeof sealer.fpe !== 'function' || typeof sealer.detokenize !== 'function')) {
        throw new ConfigurationError(`fieldseal/prisma: ${field.model}.${field.field} uses FPE, but this Sealer has no fpe/detokenize methods`);
      }
    }
  }
  const reaches = new Map<string, boolean>();
  const visit = (name: string, seen: Set<string>): boolean => {
    const known = reaches.get(name);
    if (known !== undefined) return known;
    if ((protectedModels.get(name)?.fields.size ?? 0) > 0) return true;
    if (seen.has(name)) return false;
    seen.add(name);
    for (const rel of shapes.get(name)?.relations.values() ?? []) if (visit(rel.model, seen)) return true;
    return false;
  };
  const models = new Map<string, ModelInfo>();
  for (const shape of shapes.values()) {
    const p = protectedModels.get(shape.name);
    const reachesProtected = visit(shape.name, new Set());
    reaches.set(shape.name, reachesProtected);
    models.set(shape.name, {
      name: shape.name,
      shape,
      fields: p?.fields ?? new Map(),
      rowColumns: p?.rowColumns ?? new Set(),
      subjectColumns: p?.subjectColumns ?? new Set(),
      reachesProtected,
    });
  }
  return { sealer, models };
}

/** The model's info; an unknown model (not in the data model) is a configuration error. */
export function modelInfo(rt: Runtime, name: string): ModelInfo {
  const info = rt.models.get(name);
  if (!info) throw new ConfigurationError(`fieldseal/prisma: model ${name} is not in the data model given to the extension (regenerate the fieldseal config)`);
  return info;
}

/** Shorthand for refusing an operator on a protected field. */
export function refuse(field: ProtectedField, operator: string, why: string): never {
  throw new UnsupportedQueryError(field.model, field.field, operator, why);
}

/** A plain object (not null, array, Date, bytes, Decimal or other class instance). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Arrays stay arrays; a single value becomes a one-element array. */
export function asArray<T>(value: T | readonly T[]): T[] {
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}
