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
import { classifyStored, indexLookup, indexValue, lookupTokens, openValue, sealValues, type StoredState } from './field-access.js';
import { buildRuntime, type Runtime } from './runtime.js';
import type { RowKey } from './sealer-port.js';

/** Seal/open helpers for raw queries, bound to one configuration. */
export interface RawFieldHelpers {
  /**
   * Seals `value` for `model.field` (pass `row` for row-bound fields, `subject` for fields
   * with a data subject). Blind index and shadow columns take the field's value.
   */
  seal(model: string, field: string, value: unknown, options?: RawValueOptions): Promise<string | Uint8Array | null>;
  /** Opens a stored value of `model.field` (strict or migrating as configured). */
  open(model: string, field: string, stored: unknown, options?: RawValueOptions): Promise<unknown>;
  /**
   * What a deterministic, FPE, blind index or shadow column holds for `value`: one token,
   * stable across data key rotations, plus the legacy plaintext forms of a migrating
   * deterministic column (compare with `IN (...)`). For a field, the tokens of the column
   * the extension's lookups compare (during a lookup key replacement, the highest version
   * not reindexing).
   */
  lookup(model: string, field: string, value: unknown): Promise<Array<string | Uint8Array>>;
  /** Whether a stored value is null, sealed, or plaintext. */
  classify(stored: unknown): StoredState;
}

/** The row and data subject a raw value is bound to, as the extension binds it. */
export interface RawValueOptions {
  /** The row key, for row-bound fields. */
  readonly row?: RowKey;
  /** The data subject (the subject column's value), for fields with one. */
  readonly subject?: string;
}

/** Creates {@link RawFieldHelpers} from the same options as the extension. */
export function fieldsealRaw(options: FieldsealExtensionOptions): RawFieldHelpers {
  const rt = buildRuntime(options.sealer, options.datamodel, options.fields);
  return {
    async seal(model, field, value, opts = {}) {
      const f = protectedField(rt, model, field);
      if (f.mode === 'blindIndex') return indexValue(rt.sealer, f, value);
      return sealValues(rt.sealer, [{ field: f, value, row: opts.row, subject: opts.subject }]).then((v) => v[0] as string | Uint8Array | null);
    },
    async open(model, field, stored, opts = {}) {
      return openValue(rt.sealer, protectedField(rt, model, field), stored, opts.row, opts.subject);
    },
    async lookup(model, field, value) {
      const f = protectedField(rt, model, field);
      if (f.mode === 'blindIndex') return [await indexLookup(rt.sealer, f, value)];
      if (f.mode === 'randomized') {
        const index = f.lookupVia;
        if (!index) throw new ConfigurationError(`${model}.${field} is randomized without a blind index: it cannot be looked up`);
        return [await indexLookup(rt.sealer, index, value)];
      }
      return lookupTokens(rt.sealer, f.shadowOf !== undefined ? f : (f.lookupVia ?? f), value);
    },
    classify: (stored) => classifyStored(rt.sealer, stored),
  };
}

function protectedField(rt: Runtime, model: string, field: string): ProtectedField {
  const f = rt.models.get(model)?.fields.get(field);
  if (!f) throw new ConfigurationError(`${model}.${field} is not a protected field`);
  return f;
}
