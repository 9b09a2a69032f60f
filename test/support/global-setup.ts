/**
 * Vitest global setup: finds the services the suites need before any suite loads, prints one
 * line per service (so a suite that will skip says why in the default reporter's output),
 * and starts an embedded PostgreSQL when no server answers.
 *
 * - PostgreSQL: `FIELDSEAL_PG` chooses the server. `auto` (default) uses the server at
 *   `FIELDSEAL_PG_URL` (default 127.0.0.1:5432) when it answers and an embedded one otherwise;
 *   `server` never starts the embedded one; `embedded` always does. The embedded server's URL
 *   is put in `FIELDSEAL_PG_URL`, which the test workers inherit.
 * - MariaDB (`FIELDSEAL_MARIADB_URL`) and moto (`FIELDSEAL_PYTHON`) are used when present.
 *
 * Outside CI the suites of a missing service skip; in CI (`CI=true`) they fail.
 */
import { currentMariadbUrl, currentPostgresUrl, mariadbProblem, MARIADB_HINT, postgresProblem, POSTGRES_HINT, redactUrl } from './database-servers.js';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from './embedded-postgres.js';
import { inCI } from './missing-service.js';
import { motoProblemAsync } from './moto-install.js';

/** The values `FIELDSEAL_PG` accepts. */
const POSTGRES_MODES = ['auto', 'server', 'embedded'] as const;
type PostgresMode = (typeof POSTGRES_MODES)[number];

function postgresMode(): PostgresMode {
  const value = process.env.FIELDSEAL_PG || 'auto';
  if (!(POSTGRES_MODES as readonly string[]).includes(value)) {
    throw new Error(`FIELDSEAL_PG must be one of ${POSTGRES_MODES.join(', ')} (got '${value}')`);
  }
  return value as PostgresMode;
}

/** What a missing service means for this run. */
const missingConsequence = (suites: string): string =>
  inCI ? `${suites} FAIL (CI=true: nothing may skip)` : `${suites} are SKIPPED`;

interface PostgresChoice {
  readonly line: string;
  readonly embedded?: EmbeddedPostgresServer;
}

async function choosePostgres(): Promise<PostgresChoice> {
  const mode = postgresMode();
  const url = currentPostgresUrl();
  const problem = mode === 'embedded' ? undefined : await postgresProblem(url);
  if (mode !== 'embedded' && problem === undefined) return { line: `postgresql: server at ${redactUrl(url)}` };
  const unavailable = `MISSING (${missingConsequence('the postgresql suites')}): `;
  if (mode === 'server') return { line: `postgresql: ${unavailable}${problem}; ${POSTGRES_HINT}` };
  const why = mode === 'embedded' ? 'FIELDSEAL_PG=embedded' : `${problem}`;
  try {
    const embedded = await startEmbeddedPostgres();
    process.env.FIELDSEAL_PG_URL = embedded.url;
    const { port } = new URL(embedded.url);
    return { line: `postgresql: embedded ${embedded.version.split(' on ')[0]} on 127.0.0.1:${port} (${why})`, embedded };
  } catch (error) {
    return { line: `postgresql: ${unavailable}${why}, and ${(error as Error).message}` };
  }
}

async function mariadbLine(): Promise<string> {
  const url = currentMariadbUrl();
  const problem = await mariadbProblem(url);
  if (problem === undefined) return `mariadb: server at ${redactUrl(url)}`;
  return `mariadb: MISSING (${missingConsequence('the mysql suites')}): ${problem}; ${MARIADB_HINT}`;
}

async function motoLine(): Promise<string> {
  const problem = await motoProblemAsync();
  if (problem === undefined) return 'moto: installed';
  return `moto: MISSING (${missingConsequence('the AWS KMS suites')}): ${problem}`;
}

/** Probes the services, starts what it can, prints a line each; returns the teardown. */
export default async function setup(): Promise<() => Promise<void>> {
  const [postgres, mariadb, moto] = await Promise.all([choosePostgres(), mariadbLine(), motoLine()]);
  const lines = [postgres.line, mariadb, moto];
  const missing = lines.filter((line) => line.includes(': MISSING'));
  console.log(`\nfieldseal test services${inCI ? ' (CI)' : ''}:\n${lines.map((line) => `  ${line}`).join('\n')}\n`);
  return async () => {
    await postgres.embedded?.stop();
    // Repeated after the run, where the skipped counts are.
    if (missing.length > 0) console.log(`\nfieldseal test services missing:\n${missing.map((line) => `  ${line}`).join('\n')}\n`);
  };
}
