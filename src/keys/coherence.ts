/**
 * The staleness bound between processes that share a key store. A process acts on what it
 * read from the store about its cached keys (which is primary, which is destroyed) for at
 * most `maxStalenessMs`: every key it uses was checked against the store within that time.
 * So within the bound of another process rotating, destroying or shredding a key, this one
 * seals under the new primary and can neither open nor seal under the destroyed key.
 *
 * How: a check re-reads the records of every cached key in one `getMany` query. It starts in
 * the background once half the bound has passed since the last one started; if the bound
 * itself has passed (the store is slow or down), operations wait for a check, and fail with
 * its error rather than trust what may be stale. The bound counts from when a check
 * *started*, since a change committed while it ran may not be in what it read.
 *
 * @module
 */
import { ConfigurationError } from '../errors.js';

/** Default `maxStalenessMs`: how long a process may act on unchecked key states. */
export const DEFAULT_MAX_STALENESS_MS = 5_000;

/** Tracks when the cached key states were last checked, and runs the checks. */
export class Coherence {
  readonly maxStalenessMs: number;
  readonly #check: () => Promise<void>;
  /** When the last successful check started. */
  #checkedAt: number;
  #running: Promise<void> | undefined;
  /** Checks run, and checks that failed (counters for stats). */
  readonly counters = { checks: 0, failures: 0 };

  constructor(maxStalenessMs: number | undefined, check: () => Promise<void>) {
    this.maxStalenessMs = maxStalenessMs ?? DEFAULT_MAX_STALENESS_MS;
    if (!(this.maxStalenessMs > 0) || !Number.isFinite(this.maxStalenessMs)) throw new ConfigurationError('maxStalenessMs must be a positive number of milliseconds');
    this.#check = check;
    this.#checkedAt = Date.now();
  }

  /**
   * Whether cached key states may be used now without waiting: true within the bound (and
   * past half of it, a check is started in the background). The no-await hot path.
   */
  fresh(now = Date.now()): boolean {
    const age = now - this.#checkedAt;
    if (age * 2 < this.maxStalenessMs) return true;
    if (age < this.maxStalenessMs) {
      void this.run().catch(() => undefined); // failures are counted; a stale state then waits below
      return true;
    }
    return false;
  }

  /** Resolves once cached key states are within the bound, running a check if they are not. */
  async ensureFresh(): Promise<void> {
    if (!this.fresh()) await this.run();
  }

  /** Runs a check now (joining one that is running). */
  run(): Promise<void> {
    if (this.#running === undefined) {
      const startedAt = Date.now();
      this.#running = (async () => {
        try {
          this.counters.checks++;
          await this.#check();
          this.#checkedAt = Math.max(this.#checkedAt, startedAt);
        } catch (error) {
          this.counters.failures++;
          throw error;
        } finally {
          this.#running = undefined;
        }
      })();
    }
    return this.#running;
  }

  /**
   * Called with the start time of a store read whose result is about to be cached. A check
   * that started after that read did not cover what it returned (the key was not cached
   * yet), so the states are then only as fresh as the read: the bound counts from it.
   */
  noteRead(startedAt: number): void {
    if (startedAt < this.#checkedAt) this.#checkedAt = startedAt;
  }
}
