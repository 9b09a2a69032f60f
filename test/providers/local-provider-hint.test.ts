/**
 * The hint of localKeyProviderFromEnv when no KEK is set names a command that works today:
 * run through a shell, it prints a KEK that the provider accepts.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import { localKeyProviderFromEnv } from '../../src/keys/local-provider.js';

const run = promisify(execFile);

function missingKekError(): ConfigurationError {
  try {
    localKeyProviderFromEnv({});
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('localKeyProviderFromEnv accepted an environment without FIELDSEAL_KEK');
}

describe('localKeyProviderFromEnv without a KEK', () => {
  it('names a command that prints a KEK the provider accepts', async () => {
    const { message } = missingKekError();
    expect(message).toMatch(/^FIELDSEAL_KEK is not set: generate one with `[^`]+`/);
    const command = /`([^`]+)`/.exec(message)?.[1] ?? '';
    // As a user would paste it: through a shell, with only PATH set.
    const { stdout } = await run('/bin/sh', ['-c', command], { env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 });
    const kek = stdout.trim();
    expect(Buffer.from(kek, 'base64')).toHaveLength(32);
    const provider = localKeyProviderFromEnv({ FIELDSEAL_KEK: kek });
    const wrapped = await provider.wrap(new Uint8Array(32).fill(1), { keyId: 'k1', scope: 's' });
    expect([...(await provider.unwrap(wrapped, { keyId: 'k1', scope: 's' }))]).toEqual([...new Uint8Array(32).fill(1)]);
  });

  it('names generateKek, which the package exports', async () => {
    expect(missingKekError().message).toMatch(/generateKek\(\) from 'fieldseal'/);
    const main = await import('../../src/index.js');
    expect(typeof main.generateKek).toBe('function');
  });
});
