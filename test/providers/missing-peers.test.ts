/**
 * The BUILT package, installed without its optional peers: importing `fieldseal/aws-kms`,
 * `fieldseal/gcp-kms` or `fieldseal/prisma` fails with a ConfigurationError that names the
 * package to install, in ESM and in CJS; the main entry loads; and with the peers installed
 * each subpath loads. The build (JavaScript only, no declarations) goes to a temporary
 * directory laid out as an application's node_modules, and each check runs in a child
 * process whose module resolution sees only that directory.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const children = join(import.meta.dirname, 'children');

/** Each subpath, the peer it needs (as `npm install` takes it), and one export it must have. */
const SUBPATHS = [
  { entry: 'fieldseal/aws-kms', peer: '@aws-sdk/client-kms', exported: 'awsKmsKeyProvider' },
  { entry: 'fieldseal/gcp-kms', peer: '@google-cloud/kms', exported: 'gcpKmsKeyProvider' },
  { entry: 'fieldseal/prisma', peer: '@prisma/client', exported: 'fieldsealExtension' },
] as const;

type Outcome = { loaded: true; exports: string[] } | { loaded: false; typed: boolean; code?: string; message: string };

let work: string;
/** An application without any optional peer installed. */
let bare: string;
/** The same application with the peers installed (links to this repository's copies). */
let equipped: string;

function application(name: string, peers: readonly string[]): string {
  const app = join(work, name);
  const installed = join(app, 'node_modules/fieldseal');
  mkdirSync(installed, { recursive: true });
  cpSync(join(work, 'dist'), join(installed, 'dist'), { recursive: true });
  copyFileSync(join(root, 'package.json'), join(installed, 'package.json'));
  for (const peer of peers) {
    mkdirSync(dirname(join(app, 'node_modules', peer)), { recursive: true });
    symlinkSync(realpathSync(join(root, 'node_modules', peer)), join(app, 'node_modules', peer), 'dir');
  }
  copyFileSync(join(children, 'load-subpaths.mjs'), join(app, 'load-subpaths.mjs'));
  copyFileSync(join(children, 'load-subpaths.cjs'), join(app, 'load-subpaths.cjs'));
  return app;
}

async function loadAll(app: string, script: 'load-subpaths.mjs' | 'load-subpaths.cjs'): Promise<Record<string, Outcome>> {
  // No NODE_PATH and a HOME without ~/.node_modules: the application's node_modules and
  // the temporary directory's parents are all that resolution can see.
  const env = { PATH: process.env.PATH ?? '', HOME: app };
  const { stdout } = await run(process.execPath, [join(app, script)], { cwd: app, env, timeout: 60_000 });
  return JSON.parse(stdout.trim()) as Record<string, Outcome>;
}

beforeAll(async () => {
  work = mkdtempSync(join(realpathSync(tmpdir()), 'fieldseal-peers-'));
  await build({ config: join(root, 'tsup.config.ts'), dts: false, sourcemap: false, outDir: join(work, 'dist'), silent: true });
  bare = application('bare', []);
  equipped = application('equipped', SUBPATHS.map((s) => s.peer));
}, 120_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe.each(['load-subpaths.mjs', 'load-subpaths.cjs'] as const)('the built package, %s', (script) => {
  it('without the peers: each subpath fails naming the package to install; the main entry loads', async () => {
    const outcomes = await loadAll(bare, script);
    for (const { entry, peer } of SUBPATHS) {
      expect(outcomes[entry]).toEqual({
        loaded: false,
        typed: true,
        code: 'CONFIGURATION_INVALID',
        message: `${entry} needs ${peer}: npm install ${peer}`,
      });
    }
  });

  it('with the peers: each subpath loads', async () => {
    const outcomes = await loadAll(equipped, script);
    for (const { entry, exported } of SUBPATHS) {
      expect(outcomes[entry]).toMatchObject({ loaded: true });
      expect((outcomes[entry] as { exports: string[] }).exports).toContain(exported);
    }
  });
});
