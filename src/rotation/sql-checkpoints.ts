/**
 * Job checkpoints in a table of the application's own database (`fieldseal_jobs` by
 * default), over the same {@link SqlConnection} adapters as the SQL key stores: one row per
 * (job, range). Every call is one statement or one short transaction, bounded by
 * `timeoutMs` and retried on deadlocks and busy databases.
 *
 * Claims: PostgreSQL, and MySQL 8.0+ / MariaDB 10.6+, pick the range with `SELECT ... FOR
 * UPDATE SKIP LOCKED` inside the claiming transaction, so concurrent workers never wait on
 * each other's claim nor take the same range. SQLite has one writer at a time: the claim's
 * transaction is `BEGIN IMMEDIATE` (the better-sqlite3 adapter's), which serialises claims.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { FormatError, RowSourceError } from '../errors.js';
import { driverErrorKind, scrubbedDriverError } from '../keys/store/driver-errors.js';
import { mysqlPoolConnection, type MysqlPoolLike } from '../keys/store/mysql-key-store.js';
import { pgConnection, type PgClientLike, type PgPoolLike } from '../keys/store/postgres-key-store.js';
import type { SqlCallOptions, SqlConnection, SqlResult, SqlRow, SqlScript, SqlStatement, SqlValue } from '../keys/store/sql-connection.js';
import { sqlDialect, type SqlDialect, type SqlDialectName } from '../keys/store/sql-dialect.js';
import { betterSqlite3Connection, type SqliteDatabaseLike } from '../keys/store/sqlite-key-store.js';
import { checkTimeoutMs, withinTimeLimit, type CallErrors } from '../keys/store/store-call.js';
import {
  checkJobName,
  checkSameJob,
  decodeRowKey,
  encodeRowKey,
  type JobCheckpoints,
  type JobDefinition,
  type JobKind,
  type JobSummary,
  type KeyRange,
  type RangeCheckpoint,
  type RangeClaim,
  type RangeState,
} from './checkpoints.js';

/** The checkpoint table's name when none is given. */
export const DEFAULT_JOBS_TABLE = 'fieldseal_jobs';

/** Options of {@link sqlJobCheckpoints}. */
export interface SqlJobCheckpointsOptions {
  /** The database family. */
  readonly dialect: SqlDialectName;
  /** The connection adapter (`pgConnection`, `mysqlPoolConnection`, `betterSqlite3Connection`, `prismaSqlConnection`, your own). */
  readonly connection: SqlConnection;
  /** The table; default `fieldseal_jobs`. Letters, digits and `_`, at most 63 characters. */
  readonly table?: string;
  /** PostgreSQL only: the schema; default the connection's `search_path`. */
  readonly schema?: string;
  /** Time limit of each call in milliseconds (default 5000). */
  readonly timeoutMs?: number;
}

/** The columns of a checkpoint row, in select order. */
const COLUMNS = 'job, range_no, kind, source, fingerprint, range_after, range_until, cursor_key, state, worker, heartbeat_ms, rows_done, values_changed';

