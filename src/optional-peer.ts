/**
 * Loading of optional peer dependencies (the cloud SDKs, Prisma's runtime) by the subpath
 * entry points that need them.
 *
 * A static `import` of a package that is not installed fails while Node links the module
 * graph, before any fieldseal code runs, with an error that names neither fieldseal's
 * subpath nor what to install. Loading the peer with `require` instead lets the subpath say
 * exactly that, in the ESM build as in the CJS one. In Node every one of these peers
 * resolves to its CommonJS build for `import` as for `require`, so this loads the same
 * module instance as an application's own `import` of the package.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { ConfigurationError } from './errors.js';

/**
 * `require` resolving from this file's location. fieldseal's CJS build defines
 * `import.meta.url` from `__filename`; where an application's bundler turned this ESM file
 * into CommonJS and left `import.meta` empty, that bundle's own `require` is used.
 */
const requireHere: NodeJS.Require = typeof import.meta.url === 'string' ? createRequire(import.meta.url) : require;

/** The package name of a module specifier (`@prisma/client/runtime/client` -> `@prisma/client`). */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** The message of the error thrown when `entry` is used without its optional peer installed. */
export function missingPeerMessage(entry: string, specifier: string): string {
  const name = packageOf(specifier);
  return `${entry} needs ${name}: npm install ${name}`;
}

/**
 * Loads the optional peer `specifier` for the subpath `entry` (e.g. `fieldseal/aws-kms`).
 * Throws a {@link ConfigurationError} naming the package to install when the peer itself is
 * missing; any other failure (a broken install, a missing dependency of the peer) is
 * rethrown as it is.
 */
export function requireOptionalPeer<T>(entry: string, specifier: string, load: (specifier: string) => unknown = requireHere): T {
  try {
    return load(specifier) as T;
  } catch (error) {
    if (isNotFound(error, specifier)) throw new ConfigurationError(missingPeerMessage(entry, specifier));
    throw error;
  }
}

function isNotFound(error: unknown, specifier: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.startsWith(`Cannot find module '${specifier}'`);
}
