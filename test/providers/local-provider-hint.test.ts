/**
 * The hint of localKeyProviderFromEnv when no KEK is set names a command that works: the
 * package's `fieldseal` CLI, run as a user would paste it (with the CLI's source standing in
 * for the installed bin), prints a KEK that the provider accepts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import { localKeyProviderFromEnv } from '../../src/keys/local-provider.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
const cli = join(root, 'src/cli/main.ts');
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

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
  it('names the CLI command that prints a KEK the provider accepts', async () => {
    const { message } = missingKekError();
    expect(message).toMatch(/^FIELDSEAL_KEK is not set: generate one with `[^`]+`/);
    const command = /`([^`]+)`/.exec(message)?.[1] ?? '';
    expect(command).toMatch(/^npx fieldseal /);
    const args = command.split(' ').slice(2);
    // Run where there is no config and with only PATH set: the command needs neither.
    const cwd = await mkdtemp(join(tmpdir(), 'fieldseal-hint-'));
    try {
      const { stdout } = await run(process.execPath, ['--import', tsx, cli, ...args], { cwd, env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 });
      const kek = stdout.trim();
      expect(Buffer.from(kek, 'base64')).toHaveLength(32);
      const provider = localKeyProviderFromEnv({ FIELDSEAL_KEK: kek });
      const wrapped = await provider.wrap(new Uint8Array(32).fill(1), { keyId: 'k1', scope: 's' });
      expect([...(await provider.unwrap(wrapped, { keyId: 'k1', scope: 's' }))]).toEqual([...new Uint8Array(32).fill(1)]);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('names generateKek, which the package exports', async () => {
    expect(missingKekError().message).toMatch(/generateKek\(\) from 'fieldseal'/);
    const main = await import('../../src/index.js');
    expect(typeof main.generateKek).toBe('function');
  });
});
