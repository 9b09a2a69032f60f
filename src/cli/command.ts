/**
 * One `fieldseal` command: its name, usage text, flags (parsed with Node's own
 * `util.parseArgs`, strict: an unknown flag is a usage error) and what it runs.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from './config.js';
import { UsageError, type CliIo } from './io.js';
import { Session } from './session.js';

/** A flag of a command, as `util.parseArgs` takes it. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
}

/** The parsed command line of a command. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | string[] | boolean[] | undefined>>;
  readonly positionals: readonly string[];
}

/** What a command runs with. */
export interface CommandContext {
  readonly io: CliIo;
  readonly args: ParsedArgs;
  /** The command line as typed (shell-quoted), to say how to run it again. */
  readonly commandLine: string;
  /** Loads the config and opens a session on it (closed by the dispatcher). */
  session(options?: { readonly poolSize?: number }): Promise<Session>;
}

/** A command of the `fieldseal` CLI. */
export interface Command {
  /** As typed: `keys rotate`, `status`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly usage: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** How many positional arguments it takes. */
  readonly positionals?: { readonly min: number; readonly max: number; readonly name: string };
  /** Jobs: Ctrl-C aborts `io.signal` (the job stops at a batch boundary) instead of ending the process. */
  readonly interruptible?: boolean;
  /** Runs the command; returns its exit status. */
  run(context: CommandContext): Promise<number>;
}

/** Flags every command takes. */
export const GLOBAL_FLAGS: Readonly<Record<string, FlagSpec>> = {
  config: { type: 'string', short: 'c' },
  'prisma-schema': { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** The lines of the global flags, appended to every usage text. */
export const GLOBAL_FLAGS_HELP = `Global options:
  -c, --config <path>  the config file (default: fieldseal.config.{json,js,mjs,ts} in the
                       working directory)
      --prisma-schema <path>
                       the Prisma schema whose annotated models are the protected
                       tables (instead of the config's prisma.schema)
      --debug          print the stack of a failure
  -h, --help           print this help`;

/** Assembles a usage text: synopsis, description, the command's options, the global ones. */
export function usageText(synopsis: string, description: string, options: string): string {
  return `Usage: fieldseal ${synopsis}\n\n${description.trim()}\n${options.trim() === '' ? '' : `\nOptions:\n${options.replace(/\n+$/, '')}\n`}\n${GLOBAL_FLAGS_HELP}\n`;
}

/** Parses `argv` for `command`; a malformed line is a {@link UsageError} carrying its usage. */
export function parseCommandArgs(command: Command, argv: readonly string[]): ParsedArgs & { readonly help: boolean } {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    const config: ParseArgsConfig = { args: [...argv], options: { ...GLOBAL_FLAGS, ...command.flags }, allowPositionals: true, strict: true };
    parsed = parseArgs(config);
  } catch (error) {
    throw new UsageError(cleanParseMessage(error), command.usage);
  }
  const help = parsed.values.help === true;
  const positionals = parsed.positionals;
  if (!help) {
    const { min, max, name } = command.positionals ?? { min: 0, max: 0, name: '' };
    if (positionals.length < min) throw new UsageError(`missing ${name}`, command.usage);
    if (positionals.length > max) throw new UsageError(`unexpected argument '${positionals[max]}'`, command.usage);
  }
  return { values: parsed.values as ParsedArgs['values'], positionals, help };
}

/** parseArgs' messages, without the advice about `--` that does not apply to these commands. */
function cleanParseMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('. To specify a positional argument')[0]?.split('\n')[0] ?? message;
}

/** A string flag's value, if given. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** The values of a repeatable string flag. */
export function stringsFlag(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A boolean flag. */
export function booleanFlag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** An integer flag within [min, max], if given; anything else is a usage error. */
export function integerFlag(command: Command, args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const text = stringFlag(args, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}`, command.usage);
  }
  return value;
}

/** The context a dispatcher gives a command: the session opens (and is closed) through `sessions`. */
export function commandContext(io: CliIo, args: ParsedArgs, argv: readonly string[], sessions: Session[]): CommandContext {
  return {
    io,
    args,
    commandLine: ['fieldseal', ...argv].map(shellWord).join(' '),
    async session(options) {
      const prismaSchema = stringFlag(args, 'prisma-schema');
      const config = await loadConfig(io.cwd, stringFlag(args, 'config'), prismaSchema === undefined ? {} : { prismaSchema });
      const session = new Session(config, io.env, options);
      sessions.push(session);
      return session;
    },
  };
}

/** `word` as a POSIX shell reads it back: as is when it is plain, else single-quoted. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
