/**
 * The few test-framework functions the contract suites need. Passing them in (rather than
 * importing vitest) lets the suites run under vitest, jest or mocha, and keeps every test
 * framework out of fieldseal's dependencies. Assertions use `node:assert`.
 *
 * @module
 */

/** A test body; the suites' bodies are always async. */
export type TestBody = () => Promise<void>;

/** A lifecycle hook. */
export type HookBody = () => Promise<void> | void;

/**
 * What a contract suite needs from your test framework. With vitest:
 * `import { describe, it, beforeAll, afterAll } from 'vitest'` and pass
 * `{ describe, it, beforeAll, afterAll }`; jest's globals fit as they are; with mocha pass
 * `{ describe, it, beforeAll: before, afterAll: after }` (and set timeouts on mocha itself).
 */
export interface ContractTestApi {
  /** Groups tests. */
  describe(name: string, body: () => void): void;
  /** Declares a test; `timeout` in milliseconds. */
  it(name: string, body: TestBody, timeout?: number): void;
  /** Runs once before the group's tests; `timeout` in milliseconds. */
  beforeAll(body: HookBody, timeout?: number): void;
  /** Runs once after the group's tests; `timeout` in milliseconds. */
  afterAll(body: HookBody, timeout?: number): void;
}

/**
 * A test declarer whose every test runs on a fresh subject from `setup`, disposed after the
 * test whatever its outcome: the contract suites give each test its own store or table.
 */
export function testsOnFreshSubjects<S extends { dispose?(): Promise<void> | void }>(
  it: ContractTestApi['it'],
  setup: () => Promise<S> | S,
  timeoutMs: number,
): (title: string, body: (subject: S) => Promise<void>) => void {
  return (title, body) =>
    it(
      title,
      async () => {
        const subject = await setup();
        try {
          await body(subject);
        } finally {
          await subject.dispose?.();
        }
      },
      timeoutMs,
    );
}
