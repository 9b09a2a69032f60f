/**
 * Leak assertions for errors: a secret value must appear nowhere in what a log could carry
 * of an error (message, stack, own properties, cause chain, JSON, util.inspect), neither as
 * text, nor as a piece of it, nor as its bytes in hex or base64.
 */
import { expect } from 'vitest';
import { findLeak, renderError } from '../../../src/testing/leak-check.js';

/** The shortest piece of a secret that counts as leaked (parsers quote the first characters of a value). */
const PIECE = 8;

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.unreachable('expected the operation to fail');
}

/** The error `fn` throws; fails the test when it returns. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return expect.unreachable('expected the call to throw');
}

/** Fails when `error` shows `secret` (or any 8-character piece of it, or its bytes encoded) anywhere a log could. */
export function expectNoLeak(error: unknown, secret: string): void {
  expect(error).toBeInstanceOf(Error);
  const text = renderError(error);
  for (let i = 0; i + PIECE <= secret.length; i++) {
    const piece = secret.slice(i, i + PIECE);
    if (text.includes(piece)) expect.fail(`the error shows '${piece}' of the secret:\n${text}`);
  }
  expect(findLeak(error, [{ label: 'secret', bytes: Buffer.from(secret, 'utf8') }])).toBeUndefined();
}
