/**
 * Masks an access policy put on loaded entities, remembered so that they are never written
 * back as values: `save()` of an entity read under a purpose that sees a field masked would
 * otherwise seal the mask in place of the value. Such a write is refused (leave the property
 * out of the write, or set a new value). Nulls the policy put there need no guard: TypeORM
 * compares them with the row it reloads under the same purpose and writes nothing.
 *
 * @module
 */
import { InvalidInputError } from '../../errors.js';
import { withheldIndexes } from '../../seal/policy-results.js';
import type { ProtectedField } from './fields.js';

/** Masks on loaded entities, by entity and property. */
const masks = new WeakMap<object, Map<string, string>>();

/** Remembers the masks among `values`, which were assigned to `items` (same order). */
export function rememberMasks(values: readonly unknown[], items: readonly { readonly entity: object; readonly field: ProtectedField }[]): void {
  const withheld = withheldIndexes(values);
  if (withheld === undefined) return;
  for (const i of withheld) {
    const value = values[i];
    const item = items[i];
    if (typeof value !== 'string' || item === undefined) continue;
    let entityMasks = masks.get(item.entity);
    if (entityMasks === undefined) masks.set(item.entity, (entityMasks = new Map()));
    entityMasks.set(item.field.property, value);
  }
}

/** Throws InvalidInputError when `value` is the mask `entity` was loaded with for `field`. */
export function refuseMaskWrite(entity: object, field: ProtectedField, value: unknown): void {
  if (typeof value !== 'string' || masks.get(entity)?.get(field.property) !== value) return;
  throw new InvalidInputError(`${field.entity}.${field.property} holds the mask it was read as under an access policy; writing it back would replace the value: leave the property out of the write or set a new value`);
}
