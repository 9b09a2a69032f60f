/**
 * `fieldseal inventory`: every column of the application database as protected (from the
 * config's tables), a lookup column, or plain, with the plain columns that probably hold
 * personal data flagged by name and by a bounded sample of values (fieldseal/privacy's
 * `inventory`). Exits 1 when such a column is found, so CI can gate on it. Never prints a
 * sampled value.
 *
 * @module
 */
import type { InventoryOptions, InventoryProtectedColumn } from '../privacy/inventory/inventory.js';
import { inventory } from '../privacy/inventory/inventory.js';
import { inventoryJson, inventoryMarkdown, inventoryTable } from '../privacy/inventory/render.js';
import type { ProtectedColumn } from '../rotation/columns.js';
import { booleanFlag, integerFlag, stringFlag, stringsFlag, usageText, type Command } from './command.js';
import type { CliConfig } from './config.js';
import type { Database } from './databases.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './io.js';

/** The config's protected columns as the inventory takes them: shadow columns of a reindex count as lookup columns. */
export function inventoryColumns(config: CliConfig): InventoryProtectedColumn[] {
  return Object.entries(config.tables).flatMap(([name, table]) => {
    const tableName = name.includes('.') ? (name.split('.', 2)[1] as string) : name;
    return (table.columns as unknown as readonly ProtectedColumn[]).map((spec) => {
      const lookups = [spec.reindex?.column, spec.blindIndex?.reindex?.column].filter((c): c is string => c !== undefined);
      return {
        table: tableName,
        column: spec.column,
        mode: spec.mode,
        ...(spec.blindIndex === undefined ? {} : { blindIndex: spec.blindIndex.column }),
        ...(lookups.length === 0 ? {} : { lookupColumns: lookups }),
        ...(spec.scope === undefined ? {} : { scope: spec.scope }),
        ...(spec.subjectColumn === undefined ? {} : { subjectColumn: spec.subjectColumn }),
      };
    });
  });
}

function sourceOf(database: Database): InventoryOptions {
  switch (database.type) {
    case 'sqlite':
      return { dialect: 'sqlite', database: database.driver };
    case 'postgres':
      return { dialect: 'postgres', client: database.driver };
    case 'mysql':
      return { dialect: 'mysql', pool: database.driver };
  }
}

/** The `fieldseal inventory` command. */
export const inventoryCommand: Command = {
  name: 'inventory',
  summary: 'list every column as protected or plain; flag plain personal data',
  usage: usageText(
    'inventory [--json | --markdown] [--sample-rows <n>] [--schema <schema>] [--table <table>] [--flagged-only]',
    `Reads the application database's catalog and lists every column of every table: protected
(from the config's tables: mode, lookup, key scope, subject owner), a lookup column (blind
index, reindex shadow), sealed but not in the config, or plain. Plain columns that probably
hold personal data are flagged by name and by sampling a bounded number of rows with
detectors (e-mail, phone, card number with Luhn, US SSN, IBAN with its checksum, IP address,
date of birth). No sampled value is ever printed. Exits 1 when a plain column is flagged or
a configured protected column is missing, so CI can gate on it; 0 otherwise.`,
    `      --json             the report as JSON
      --markdown         the report as a Markdown data map for auditors
      --sample-rows <n>  rows sampled per table, 0-10000 (default 200; 0: names only)
      --schema <schema>  PostgreSQL: the schema to list (default: the connection's)
      --table <table>    only this table (repeat for several)
      --flagged-only     the terminal table lists flagged columns only`,
  ),
  flags: {
    json: { type: 'boolean' },
    markdown: { type: 'boolean' },
    'sample-rows': { type: 'string' },
    schema: { type: 'string' },
    table: { type: 'string', multiple: true },
    'flagged-only': { type: 'boolean' },
  },
  async run(context) {
    const { io, args } = context;
    if (booleanFlag(args, 'json') && booleanFlag(args, 'markdown')) throw new UsageError('--json and --markdown are exclusive', inventoryCommand.usage);
    const session = await context.session();
    const database = await session.database();
    const sampleRows = integerFlag(inventoryCommand, args, 'sample-rows', 0, 10_000);
    const schema = stringFlag(args, 'schema');
    const tables = stringsFlag(args, 'table');
    const report = await inventory({
      ...sourceOf(database),
      protectedColumns: inventoryColumns(session.config),
      // The key store's and the jobs' own tables hold no personal data of the application.
      excludeTables: ['fieldseal_keys', 'fieldseal_jobs'],
      ...(sampleRows === undefined ? {} : { sampleRows }),
      ...(schema === undefined ? {} : { schema }),
      ...(tables.length === 0 ? {} : { tables }),
    });
    if (booleanFlag(args, 'json')) io.stdout.write(inventoryJson(report));
    else if (booleanFlag(args, 'markdown')) io.stdout.write(inventoryMarkdown(report));
    else io.stdout.write(inventoryTable(report, { flaggedOnly: booleanFlag(args, 'flagged-only') }));
    const unprotected = report.summary.flagged > 0 || report.summary.missingProtected.length > 0;
    if (unprotected && !booleanFlag(args, 'json')) {
      io.stderr.write(`fieldseal inventory: ${report.summary.flagged} plain column(s) probably hold personal data${report.summary.missingProtected.length > 0 ? `; protected columns missing: ${report.summary.missingProtected.join(', ')}` : ''}\n`);
    }
    return unprotected ? EXIT_FAILURE : EXIT_OK;
  },
};