/** The statements that create the checkpoint table if missing, per dialect (for teams that run their own migrations). */
export function jobsTableSql(dialect: SqlDialectName, where: { readonly table?: string; readonly schema?: string } = {}): readonly string[] {
  const table = sqlDialect(dialect, { table: where.table ?? DEFAULT_JOBS_TABLE, schema: where.schema }).table;
  if (dialect === 'postgres') {
    return [
      `CREATE TABLE IF NOT EXISTS ${table} (
  job varchar(200) COLLATE "C" NOT NULL,
  range_no integer NOT NULL,
  kind varchar(16) NOT NULL,
  source text NOT NULL,
  fingerprint varchar(64) NOT NULL,
  range_after text,
  range_until text,
  cursor_key text,
  state varchar(8) NOT NULL,
  worker varchar(200),
  claim_token varchar(32),
  heartbeat_ms bigint,
  rows_done bigint NOT NULL,
  values_changed bigint NOT NULL,
  updated_ms bigint NOT NULL,
  PRIMARY KEY (job, range_no)
)`,
    ];
  }
  if (dialect === 'mysql') {
    return [
      `CREATE TABLE IF NOT EXISTS ${table} (
  job VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  range_no INT NOT NULL,
  kind VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  source TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  fingerprint VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  range_after TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  range_until TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  cursor_key TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  state VARCHAR(8) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  worker VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  claim_token VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
  heartbeat_ms BIGINT NULL,
  rows_done BIGINT NOT NULL,
  values_changed BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL,
  PRIMARY KEY (job, range_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    ];
  }
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (
  job TEXT NOT NULL,
  range_no INTEGER NOT NULL,
  kind TEXT NOT NULL,
  source TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  range_after TEXT,
  range_until TEXT,
  cursor_key TEXT,
  state TEXT NOT NULL,
  worker TEXT,
  claim_token TEXT,
  heartbeat_ms INTEGER,
  rows_done INTEGER NOT NULL,
  values_changed INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (job, range_no)
)`,
  ];
}

/** {@link JobCheckpoints} in a SQL table over any {@link SqlConnection}. */
export function sqlJobCheckpoints(options: SqlJobCheckpointsOptions): JobCheckpoints {
  const timeoutMs = checkTimeoutMs(options.timeoutMs);
  const dialect: SqlDialect = sqlDialect(options.dialect, { table: options.table ?? DEFAULT_JOBS_TABLE, schema: options.schema });
  const { table, description } = dialect;
  const { connection } = options;
  const schemaSql = jobsTableSql(options.dialect, { table: options.table, schema: options.schema });
  // SQLite serialises writers (BEGIN IMMEDIATE); the others lock the claimed row and skip rows other claims hold.
  const lockClause = dialect.name === 'sqlite' ? '' : ' FOR UPDATE SKIP LOCKED';

  const statement = (returnsRows: boolean, build: (bind: (value: SqlValue) => string) => string): SqlStatement => {
    const params: SqlValue[] = [];
    const sql = build((value) => {
      params.push(value);
      return dialect.placeholder(params.length);
    });
    return { sql, params, returnsRows };
  };
  const call = <T>(operation: string, body: (callOptions: SqlCallOptions) => Promise<T>, scrub: readonly string[] = []): Promise<T> =>
    withinTimeLimit({ source: description, operation, timeoutMs, errors: checkpointErrors(description, operation, scrub) }, body);
  const write = <T>(callOptions: SqlCallOptions, script: () => SqlScript<T>): Promise<T> =>
    connection.transaction(function* () {
      for (const limit of dialect.timeLimits(callOptions.timeoutMs)) yield limit;
      return yield* script();
    }, callOptions);
  const selectJob = (job: string): SqlStatement => statement(true, (bind) => `SELECT ${COLUMNS} FROM ${table} WHERE job = ${bind(job)} ORDER BY range_no`);
  const summaryOf = (result: SqlResult): JobSummary | undefined => {
    const first = result.rows[0];
    if (first === undefined) return undefined;
    return {
      job: text(first.job),
      kind: text(first.kind) as JobKind,
      source: text(first.source),
      fingerprint: text(first.fingerprint),
      ranges: result.rows.map((row) => parseRange(row, description)),
    };
  };
  /** An UPDATE of the claimed row only, under its claim token: 0 rows when another worker took the range over. */
  const underClaim = (claim: RangeClaim, set: (bind: (value: SqlValue) => string) => string): SqlStatement =>
    statement(
      false,
      (bind) => `UPDATE ${table} SET ${set(bind)} WHERE job = ${bind(claim.job)} AND range_no = ${bind(claim.range.index)} AND claim_token = ${bind(claim.token)} AND state = 'running'`,
    );

  return {
    description,

    async migrate() {
      await call('migrate', (callOptions) =>
        write(callOptions, function* () {
          for (const lock of dialect.migrationLock) yield lock;
          for (const sql of schemaSql) yield { sql, params: [], returnsRows: false };
        }),
      );
    },

    async start(definition: JobDefinition, ranges: readonly KeyRange[]) {
      checkJobName(definition.job);
      const summary = await call(`start of job ${definition.job}`, async (callOptions) => {
        // Two workers starting a new job race on the primary key: the loser reads the winner's ranges.
        for (let attempt = 0; ; attempt++) {
          try {
            return await write(callOptions, function* () {
              const found: SqlResult = yield selectJob(definition.job);
              if (found.rows.length > 0) return found;
              const now = Date.now();
              for (const [index, range] of ranges.entries()) {
                yield statement(
                  false,
                  (bind) =>
                    `INSERT INTO ${table} (job, range_no, kind, source, fingerprint, range_after, range_until, cursor_key, state, worker, claim_token, heartbeat_ms, rows_done, values_changed, updated_ms) VALUES (${[
                      bind(definition.job),
                      bind(index),
                      bind(definition.kind),
                      bind(definition.source),
                      bind(definition.fingerprint),
                      bind(range.after === undefined ? null : encodeRowKey(range.after)),
                      bind(range.until === undefined ? null : encodeRowKey(range.until)),
                      'NULL',
                      "'pending'",
                      'NULL',
                      'NULL',
                      'NULL',
                      '0',
                      '0',
                      bind(now),
                    ].join(', ')})`,
                );
              }
              return (yield selectJob(definition.job)) as SqlResult;
            });
          } catch (error) {
            if (attempt < 3 && driverErrorKind(error) === 'unique') continue;
            throw error;
          }
        }
      });
      const parsed = summaryOf(summary);
      if (parsed === undefined) throw new RowSourceError(description, `job ${definition.job} has no ranges after its start`);
      checkSameJob(parsed, definition);
      return parsed;
    },

    async summary(job) {
      return call(`summary of job ${job}`, async (callOptions) => summaryOf(await connection.query(selectJob(job), callOptions)));
    },

    async claim(job, worker, leaseMs) {
      const token = randomBytes(12).toString('hex');
      return call(`claim in job ${job}`, (callOptions) =>
        write(callOptions, function* () {
          const now = Date.now();
          const found: SqlResult = yield statement(
            true,
            (bind) =>
              `SELECT range_no FROM ${table} WHERE job = ${bind(job)} AND (state = 'pending' OR (state = 'running' AND (worker = ${bind(worker)} OR heartbeat_ms < ${bind(now - leaseMs)}))) ORDER BY range_no LIMIT 1${lockClause}`,
          );
          const first = found.rows[0];
          if (first === undefined) return undefined;
          const index = Number(first.range_no);
          yield statement(
            false,
            (bind) =>
              `UPDATE ${table} SET state = 'running', worker = ${bind(worker)}, claim_token = ${bind(token)}, heartbeat_ms = ${bind(now)}, updated_ms = ${bind(now)} WHERE job = ${bind(job)} AND range_no = ${bind(index)}`,
          );
          const row = ((yield statement(true, (bind) => `SELECT ${COLUMNS} FROM ${table} WHERE job = ${bind(job)} AND range_no = ${bind(index)}`)) as SqlResult).rows[0];
          if (row === undefined) return undefined;
          const range = parseRange(row, description);
          const claim: RangeClaim = { job, range: { index, after: range.after, until: range.until }, cursor: range.cursor, worker, token };
          return claim;
        }),
      );
    },

    async advance(claim, cursor, counts) {
      const cursorText = encodeRowKey(cursor);
      const now = Date.now();
      const result = await call(
        `checkpoint of job ${claim.job}`,
        (callOptions) =>
          write(callOptions, function* () {
            return (yield underClaim(
              claim,
              (bind) =>
                `cursor_key = ${bind(cursorText)}, rows_done = rows_done + ${bind(counts.rows)}, values_changed = values_changed + ${bind(counts.changed)}, heartbeat_ms = ${bind(now)}, updated_ms = ${bind(now)}`,
            )) as SqlResult;
          }),
        [cursorText],
      );
      return result.affected > 0;
    },

    async finish(claim) {
      const now = Date.now();
      const result = await call(`finish of a range of job ${claim.job}`, (callOptions) =>
        write(callOptions, function* () {
          return (yield underClaim(claim, (bind) => `state = 'done', claim_token = NULL, heartbeat_ms = ${bind(now)}, updated_ms = ${bind(now)}`)) as SqlResult;
        }),
      );
      return result.affected > 0;
    },

    async release(claim) {
      const now = Date.now();
      await call(`release of a range of job ${claim.job}`, (callOptions) =>
        write(callOptions, function* () {
          yield underClaim(claim, (bind) => `state = 'pending', claim_token = NULL, heartbeat_ms = NULL, updated_ms = ${bind(now)}`);
        }),
      );
    },

    async reset(job) {
      return call(`reset of job ${job}`, (callOptions) =>
        write(callOptions, function* () {
          return ((yield statement(false, (bind) => `DELETE FROM ${table} WHERE job = ${bind(job)}`)) as SqlResult).affected;
        }),
      );
    },
  };
}

/** Options of {@link postgresJobCheckpoints}. */
export interface PostgresJobCheckpointsOptions {
  /** A `pg` Pool (recommended: a claim takes a client of its own) or Client. */
  readonly client: PgClientLike | PgPoolLike;
  readonly table?: string;
  readonly schema?: string;
  readonly timeoutMs?: number;
}

/** Job checkpoints in a PostgreSQL table, over a `pg` Pool or Client. */
export function postgresJobCheckpoints(options: PostgresJobCheckpointsOptions): JobCheckpoints {
  return sqlJobCheckpoints({ dialect: 'postgres', connection: pgConnection(options.client), table: options.table, schema: options.schema, timeoutMs: options.timeoutMs });
}

/** Options of {@link mysqlJobCheckpoints}. */
export interface MysqlJobCheckpointsOptions {
  /** A `mariadb` pool or a `mysql2/promise` pool. */
  readonly pool: MysqlPoolLike;
  readonly table?: string;
  readonly timeoutMs?: number;
}

/** Job checkpoints in a MySQL 8.0+ / MariaDB 10.6+ table (claims need `SKIP LOCKED`). */
export function mysqlJobCheckpoints(options: MysqlJobCheckpointsOptions): JobCheckpoints {
  return sqlJobCheckpoints({ dialect: 'mysql', connection: mysqlPoolConnection(options.pool), table: options.table, timeoutMs: options.timeoutMs });
}

/** Options of {@link sqliteJobCheckpoints}. */
export interface SqliteJobCheckpointsOptions {
  /** A better-sqlite3 `Database`. */
  readonly database: SqliteDatabaseLike;
  readonly table?: string;
  readonly timeoutMs?: number;
}

/** Job checkpoints in a SQLite table, over a better-sqlite3 `Database`. */
export function sqliteJobCheckpoints(options: SqliteJobCheckpointsOptions): JobCheckpoints {
  return sqlJobCheckpoints({ dialect: 'sqlite', connection: betterSqlite3Connection(options.database), table: options.table, timeoutMs: options.timeoutMs });
}

/**
 * A checkpoint call's errors: RowSourceError (the checkpoint table is a table of the
 * application's database, like the row source's), with the driver's message reduced to its
 * first line and scrubbed of the call's parameters (cursors are primary keys).
 */
function checkpointErrors(source: string, operation: string, scrub: readonly string[]): CallErrors {
  return {
    timedOut: (message) => new RowSourceError(source, message.startsWith(`${source}: `) ? message.slice(source.length + 2) : message),
    failed(error) {
      const { message, code, cause } = scrubbedDriverError(error, scrub);
      return new RowSourceError(source, `${operation} failed: ${message}${code === undefined ? '' : ` (${String(code)})`}`, { cause });
    },
  };
}

const STATES = new Set<unknown>(['pending', 'running', 'done']);

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return String(value);
}

/** Driver integers arrive as numbers, bigints (mariadb) or strings (pg bigint). */
function integer(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  return Number(value);
}

function parseRange(row: SqlRow, description: string): RangeCheckpoint {
  const state = text(row.state);
  if (!STATES.has(state)) throw new FormatError(`${description}: a checkpoint row has an unknown state`);
  const key = (value: unknown) => (value === null || value === undefined ? undefined : decodeRowKey(text(value)));
  const worker = row.worker === null || row.worker === undefined ? undefined : text(row.worker);
  return {
    index: Number(row.range_no),
    after: key(row.range_after),
    until: key(row.range_until),
    cursor: key(row.cursor_key),
    state: state as RangeState,
    worker,
    heartbeatAt: integer(row.heartbeat_ms),
    rows: integer(row.rows_done) ?? 0,
    changed: integer(row.values_changed) ?? 0,
  };
}
