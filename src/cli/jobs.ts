/**
 * `fieldseal status | backfill | reencrypt | reindex | decrypt | verify`: the rotation jobs of
 * `fieldseal/rotation` over the protected tables of the config, one table after the other.
 * The writing jobs keep their checkpoints in `fieldseal_jobs` in the tables' database, so
 * a stopped or killed run resumes when the same command runs again; Ctrl-C stops at a
 * batch boundary (exit 130) and says so. Reports name tables, columns, key ids and primary
 * keys, never a value.
 *
 * @module
 */
import { hostname } from 'node:os';
import { ConfigurationError } from '../errors.js';
import type { JobCheckpoints } from '../rotation/checkpoints.js';
import type { ProtectedColumn } from '../rotation/columns.js';
import { runBackfill } from '../rotation/jobs/backfill.js';
import { DECRYPT_CONFIRMATION, runDecrypt } from '../rotation/jobs/decrypt.js';
import type { ColumnReport, JobOptions, JobReport } from '../rotation/jobs/job-options.js';
import { runReencrypt } from '../rotation/jobs/reencrypt.js';
import { runReindex } from '../rotation/jobs/reindex.js';
import { runStatus } from '../rotation/jobs/status.js';
import { runVerify } from '../rotation/jobs/verify.js';
import type { RowSource } from '../rotation/row-source.js';
import { mysqlJobCheckpoints, postgresJobCheckpoints, sqliteJobCheckpoints } from '../rotation/sql-checkpoints.js';
import { mysqlRowSource, postgresRowSource, sqliteRowSource } from '../rotation/sql-row-source.js';
import { booleanFlag, integerFlag, stringFlag, stringsFlag, usageText, type Command, type CommandContext, type FlagSpec } from './command.js';
import type { CliConfig } from './config.js';
import type { Database } from './databases.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, UsageError, type CliIo } from './io.js';
import { count, progressReporter } from './progress.js';

/** The job kinds, as commands. */
export type JobName = 'status' | 'backfill' | 'reencrypt' | 'reindex' | 'decrypt' | 'verify';

/** A protected table of the config, narrowed to the columns a command works on. */
export interface JobTarget {
  /** As in the config: `users`, or `schema.users` on PostgreSQL. */
  readonly name: string;
  readonly primaryKey: string;
  readonly columns: readonly ProtectedColumn[];
}

const RUNNERS: Readonly<Record<JobName, (options: JobOptions) => Promise<JobReport>>> = {
  status: runStatus,
  backfill: runBackfill,
  reencrypt: runReencrypt,
  reindex: runReindex,
  decrypt: (options) => runDecrypt({ ...options, confirm: DECRYPT_CONFIRMATION }),
  verify: runVerify,
};

/** Jobs that write values (and so keep checkpoints, and may run several workers). */
const WRITING: ReadonlySet<JobName> = new Set(['backfill', 'reencrypt', 'reindex', 'decrypt']);

/** The protected tables `--table` / `--column` select, with their columns as the jobs take them. */
export function selectTargets(config: CliConfig, table: string | undefined, columns: readonly string[]): JobTarget[] {
  const names = Object.keys(config.tables);
  if (names.length === 0) throw new ConfigurationError(`${fileName(config)} names no protected tables: add "tables" (see docs/cli.md)`);
  if (table !== undefined && !names.includes(table)) {
    throw new ConfigurationError(`table '${table}' is not among the protected tables of ${fileName(config)} (${names.join(', ')})`);
  }
  return (table === undefined ? names : [table]).map((name) => {
    const entry = config.tables[name] as CliConfig['tables'][string];
    const specs = entry.columns as unknown as readonly ProtectedColumn[];
    for (const column of columns) {
      if (!specs.some((spec) => spec.column === column)) {
        throw new ConfigurationError(`column '${column}' is not a protected column of table '${name}' in ${fileName(config)} (${specs.map((s) => s.column).join(', ')})`);
      }
    }
    return { name, primaryKey: entry.primaryKey, columns: columns.length === 0 ? specs : specs.filter((spec) => columns.includes(spec.column)) };
  });
}

/** The table of a Prisma model of the config (`--model`). */
function tableOfModel(config: CliConfig, model: string): string {
  const models = config.models ?? {};
  const table = Object.hasOwn(models, model) ? models[model] : undefined;
  if (table !== undefined) return table;
  if (config.prisma === undefined) throw new ConfigurationError(`--model ${model}: ${fileName(config)} names no Prisma schema: add "prisma": { "schema": "prisma/schema.prisma" } (see docs/cli.md)`);
  throw new ConfigurationError(`--model ${model}: not among the protected Prisma models of ${fileName(config)} (${Object.keys(models).join(', ') || 'none'})`);
}

