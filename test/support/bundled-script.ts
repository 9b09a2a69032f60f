/**
 * Test child scripts (the CLI, key-store and crash fixtures) bundled with esbuild and run
 * with plain `node`: a child's start-up under tsx went mostly into loading src.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync, type BuildOptions } from 'esbuild';
import { afterAll } from 'vitest';

/**
 * How every child is bundled: ESM for Node 20, packages left external (they resolve from the
 * project's node_modules as they do from the sources), dynamic imports (KMS providers,
 * optional peers) as chunks of their own, loaded only when used.
 */
export const CHILD_BUNDLE = {
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** A new folder for a bundle, inside the project's node_modules/.cache so that the external packages resolve. */
export function bundleFolder(prefix: string): string {
  const cache = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));
  mkdirSync(cache, { recursive: true });
  return mkdtempSync(join(cache, prefix));
}

/** Each script's bundle in this test file, by the script's path. */
const bundles = new Map<string, { readonly dir: string; readonly file: string }>();

/**
 * The TypeScript script `script` (a path) bundled once per test file, with source maps (so
 * that stacks name the sources); run the returned entry file with plain `node`.
 */
export function bundledScript(script: string): string {
  const known = bundles.get(script);
  if (known !== undefined) return known.file;
  const dir = bundleFolder('fieldseal-child-');
  buildSync({ ...CHILD_BUNDLE, entryPoints: [script], outdir: dir, sourcemap: true });
  const file = join(dir, basename(script).replace(/\.m?ts$/, '.mjs'));
  bundles.set(script, { dir, file });
  return file;
}

// Registered on the file of every test that imports this module: its bundles go with it.
afterAll(() => {
  for (const { dir } of bundles.values()) rmSync(dir, { recursive: true, force: true });
  bundles.clear();
});
