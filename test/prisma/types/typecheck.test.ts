/**
 * The logical types as a compiler sees them: tsc over this folder's TypeScript (the type
 * tests in logical-types.ts, whose `@ts-expect-error` lines fail the run when the error they
 * expect is gone, and typed-client.test.ts) and examples/prisma/main.ts (strict, no cast),
 * and a JavaScript project whose fieldseal
 * output is `fieldseal.js` + `fieldseal.d.ts`: checked with checkJs, then run on SQLite.
 * Only diagnostics about these files and the type modules count: work in progress elsewhere
 * in src does not fail this test. So the compiler (TypeScript's API, as tsc runs it) checks
 * only those files, and both projects share the files they have in common (parsed once):
 * checking every file of src as well, only to drop its diagnostics, was most of this test's
 * time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..', '..');
const OWN = /^(test\/prisma\/types\/|examples\/prisma\/|src\/adapters\/prisma\/(types|typed-client|lookup-columns)\.ts|prisma\/generated\/)/;

/** Source files by name and language version, shared by the two projects' programs (the language service shares them the same way). */
const parsed = new Map<string, ts.SourceFile>();

/** A compiler host whose parsed files outlive one program. */
function sharingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, version, onError, fresh) => {
    const key = `${JSON.stringify(version)}:${fileName}`;
    const known = fresh === true ? undefined : parsed.get(key);
    if (known !== undefined) return known;
    const file = read(fileName, version, onError, fresh);
    if (file !== undefined) parsed.set(key, file);
    return file;
  };
  return host;
}

/** The compiler's diagnostics for `project` in the files this test owns (as tsc --pretty false prints them). */
function ownDiagnostics(project: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, project), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => expect.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
  });
  if (config === undefined) return expect.fail(`${project} does not parse`);
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, host: sharingHost(config.options) });
  const own = program.getSourceFiles().filter((file) => OWN.test(relative(root, file.fileName)));
  // The project's own fixtures are in the program (else an empty list would prove nothing).
  expect(own.filter((file) => relative(root, file.fileName).startsWith('test/prisma/types/')).length).toBeGreaterThan(0);
  const diagnostics = own.flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]);
  const text = ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' });
  return text.split('\n').filter((line) => OWN.test(line));
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
