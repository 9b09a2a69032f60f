/**
 * The `fieldseal-prisma` bin run by hand: usage and an exit status instead of a hang or a
 * crash. The real `prisma generate` session is covered by generator.test.ts.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EXIT_USAGE, runGenerator, type GeneratorIo } from '../../src/adapters/prisma/generator/cli.js';

const root = resolve(import.meta.dirname, '..', '..');
const bin = join(root, 'src/adapters/prisma/generator/bin.ts');

/** Runs the bin with `input` on stdin (then closed), as a person would outside Prisma. */
function runBin(args: string[], input: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const env = { ...process.env };
    delete env.PRISMA_GENERATOR_INVOCATION;
    const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('fieldseal-prisma run by hand', () => {
  it.each(['--help', '-h'])('%s prints the usage on stdout and exits 0', async (flag) => {
    const out = await runBin([flag], '');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^Usage: fieldseal-prisma \[--help\]/);
    expect(out.stdout).toContain('prisma generate');
    expect(out.stderr).toBe('');
  });

  it('exits with the usage on garbage stdin, without echoing it', async () => {
    const garbage = '4111 1111 1111 1111 is not a request';
    const out = await runBin([], `${garbage}\n`);
    expect(out.status).toBe(EXIT_USAGE);
    expect(out.stderr).toContain("stdin is not Prisma's generator protocol");
    expect(out.stderr).toContain('Usage: fieldseal-prisma');
    expect(out.stderr).not.toContain('4111');
    expect(out.stderr).not.toMatch(/SyntaxError|at .*\(/);
  });

  it('exits with the usage on JSON that is not a JSON-RPC request', async () => {
    const out = await runBin([], '{"hello":"world"}\n');
    expect(out.status).toBe(EXIT_USAGE);
    expect(out.stderr).toContain('Usage: fieldseal-prisma');
  });

  it('exits with the usage when stdin closes before any request', async () => {
    const out = await runBin([], '');
    expect(out.status).toBe(EXIT_USAGE);
    expect(out.stderr).toContain('stdin closed before any request');
    expect(out.stderr).toContain('Usage: fieldseal-prisma');
  });

  it('exits with the usage on an unexpected argument', async () => {
    const out = await runBin(['generate'], '');
    expect(out.status).toBe(EXIT_USAGE);
    expect(out.stderr).toContain('unexpected argument');
  });

  it('answers JSON-RPC requests typed by hand, ignores later junk lines, and exits 0 when stdin closes', async () => {
    const requests = [
      JSON.stringify({ jsonrpc: '2.0', method: 'getManifest', params: {}, id: 1 }),
      'not json',
      JSON.stringify({ jsonrpc: '2.0', method: 'nope', params: {}, id: 2 }),
    ];
    const out = await runBin([], `${requests.join('\n')}\n`);
    expect(out.status).toBe(0);
    const responses = out.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(responses).toEqual([
      { jsonrpc: '2.0', id: 1, result: { manifest: { prettyName: 'fieldseal config', defaultOutput: './generated/fieldseal.ts' } } },
      { jsonrpc: '2.0', id: 2, error: { code: -32601, message: 'Method not found: nope' } },
    ]);
    expect(out.stderr).toContain('ignored a line that is not a JSON-RPC request');
    expect(out.stderr).not.toContain('not json');
  });
});

describe('runGenerator', () => {
  const io = (stdin: GeneratorIo['stdin'], extra: Partial<GeneratorIo> = {}) => {
    const err: string[] = [];
    return { err, io: { argv: [], stdin, stdout: { write: () => true }, stderr: { write: (t: string) => err.push(t) }, invokedByPrisma: false, ...extra } };
  };

  it('exits with the usage when stdin is a terminal, without reading it', async () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    const run = io(tty);
    expect(await runGenerator(run.io)).toBe(EXIT_USAGE);
    expect(run.err.join('')).toContain('stdin is a terminal');
    expect(tty.listenerCount('data')).toBe(0);
  });

  it('exits with the usage when no request arrives on an open stdin, outside Prisma', async () => {
    const silent = new PassThrough();
    const run = io(silent, { idleMs: 10 });
    expect(await runGenerator(run.io)).toBe(EXIT_USAGE);
    expect(run.err.join('')).toContain('no request on stdin');
    expect(run.err.join('')).toContain('Usage: fieldseal-prisma');
  });
});
