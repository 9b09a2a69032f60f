/**
 * The cloud SDKs are optional peers: only their own subpath entry points may import them,
 * and the testing entry point imports no test framework (it takes one as an argument).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import { requireOptionalPeer } from '../../src/optional-peer.js';

const root = join(import.meta.dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? '');
}

const files = sources(root).map((file) => ({ path: relative(root, file), imports: importsOf(file) }));

describe('optional peer dependencies', () => {
  it('only src/aws-kms imports @aws-sdk/*', () => {
    const offenders = files.filter((f) => !f.path.startsWith('aws-kms/') && f.imports.some((i) => i.startsWith('@aws-sdk/') || i.startsWith('@smithy/')));
    expect(offenders.map((f) => f.path)).toEqual([]);
    expect(files.some((f) => f.path.startsWith('aws-kms/') && f.imports.includes('@aws-sdk/client-kms'))).toBe(true);
  });

  it('only src/gcp-kms imports @google-cloud/* or gRPC', () => {
    const offenders = files.filter(
      (f) => !f.path.startsWith('gcp-kms/') && f.imports.some((i) => i.startsWith('@google-cloud/') || i.startsWith('@grpc/') || i === 'google-gax'),
    );
    expect(offenders.map((f) => f.path)).toEqual([]);
  });

  it('src imports the optional peers for their types only (values go through requireOptionalPeer)', () => {
    // A value import would make Node fail while linking the module graph, with an error
    // that names neither the fieldseal subpath nor the package to install.
    const peer = /^(@aws-sdk\/|@smithy\/|@google-cloud\/|@grpc\/|google-gax$|@prisma\/client)/;
    const valueImports = sources(root).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(import|export)\s+(?!type\b)[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)]
        .map((m) => m[2] ?? m[3] ?? '')
        .filter((specifier) => peer.test(specifier))
        .map((specifier) => `${relative(root, file)}: ${specifier}`),
    );
    expect(valueImports).toEqual([]);
  });

  it('the provider subpaths do not import each other, and src/testing imports no test framework', () => {
    const crossing = files.filter(
      (f) =>
        (f.path.startsWith('aws-kms/') && f.imports.some((i) => i.includes('gcp-kms'))) ||
        (f.path.startsWith('gcp-kms/') && f.imports.some((i) => i.includes('aws-kms'))),
    );
    expect(crossing.map((f) => f.path)).toEqual([]);
    const frameworks = files.filter((f) => f.path.startsWith('testing/') && f.imports.some((i) => /^(vitest|jest|@jest\/|mocha)/.test(i)));
    expect(frameworks.map((f) => f.path)).toEqual([]);
  });

  it('requireOptionalPeer names the package to install only when the peer itself is missing', () => {
    const notFound = (id: string) => () => {
      throw Object.assign(new Error(`Cannot find module '${id}'\nRequire stack:\n- /app/node_modules/fieldseal/dist/prisma.js`), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => requireOptionalPeer('fieldseal/prisma', '@prisma/client/runtime/client', notFound('@prisma/client/runtime/client'))).toThrow(
      new ConfigurationError('fieldseal/prisma needs @prisma/client: npm install @prisma/client'),
    );
    // A dependency of an installed peer is missing: that error is the useful one.
    expect(() => requireOptionalPeer('fieldseal/aws-kms', '@aws-sdk/client-kms', notFound('@smithy/core'))).toThrow(/Cannot find module '@smithy\/core'/);
    expect(requireOptionalPeer<{ ok: boolean }>('fieldseal/aws-kms', '@aws-sdk/client-kms', () => ({ ok: true }))).toEqual({ ok: true });
  });
});
