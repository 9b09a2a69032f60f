/**
 * The `fieldseal-prisma` generator process: Prisma's generator protocol (JSON-RPC requests
 * as JSON lines on stdin, responses as JSON lines on stderr), and what happens when a person
 * runs it by hand instead. Prisma starts it with a pipe on stdin and sends `getManifest` at
 * once; anything else (`--help`, a terminal, text that is not JSON-RPC, stdin closed before a
 * request, no request for a while outside Prisma) prints the usage and ends, instead of
 * waiting forever or crashing on the input. The input itself is never echoed.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { emitConfigModule, emitJavaScriptConfigModule, type GeneratorDmmf } from './emit.js';

/** Exit status of a run that was not a Prisma generator session (BSD `EX_USAGE` is 64; 2 is the common shell convention). */
export const EXIT_USAGE = 2;

/** How long a run outside Prisma waits for its first request (Prisma sends one as soon as the process starts). */
export const DEFAULT_IDLE_MS = 5000;

/** Printed for `--help` and whenever the process is not run by Prisma. */
export const USAGE = `Usage: fieldseal-prisma [--help]

fieldseal's Prisma generator. \`prisma generate\` runs it and talks to it on stdin/stderr
(Prisma's generator protocol); it is not a command to run by hand. Declare it in
schema.prisma:

  generator fieldseal {
    provider = "fieldseal-prisma"
    output   = "../src/generated/fieldseal.ts"
  }

then run \`npx prisma generate\`. It reads the \`/// @fieldseal.*\` annotations and writes the
typed config module (fields, data model, and withFieldseal, which extends a client and types
its protected fields). An output ending in .js, .mjs or .cjs is written as JavaScript with a
declaration file beside it. See docs/prisma.md.
`;

/** What the generator process reads and writes; `process` in the bin, streams in tests. */
export interface GeneratorIo {
  /** Arguments after the program name. */
  readonly argv: readonly string[];
  /** Requests arrive here; `isTTY` is true when it is a terminal. */
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** Where `--help` prints. */
  readonly stdout: { write(text: string): unknown };
  /** Protocol responses, and the usage when the run is not a Prisma session. */
  readonly stderr: { write(text: string): unknown };
  /** Whether Prisma started the process (it sets PRISMA_GENERATOR_INVOCATION); then there is no idle limit. */
  readonly invokedByPrisma: boolean;
  /** Milliseconds to wait for the first request outside Prisma (default {@link DEFAULT_IDLE_MS}). */
  readonly idleMs?: number;
}

interface Request {
  readonly id: number;
  readonly method: string;
  readonly params?: {
    readonly generator?: { readonly output?: { readonly value?: string | null } | null; readonly config?: Record<string, unknown> };
    readonly dmmf?: GeneratorDmmf;
    readonly datasources?: ReadonlyArray<{ readonly activeProvider?: string }>;
  };
}

/** A JSON-RPC 2.0 request as Prisma sends them, or `undefined` (the line is never quoted back). */
function parseRequest(line: string): Request | undefined {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return undefined;
  const m = message as Record<string, unknown>;
  if (m.jsonrpc !== '2.0' || typeof m.method !== 'string' || typeof m.id !== 'number') return undefined;
  return m as unknown as Request;
}

function handle(request: Request, respond: (message: Record<string, unknown>) => void): void {
  switch (request.method) {
    case 'getManifest':
      respond({ id: request.id, result: { manifest: { prettyName: 'fieldseal config', defaultOutput: './generated/fieldseal.ts' } } });
      return;
    case 'generate': {
      const output = request.params?.generator?.output?.value;
      if (!output) throw new Error('fieldseal: the generator needs an output path');
      const dmmf = request.params?.dmmf;
      if (!dmmf) throw new Error('fieldseal: the generate request has no DMMF');
      const file = /\.(ts|js|mjs|cjs)$/.test(output) ? output : join(output, 'fieldseal.ts');
      const importFrom = request.params?.generator?.config?.importFrom;
      const provider = request.params?.datasources?.[0]?.activeProvider;
      const from = typeof importFrom === 'string' ? importFrom : undefined;
      const activeProvider = typeof provider === 'string' ? provider : undefined;
      mkdirSync(dirname(file), { recursive: true });
      const js = /\.(js|mjs|cjs)$/.exec(file);
      if (js) {
        // A JavaScript project: the module as JavaScript, its types in the declaration file beside it.
        const { js: code, dts } = emitJavaScriptConfigModule(dmmf, from, activeProvider, js[1] === 'cjs' ? 'cjs' : 'esm');
        writeFileSync(file, code);
        writeFileSync(`${file.slice(0, -js[0].length)}.d.${js[1] === 'js' ? '' : js[1]![0]}ts`, dts);
      } else {
        writeFileSync(file, emitConfigModule(dmmf, from, activeProvider));
      }
      respond({ id: request.id, result: null });
      return;
    }
    default:
      respond({ id: request.id, error: { code: -32601, message: `Method not found: ${request.method}` } });
  }
}

/**
 * Runs the generator on `io`. Resolves with the exit status: 0 for `--help` and for a session
 * whose stdin closed after its requests, {@link EXIT_USAGE} (with the usage on stderr) when
 * the process was not run by Prisma. While Prisma holds stdin open it does not resolve.
 */
export function runGenerator(io: GeneratorIo): Promise<number> {
  const args = io.argv;
  if (args.includes('--help') || args.includes('-h')) {
    // Help that was asked for goes to stdout with status 0 (GNU convention), so `| less` works.
    io.stdout.write(USAGE);
    return Promise.resolve(0);
  }
  const misuse = (why: string): number => {
    io.stderr.write(`fieldseal-prisma: ${why}\n\n${USAGE}`);
    return EXIT_USAGE;
  };
  if (args.length > 0) return Promise.resolve(misuse(`unexpected argument${args.length > 1 ? 's' : ''} (it takes none but --help)`));
  if (io.stdin.isTTY === true) return Promise.resolve(misuse('stdin is a terminal; this program is run by `prisma generate`'));

  const respond = (message: Record<string, unknown>): void => {
    io.stderr.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  };
  return new Promise((resolve) => {
    const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
    let requests = 0;
    let done = false;
    let closed = false;
    const finish = (status: number): void => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      if (!closed) lines.close();
      resolve(status);
    };
    const idleMs = io.idleMs ?? DEFAULT_IDLE_MS;
    const idle = io.invokedByPrisma
      ? undefined
      : setTimeout(() => finish(misuse(`no request on stdin within ${idleMs / 1000} s; this program is run by \`prisma generate\``)), idleMs);
    lines.on('line', (line) => {
      if (done || line.trim() === '') return;
      const request = parseRequest(line);
      if (request === undefined) {
        if (requests === 0) finish(misuse("stdin is not Prisma's generator protocol (JSON-RPC 2.0 requests, one per line)"));
        // Prisma shows non-JSON stderr lines when a generator fails.
        else io.stderr.write('fieldseal-prisma: ignored a line that is not a JSON-RPC request\n');
        return;
      }
      requests++;
      clearTimeout(idle);
      try {
        handle(request, respond);
      } catch (error) {
        const err = error as Error;
        respond({ id: request.id, error: { code: -32000, message: err.message, data: { stack: err.stack } } });
      }
    });
    lines.on('close', () => {
      closed = true;
      finish(requests === 0 ? misuse('stdin closed before any request; this program is run by `prisma generate`') : 0);
    });
  });
}
