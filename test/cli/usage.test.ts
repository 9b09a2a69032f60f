/**
 * The `fieldseal` command line itself: `--help` on every command (exit 0, usage on stdout,
 * no config needed), and malformed lines (unknown command or flag, missing argument: exit
 * 2, the usage on stderr, nothing on stdout).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProject } from './support.js';

const COMMANDS = ['keys generate-kek', 'keys list', 'keys rotate', 'keys rewrap', 'keys destroy', 'keys shred', 'status', 'backfill', 'reencrypt', 'decrypt', 'verify'];

let project: CliProject;
beforeAll(async () => {
  // No config: help must not need one.
  project = await CliProject.create(null);
});
afterAll(() => project.remove());

describe('fieldseal --help', () => {
  it('prints the command list on stdout and exits 0', async () => {
    const out = await project.run(['--help']);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^Usage: fieldseal <command> \[options\]/);
    for (const name of COMMANDS) expect(out.stdout).toContain(`  ${name} `);
    expect(out.stderr).toBe('');
  });

  it.each(COMMANDS)('%s --help prints its usage on stdout and exits 0', async (name) => {
    const out = await project.run([...name.split(' '), '--help']);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`^Usage: fieldseal ${name}( |\\n)`));
    expect(out.stdout).toContain('--config <path>');
    expect(out.stderr).toBe('');
  });

  it('takes -h, `help <command>` and global flags before the command', async () => {
    for (const args of [['keys', 'rotate', '-h'], ['help', 'keys', 'rotate'], ['--config', 'nowhere.json', 'keys', 'rotate', '--help']]) {
      const out = await project.run(args);
      expect(out.status, args.join(' ')).toBe(0);
      expect(out.stdout).toMatch(/^Usage: fieldseal keys rotate /);
    }
    const keys = await project.run(['keys', '--help']);
    expect(keys.status).toBe(0);
    expect(keys.stdout).toMatch(/^Usage: fieldseal keys <command>/);
  });
});

describe('a malformed command line', () => {
  const cases: [string, string[], RegExp, RegExp][] = [
    ['no command', [], /^Usage: fieldseal <command>/, /^Usage: fieldseal <command>/m],
    ['an unknown command', ['rotate'], /^fieldseal: unknown command 'rotate'\n/, /^Usage: fieldseal <command>/m],
    ['an unknown keys command', ['keys', 'delete', 'x'], /^fieldseal: unknown command 'keys delete'\n/, /^Usage: fieldseal keys <command>/m],
    ['keys without a command', ['keys'], /^fieldseal keys: a command is missing\n/, /^Usage: fieldseal keys <command>/m],
    ['an unknown flag', ['keys', 'list', '--wrapped'], /^fieldseal keys list: Unknown option '--wrapped'/, /^Usage: fieldseal keys list /m],
    ['an unknown global flag', ['--verbose', 'keys', 'list'], /^fieldseal: unknown option '--verbose'\n/, /^Usage: fieldseal <command>/m],
    ['a flag without its value', ['keys', 'rotate', '--scope'], /^fieldseal keys rotate: Option '--scope <value>' argument missing/, /^Usage: fieldseal keys rotate /m],
    ['a missing argument', ['keys', 'destroy'], /^fieldseal keys destroy: missing the key id/, /^Usage: fieldseal keys destroy /m],
    ['an extra argument', ['keys', 'list', 'default'], /^fieldseal keys list: unexpected argument 'default'/, /^Usage: fieldseal keys list /m],
    ['a malformed key id', ['keys', 'destroy', 'KEY1'], /^fieldseal keys destroy: 'KEY1' is not a key id/, /^Usage: fieldseal keys destroy /m],
    ['an unknown purpose', ['keys', 'list', '--purpose', 'master'], /^fieldseal keys list: --purpose must be one of root, data, lookup/, /^Usage: fieldseal keys list /m],
    ['rewrap without --to', ['keys', 'rewrap'], /^fieldseal keys rewrap: --to <kekRef> is required/, /^Usage: fieldseal keys rewrap /m],
    ['shred without a target', ['keys', 'shred'], /^fieldseal keys shred: give --subject, --scope, or both/, /^Usage: fieldseal keys shred /m],
    ['a job flag on a keys command', ['keys', 'rotate', '--table', 'users'], /^fieldseal keys rotate: Unknown option '--table'/, /^Usage: fieldseal keys rotate /m],
  ];

  it.each(cases)('%s: exit 2, the problem and the usage on stderr', async (_name, args, problem, usage) => {
    const out = await project.run(args);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(problem);
    expect(out.stderr).toMatch(usage);
    expect(out.stdout).toBe('');
  });
});
