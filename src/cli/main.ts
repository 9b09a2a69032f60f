#!/usr/bin/env node
/**
 * The `fieldseal` command: key lifecycle (`fieldseal keys …`), data subjects (`fieldseal
 * subject shred | export`), the inventory (`fieldseal inventory`) and the rotation jobs
 * (`status`, `backfill`, `reencrypt`, `reindex`, `decrypt`, `verify`) from a shell, on the provider,
 * key store and protected tables named in `fieldseal.config.*` (config.ts).
 *
 * Exit status: 0 done, 1 failed (printed as `fieldseal: <code>: <message>`, with the stack
 * under `--debug`), 2 wrong command line (the usage on stderr), 130 stopped by Ctrl-C.
 * Flags are parsed with Node's own `util.parseArgs`.
 *
 * @module
 */
import { parseCommandArgs, commandContext, GLOBAL_FLAGS_HELP, type Command } from './command.js';
import { describeFailure, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError, type CliIo } from './io.js';
import { jobCommands } from './jobs.js';
import { inventoryCommand } from './inventory.js';
import { keysCommands } from './keys.js';
import { subjectCommands } from './subjects.js';
import type { Session } from './session.js';

const COMMANDS: readonly Command[] = [...keysCommands, ...subjectCommands, ...jobCommands, inventoryCommand];

/** Commands of two words, by their first. */
const GROUPS: Readonly<Record<string, readonly Command[]>> = { keys: keysCommands, subject: subjectCommands };

const list = (commands: readonly Command[]): string => commands.map((c) => `  ${c.name.padEnd(18)} ${c.summary}`).join('\n');

/** The top-level usage. */
export const USAGE = `Usage: fieldseal <command> [options]

Key lifecycle and rotation jobs for fieldseal, on the provider, key store and protected
tables named in fieldseal.config.{json,js,mjs,ts} (see docs/cli.md).

Keys:
${list(keysCommands)}

Jobs on the protected columns (resumable: run the same command again after a stop):
${list(jobCommands)}

Data subjects and personal data:
${list([...subjectCommands, inventoryCommand])}

Run \`fieldseal <command> --help\` for a command's options.

${GLOBAL_FLAGS_HELP}
`;

/** The usage of a command group (`fieldseal keys`, `fieldseal subject`). */
const groupUsage = (group: string): string => `Usage: fieldseal ${group} <command> [options]

Commands:
${list(GROUPS[group] ?? [])}

Run \`fieldseal ${group} <command> --help\` for a command's options.
`;

/** Runs one command line; returns the exit status. The bin passes process's streams. */
export async function runCli(argv: readonly string[], io: CliIo, onInterruptible: () => void = () => undefined): Promise<number> {
  const { globals, rest, help, problem } = leadingGlobals(argv);
  if (problem !== undefined) return usageFailure(io, `fieldseal: ${problem}`, USAGE);
  const [first, second] = rest;
  if (first === undefined || (first === 'help' && rest.length === 1)) {
    if (help || first === 'help') return printed(io, USAGE);
    return usageFailure(io, undefined, USAGE);
  }
  if (first === 'help') return runCli([...rest.slice(1), '--help'], io, onInterruptible);
  let command: Command | undefined;
  let args: readonly string[];
  if (Object.hasOwn(GROUPS, first)) {
    const usage = groupUsage(first);
    if (second === undefined || second.startsWith('-')) {
      if (help || second === '--help' || second === '-h') return printed(io, usage);
      return usageFailure(io, second === undefined ? `fieldseal ${first}: a command is missing` : `fieldseal ${first}: unknown option '${second}'`, usage);
    }
    command = COMMANDS.find((c) => c.name === `${first} ${second}`);
    if (command === undefined) return usageFailure(io, `fieldseal: unknown command '${first} ${second}'`, usage);
    args = [...globals, ...rest.slice(2)];
  } else {
    command = COMMANDS.find((c) => c.name === first && !c.name.includes(' '));
    if (command === undefined) return usageFailure(io, `fieldseal: unknown command '${first}'`, USAGE);
    args = [...globals, ...rest.slice(1)];
  }

  let debug = args.includes('--debug');
  const sessions: Session[] = [];
  try {
    const parsed = parseCommandArgs(command, args);
    debug = parsed.values.debug === true;
    if (parsed.help || help) return printed(io, command.usage);
    if (command.interruptible === true) onInterruptible();
    return await command.run(commandContext(io, parsed, argv, sessions));
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(io, `fieldseal ${command.name}: ${error.message}`, error.usage);
    io.stderr.write(describeFailure(error, debug));
    return io.signal.aborted ? EXIT_INTERRUPTED : EXIT_FAILURE;
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
  }
}

/** Global flags given before the command (`fieldseal --config x keys list`), passed on to it. */
function leadingGlobals(argv: readonly string[]): { globals: string[]; rest: string[]; help: boolean; problem?: string } {
  const globals: string[] = [];
  let help = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-')) break;
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--debug' || arg.startsWith('--config=') || arg.startsWith('--prisma-schema=')) globals.push(arg);
    else if (arg === '--config' || arg === '-c' || arg === '--prisma-schema') {
      const value = argv[i + 1];
      if (value === undefined) return { globals, rest: [], help, problem: `option '${arg}' needs a value` };
      globals.push(arg === '-c' ? '--config' : arg, value);
      i++;
    } else return { globals, rest: [], help, problem: `unknown option '${arg}'` };
  }
  return { globals, rest: argv.slice(i), help };
}

function printed(io: CliIo, text: string): number {
  io.stdout.write(text);
  return EXIT_OK;
}

function usageFailure(io: CliIo, problem: string | undefined, usage: string): number {
  io.stderr.write(`${problem === undefined ? '' : `${problem}\n\n`}${usage}`);
  return EXIT_USAGE;
}

// ---- the bin ----

/** Resolves once everything written to `stream` is handed to the OS (so that exiting loses nothing). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((done) => stream.write('', () => done()));
}

// Output piped into a reader that stopped (`fieldseal keys list | head`): nothing left to do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT_OK);
    throw error;
  });
}

const controller = new AbortController();
const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: controller.signal };

void runCli(process.argv.slice(2), io, () => {
  // Only jobs stop at a batch boundary; any other command ends on Ctrl-C as usual.
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    process.stderr.write('\nfieldseal: stopping at the end of the current batch (Ctrl-C again to quit at once)\n');
    controller.abort();
  });
}).then(
  async (status) => {
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    // Exit at once: an idle pool or a KMS client could keep the process alive otherwise.
    process.exit(status);
  },
  (error: unknown) => {
    process.stderr.write(describeFailure(error, true));
    process.exit(EXIT_FAILURE);
  },
);
