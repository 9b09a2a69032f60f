/**
 * What a `fieldseal` command reads and writes, its exit statuses, and how a failure is
 * printed: `fieldseal: <code>: <message>` on stderr, the stack only with `--debug`.
 * Messages of fieldseal's typed errors name tables, columns, key ids and scopes, never
 * values or key bytes; other errors (a driver's, say) are cut to their first line and
 * anything that looks like base64 is replaced, as the SQL key stores do with driver errors.
 *
 * @module
 */
import { FieldsealError } from '../errors.js';

/** The command did what it was asked. */
export const EXIT_OK = 0;
/** The command failed (configuration, store, provider, a refused operation, a job that found problems). */
export const EXIT_FAILURE = 1;
/** The command line was wrong (unknown command or flag, missing argument): the usage is on stderr. */
export const EXIT_USAGE = 2;
/** Stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** A text sink: process.stdout or process.stderr in the bin, a string buffer in tests. */
export interface TextSink {
  write(text: string): unknown;
  /** True when the sink is a terminal (progress bars then; JSON lines otherwise). */
  readonly isTTY?: boolean;
}

/** Everything a command touches outside its arguments. */
export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Environment variables (KEKs and database URLs are read from here, by name). */
  readonly env: NodeJS.ProcessEnv;
  /** Where `fieldseal.config.*` is looked for, and relative paths start. */
  readonly cwd: string;
  /** Aborted on Ctrl-C: jobs stop at a batch boundary. */
  readonly signal: AbortSignal;
}

/** A command line that does not parse: printed with the command's usage, exit status 2. */
export class UsageError extends Error {
  /** The usage of the command that was being parsed. */
  readonly usage: string;
  constructor(message: string, usage: string) {
    super(message);
    this.name = 'UsageError';
    this.usage = usage;
  }
}

/** The lines to print on stderr for a failed command (without `--debug`: no stack). */
export function describeFailure(error: unknown, debug: boolean): string {
  const code = error instanceof FieldsealError ? error.code : codeOf(error);
  const message = error instanceof FieldsealError ? error.message : scrub(firstLine(error instanceof Error ? error.message : String(error)));
  let text = `fieldseal: ${code}: ${message}\n`;
  if (debug) {
    for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
      const stack = current.stack ?? `${current.name}: ${current.message}`;
      // The frames are file paths; only the message lines can carry a value.
      const lines = stack.split('\n').map((line) => (/^\s+at /.test(line) ? line : scrub(line)));
      text += `${depth === 0 ? '' : 'caused by: '}${lines.join('\n')}\n`;
    }
  }
  return text;
}

/** The code of an error that is not fieldseal's: a Node or driver code such as `ECONNREFUSED`, or `UNEXPECTED`. */
function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code) ? code : 'UNEXPECTED';
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim().slice(0, 300);
}

/** Replaces runs that look like base64 (a wrapped key, a sealed body, a KEK) in a foreign message. */
function scrub(text: string): string {
  return text.replace(/[A-Za-z0-9+/_-]{20,}={0,2}/g, (run) => (looksEncoded(run) ? '[value]' : run));
}

/** Random bytes in base64 or hex mix digits and letters (names like `fieldseal_keys_primary` do not). */
function looksEncoded(run: string): boolean {
  const digits = /[0-9]/.test(run);
  return run.includes('+') || run.endsWith('=') || (digits && /[A-Z]/.test(run) && /[a-z]/.test(run)) || (digits && /^[0-9a-f]+$/i.test(run)) || (digits && run.includes('/'));
}
