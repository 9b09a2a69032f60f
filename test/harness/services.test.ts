/**
 * The test-service plumbing: a missing service skips outside CI and fails in CI, and the
 * embedded PostgreSQL (the fallback when no server answers) is a real server on loopback
 * that leaves nothing behind, and starts from a clone in a private folder, also as root.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresProblem } from '../support/database-servers.js';
import { startEmbeddedPostgres } from '../support/embedded-postgres.js';
import { skipReasonOrFail } from '../support/missing-service.js';
import { platformPostgresBinaries } from '../support/postgres-binaries.js';
import { postgresOsUser } from '../support/postgres-os-user.js';

const asRoot = process.getuid?.() === 0;

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('a missing service', () => {
  it('gives its reason to skip outside CI', () => {
    expect(skipReasonOrFail('moto is missing', false)).toBe('moto is missing');
    expect(skipReasonOrFail(undefined, false)).toBeUndefined();
  });

  it('fails in CI, where every suite must run', () => {
    expect(() => skipReasonOrFail('moto is missing', true)).toThrow(/CI runs every suite, but moto is missing/);
    expect(skipReasonOrFail(undefined, true)).toBeUndefined();
  });
});

describe('embedded PostgreSQL', () => {
  it('runs a real server on a loopback port, reachable by URL, and removes its files when stopped', async () => {
    const server = await startEmbeddedPostgres();
    const { port, hostname, password } = new URL(server.url);
    let dataDir = '';
    try {
      expect(hostname).toBe('127.0.0.1');
      expect(password.length).toBeGreaterThanOrEqual(16);
      expect(server.version).toMatch(/^PostgreSQL \d+/);
      expect(await postgresProblem(server.url)).toBeUndefined();
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        const rows = (await client.query<{ dir: string; listen: string }>(
          "SELECT current_setting('data_directory') AS dir, current_setting('listen_addresses') AS listen",
        )).rows;
        dataDir = rows[0]!.dir;
        expect(rows[0]!.listen).toBe('127.0.0.1');
        expect(existsSync(dataDir)).toBe(true);
      } finally {
        await client.end();
      }
    } finally {
      await server.stop();
    }
    expect(await listening(Number(port))).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
    // The cluster folder, where initdb's password file was, is gone too.
    expect(existsSync(dirname(dataDir))).toBe(false);
  });

  it('starts from binaries inside a folder only its owner can enter (a clone under /root or mktemp -d)', async () => {
    const installed = await platformPostgresBinaries();
    const privateFolder = mkdtempSync(join(tmpdir(), 'fieldseal-test-clone-'));
    chmodSync(privateFolder, 0o700);
    const privateNative = join(privateFolder, 'node_modules', 'native');
    cpSync(installed.nativeDir, privateNative, { recursive: true, verbatimSymlinks: true });
    // A version of its own, so the shared copy made as root is made from this folder.
    const version = `test-${randomBytes(6).toString('hex')}`;
    const sharedCopy = join(tmpdir(), `fieldseal-postgres-${process.platform}-${process.arch}-${version}`);
    try {
      const server = await startEmbeddedPostgres({ binaries: { nativeDir: privateNative, version } });
      try {
        const client = new pg.Client({ connectionString: server.url });
        await client.connect();
        try {
          const rows = (await client.query<{ dir: string }>("SELECT current_setting('data_directory') AS dir")).rows;
          // As root, the server runs as `postgres`, from a copy every user can run, in a
          // cluster folder of that user's.
          expect(server.nativeDir).toBe(asRoot ? sharedCopy : privateNative);
          if (asRoot) {
            expect(statSync(sharedCopy).uid).toBe(0);
            expect(statSync(sharedCopy).mode & 0o777).toBe(0o755);
            expect(statSync(rows[0]!.dir).uid).toBe(postgresOsUser().uid);
          }
        } finally {
          await client.end();
        }
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(privateFolder, { recursive: true, force: true });
      rmSync(sharedCopy, { recursive: true, force: true });
    }
  });

  it('says why it did not start, and leaves no cluster folder behind', async () => {
    // A temp dir of this test's own, so what is left in it is what the start left.
    const temp = mkdtempSync(join(tmpdir(), 'fieldseal-test-tmp-'));
    chmodSync(temp, 0o755);
    const noBinaries = mkdtempSync(join(tmpdir(), 'fieldseal-test-empty-'));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    try {
      await expect(startEmbeddedPostgres({ binaries: { nativeDir: noBinaries, version: 'test' } })).rejects.toThrow(
        /^embedded PostgreSQL did not start: spawn .*\/bin\/initdb ENOENT/,
      );
      // As root, only the (empty) shared copy of the binaries stays.
      expect(readdirSync(temp)).toEqual(asRoot ? [`fieldseal-postgres-${process.platform}-${process.arch}-test`] : []);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      rmSync(temp, { recursive: true, force: true });
      rmSync(noBinaries, { recursive: true, force: true });
    }
  });
});
