/**
 * The cloud SDKs are optional peers: only their own subpath entry points may import them,
 * and the testing entry point imports no test framework (it takes one as an argument).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

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
});
