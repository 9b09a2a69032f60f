/**
 * The job commands on PostgreSQL and MariaDB, with the key store, the protected table and
 * the checkpoints in one private schema or database (dropped after): the CLI loads the
 * application's driver itself, and `--workers 3` splits a job between three workers whose
 * reports add up to one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unavailableReason } from '../support/databases.js';
import { mariadbUrl, postgresUrl, privateMariadb, privateSchema, type PrivateDatabase, type PrivateSchema } from '../keys/store/support.js';
import { CliProject, type StoredKey } from './support.js';

const ROWS = 1200;

interface Server {
  /** The CLI's database URL (in APP_DB). */
  readonly url: string;
  run(sql: string, params?: unknown[]): Promise<unknown>;
  count(sql: string): Promise<number>;
  /** The key records the CLI made. */
  keys(): Promise<StoredKey[]>;
  drop(): Promise<void>;
}

async function postgres(): Promise<Server> {
  const schema: PrivateSchema = await privateSchema('cli', 2);
  const url = new URL(postgresUrl);
  // Everything the CLI creates (key table, checkpoints) lands in the private schema.
  url.searchParams.set('options', `-c search_path=${schema.schema}`);
  const q = (sql: string): string => sql.replaceAll('users', `"${schema.schema}".users`).replaceAll('fieldseal_jobs', `"${schema.schema}".fieldseal_jobs`);
  return {
    url: url.href,
    run: (sql, params) => schema.pool.query(q(sql), params),
    count: async (sql) => Number(((await schema.pool.query(q(sql))).rows[0] as { n: unknown }).n),
    keys: async () => (await schema.pool.query(`SELECT id, scope, purpose, parent, wrapped FROM "${schema.schema}".fieldseal_keys WHERE wrapped <> ''`)).rows as StoredKey[],
    drop: () => schema.drop(),
  };
}

async function mysql(): Promise<Server> {
  const database: PrivateDatabase = await privateMariadb('cli');
  const mariadb = await import('mariadb');
  const pool = mariadb.createPool({ ...database.config, connectionLimit: 2 });
  const url = new URL(mariadbUrl);
  url.pathname = `/${database.database}`;
  return {
    url: url.href.replace(/^mariadb:/, 'mysql:'),
    run: (sql, params) => pool.query(sql, params),
    count: async (sql) => Number(((await pool.query(sql)) as { n: unknown }[])[0]?.n),
    keys: async () => [...((await pool.query("SELECT id, scope, purpose, parent, wrapped FROM fieldseal_keys WHERE wrapped <> ''")) as StoredKey[])],
    drop: async () => {
      await pool.end();
      await database.drop();
    },
  };
}

for (const [type, open] of [
  ['postgres', postgres],
  ['mysql', mysql],
] as const) {
  const reason = await unavailableReason(type === 'postgres' ? 'postgresql' : 'mysql');

  describe.skipIf(reason !== undefined)(reason ?? `fieldseal jobs on ${type}`, () => {
    let server: Server;
    let project: CliProject;
    let env: Record<string, string>;
    beforeAll(async () => {
      server = await open();
      project = await CliProject.create({
        provider: { type: 'local' },
        store: { type, urlEnv: 'APP_DB' },
        tables: { users: { primaryKey: 'id', columns: [{ column: 'email', model: 'User', field: 'email', mode: 'randomized', rowBound: true }] } },
      });
      env = { APP_DB: server.url };
      await server.run('CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT)');
      const values = Array.from({ length: ROWS }, (_, i) => `(${i + 1}, 'person${i + 1}@example.com')`);
      await server.run(`INSERT INTO users (id, email) VALUES ${values.join(', ')}`);
    });
    afterAll(async () => {
      await project?.remove();
      await server?.drop();
    });

    it('backfills and re-encrypts with three workers, which split the table', async () => {
      const backfill = await project.ok(['backfill', '--workers', '3', '--batch-size', '50'], env);
      expect(backfill).toContain(`users (${type}:users): ${ROWS.toLocaleString('en-US')} rows read, ${ROWS.toLocaleString('en-US')} values written`);
      expect(await server.count("SELECT count(*) AS n FROM users WHERE email LIKE 'fs1:%'")).toBe(ROWS);

      const { previous } = JSON.parse(await project.ok(['keys', 'rotate', '--json'], env)) as { previous: string };
      const reencrypt = JSON.parse(await project.ok(['reencrypt', '--workers', '3', '--batch-size', '50', '--json'], env)) as { reports: { rows: number; changed: number; complete: boolean }[] };
      expect(reencrypt.reports[0]).toMatchObject({ rows: ROWS, changed: ROWS, complete: true });
      // Three workers took part: each claimed ranges in the checkpoints.
      expect(await server.count("SELECT count(DISTINCT worker) AS n FROM fieldseal_jobs WHERE job LIKE 'reencrypt:%'")).toBe(3);

      const status = JSON.parse(await project.ok(['status', '--json'], env)) as { reports: { columns: { notCurrent: number; keys: { keyId: string }[] }[] }[] };
      expect(status.reports[0]?.columns[0]?.notCurrent).toBe(0);
      expect(status.reports[0]?.columns[0]?.keys.map((k) => k.keyId)).not.toContain(previous);
      expect(await project.ok(['keys', 'destroy', previous], env)).toContain(`destroyed data key ${previous}`);
      await project.expectNoLeak(['person1@example.com', 'person600@example.com', server.url], await server.keys());
    });
  });
}
