/**
 * Single-flight loads of data keys (unwrap, first-key creation): however many callers ask
 * for the same key at once, it is loaded once, and every caller gets its own hold on it.
 *
 * The holds are taken in the same synchronous step in which the load settles. Taking them
 * later, in each caller's continuation, would leave a window of other microtasks in which
 * the cache could evict the fresh key and wipe it before a caller used it.
 *
 * @module
 */
import type { DataKey } from './data-key.js';

interface Flight {
  waiters: number;
  readonly promise: Promise<DataKey>;
}

/** Loads in flight by name (a key id, or a scope for first-key creation). */
export class KeyLoads<Name> {
  readonly #flights = new Map<Name, Flight>();

  /**
   * Joins the load of `name`, starting it with `load` if none is in flight. `load` must
   * resolve to a key it holds once; that hold is exchanged for one per caller. Resolves to
   * the key held for this caller, who must release it.
   */
  join(name: Name, load: () => Promise<DataKey>): Promise<DataKey> {
    let flight = this.#flights.get(name);
    if (flight === undefined) {
      const started: Flight = {
        waiters: 0,
        promise: Promise.resolve()
          .then(load)
          .then(
            (key) => {
              this.#flights.delete(name);
              key.retain(started.waiters);
              key.release();
              return key;
            },
            (error: unknown) => {
              this.#flights.delete(name);
              throw error;
            },
          ),
      };
      this.#flights.set(name, started);
      flight = started;
    }
    flight.waiters++;
    return flight.promise;
  }
}
