/**
 * fieldseal.config.*: found in the working directory or given with --config; a config that
 * names a missing file, folder, environment variable or driver, or that is malformed, ends
 * the command with exit 1 and a message naming the property, never a secret it holds. A
 * .mjs or .ts config may export the provider and store objects themselves.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import { openDatabase } from '../../src/cli/databases.js';
import { CliProject, SQLITE_CONFIG } from './support.js';

const root = resolve(import.meta.dirname, '..', '..');

let project: CliProject;
beforeAll(async () => {
  project = await CliProject.create(null);
});
afterAll(() => project.remove());

/** Runs `keys list` with `config` as fieldseal.config.json (or the file `name`) and expects exit 1. */
async function failure(config: unknown, name = 'fieldseal.config.json', env: Record<string, string> = {}): Promise<string> {
  const dir = await CliProject.create(null);
  try {
    await dir.writeConfig(config, name);
    const out = await dir.run(['keys', 'rotate'], env);
    expect(out.status).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).not.toMatch(/^\s+at /m);
    return out.stderr;
  } finally {
    await dir.remove();
  }
}

describe('finding the config', () => {
  it('says where it looked when there is none', async () => {
    const out = await project.run(['keys', 'list']);
    expect(out.status).toBe(1);
    expect(out.stderr).toBe(`fieldseal: CONFIGURATION_INVALID: no fieldseal.config.json, fieldseal.config.js, fieldseal.config.mjs, fieldseal.config.ts in ${project.dir}: write one (see docs/cli.md) or pass --config <path>\n`);
  });

  it('names a --config file that does not exist', async () => {
    const out = await project.run(['keys', 'list', '--config', 'conf/missing.json']);
    expect(out.status).toBe(1);
    expect(out.stderr).toBe(`fieldseal: CONFIGURATION_INVALID: config file ${join(project.dir, 'conf/missing.json')} not found (--config)\n`);
  });

  it('reads --config relative to the working directory, and paths in it relative to the config', async () => {
    await mkdir(join(project.dir, 'conf'), { recursive: true });
    await writeFile(join(project.dir, 'conf', 'prod.json'), JSON.stringify(SQLITE_CONFIG));
    const rotated = JSON.parse(await project.ok(['--config', 'conf/prod.json', 'keys', 'rotate', '--json'])) as { rotated: { id: string } };
    expect(await project.ok(['keys', 'list', '-c', 'conf/prod.json', '--purpose', 'data'])).toContain(rotated.rotated.id);
    const other = await CliProject.create(null);
    try {
      // The same store, from another working directory: conf/keys.db, not ./keys.db.
      expect(await other.ok(['keys', 'list', '--config', join(project.dir, 'conf', 'prod.json'), '--purpose', 'data'], { FIELDSEAL_KEK: project.kek })).toContain(rotated.rotated.id);
    } finally {
      await other.remove();
    }
  });

  it('refuses two config files in one folder', async () => {
    const dir = await CliProject.create(SQLITE_CONFIG);
    try {
      await dir.writeConfig('export default {}', 'fieldseal.config.mjs');
      const out = await dir.run(['keys', 'list']);
      expect(out.status).toBe(1);
      expect(out.stderr).toContain('several config files');
      expect(out.stderr).toContain('fieldseal.config.json, fieldseal.config.mjs');
    } finally {
      await dir.remove();
    }
  });
});

