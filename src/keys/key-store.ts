/**
 * Where wrapped data keys live. A store is a list of {@link DataKeyRecord}s with one
 * atomic read-modify-write operation; that is all the keyring needs, and it maps onto a
 * file with a lock, a SQL table in a transaction, or a document store with versions.
 *
 * @module
 */
import type { DataKeyRecord } from './data-key-record.js';

/** A key store. Implementations must make {@link KeyStore.update} atomic across processes. */
export interface KeyStore {
  /** A short description for errors and inspect output, e.g. `file:.fieldseal/keys.json`. */
  readonly description: string;
  /** All records, in creation order. */
  list(): Promise<readonly DataKeyRecord[]>;
  /**
   * Applies `change` to the current records and stores the result, atomically: no other
   * update may interleave, even from another process. `change` may be called again if the
   * store must retry; it must be a pure function of its argument.
   */
  update(change: (current: readonly DataKeyRecord[]) => readonly DataKeyRecord[]): Promise<readonly DataKeyRecord[]>;
}

/** An in-memory key store, for tests and short-lived processes. Keys vanish with the process. */
export function memoryKeyStore(initial: readonly DataKeyRecord[] = []): KeyStore {
  let records: readonly DataKeyRecord[] = [...initial];
  let queue: Promise<unknown> = Promise.resolve();
  return {
    description: 'memory',
    async list() {
      return records;
    },
    update(change) {
      const next = queue.then(() => {
        records = [...change(records)];
        return records;
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
