/**
 * The error a promise rejects with, for the contract suites (which assert with `node:assert`
 * and depend on no test framework); fails the test if the promise resolves.
 *
 * @module
 */
import assert from 'node:assert/strict';

/** Awaits `promise` and returns what it rejected with; an assertion failure if it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to be rejected, but it succeeded');
}
