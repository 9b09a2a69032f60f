/**
 * The test-service plumbing: a missing service skips outside CI and fails in CI, and the
 * embedded PostgreSQL (the fallback when no server answers) is a real server on loopback
 * that leaves nothing behind.
 */
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresProblem } from '../support/database-servers.js';
import { startEmbeddedPostgres } from '../support/embedded-postgres.js';
import { skipReasonOrFail } from '../support/missing-service.js';

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
  });
});
