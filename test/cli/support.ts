/**
 * Runs the `fieldseal` CLI as a user would: a child process in a project folder of its own
 * with a config, a SQLite key store and a local KEK in an environment variable. The child
 * runs the CLI's sources bundled once per test file with esbuild (standing in for the built
 * bin; source maps on, so stacks name the sources): under tsx, loading the sources took most
 * of each run. A project whose config is a module (.mjs, .ts: it imports the library from
 * its TypeScript sources, which only a TypeScript loader loads) runs the sources under tsx.
 * Every output is kept for the leak check, which looks for the KEK, the key bytes and the
 * wrapped keys in them.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { bundledScript } from '../support/bundled-script.js';
import { encodeParts } from '../../src/format/context.js';
import { DataKey } from '../../src/keys/data-key.js';
import { generateKek, localKeyProvider } from '../../src/keys/local-provider.js';
import type { KeyRecord } from '../../src/keys/store/key-store.js';
import { encodingsOf } from '../../src/testing/leak-check.js';

const root = resolve(import.meta.dirname, '..', '..');
const CLI = join(root, 'src/cli/main.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** What a run printed and how it ended. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** How a run starts the CLI: its bundle, or (`sources`) its TypeScript sources under tsx. */
function cliCommand(sources: boolean): string[] {
  return sources ? ['--import', TSX, CLI] : ['--enable-source-maps', bundledScript(CLI)];
}

/**
 * Starts `fieldseal <args>` in `cwd` with exactly `env` (plus PATH); stdin is closed.
 * `sources`: run the TypeScript sources under tsx (for a config module that imports them).
 */
export function spawnCli(args: readonly string[], options: { readonly cwd: string; readonly env?: Readonly<Record<string, string>>; readonly sources?: boolean }): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, [...cliCommand(options.sources === true), ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `fieldseal <args>` (see {@link spawnCli}) to the end. */
export function runCli(args: readonly string[], options: { readonly cwd: string; readonly env?: Readonly<Record<string, string>>; readonly sources?: boolean }): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawnCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** The columns of a key record the leak check reads. */
export type StoredKey = Pick<KeyRecord, 'id' | 'scope' | 'purpose' | 'parent' | 'wrapped'>;

/** The default config of a test project: local KEK in FIELDSEAL_KEK, keys in keys.db. */
export const SQLITE_CONFIG = {
  provider: { type: 'local', kekEnv: 'FIELDSEAL_KEK' },
  store: { type: 'sqlite', path: 'keys.db', create: true },
};

/** A project folder with a config, its KEK, and every output of the runs made in it. */
export class CliProject {
  readonly dir: string;
  /** The KEK runs get in FIELDSEAL_KEK; a test that rotates the KEK sets the new one here. */
  kek: string;
  /** Every KEK the project had, for the leak check. */
  readonly keks: string[] = [];
  readonly outputs: string[] = [];
  /** A config module was written here: runs use the CLI's TypeScript sources under tsx. */
  #sources = false;

  private constructor(dir: string, kek: string) {
    this.dir = dir;
    this.kek = kek;
    this.keks.push(kek);
  }

  /** A new folder holding `fieldseal.config.json` with `config` (none when null). */
  static async create(config: unknown = SQLITE_CONFIG): Promise<CliProject> {
    const dir = await mkdtemp(join(tmpdir(), 'fieldseal-cli-'));
    const project = new CliProject(dir, generateKek());
    if (config !== null) await project.writeConfig(config);
    return project;
  }

  /** Writes `fieldseal.config.json` (or `name`); a config module makes the runs use the CLI's sources (see the module comment). */
  async writeConfig(config: unknown, name = 'fieldseal.config.json'): Promise<void> {
    if (!name.endsWith('.json')) this.#sources = true;
    await writeFile(join(this.dir, name), typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  }

  /** Runs the CLI in the folder with FIELDSEAL_KEK set (and `env`); records the output. */
  async run(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliRun> {
    const result = await runCli(args, { cwd: this.dir, env: { FIELDSEAL_KEK: this.kek, ...env }, sources: this.#sources });
    this.outputs.push(result.stdout, result.stderr);
    return result;
  }

  /** Runs and expects exit status 0; returns stdout. */
  async ok(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<string> {
    const result = await this.run(args, env);
    if (result.status !== 0) expect.fail(`fieldseal ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
    return result.stdout;
  }

  /** `keys list --json`, parsed. */
  async keys(...filters: string[]): Promise<Omit<KeyRecord, 'wrapped'>[]> {
    return JSON.parse(await this.ok(['keys', 'list', '--json', ...filters])) as Omit<KeyRecord, 'wrapped'>[];
  }

  /**
   * Every secret the outputs must not show: the KEKs, and for each key record (of keys.db
   * unless given) its wrapped bytes and its key bytes (unwrapped here as the keyring does).
   */
  async secrets(records: readonly StoredKey[] = this.#sqliteKeys()): Promise<{ label: string; bytes: Uint8Array }[]> {
    const secrets: { label: string; bytes: Uint8Array }[] = this.keks.map((kek, i) => ({ label: `KEK ${i}`, bytes: Buffer.from(kek, 'base64') }));
    const provider = localKeyProvider({ keys: { main: this.kek } });
    const roots = new Map<string, Buffer>();
    for (const r of records.filter((x) => x.purpose === 'root')) {
      roots.set(r.id, Buffer.from(await provider.unwrap({ kekRef: r.parent, ciphertext: Buffer.from(r.wrapped, 'base64') }, { keyId: r.id, scope: 'root' })));
    }
    for (const r of records) {
      secrets.push({ label: `wrapped ${r.purpose} key ${r.id}`, bytes: Buffer.from(r.wrapped, 'base64') });
      const root = roots.get(r.purpose === 'root' ? r.id : r.parent);
      if (root === undefined) continue;
      const bytes = r.purpose === 'root' ? root : new DataKey(r.parent, 'root', 'root', Buffer.from(root)).unwrapBelow(Buffer.from(r.wrapped, 'base64'), encodeParts(['fieldseal/v1/key', r.id, r.scope, r.purpose, r.parent]));
      secrets.push({ label: `${r.purpose} key ${r.id}`, bytes });
    }
    return secrets;
  }

  #sqliteKeys(): StoredKey[] {
    const db = new Database(join(this.dir, 'keys.db'), { readonly: true });
    try {
      return db.prepare("SELECT id, scope, purpose, parent, wrapped FROM fieldseal_keys WHERE wrapped <> ''").all() as StoredKey[];
    } finally {
      db.close();
    }
  }

  /** Fails when any output shows a secret (in any encoding a log could carry) or one of `texts`; `records`: the key records when they are not in keys.db. */
  async expectNoLeak(texts: readonly string[] = [], records?: readonly StoredKey[]): Promise<void> {
    const secrets = await this.secrets(records);
    expect(secrets.filter((s) => s.label.startsWith('data key')).length).toBeGreaterThan(0);
    const all = this.outputs.join('\n');
    for (const { label, bytes } of secrets) {
      for (const form of encodingsOf(bytes)) if (all.includes(form)) expect.fail(`an output shows the ${label}`);
    }
    for (const text of texts) if (all.includes(text)) expect.fail(`an output shows '${text}'`);
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
