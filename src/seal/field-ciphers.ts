/**
 * The seal layer's memo of per-field cipher objects (randomized and deterministic field
 * ciphers, blind-index and pseudonym subkeys, FPE tokenizers), built on a key's HKDF
 * subkeys once and reused, so the hot path does no key derivation.
 *
 * They hang off the key object in a WeakMap: they live exactly as long as that object, a
 * key loaded again (after eviction) starts with none, and the keys layer knows nothing of
 * them. A key object is only used while leased, so a wiped key's ciphers are never reached.
 *
 * @module
 */
import type { DataKey } from '../keys/data-key.js';

/** Default bound on cipher objects memoised per key (one per field and kind). */
export const MAX_CIPHERS_PER_KEY = 4096;

interface KeyCiphers {
  readonly byKind: Map<string, Map<string, Map<string, unknown>>>;
  count: number;
}

const memo = new WeakMap<DataKey, KeyCiphers>();

/**
 * The cipher object of (key, kind, model, field), built by `build(key, model, field)` on
 * first use. Three map lookups of strings the caller already holds: no key string is built
 * per call, and hot callers pass a module-level `build` (no closure per call).
 */
export function fieldCipher<T>(key: DataKey, kind: string, model: string, field: string, build: (key: DataKey, model: string, field: string) => T): T {
  let ciphers = memo.get(key);
  if (ciphers === undefined) memo.set(key, (ciphers = { byKind: new Map(), count: 0 }));
  let byModel = ciphers.byKind.get(kind);
  if (byModel === undefined) ciphers.byKind.set(kind, (byModel = new Map()));
  let byField = byModel.get(model);
  if (byField === undefined) byModel.set(model, (byField = new Map()));
  let value = byField.get(field) as T | undefined;
  if (value === undefined) {
    if (ciphers.count >= MAX_CIPHERS_PER_KEY) {
      ciphers.byKind.clear();
      ciphers.count = 0;
      return fieldCipher(key, kind, model, field, build);
    }
    value = build(key, model, field);
    byField.set(field, value);
    ciphers.count++;
  }
  return value;
}
