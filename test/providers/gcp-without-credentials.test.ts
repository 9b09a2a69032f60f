/**
 * A Cloud KMS provider on a machine with no Google credentials: the official client fails
 * to set up its channel asynchronously. Every call must fail with a typed, permanent
 * ProviderError, and nothing may be left as an unhandled rejection (which ends a process
 * run with --unhandled-rejections=strict, and any process under Node's default mode
 * unless it handles `unhandledRejection`). Runs in a child process so that the check is
 * Node's own, not the test runner's.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const child = join(import.meta.dirname, 'children/gcp-without-credentials.ts');
const emptyHome = mkdtempSync(join(tmpdir(), 'fieldseal-no-gcp-home-'));

afterAll(() => rmSync(emptyHome, { recursive: true, force: true }));

describe('gcpKmsKeyProvider without credentials', () => {
  it('fails each call with a ProviderError and leaves no unhandled rejection', async () => {
    // Only PATH and an empty HOME: no GOOGLE_APPLICATION_CREDENTIALS, no gcloud config, and
    // no probe of a metadata server (a CI machine on Google Cloud would find credentials).
    const env = { PATH: process.env.PATH ?? '', HOME: emptyHome, METADATA_SERVER_DETECTION: 'none' };
    const result = await run(process.execPath, ['--unhandled-rejections=strict', '--import', 'tsx', child], { cwd: root, env, timeout: 60_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code, stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
    );
    expect(result.stderr).not.toMatch(/default credentials/);
    expect(result.code).toBe(0);
    const steps = JSON.parse(result.stdout.trim()) as Record<string, { type: string; code?: string; retryable?: boolean; message?: string }>;
    for (const step of [steps.wrap, steps.unwrap]) {
      expect(step).toMatchObject({ type: 'ProviderError', code: 'PROVIDER_FAILED', retryable: false });
      expect(step?.message).toMatch(/^gcp-kms: (Encrypt|Decrypt) for key 0a1b2c3d failed \(.*credentials/);
    }
    expect(steps.close).toEqual({ type: 'success' });
  });
});
