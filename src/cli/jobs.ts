/**
 * `fieldseal status | backfill | reencrypt | decrypt | verify`: the rotation jobs over the
 * protected tables of the config.
 *
 * @module
 */
import { usageText, type Command, type FlagSpec } from './command.js';
import { EXIT_FAILURE } from './io.js';

const JOB_FLAGS: Readonly<Record<string, FlagSpec>> = {
  table: { type: 'string', short: 't' },
  column: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  'batch-size': { type: 'string' },
  workers: { type: 'string' },
};

const JOB_FLAGS_HELP = `  -t, --table <table>    the protected table (default: every table of the config)
      --column <column>  only this protected column (repeat for several)
      --dry-run          read and count, write nothing
      --json             the report as JSON on stdout; progress as JSON lines on stderr
      --batch-size <n>   rows per batch, 1-10000 (default 500)
      --workers <n>      concurrent workers, 1-64 (default 1; SQLite runs one)`;

function jobCommand(name: string, summary: string, synopsis: string, description: string, extraFlags: Readonly<Record<string, FlagSpec>> = {}, extraHelp = ''): Command {
  return {
    name,
    summary,
    usage: usageText(`${name} ${synopsis}`, description, `${extraHelp}${JOB_FLAGS_HELP}`),
    flags: { ...JOB_FLAGS, ...extraFlags },
    interruptible: true,
    async run({ io }) {
      io.stderr.write(`fieldseal ${name}: not available yet in this version (the rotation jobs are not built in)\n`);
      return EXIT_FAILURE;
    },
  };
}

/** The job commands, in the order the usage lists them. */
export const jobCommands: readonly Command[] = [
  jobCommand(
    'status',
    'count values per key id, plaintext, unreadable, destroyed',
    '[--table <table>] [--column <column>] [--json]',
    `Reads every protected column and counts its values: per key id, plaintext (not sealed),
malformed, on destroyed keys, and NULL. Writes nothing. Use it before destroying a key:
a key no value uses can go.`,
  ),
  jobCommand(
    'backfill',
    'seal the plaintext values of protected columns',
    '[--table <table>] [--column <column>] [--dry-run]',
    `Seals every plaintext value of the protected columns (legacy rows written before the
column was protected), filling its blind index column in the same write. Sealed values
and NULLs are left alone. Rows the application changes meanwhile are read again, never
overwritten. Resumable: after a stop, run the same command again.`,
  ),
  jobCommand(
    'reencrypt',
    'move values to the current primary keys',
    '[--table <table>] [--column <column>] [--key-id <id>] [--dry-run]',
    `Re-encrypts every value not under its scope's (or subject's) current primary data key,
after \`fieldseal keys rotate\`. With --key-id, only values under those keys. Afterwards
\`fieldseal status\` shows no value on the old key, which can then be destroyed.
Resumable: after a stop, run the same command again.`,
    { 'key-id': { type: 'string', multiple: true } },
    `      --key-id <id>      only values under this key (repeat for several)\n`,
  ),
  jobCommand(
    'decrypt',
    'write the protected columns back as plaintext',
    '--table <table> [--column <column>] --yes-decrypt-to-plaintext [--dry-run]',
    `Opens every sealed value of the protected columns and writes it back as plaintext: for
leaving fieldseal, or undoing a backfill. The data is then unprotected at rest, so the
command runs only with --yes-decrypt-to-plaintext. Resumable.`,
    { 'yes-decrypt-to-plaintext': { type: 'boolean' } },
    `      --yes-decrypt-to-plaintext  confirms that the values are to be stored in the clear\n`,
  ),
  jobCommand(
    'verify',
    'check that every value opens in its context',
    '[--table <table>] [--column <column>] [--json]',
    `Opens every sealed value of the protected columns in its context (model, field, row,
scope, subject) and reports those that do not open: table, column and primary key, never
the value. Writes nothing. Exits 1 when any value does not open.`,
  ),
];
