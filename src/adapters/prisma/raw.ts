/**
 * Helpers for raw SQL (`$queryRaw`, `$executeRaw`, other tools), which the extension does
 * not rewrite: seal values to bind as parameters, open values read back, and compute the
 * tokens a lookup compares with. They apply exactly the adapter's rules (context, row
 * binding, strict/migrating, storage form).
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';
import type { ProtectedField } from './config.js';
import type { FieldsealExtensionOptions } from './extension.js';
import { classifyStored, indexLookup, indexValue, lookupTokens, openValue, sealValue, type StoredState } from './field-access.js';
import { buildRuntime, type Runtime } from './runtime.js';
import type { RowKey } from './sealer-port.js';

/** Seal/open helpers for raw queries, bound to one configuration. */
export interface RawFieldHelpers {
  /** Seals `value` for `model.field` (pass `row` for row-bound fields). Blind index fields take the source value. */
  seal(model: string, field: string, value: unknown, options?: { row?: RowKey }): Promise<string | Uint8Array | null>;
  /** Opens a stored value of `model.field` (strict or migrating as configured). */
  open(model: string, field: string, stored: unknown, options?: { row?: RowKey }): Promise<unknown>;
  /**
   * What a deterministic, FPE or blind index column holds for `value`: one token, stable
   * across data key rotations, plus the legacy plaintext forms of a migrating deterministic
   * column (compare with `IN (...)`).
   */
  lookup(model: string, field: string, value: unknown): Promise<Array<string | Uint8Array>>;
  /** Whether a stored value is null, sealed, or plaintext. */
  classify(stored: unknown): StoredState;
}

/** Creates {@link RawFieldHelpers} from the same options as the extension. */
export function fieldsealRaw(options: FieldsealExtensionOptions): RawFieldHelpers {
  const rt = buildRuntime(options.sealer, options.datamodel, options.fields);
  return {
    async seal(model, field, value, opts = {}) {
      const f = protectedField(rt, model, field);
      if (f.mode === 'blindIndex') return indexValue(rt.sealer, f, value);
      return sealValue(rt.sealer, f, value, opts.row);
    },
    async open(model, field, stored, opts = {}) {
      return openValue(rt.sealer, protectedField(rt, model, field), stored, opts.row);
    },
    async lookup(model, field, value) {
      const f = protectedField(rt, model, field);
      if (f.mode === 'blindIndex') return [await indexLookup(rt.sealer, f, value)];
      if (f.mode === 'randomized') {
        const index = f.indexes[0];
        if (!index) throw new ConfigurationError(`${model}.${field} is randomized without a blind index: it cannot be looked up`);
        return [await indexLookup(rt.sealer, index, value)];
      }
      return lookupTokens(rt.sealer, f, value);
    },
    classify: (stored) => classifyStored(rt.sealer, stored),
  };
}

function protectedField(rt: Runtime, model: string, field: string): ProtectedField {
  const f = rt.models.get(model)?.fields.get(field);
  if (!f) throw new ConfigurationError(`${model}.${field} is not a protected field`);
  return f;
}
