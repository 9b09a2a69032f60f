/**
 * The moto harness: when moto is missing it says so with the install command, skipping the
 * AWS suites outside CI and failing them in CI (never a silent skip).
 */
import { describe, expect, it } from 'vitest';
import { assertMotoInstalled, motoProblem, motoUnavailableReason } from '../support/moto.js';

/** Runs `fn` with FIELDSEAL_PYTHON pointing at a Python that does not exist. */
function withoutMoto<T>(fn: () => T): T {
  const saved = process.env.FIELDSEAL_PYTHON;
  process.env.FIELDSEAL_PYTHON = '/nonexistent/python3';
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.FIELDSEAL_PYTHON;
    else process.env.FIELDSEAL_PYTHON = saved;
  }
}

describe('moto harness', () => {
  it.skipIf(motoUnavailableReason() !== undefined)('finds moto on this machine', () => {
    expect(motoProblem()).toBeUndefined();
    expect(() => assertMotoInstalled()).not.toThrow();
  });

  it('names the pip command when the Python has no moto', () => {
    expect(withoutMoto(() => motoProblem())).toMatch(/pip install 'moto\[server\]'/);
    expect(() => withoutMoto(() => assertMotoInstalled())).toThrow(/pip install 'moto\[server\]'/);
  });
});
