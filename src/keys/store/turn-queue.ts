/**
 * Runs async tasks one at a time, in call order: a single database connection can hold one
 * transaction at a time, and a read must not land inside another call's transaction.
 *
 * @module
 */

/** A first-in, first-out queue of async tasks, each starting after the previous one settled. */
export class TurnQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` once every task queued before it has settled; settles as `task` does. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
