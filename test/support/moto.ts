/**
 * Starts moto's server (https://docs.getmoto.org/en/latest/docs/server_mode.html) as a real
 * KMS-protocol peer on a free loopback port, for the AWS KMS provider tests. The AWS SDK
 * talks to it over HTTP with dummy credentials: no client-level mocks.
 *
 * moto is a Python package (`pip install 'moto[server]'`), looked for in `FIELDSEAL_PYTHON`
 * (default `python3`). When it is missing the AWS suites skip outside CI, the reason and the
 * install command being printed at the start of the run; in CI (`CI=true`) they fail.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { KMSClient } from '@aws-sdk/client-kms';
import { freeLoopbackPort } from './free-port.js';
import { assertMotoInstalled, python } from './moto-install.js';

export { assertMotoInstalled, motoProblem, motoUnavailableReason } from './moto-install.js';

const START_TIMEOUT_MS = 20_000;

/** A running moto server. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  /** Region and dummy credentials the SDK must use with it. */
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  /** A KMS client pointed at this server (SDK retries off: tests count calls). */
  client(): KMSClient;
  /** Stops the server and waits for the process to exit. */
  stop(): Promise<void>;
}

/** Starts moto on a free 127.0.0.1 port and waits until it answers HTTP. */
export async function startMoto(): Promise<MotoServer> {
  assertMotoInstalled();
  const port = await freeLoopbackPort();
  const child = spawn(python(), ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint, child, () => stderr);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  const region = 'us-east-1';
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  return {
    endpoint,
    port,
    region,
    credentials,
    client: () => new KMSClient({ endpoint, region, credentials, maxAttempts: 1 }),
    stop: () => stopProcess(child),
  };
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited with code ${child.exitCode} before answering: ${stderr()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`moto did not answer on ${endpoint} within ${START_TIMEOUT_MS} ms: ${stderr()}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
