/**
 * The logical types as a compiler sees them: tsc over this folder's TypeScript (the type
 * tests in logical-types.ts, whose `@ts-expect-error` lines fail the run when the error they
 * expect is gone, and typed-client.test.ts) and examples/prisma/main.ts (strict, no cast),
 * and a JavaScript project whose fieldseal
 * output is `fieldseal.js` + `fieldseal.d.ts`: checked with checkJs, then run on SQLite.
 * Only diagnostics about these files and the type modules count: work in progress elsewhere
 * in src does not fail this test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..', '..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const OWN = /^(test\/prisma\/types\/|examples\/prisma\/|src\/adapters\/prisma\/(types|typed-client|lookup-columns)\.ts|prisma\/generated\/)/;

/** tsc's diagnostics for `project` that concern the files this test owns. */
function ownDiagnostics(project: string): string[] {
  let output = '';
  try {
    execFileSync(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', project], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? '');
  }
  return output.split('\n').filter((line) => OWN.test(line));
}

describe('logical types under tsc', () => {
  it('hold for withFieldseal clients (accepted and refused arguments, result types) and the example, which has no cast', () => {
    expect(ownDiagnostics('test/prisma/types/tsconfig.json')).toEqual([]);
    const example = readFileSync(join(root, 'examples/prisma/main.ts'), 'utf8');
    expect(example).not.toMatch(/\bas\s+(unknown|any|const|never|string|number|boolean|bigint|object|[A-Z{[(])|<[A-Z]\w*>\s*[\w(]/);
  }, 600_000);

  it('reach a JavaScript project through the generated fieldseal.js and fieldseal.d.ts', () => {
    const project = join(root, 'test/prisma/types/js-project');
    execFileSync(process.execPath, [join(root, 'prisma/generate.mjs'), join(project, 'schema.prisma')], { cwd: root, stdio: 'pipe' });
    expect(existsSync(join(project, 'generated/fieldseal.js'))).toBe(true);
    const declarations = readFileSync(join(project, 'generated/fieldseal.d.ts'), 'utf8');
    expect(declarations).toContain('export declare const withFieldseal: WithFieldseal<FieldsealModels>;');
    expect(declarations).toContain('"visits": { type: "Int"; search: false }');
    // main.js's one @ts-expect-error (an opened Int read as text) must be an error.
    expect(ownDiagnostics('test/prisma/types/js-project/tsconfig.json')).toEqual([]);

    const printed = execFileSync(process.execPath, ['--import', 'tsx', join(project, 'main.js')], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(JSON.parse(printed.trim().split('\n').pop()!)).toEqual({
      born: '1990-05-17T00:00:00.000Z',
      visits: 3,
      notes: { allergies: ['penicillin'] },
      keys: ['born', 'email', 'id', 'notes', 'visits'],
      visitsText: 3,
    });
  }, 600_000);
});
