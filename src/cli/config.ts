/**
 * The `fieldseal` command's configuration: `fieldseal.config.{js,mjs,ts,json}` in the
 * working directory, or the file given with `--config`. It names
 * - the KEK provider: `{ type: 'local', kekEnv? }` (the KEK in an environment variable,
 *   default `FIELDSEAL_KEK`, older ones in `<kekEnv>_<NAME>`), `{ type: 'aws-kms', keyIds }`
 *   or `{ type: 'gcp-kms', keyNames }`;
 * - the key store: `{ type: 'sqlite', path }`, `{ type: 'postgres', url | urlEnv }`,
 *   `{ type: 'mysql', url | urlEnv }` or `{ type: 'file', path }`;
 * - optionally the application database, when the protected tables are not in the key
 *   store's database (same shapes as the SQL stores);
 * - the protected columns per table, for the jobs;
 * - or, for a Prisma application, its schema: `{ prisma: { schema, models? } }` (the
 *   protected tables then come from the schema's annotations, see prisma-config.ts).
 *
 * A `.js`, `.mjs` or `.ts` config may instead export the objects themselves
 * (`export default { provider, store, tables }`, or a function returning them): a
 * KeyProvider (or a list of them) and a KeyStore. Secrets are named by environment
 * variable (`kekEnv`, `urlEnv`) so that the file itself can be committed.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigurationError, FieldsealError } from '../errors.js';
import type { KeyProvider } from '../keys/provider.js';
import type { KeyStore } from '../keys/store/key-store.js';
import type { SkippedField } from '../adapters/prisma/model-columns.js';
import { parsePrismaConfig, withPrismaModels, type PrismaConfig } from './prisma-config.js';

/** The file names looked for in the working directory, in this order. */
export const CONFIG_FILE_NAMES = ['fieldseal.config.json', 'fieldseal.config.js', 'fieldseal.config.mjs', 'fieldseal.config.ts'] as const;

/** A KEK provider named in a config. */
export type ProviderConfig =
  | { readonly type: 'local'; readonly kekEnv: string }
  | { readonly type: 'aws-kms'; readonly keyIds: readonly string[]; readonly primary?: string; readonly region?: string; readonly endpoint?: string }
  | { readonly type: 'gcp-kms'; readonly keyNames: readonly string[]; readonly primary?: string };

/** A SQL database named in a config: where a key store's table or the protected tables are. */
export type DatabaseConfig =
  | { readonly type: 'sqlite'; readonly path: string; readonly create: boolean }
  | { readonly type: 'postgres'; readonly url: UrlSource }
  | { readonly type: 'mysql'; readonly url: UrlSource };

/** A connection URL, given in the file or (better) named by an environment variable. */
export type UrlSource = { readonly value: string } | { readonly env: string };

/** A key store named in a config: a SQL database (and table name), or a JSON file. */
export type StoreConfig =
  | (DatabaseConfig & { readonly table?: string; readonly schema?: string })
  | { readonly type: 'file'; readonly path: string; readonly create: boolean };

/** A protected table: its primary key column and its protected column specs (passed on to the jobs). */
export interface TableConfig {
  readonly primaryKey: string;
  readonly columns: readonly Readonly<Record<string, unknown>>[];
  /** The plain column naming each row's data subject, for `fieldseal subject shred | export`. */
  readonly subjectColumn?: string;
  /** Plain columns holding the subject's personal data: exported, and cleared by erasure when `clearOnErasure`. */
  readonly personalColumns?: readonly string[];
  readonly clearOnErasure?: boolean;
}

/** A loaded configuration. */
export interface CliConfig {
  /** The config file (absolute); relative paths in it start from its folder. */
  readonly file: string;
  /** Absent when the config names none: the commands that need keys then refuse. */
  readonly provider?: ProviderConfig | readonly KeyProvider[];
  readonly store: StoreConfig | KeyStore;
  /** The application database of the protected tables; absent: the key store's database. */
  readonly database?: DatabaseConfig;
  /** Protected tables by name (with those of the Prisma models, once loaded). */
  readonly tables: Readonly<Record<string, TableConfig>>;
  /** The Prisma schema the protected tables of its annotated models come from. */
  readonly prisma?: PrismaConfig;
  /** Prisma models by name: the name of their table in `tables`. */
  readonly models?: Readonly<Record<string, string>>;
  /** Annotated Prisma fields the jobs do not cover, by table name. */
  readonly skipped?: Readonly<Record<string, readonly SkippedField[]>>;
}