function fileName(config: CliConfig): string {
  return config.file.split(/[\\/]/).at(-1) ?? config.file;
}

/** The row source of a protected table in `database` (the job runner yields to the event loop per batch, so Ctrl-C is seen at a boundary). */
export function rowSourceFor(database: Database, target: JobTarget): RowSource {
  return openRowSource(database, target);
}

function openRowSource(database: Database, target: JobTarget): RowSource {
  const [schema, table] = target.name.includes('.') ? (target.name.split('.', 2) as [string, string]) : [undefined, target.name];
  if (schema !== undefined && database.type !== 'postgres') throw new ConfigurationError(`table '${target.name}': a schema-qualified table name is a PostgreSQL option`);
  const common = { table, keyColumn: target.primaryKey };
  switch (database.type) {
    case 'sqlite':
      return sqliteRowSource({ ...common, database: database.driver });
    case 'postgres':
      return postgresRowSource({ ...common, schema, client: database.driver });
    case 'mysql':
      return mysqlRowSource({ ...common, pool: database.driver });
  }
}

/** The checkpoints of the writing jobs: the `fieldseal_jobs` table in `database`. */
function checkpointsFor(database: Database): JobCheckpoints {
  switch (database.type) {
    case 'sqlite':
      return sqliteJobCheckpoints({ database: database.driver });
    case 'postgres':
      return postgresJobCheckpoints({ client: database.driver });
    case 'mysql':
      return mysqlJobCheckpoints({ pool: database.driver });
  }
}

const COMMON_FLAGS: Readonly<Record<string, FlagSpec>> = {
  table: { type: 'string', short: 't' },
  model: { type: 'string', short: 'm' },
  column: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  'batch-size': { type: 'string' },
  'dry-run': { type: 'boolean' },
  workers: { type: 'string' },
};

const COMMON_HELP = `  -t, --table <table>    only this protected table (default: every table of the config)
  -m, --model <model>    only the table of this Prisma model (a config with "prisma")
      --column <column>  only this protected column of --table or --model (repeat for several)
      --json             the report as JSON on stdout; progress as JSON lines on stderr
      --batch-size <n>   rows per batch, 1-10000 (default 500)`;

const WRITING_HELP = `      --dry-run          read and count what would change; write nothing
      --workers <n>      workers splitting the table by primary-key ranges, 1-64
                         (default 1; SQLite runs one)`;

const READING_HELP = `      --dry-run          accepted; this job writes nothing anyway`;

function jobCommand(name: JobName, summary: string, synopsis: string, description: string, extra: { flags?: Readonly<Record<string, FlagSpec>>; help?: string } = {}): Command {
  const command: Command = {
    name,
    summary,
    usage: usageText(`${name} ${synopsis}`, description, `${extra.help ?? ''}${COMMON_HELP}\n${WRITING.has(name) ? WRITING_HELP : READING_HELP}`),
    flags: { ...COMMON_FLAGS, ...extra.flags },
    interruptible: true,
    run: (context) => runJobCommand(command, name, context),
  };
  return command;
}

