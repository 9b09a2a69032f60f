/**
 * `fieldseal subject shred | export`: erasure and subject access export of one data subject,
 * over the tables of the config that name a `subjectColumn` (fieldseal/privacy's
 * `shredSubject` and `exportSubject`). The receipt and the export go to stdout (or
 * `--out`); the receipt holds no personal data, the export is the subject's data.
 *
 * @module
 */
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { ConfigurationError, ErasureIncompleteError } from '../errors.js';
import { exportSubject } from '../privacy/subjects/export-subject.js';
import { shredSubject } from '../privacy/subjects/shred-subject.js';
import type { SubjectTable } from '../privacy/subjects/subject-tables.js';
import type { ProtectedColumn } from '../rotation/columns.js';
import { booleanFlag, stringFlag, usageText, type Command, type CommandContext } from './command.js';
import { EXIT_FAILURE, EXIT_OK } from './io.js';
import { rowSourceFor } from './jobs.js';

/** The config's tables that name their data subject column, as the privacy operations take them. */
async function subjectTables(context: CommandContext): Promise<SubjectTable[]> {
  const session = await context.session();
  const entries = Object.entries(session.config.tables).filter(([, table]) => table.subjectColumn !== undefined);
  if (entries.length === 0) throw new ConfigurationError('no table of the config names its data subject column: add "subjectColumn" to the tables that hold subjects\' rows (see docs/privacy.md)');
  const database = await session.database();
  return entries.map(([name, table]) => {
    const columns = table.columns as unknown as readonly ProtectedColumn[];
    return {
      name,
      source: rowSourceFor(database, { name, primaryKey: table.primaryKey, columns }),
      subjectColumn: table.subjectColumn as string,
      columns,
      ...(table.personalColumns === undefined ? {} : { personalColumns: table.personalColumns }),
      ...(table.clearOnErasure === undefined ? {} : { clearOnErasure: table.clearOnErasure }),
    };
  });
}

const shredCommand: Command = {
  name: 'subject shred',
  summary: "erase a data subject: tokens cleared, data keys destroyed (irreversible)",
  usage: usageText(
    'subject shred <subject> [--scope <scope>] [--receipt-id] [--allow-unknown] [--out <file>]',
    `Erases one data subject from every table of the config with a "subjectColumn": in the
subject's rows, lookup tokens (blind indexes, deterministic values, FPE tokens) and values
not sealed under the subject's own keys are set to NULL; then the subject's data keys are
destroyed, so its randomized values can never be opened again. Irreversible.
Prints a receipt (JSON) for the compliance record: the subject as a digest, key ids
destroyed, rows and values touched, times; no personal data. A subject with no key and no
row is an error (exit 1) unless --allow-unknown. An erasure that stops part of the way
prints its receipt with "complete": false and exits 1: run the same command again.`,
    `      --scope <scope>   the subject's scope (default: the Sealer's default scope)
      --receipt-id      name the subject by its id in the receipt, not by a digest
      --allow-unknown   a subject with nothing to erase is not an error
      --out <file>      write the receipt to this file instead of stdout`,
  ),
  flags: { scope: { type: 'string' }, 'receipt-id': { type: 'boolean' }, 'allow-unknown': { type: 'boolean' }, out: { type: 'string' } },
  positionals: { min: 1, max: 1, name: 'the data subject id' },
  async run(context) {
    const { io, args } = context;
    const subject = args.positionals[0] as string;
    const tables = await subjectTables(context);
    const sealer = await (await context.session()).sealer({ writes: false });
    const scope = stringFlag(args, 'scope');
    let receipt: unknown;
    let status = EXIT_OK;
    try {
      receipt = await shredSubject({
        sealer,
        subject,
        tables,
        ...(scope === undefined ? {} : { scope }),
        receiptSubject: booleanFlag(args, 'receipt-id') ? 'id' : 'digest',
        allowUnknown: booleanFlag(args, 'allow-unknown'),
      });
    } catch (error) {
      if (!(error instanceof ErasureIncompleteError)) throw error;
      io.stderr.write(`fieldseal subject shred: ${error.code}: ${error.message}\n`);
      receipt = error.receipt;
      status = EXIT_FAILURE;
    }
    await writeOut(context, `${JSON.stringify(receipt, null, 2)}\n`);
    return status;
  },
};

const exportCommand: Command = {
  name: 'subject export',
  summary: "export everything held about a data subject, opened (JSON)",
  usage: usageText(
    'subject export <subject> [--scope <scope>] [--out <file>]',
    `Writes one JSON document (format fieldseal-subject-export/1, docs/privacy.md) with every
protected and personal field of the subject's rows in every table of the config with a
"subjectColumn", opened. Streamed: a subject with many rows is never held in memory. The
export holds the subject's personal data in the clear: write it where it may be.`,
    `      --scope <scope>   the subject's scope (default: the Sealer's default scope)
      --out <file>      write the document to this file instead of stdout`,
  ),
  flags: { scope: { type: 'string' }, out: { type: 'string' } },
  positionals: { min: 1, max: 1, name: 'the data subject id' },
  async run(context) {
    const { args } = context;
    const subject = args.positionals[0] as string;
    const tables = await subjectTables(context);
    const sealer = await (await context.session()).sealer({ writes: false });
    const scope = stringFlag(args, 'scope');
    await writeOut(context, exportSubject({ sealer, subject, tables, ...(scope === undefined ? {} : { scope }) }));
    return EXIT_OK;
  },
};

/** Writes text (or streamed chunks) to `--out` or stdout. */
async function writeOut(context: CommandContext, text: string | AsyncIterable<string>): Promise<void> {
  const out = stringFlag(context.args, 'out');
  const chunks = typeof text === 'string' ? [text] : text;
  if (out === undefined) {
    for await (const chunk of chunks) context.io.stdout.write(chunk);
    return;
  }
  const file = createWriteStream(resolve(context.io.cwd, out), { flags: 'wx', mode: 0o600 });
  try {
    for await (const chunk of chunks) if (!file.write(chunk)) await new Promise<void>((done) => file.once('drain', () => done()));
  } finally {
    file.end();
    await finished(file);
  }
}

/** The `fieldseal subject` commands. */
export const subjectCommands: readonly Command[] = [shredCommand, exportCommand];