/** What the command line changes in a config. */
export interface ConfigOverrides {
  /** `--prisma-schema`: the Prisma schema (relative to the working directory), instead of the config's `prisma.schema`. */
  readonly prismaSchema?: string;
}

/**
 * Finds and loads the config: `explicit` (from `--config`) or the first of
 * {@link CONFIG_FILE_NAMES} in `cwd`; then reads the Prisma schema it names, if any.
 */
export async function loadConfig(cwd: string, explicit: string | undefined, overrides: ConfigOverrides = {}): Promise<CliConfig> {
  const file = findConfig(cwd, explicit);
  const raw = await readConfigFile(file);
  let config = parseConfig(raw, file);
  if (overrides.prismaSchema !== undefined) config = { ...config, prisma: { ...config.prisma, schema: resolve(cwd, overrides.prismaSchema) } };
  return withPrismaModels(config);
}

function findConfig(cwd: string, explicit: string | undefined): string {
  if (explicit !== undefined) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file)) throw new ConfigurationError(`config file ${file} not found (--config)`);
    return file;
  }
  const found = CONFIG_FILE_NAMES.filter((name) => existsSync(join(cwd, name)));
  if (found.length === 0) {
    throw new ConfigurationError(`no ${CONFIG_FILE_NAMES.join(', ')} in ${cwd}: write one (see docs/cli.md) or pass --config <path>`);
  }
  if (found.length > 1) throw new ConfigurationError(`several config files in ${cwd} (${found.join(', ')}): keep one, or pass --config <path>`);
  return join(cwd, found[0] as string);
}

async function readConfigFile(file: string): Promise<unknown> {
  const ext = extname(file);
  if (ext === '.json') {
    const text = await readFile(file, 'utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      // JSON.parse quotes the text around the error, which may hold a database URL: give the position only.
      const at = /position (\d+)/.exec(error instanceof Error ? error.message : '');
      const where = at === null ? '' : ` at ${lineAndColumn(text, Number(at[1]))}`;
      throw new ConfigurationError(`${basename(file)} is not valid JSON${where}`);
    }
  }
  if (ext !== '.js' && ext !== '.mjs' && ext !== '.cjs' && ext !== '.ts' && ext !== '.mts') {
    throw new ConfigurationError(`config file ${basename(file)}: use a .json, .js, .mjs or .ts file`);
  }
  try {
    const module = ext === '.ts' || ext === '.mts' ? await importTypeScript(file) : await import(pathToFileURL(file).href);
    let exported = (module as { default?: unknown }).default;
    // A TypeScript file compiled as CommonJS (no "type": "module" around it) nests the default export once more.
    if (isPlainObject(exported) && 'default' in exported && !('store' in exported)) exported = exported.default;
    if (exported === undefined) throw new ConfigurationError(`${basename(file)} must export the configuration as its default export`);
    return typeof exported === 'function' ? await (exported as () => unknown)() : exported;
  } catch (error) {
    if (error instanceof FieldsealError) throw error;
    // The config's own code failed: say so, and keep its error (and stack) for --debug.
    const failure = new ConfigurationError(`${basename(file)} failed to load: ${error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error)}`);
    Object.defineProperty(failure, 'cause', { value: error, enumerable: false });
    throw failure;
  }
}

/**
 * Imports a TypeScript config: directly when Node can (a loader such as tsx is active, or a
 * Node that strips types), else through tsx's API (resolved from the config's folder, then
 * from fieldseal's).
 */
async function importTypeScript(file: string): Promise<unknown> {
  const url = pathToFileURL(file).href;
  try {
    return await import(url);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
  }
  const api = await importTsxApi(dirname(file));
  if (typeof api?.tsImport !== 'function') {
    throw new ConfigurationError(`${basename(file)} needs tsx to load (npm install --save-dev tsx), or write the config as fieldseal.config.mjs`);
  }
  return api.tsImport(url, url);
}

/**
 * Imports `specifier` as resolved from `fromDir` (the application's own install: drivers
 * and tsx are the application's dependencies, not fieldseal's), else from fieldseal's
 * location; `undefined` when neither has it. Returns the module namespace (a CommonJS
 * package's exports are its `default`).
 */
export async function importFrom<T>(specifier: string, fromDir: string): Promise<T | undefined> {
  const path = resolveFrom(specifier, fromDir);
  return path === undefined ? undefined : ((await import(pathToFileURL(path).href)) as T);
}