describe('a config that is wrong', () => {
  it('gives the position of a JSON syntax error without quoting the file', async () => {
    const stderr = await failure('{\n  "store": { "type": "postgres", "url": "postgres://app:hunter2secret@db/app" },,\n}');
    expect(stderr).toBe('fieldseal: CONFIGURATION_INVALID: fieldseal.config.json is not valid JSON at line 2, column 81\n');
  });

  it.each([
    ['an unknown property', { ...SQLITE_CONFIG, stores: {} }, 'fieldseal.config.json: stores is not a configuration property'],
    ['no store', { provider: SQLITE_CONFIG.provider }, 'fieldseal.config.json: store is missing'],
    ['an unknown store type', { ...SQLITE_CONFIG, store: { type: 'redis', url: 'x' } }, "fieldseal.config.json: store.type must be 'sqlite', 'postgres', 'mysql' or 'file'"],
    ['an unknown provider type', { ...SQLITE_CONFIG, provider: { type: 'vault' } }, "fieldseal.config.json: provider.type must be 'local', 'aws-kms' or 'gcp-kms'"],
    ['an option of another store', { ...SQLITE_CONFIG, store: { type: 'sqlite', path: 'keys.db', url: 'x' } }, 'fieldseal.config.json: store.url is not an option here'],
    ['both url and urlEnv', { ...SQLITE_CONFIG, store: { type: 'postgres', url: 'x', urlEnv: 'Y' } }, 'fieldseal.config.json: store needs one of url or urlEnv'],
    ['AWS without a key', { ...SQLITE_CONFIG, provider: { type: 'aws-kms' } }, 'fieldseal.config.json: provider.keyIds must be a non-empty list of strings'],
    ['a table without columns', { ...SQLITE_CONFIG, tables: { users: { primaryKey: 'id', columns: [] } } }, 'fieldseal.config.json: tables.users.columns must be a non-empty list'],
    ['a column without its name', { ...SQLITE_CONFIG, tables: { users: { columns: [{ model: 'User' }] } } }, 'fieldseal.config.json: tables.users.columns[0].column must be a non-empty string'],
  ])('names %s', async (_name, config, message) => {
    const stderr = await failure(config);
    expect(stderr.startsWith(`fieldseal: CONFIGURATION_INVALID: ${message}`), stderr).toBe(true);
  });

  it('names a SQLite file or folder that does not exist, rather than creating an empty key store', async () => {
    const folder = await failure({ ...SQLITE_CONFIG, store: { type: 'sqlite', path: 'no/such/keys.db', create: true } });
    expect(folder).toMatch(/^fieldseal: CONFIGURATION_INVALID: store\.path: folder \/.*\/no\/such does not exist\n$/);
    const file = await failure({ ...SQLITE_CONFIG, store: { type: 'sqlite', path: 'typo.db' } });
    expect(file).toMatch(/^fieldseal: CONFIGURATION_INVALID: store\.path: no SQLite database at \/.*\/typo\.db; check the path, or set "create": true to create it\n$/);
    const keyFile = await failure({ ...SQLITE_CONFIG, store: { type: 'file', path: 'keys.json' } });
    expect(keyFile).toMatch(/^fieldseal: CONFIGURATION_INVALID: store\.path: no key file at \/.*\/keys\.json;/);
  });

  it('names an environment variable that is not set, and says how to make a KEK', async () => {
    expect(await failure({ ...SQLITE_CONFIG, store: { type: 'postgres', urlEnv: 'APP_DATABASE_URL' } })).toBe(
      'fieldseal: CONFIGURATION_INVALID: store.urlEnv: the environment variable APP_DATABASE_URL is not set\n',
    );
    expect(await failure({ ...SQLITE_CONFIG, provider: { type: 'local', kekEnv: 'APP_KEK' } })).toBe(
      "fieldseal: CONFIGURATION_INVALID: APP_KEK is not set: generate one with `npx fieldseal keys generate-kek` or generateKek() from 'fieldseal'\n",
    );
  });

  it('reports a database that does not answer without the password of its URL', async () => {
    const stderr = await failure({ ...SQLITE_CONFIG, store: { type: 'postgres', urlEnv: 'APP_DATABASE_URL' } }, undefined, { APP_DATABASE_URL: 'postgres://app:hunter2secret@127.0.0.1:9/app' });
    expect(stderr).toMatch(/^fieldseal: KEY_STORE_FAILED: postgres:[a-z_.]+: .*ECONNREFUSED/);
    expect(stderr).not.toContain('hunter2');
  });

  it('shows the stack with --debug only', async () => {
    const config = { ...SQLITE_CONFIG, store: { type: 'sqlite', path: 'typo.db' } };
    await project.writeConfig(config, 'debug.json');
    const plain = await project.run(['keys', 'list', '--config', 'debug.json']);
    const debug = await project.run(['keys', 'list', '--config', 'debug.json', '--debug']);
    expect(plain.stderr).not.toMatch(/^\s+at /m);
    expect(debug.status).toBe(1);
    expect(debug.stderr.startsWith(plain.stderr)).toBe(true);
    expect(debug.stderr).toMatch(/^ConfigurationError: store\.path: no SQLite database/m);
    expect(debug.stderr).toMatch(/^\s+at .*databases\.ts/m);
  });
});