/** The job commands, in the order the usage lists them. */
export const jobCommands: readonly Command[] = [
  jobCommand(
    'status',
    'count values per key id, plaintext, unreadable, destroyed',
    '[--table <table> | --model <model>] [--column <column>] [--json]',
    `Reads every protected column and counts its values: per key id (with the key's state),
plaintext (not sealed), malformed, NULL, on destroyed or unknown keys, and not under the
current primary key. Writes nothing. \`fieldseal keys destroy\` runs it to refuse a key
that values still use.`,
  ),
  jobCommand(
    'backfill',
    'seal the plaintext values of protected columns',
    '[--table <table> | --model <model>] [--column <column>] [--dry-run] [--workers <n>]',
    `Seals every plaintext value of the protected columns (rows written before the column was
protected), filling its blind index column in the same write. Sealed values and NULLs
are left alone. A row the application changes meanwhile is read again, never
overwritten. Resumable: after a stop, run the same command again.`,
  ),
  jobCommand(
    'reencrypt',
    'move values to the current primary keys',
    '[--table <table> | --model <model>] [--column <column>] [--key-id <id>] [--dry-run] [--workers <n>]',
    `Re-encrypts every value not under its scope's (or subject's) current primary data key,
after \`fieldseal keys rotate\`. With --key-id, only values under those keys. Then
\`fieldseal status\` shows no value under the old key, and \`fieldseal keys destroy\`
accepts it. Resumable: after a stop, run the same command again.`,
    { flags: { 'key-id': { type: 'string', multiple: true } }, help: '      --key-id <id>      only values under this key (repeat for several)\n' },
  ),
  jobCommand(
    'reindex',
    'fill shadow columns under the next lookup key version',
    '[--table <table> | --model <model>] [--column <column>] [--dry-run] [--workers <n>]',
    `Rotates lookup keys (blind index, deterministic and FPE columns) as a planned migration:
for every protected column with a reindex target in the config ("reindex", or
"blindIndex.reindex": { "column", "lookupVersion" }), computes each row's token under the
target lookup key version from the row's value and writes it into the shadow column where
it differs. Run it while the application writes both columns; then \`fieldseal verify\`
checks every shadow value. A row the application changes meanwhile is read again, never
overwritten. Resumable: after a stop, run the same command again.`,
  ),
  jobCommand(
    'decrypt',
    'write the protected columns back as plaintext',
    '--table <table> | --model <model> [--column <column>] --yes-decrypt-to-plaintext [--dry-run]',
    `Opens every sealed value of the protected columns and writes it back as plaintext: for
leaving fieldseal, or undoing a backfill. The data is then unprotected at rest, so the
command runs only with --yes-decrypt-to-plaintext, and on one --table at a time.
Resumable: after a stop, run the same command again.`,
    { flags: { 'yes-decrypt-to-plaintext': { type: 'boolean' } }, help: '      --yes-decrypt-to-plaintext\n                         confirms that the values are to be stored in the clear\n' },
  ),
  jobCommand(
    'verify',
    'check that every value opens in its context',
    '[--table <table> | --model <model>] [--column <column>] [--json]',
    `Opens every sealed value of the protected columns in its row's context (model, field,
row, scope, subject) and checks its blind index; reports the rows that fail by table,
column and primary key, never the value. Writes nothing. Exits 1 when any row fails.`,
  ),
];

