/** The moto harness fails loudly, with the install command, when moto is missing (never a silent skip). */
import { describe, expect, it } from 'vitest';
import { assertMotoInstalled } from '../support/moto.js';

describe('moto harness', () => {
  it('passes on this machine (moto is part of the test environment)', () => {
    expect(() => assertMotoInstalled()).not.toThrow();
  });

  it('throws with the pip command when the Python has no moto', () => {
    const saved = process.env.FIELDSEAL_PYTHON;
    process.env.FIELDSEAL_PYTHON = '/nonexistent/python3';
    try {
      expect(() => assertMotoInstalled()).toThrow(/pip install 'moto\[server\]'/);
    } finally {
      if (saved === undefined) delete process.env.FIELDSEAL_PYTHON;
      else process.env.FIELDSEAL_PYTHON = saved;
    }
  });
});