/** tsx's ESM API (`tsx/esm/api`, whose CommonJS build cannot import TypeScript ES modules), if tsx is installed. */
async function importTsxApi(fromDir: string): Promise<{ tsImport?: (specifier: string, parent: string) => Promise<unknown> } | undefined> {
  const manifestPath = resolveFrom('tsx/package.json', fromDir);
  if (manifestPath === undefined) return undefined;
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { exports?: Record<string, { import?: string | { default?: string } }> };
  const entry = manifest.exports?.['./esm/api']?.import;
  const path = typeof entry === 'string' ? entry : entry?.default;
  return path === undefined ? undefined : import(pathToFileURL(join(dirname(manifestPath), path)).href);
}

function resolveFrom(specifier: string, fromDir: string): string | undefined {
  const bases = [join(fromDir, 'package.json')];
  if (typeof import.meta.url === 'string') bases.push(import.meta.url);
  for (const base of bases) {
    try {
      return createRequire(base).resolve(specifier);
    } catch {
      // not installed there
    }
  }
  return undefined;
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

// ---- validation ----

/** Checks the shape of a loaded config; every message names the file and the property. */
export function parseConfig(raw: unknown, file: string): CliConfig {
  const name = basename(file);
  const fail = (path: string, message: string): never => {
    throw new ConfigurationError(`${name}: ${path} ${message}`);
  };
  if (!isPlainObject(raw)) fail('the configuration', 'must be an object');
  const config = raw as Record<string, unknown>;
  for (const key of Object.keys(config)) {
    if (!['provider', 'store', 'database', 'tables', 'prisma'].includes(key)) fail(key, 'is not a configuration property (provider, store, database, tables, prisma)');
  }
  const dir = dirname(file);
  if (config.store === undefined) fail('store', 'is missing: name the key store ({ "type": "sqlite", "path": "..." }, postgres, mysql or file)');
  return {
    file,
    provider: config.provider === undefined ? undefined : parseProvider(config.provider, fail),
    store: isKeyStore(config.store) ? config.store : parseStore(config.store, dir, fail),
    database: config.database === undefined ? undefined : parseDatabase(config.database, 'database', dir, fail),
    tables: parseTables(config.tables, fail),
    ...(config.prisma === undefined ? {} : { prisma: parsePrismaConfig(config.prisma, dir, fail) }),
  };
}

type Fail = (path: string, message: string) => never;

function parseProvider(value: unknown, fail: Fail): ProviderConfig | readonly KeyProvider[] {
  if (isKeyProvider(value)) return [value];
  if (Array.isArray(value) && value.length > 0 && value.every(isKeyProvider)) return value as KeyProvider[];
  const spec = objectAt(value, 'provider', fail);
  switch (spec.type) {
    case 'local':
      allowOnly(spec, 'provider', ['type', 'kekEnv'], fail);
      return { type: 'local', kekEnv: optionalString(spec.kekEnv, 'provider.kekEnv', fail) ?? 'FIELDSEAL_KEK' };
    case 'aws-kms':
      allowOnly(spec, 'provider', ['type', 'keyIds', 'keyId', 'primary', 'region', 'endpoint'], fail);
      return {
        type: 'aws-kms',
        keyIds: stringList(spec.keyIds ?? (spec.keyId === undefined ? undefined : [spec.keyId]), 'provider.keyIds', fail),
        primary: optionalString(spec.primary, 'provider.primary', fail),
        region: optionalString(spec.region, 'provider.region', fail),
        endpoint: optionalString(spec.endpoint, 'provider.endpoint', fail),
      };
    case 'gcp-kms':
      allowOnly(spec, 'provider', ['type', 'keyNames', 'keyName', 'primary'], fail);
      return {
        type: 'gcp-kms',
        keyNames: stringList(spec.keyNames ?? (spec.keyName === undefined ? undefined : [spec.keyName]), 'provider.keyNames', fail),
        primary: optionalString(spec.primary, 'provider.primary', fail),
      };
    default:
      return fail('provider.type', "must be 'local', 'aws-kms' or 'gcp-kms' (or, in a .js/.mjs/.ts config, a KeyProvider object)");
  }
}

function parseStore(value: unknown, dir: string, fail: Fail): StoreConfig {
  const spec = objectAt(value, 'store', fail);
  if (spec.type === 'file') {
    allowOnly(spec, 'store', ['type', 'path', 'create'], fail);
    return { type: 'file', path: resolve(dir, requiredString(spec.path, 'store.path', fail)), create: optionalBoolean(spec.create, 'store.create', fail) ?? false };
  }
  const database = parseDatabase(spec, 'store', dir, fail, ['table', ...(spec.type === 'postgres' ? ['schema'] : [])]);
  return { ...database, table: optionalString(spec.table, 'store.table', fail), schema: optionalString(spec.schema, 'store.schema', fail) };
}

function parseDatabase(value: unknown, path: string, dir: string, fail: Fail, extra: readonly string[] = []): DatabaseConfig {
  const spec = objectAt(value, path, fail);
  switch (spec.type) {
    case 'sqlite':
      allowOnly(spec, path, ['type', 'path', 'create', ...extra], fail);
      return { type: 'sqlite', path: resolve(dir, requiredString(spec.path, `${path}.path`, fail)), create: optionalBoolean(spec.create, `${path}.create`, fail) ?? false };
    case 'postgres':
    case 'mysql': {
      allowOnly(spec, path, ['type', 'url', 'urlEnv', ...extra], fail);
      const url = optionalString(spec.url, `${path}.url`, fail);
      const env = optionalString(spec.urlEnv, `${path}.urlEnv`, fail);
      if ((url === undefined) === (env === undefined)) fail(path, 'needs one of url or urlEnv (the name of an environment variable holding the URL)');
      return { type: spec.type, url: url !== undefined ? { value: url } : { env: env as string } };
    }
    default:
      return fail(`${path}.type`, `must be 'sqlite', 'postgres', 'mysql'${path === 'store' ? " or 'file' (or, in a .js/.mjs/.ts config, a KeyStore object)" : ''}`);
  }
}

function parseTables(value: unknown, fail: Fail): Record<string, TableConfig> {
  if (value === undefined) return {};
  const tables = objectAt(value, 'tables', fail);
  const out: Record<string, TableConfig> = {};
  for (const [table, entry] of Object.entries(tables)) {
    const spec = objectAt(entry, `tables.${table}`, fail);
    allowOnly(spec, `tables.${table}`, ['primaryKey', 'columns', 'subjectColumn', 'personalColumns', 'clearOnErasure'], fail);
    if (!Array.isArray(spec.columns) || spec.columns.length === 0) fail(`tables.${table}.columns`, 'must be a non-empty list of protected columns');
    const columns = (spec.columns as unknown[]).map((column, i) => {
      const at = `tables.${table}.columns[${i}]`;
      const object = objectAt(column, at, fail);
      requiredString(object.column, `${at}.column`, fail);
      return object;
    });
    const subjectColumn = optionalString(spec.subjectColumn, `tables.${table}.subjectColumn`, fail);
    if (spec.personalColumns !== undefined && (!Array.isArray(spec.personalColumns) || spec.personalColumns.some((c) => typeof c !== 'string' || c === ''))) {
      fail(`tables.${table}.personalColumns`, 'must be a list of column names');
    }
    if (spec.clearOnErasure !== undefined && typeof spec.clearOnErasure !== 'boolean') fail(`tables.${table}.clearOnErasure`, 'must be true or false');
    out[table] = {
      primaryKey: optionalString(spec.primaryKey, `tables.${table}.primaryKey`, fail) ?? 'id',
      columns,
      ...(subjectColumn === undefined ? {} : { subjectColumn }),
      ...(spec.personalColumns === undefined ? {} : { personalColumns: spec.personalColumns as string[] }),
      ...(spec.clearOnErasure === undefined ? {} : { clearOnErasure: spec.clearOnErasure as boolean }),
    };
  }
  return out;
}

// ---- small checks ----

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isKeyProvider(value: unknown): value is KeyProvider {
  return isPlainObject(value) && typeof value.wrap === 'function' && typeof value.unwrap === 'function';
}

function isKeyStore(value: unknown): value is KeyStore {
  return isPlainObject(value) && typeof value.migrate === 'function' && typeof value.list === 'function';
}

function objectAt(value: unknown, path: string, fail: Fail): Record<string, unknown> {
  if (!isPlainObject(value)) fail(path, 'must be an object');
  return value as Record<string, unknown>;
}

function allowOnly(spec: Record<string, unknown>, path: string, allowed: readonly string[], fail: Fail): void {
  for (const key of Object.keys(spec)) if (!allowed.includes(key)) fail(`${path}.${key}`, `is not an option here (${allowed.join(', ')})`);
}

function requiredString(value: unknown, path: string, fail: Fail): string {
  if (typeof value !== 'string' || value === '') fail(path, 'must be a non-empty string');
  return value as string;
}

function optionalString(value: unknown, path: string, fail: Fail): string | undefined {
  return value === undefined ? undefined : requiredString(value, path, fail);
}

function optionalBoolean(value: unknown, path: string, fail: Fail): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') fail(path, 'must be true or false');
  return value as boolean | undefined;
}

function stringList(value: unknown, path: string, fail: Fail): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v !== '')) fail(path, 'must be a non-empty list of strings');
  return value as string[];
}