/** Runs one job command over the selected tables; returns the exit status. */
async function runJobCommand(command: Command, kind: JobName, context: CommandContext): Promise<number> {
  const { io, args } = context;
  const model = stringFlag(args, 'model');
  if (model !== undefined && stringFlag(args, 'table') !== undefined) throw new UsageError('--model names a table too: give --table or --model', command.usage);
  const named = stringFlag(args, 'table') ?? model;
  const columns = stringsFlag(args, 'column');
  if (columns.length > 0 && named === undefined) throw new UsageError('--column needs --table (or --model)', command.usage);
  const batchSize = integerFlag(command, args, 'batch-size', 1, 10_000);
  let workers = integerFlag(command, args, 'workers', 1, 64) ?? 1;
  if (workers > 1 && !WRITING.has(kind)) throw new UsageError(`--workers: ${kind} reads the whole table in one pass`, command.usage);
  const onlyKeyIds = stringsFlag(args, 'key-id');
  for (const id of onlyKeyIds) if (!/^[0-9a-f]{8}$/.test(id)) throw new UsageError(`--key-id: '${id}' is not a key id (8 lowercase hex digits)`, command.usage);
  if (kind === 'decrypt') {
    if (!booleanFlag(args, 'yes-decrypt-to-plaintext')) throw new UsageError('decrypt stores the values in the clear: add --yes-decrypt-to-plaintext to confirm', command.usage);
    if (named === undefined) throw new UsageError('decrypt needs --table (or --model)', command.usage);
  }
  const json = booleanFlag(args, 'json');
  const dryRun = booleanFlag(args, 'dry-run');

  const session = await context.session({ poolSize: workers + 1 });
  const table = model === undefined ? stringFlag(args, 'table') : tableOfModel(session.config, model);
  const targets = selectTargets(session.config, table, columns);
  const database = await session.database();
  if (database.type === 'sqlite' && workers > 1) {
    io.stderr.write(`fieldseal ${kind}: SQLite has one writer at a time: running 1 worker, not ${workers}\n`);
    workers = 1;
  }
  // Only backfill, reencrypt and reindex seal: they may create the table and first keys (reindex: the
  // target lookup key version, which a dry run does not create); the others only open.
  const sealer = await session.sealer({ writes: kind === 'backfill' || kind === 'reencrypt' || (kind === 'reindex' && !dryRun) });
  const checkpoints = WRITING.has(kind) ? checkpointsFor(database) : undefined;
  const progress = progressReporter(io.stderr, { json: json || io.stderr.isTTY !== true });

  const results: { table: string; report: JobReport }[] = [];
  for (const target of targets) {
    if (kind === 'reencrypt' && table === undefined && !target.columns.some((spec) => spec.mode === 'randomized')) {
      // Deterministic and FPE values are under the lookup key, which data key rotations leave alone.
      io.stderr.write(`fieldseal reencrypt: ${target.name}: no randomized column, nothing to re-encrypt\n`);
      continue;
    }
    if (io.signal.aborted) break;
    const options: JobOptions = {
      sealer,
      source: rowSourceFor(database, target),
      columns: target.columns,
      checkpoints,
      batchSize,
      dryRun,
      signal: io.signal,
      onlyKeyIds: onlyKeyIds.length > 0 ? onlyKeyIds : undefined,
      onProgress: (p) => progress.update({ kind, table: target.name, done: p.done, changed: p.changed, rate: p.rate, eta: p.eta }),
    };
    try {
      let report = await runWorkers(RUNNERS[kind], options, workers);
      if (report.alreadyComplete && checkpoints !== undefined && !dryRun) {
        // A finished job of the same name (same table, columns and settings) ran before, for an
        // earlier rotation or backfill: this command means "do it again now", so start it over.
        await checkpoints.reset(report.job);
        report = await runWorkers(RUNNERS[kind], options, workers);
      }
      const skipped = session.config.skipped?.[target.name] ?? [];
      if (skipped.length > 0) report = { ...report, notes: [...report.notes, ...skipped.map((s) => `${s.field} skipped: ${s.reason}`)] };
      results.push({ table: target.name, report });
    } finally {
      progress.finish();
    }
  }

  if (json) io.stdout.write(`${JSON.stringify({ job: kind, dryRun, reports: results.map(({ table: name, report }) => ({ table: name, ...report })) }, jsonValue, 2)}\n`);
  else for (const { table: name, report } of results) io.stdout.write(describeReport(kind, name, report));

  const stopped = io.signal.aborted || results.some((r) => r.report.stopped);
  if (stopped) {
    io.stderr.write(`fieldseal ${kind}: stopped at a batch boundary${WRITING.has(kind) && !dryRun ? ', with its checkpoint saved' : ''}. To ${WRITING.has(kind) && !dryRun ? 'resume' : 'run it again'}, run the same command:\n  ${context.commandLine}\n`);
    return EXIT_INTERRUPTED;
  }
  return exitStatus(kind, dryRun, results.map((r) => r.report), io);
}

/**
 * Runs `workers` runs of the job side by side (each claims primary-key ranges through the
 * checkpoints, so they split the table) and adds up their reports.
 */
async function runWorkers(run: (options: JobOptions) => Promise<JobReport>, options: JobOptions, workers: number): Promise<JobReport> {
  if (workers === 1) return run(options);
  const base = `${hostname()}:${process.pid}`;
  const reports = await Promise.all(Array.from({ length: workers }, (_, i) => run({ ...options, worker: `${base}:${i + 1}` })));
  return mergeReports(reports);
}

/** One report for several workers' runs of the same job. */
export function mergeReports(reports: readonly JobReport[]): JobReport {
  const [first] = reports as [JobReport, ...JobReport[]];
  const sum = (pick: (r: JobReport) => number): number => reports.reduce((total, r) => total + pick(r), 0);
  const latest = reports.reduce((a, b) => (b.ranges.done >= a.ranges.done ? b : a));
  const columns = first.columns.map((column, i): ColumnReport => {
    const all = reports.map((r) => r.columns[i] as ColumnReport);
    const total = (key: keyof ColumnReport): number => all.reduce((n, c) => n + (c[key] as number), 0);
    return {
      ...column,
      nulls: total('nulls'),
      plaintext: total('plaintext'),
      sealed: total('sealed'),
      malformed: total('malformed'),
      wrongMode: total('wrongMode'),
      notCurrent: total('notCurrent'),
      changed: total('changed'),
      indexed: total('indexed'),
      indexMissing: total('indexMissing'),
      failures: total('failures'),
      onDestroyedKeys: total('onDestroyedKeys'),
      onUnknownKeys: total('onUnknownKeys'),
    };
  });
  const complete = reports.some((r) => r.complete);
  const merged: JobReport = {
    ...latest,
    complete,
    alreadyComplete: reports.every((r) => r.alreadyComplete),
    stopped: reports.some((r) => r.stopped),
    rows: sum((r) => r.rows),
    changed: sum((r) => r.changed),
    columns,
    conflicts: { count: sum((r) => r.conflicts.count), keys: reports.flatMap((r) => r.conflicts.keys).slice(0, 1000) },
    failures: reports.flatMap((r) => r.failures).slice(0, 1000),
    failureCount: sum((r) => r.failureCount),
    elapsedMs: Math.max(...reports.map((r) => r.elapsedMs)),
    notes: [...new Set(reports.flatMap((r) => r.notes))],
  };
  if (complete) delete (merged as { resume?: string }).resume;
  return merged;
}

