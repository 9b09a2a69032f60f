/**
 * The seals and blind indexes of one operation's write data. The write walker records
 * each protected value with the place its stored form goes; once the whole argument tree
 * is walked, {@link PendingWrites.flush} seals everything with one batch call per kind
 * (the AES work of a field's short values is then a few native calls in all) and fills
 * the places in. The query runs only after the flush.
 *
 * @module
 */
import type { ProtectedField } from './config.js';
import { indexValues, sealValues, type ValueToSeal } from './field-access.js';
import type { FieldSealer, RowKey } from './sealer-port.js';

interface PendingSeal extends ValueToSeal {
  readonly assign: (stored: string | Uint8Array | null) => void;
}

interface PendingIndex {
  readonly index: ProtectedField;
  readonly value: unknown;
  readonly assign: (token: string | null) => void;
}

/** Protected values of one write, sealed together on {@link flush}. */
export class PendingWrites {
  #seals: PendingSeal[] = [];
  #indexes: PendingIndex[] = [];

  /**
   * Records `value` of `field` (bound to `row` when the field is row-bound, sealed under
   * `subject` when it has one); `assign` receives its stored form.
   */
  seal(field: ProtectedField, value: unknown, row: RowKey | undefined, subject: string | undefined, assign: (stored: string | Uint8Array | null) => void): void {
    this.#seals.push({ field, value, row, subject, assign });
  }

  /** Records the blind index `index` of a source value; `assign` receives the token. */
  index(index: ProtectedField, value: unknown, assign: (token: string | null) => void): void {
    this.#indexes.push({ index, value, assign });
  }

  /** Whether anything was recorded (reads record nothing, and skip the flush's promise). */
  get empty(): boolean {
    return this.#seals.length === 0 && this.#indexes.length === 0;
  }

  /** Seals and indexes everything recorded, and fills the places in (callers skip it when {@link empty}). */
  async flush(sealer: FieldSealer): Promise<void> {
    const seals = this.#seals;
    const indexes = this.#indexes;
    this.#seals = [];
    this.#indexes = [];
    const [stored, tokens] = await Promise.all([sealValues(sealer, seals), indexValues(sealer, indexes)]);
    for (let i = 0; i < seals.length; i++) (seals[i] as PendingSeal).assign(stored[i] as string | Uint8Array | null);
    for (let i = 0; i < indexes.length; i++) (indexes[i] as PendingIndex).assign(tokens[i] as string | null);
  }
}
