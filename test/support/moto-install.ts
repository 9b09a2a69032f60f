/**
 * Whether moto's server (a Python package: `pip install 'moto[server]'`) can run here, in
 * the Python named by `FIELDSEAL_PYTHON` (default `python3`). Kept apart from moto.ts so the
 * global setup can ask without loading the AWS SDK.
 */
import { execFile, spawnSync } from 'node:child_process';
import { skipReasonOrFail } from './missing-service.js';

/** The Python that has moto (read at call time so a test can point it elsewhere). */
export const python = (): string => process.env.FIELDSEAL_PYTHON || 'python3';

const PROBE_ARGS = ['-c', 'import moto, moto.server, flask'];

/** The message for a failed probe: what failed, its last error line, how to install. */
function missingMessage(pythonPath: string, stderr: string): string {
  return (
    `moto's server, needed by the AWS KMS suites, is missing: '${pythonPath} -c "import moto.server"' failed` +
    ` (${stderr.trim().split('\n').pop() || 'unknown error'}).` +
    ` Install it with: ${pythonPath} -m pip install 'moto[server]'  (or set FIELDSEAL_PYTHON to a Python that has it)`
  );
}

/** Why moto's server cannot run here, with the install command; undefined when it can. */
export function motoProblem(): string | undefined {
  const pythonPath = python();
  const probe = spawnSync(pythonPath, PROBE_ARGS, { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  return missingMessage(pythonPath, probe.stderr || String(probe.error ?? ''));
}

/** {@link motoProblem} without blocking (the global setup probes services in parallel). */
export function motoProblemAsync(): Promise<string | undefined> {
  const pythonPath = python();
  return new Promise((resolve) => {
    execFile(pythonPath, PROBE_ARGS, { encoding: 'utf8' }, (error, _stdout, stderr) => {
      resolve(error === null ? undefined : missingMessage(pythonPath, stderr || error.message));
    });
  });
}

/** Throws {@link motoProblem}'s message when moto's server cannot be imported. */
export function assertMotoInstalled(): void {
  const problem = motoProblem();
  if (problem !== undefined) throw new Error(problem);
}

/**
 * For `describe.skipIf(motoUnavailableReason() !== undefined)`: the reason to skip outside
 * CI, undefined when moto is there; throws in CI, where the AWS suites must run.
 */
export function motoUnavailableReason(): string | undefined {
  return skipReasonOrFail(motoProblem());
}