describe('a missing database driver', () => {
  const notInstalled = async <T,>(): Promise<T | undefined> => undefined;

  it.each([
    ['sqlite', { type: 'sqlite', path: join(root, 'package.json'), create: false }, "store.type 'sqlite' needs the better-sqlite3 package: npm install better-sqlite3"],
    ['postgres', { type: 'postgres', url: { value: 'postgres://localhost/app' } }, "store.type 'postgres' needs the pg package: npm install pg"],
    ['mysql', { type: 'mysql', url: { value: 'mysql://localhost/app' } }, "store.type 'mysql' needs a MySQL driver: npm install mariadb (or mysql2)"],
  ] as const)('%s: names the package to install', async (_type, spec, message) => {
    const error = await openDatabase(spec, 'store', {}, root, 2, notInstalled).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(message);
  });
});

describe('a config exporting objects', () => {
  const src = (path: string): string => pathToFileURL(join(root, 'src', path)).href;

  it('.mjs: a function returning a KeyProvider and a KeyStore', async () => {
    const dir = await CliProject.create(null);
    try {
      await dir.writeConfig(
        `import { createRequire } from 'node:module';
import { localKeyProvider, sqliteKeyStore } from '${src('index.ts')}';
const Database = createRequire(${JSON.stringify(join(root, 'package.json'))})('better-sqlite3');
export default async () => ({
  provider: localKeyProvider({ keys: { app: process.env.FIELDSEAL_KEK } }),
  store: sqliteKeyStore({ database: new Database(new URL('./keys.db', import.meta.url).pathname) }),
});
`,
        'fieldseal.config.mjs',
      );
      const { rotated } = JSON.parse(await dir.ok(['keys', 'rotate', '--json'])) as { rotated: { id: string } };
      const root_ = (await dir.keys('--purpose', 'root'))[0];
      expect(root_?.parent).toBe('local:app');
      expect((await dir.keys('--purpose', 'data')).map((k) => k.id)).toEqual([rotated.id]);

      // The config's own code fails: the command names the file and the error.
      await dir.writeConfig("throw new TypeError('no database here');\n", 'broken.mjs');
      const out = await dir.run(['keys', 'list', '--config', 'broken.mjs']);
      expect(out.status).toBe(1);
      expect(out.stderr).toBe('fieldseal: CONFIGURATION_INVALID: broken.mjs failed to load: TypeError: no database here\n');
    } finally {
      await dir.remove();
    }
  });

  it('.ts: loaded through tsx', async () => {
    const dir = await CliProject.create(null);
    try {
      await dir.writeConfig(
        `import type { KeyProvider } from '${src('index.ts')}';
import { localKeyProviderFromEnv } from '${src('index.ts')}';
const provider: KeyProvider = localKeyProviderFromEnv();
export default { provider, store: { type: 'sqlite' as const, path: 'keys.db', create: true } };
`,
        'fieldseal.config.ts',
      );
      const { rotated } = JSON.parse(await dir.ok(['keys', 'rotate', '--json'])) as { rotated: { scope: string } };
      expect(rotated.scope).toBe('default');
    } finally {
      await dir.remove();
    }
  });
});
