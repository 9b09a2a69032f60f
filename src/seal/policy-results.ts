/**
 * What the ORM adapters need to know about a policed batch, beside its values: which of
 * them are a mask or a null the policy put there (not to be converted to the field's type,
 * nor written back), and, for the Prisma lookup check only, a way to open values past the
 * policy. Neither is part of the public API (no entry point exports this module).
 *
 * @module
 */
import type { Sealable } from '../format/value-codec.js';
import type { TokenContext } from './sealer.js';

/** Indexes of a result array whose values the policy withheld (masked, or null). */
const withheld = new WeakMap<readonly unknown[], ReadonlySet<number>>();

/** Records that `values[i]` for each i of `indexes` is a mask or a null the policy put there. */
export function markWithheld(values: readonly unknown[], indexes: ReadonlySet<number>): void {
  if (indexes.size > 0) withheld.set(values, indexes);
}

/** The indexes of `values` the policy withheld, or undefined when none (and always without a policy). */
export function withheldIndexes(values: readonly unknown[]): ReadonlySet<number> | undefined {
  return withheld.get(values);
}

/** Opens values as `decryptMany` does, but with no policy and no audit event. */
export type UnpolicedOpener = (items: readonly { readonly text: string; readonly ctx: TokenContext }[]) => Promise<Sealable[]>;

const openers = new WeakMap<object, UnpolicedOpener>();

/** Registers a policed Sealer's opener (the Sealer does, when created with a policy). */
export function registerUnpolicedOpener(sealer: object, open: UnpolicedOpener): void {
  openers.set(sealer, open);
}

/**
 * The opener of a Sealer with a policy, or undefined (no policy, or not a Sealer). For the
 * lookup integrity check, which must compare the clear value with the value looked up
 * whatever the caller may see; what it opens is compared, never returned.
 */
export function unpolicedOpener(sealer: object): UnpolicedOpener | undefined {
  return openers.get(sealer);
}