function exitStatus(kind: JobName, dryRun: boolean, reports: readonly JobReport[], io: CliIo): number {
  let status = EXIT_OK;
  for (const report of reports) {
    if (report.failureCount > 0) {
      io.stderr.write(`fieldseal ${kind}: ${report.source}: ${count(report.failureCount)} row${report.failureCount === 1 ? '' : 's'} failed\n`);
      status = EXIT_FAILURE;
    }
    if (report.conflicts.count > 0) {
      io.stderr.write(`fieldseal ${kind}: ${report.source}: ${count(report.conflicts.count)} row(s) kept changing and were left as they are; run the same command again\n`);
      status = EXIT_FAILURE;
    }
    if (WRITING.has(kind) && !dryRun && !report.complete) {
      io.stderr.write(`fieldseal ${kind}: ${report.source}: not finished: ${report.resume ?? 'run the same command again'}\n`);
      status = EXIT_FAILURE;
    }
  }
  return status;
}

/** JSON.stringify replacer: bigint primary keys as strings. */
function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** The text report of one table. */
export function describeReport(kind: JobName, table: string, report: JobReport): string {
  const lines: string[] = [];
  const would = report.dryRun ? 'would write' : 'written';
  if (kind === 'status') lines.push(`${table} (${report.source}): ${count(report.rows)} rows`);
  else if (kind === 'verify') lines.push(`${table} (${report.source}): ${count(report.rows)} rows read, ${count(report.failureCount)} failing`);
  else if (report.alreadyComplete) lines.push(`${table} (${report.source}): already done, nothing to do`);
  else lines.push(`${table} (${report.source}): ${count(report.rows)} rows read, ${count(report.changed)} values ${would}${report.dryRun ? ' (dry run)' : ''}`);
  for (const column of report.columns) {
    if (kind === 'status') {
      const parts = column.mode === 'fpe' ? [`${count(column.tokens)} tokens`, `${count(column.nulls)} NULL`] : [`${count(column.sealed)} sealed`, `${count(column.plaintext)} plaintext`, `${count(column.nulls)} NULL`];
      if (column.malformed > 0) parts.push(`${count(column.malformed)} malformed`);
      if (column.wrongMode > 0) parts.push(`${count(column.wrongMode)} of the other mode`);
      if (column.onDestroyedKeys > 0) parts.push(`${count(column.onDestroyedKeys)} on destroyed keys`);
      if (column.onUnknownKeys > 0) parts.push(`${count(column.onUnknownKeys)} on unknown keys`);
      if (column.mode !== 'fpe') parts.push(`${count(column.notCurrent)} not under the current key`);
      lines.push(`  ${column.column} (${column.mode}): ${parts.join(', ')}`);
      for (const key of column.keys) {
        const state = key.state === 'active' && key.primary ? 'active, primary' : key.state;
        lines.push(`    ${key.keyId}  ${(key.purpose ?? '').padEnd(6)}  ${state.padEnd(15)}  ${count(key.values).padStart(9)}  ${key.scope ?? ''}`);
      }
    } else if (kind === 'verify') {
      lines.push(`  ${column.column}: ${column.mode === 'fpe' ? `${count(column.tokens)} tokens` : `${count(column.sealed)} sealed`}, ${count(column.failures)} failing${column.indexMissing > 0 ? `, ${count(column.indexMissing)} without blind index` : ''}`);
    } else {
      lines.push(`  ${column.column}: ${count(column.changed)} ${would}${column.indexed > 0 ? `, ${count(column.indexed)} blind index values` : ''}`);
    }
  }
  const listed = report.failures.slice(0, 20);
  for (const failure of listed) lines.push(`  ${failure.column}  row ${String(failure.key)}  ${failure.code}: ${failure.message}`);
  if (report.failureCount > listed.length) lines.push(`  … and ${count(report.failureCount - listed.length)} more (--json lists up to 1,000)`);
  for (const note of report.notes) lines.push(`  note: ${note}`);
  return `${lines.join('\n')}\n`;
}
