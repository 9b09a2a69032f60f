/**
 * Driver errors, as the SQL key stores see them: which ones are a unique-index violation
 * (a conflict), which ones are worth retrying (deadlock, serialisation failure, busy
 * database), and how to report the rest without leaking what the statement carried.
 *
 * Drivers differ in where they put the code: pg `code` (SQLSTATE), mariadb and mysql2
 * `errno`/`code`, better-sqlite3 `code`, Prisma `meta.driverAdapterError.cause`, TypeORM
 * `driverError`. The classifier looks at all of them.
 *
 * @module
 */
import { KeyStoreError } from '../../errors.js';

/** What a driver error means to a store. */
export type DriverErrorKind = 'unique' | 'retry' | 'other';

const UNIQUE = new Set<unknown>(['23505', 1062, '1062', 'ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'UniqueConstraintViolation', 'P2002']);
// Deadlocks and serialisation failures roll the transaction back; a busy SQLite database
// did not start it. Running it again is safe either way.
const RETRY = new Set<unknown>([
  '40001',
  '40P01',
  1213,
  '1213',
  'ER_LOCK_DEADLOCK',
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_RECOVERY',
  'SQLITE_LOCKED',
  'TransactionWriteConflict',
  'P2034',
]);

/** Classifies a driver or ORM error. */
export function driverErrorKind(error: unknown): DriverErrorKind {
  for (const code of codesOf(error)) {
    if (UNIQUE.has(code)) return 'unique';
    if (RETRY.has(code)) return 'retry';
  }
  return 'other';
}

/** The codes an error and its wrappers carry. */
function codesOf(error: unknown): unknown[] {
  const codes: unknown[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 4 || value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    const o = value as Record<string, unknown>;
    codes.push(o.code, o.errno, o.originalCode, o.kind, o.sqlState);
    for (const key of ['cause', 'meta', 'driverAdapterError', 'driverError', 'originalError']) visit(o[key], depth + 1);
  };
  visit(error, 0);
  return codes.filter((code) => code !== undefined);
}

/**
 * A `KeyStoreError` for a failed call. It keeps the driver's code and the first line of
 * its message, with every text of `scrub` (the call's parameters) and anything that looks
 * like base64 replaced; it does not keep the driver error itself, whose properties can
 * hold the statement's parameters (pg `detail` shows a failing row, mariadb messages can
 * quote the SQL with its values).
 */
export function storeFailure(source: string, operation: string, error: unknown, scrub: readonly string[]): KeyStoreError {
  const { message, code, cause } = scrubbedDriverError(error, scrub);
  return new KeyStoreError(`${source}: ${operation} failed: ${message}${code === undefined ? '' : ` (${String(code)})`}`, { cause });
}

/** A driver error reduced to what is safe to report: its code, and the first line of its message scrubbed as {@link storeFailure} says; `cause` is a fresh Error carrying both. */
export function scrubbedDriverError(error: unknown, scrub: readonly string[]): { readonly message: string; readonly code: string | number | undefined; readonly cause: Error } {
  const code = codesOf(error).find((c): c is string | number => typeof c === 'string' || typeof c === 'number');
  let message = firstLine(driverMessage(error));
  for (const text of scrub) if (text.length >= 3) message = message.split(text).join('[value]');
  message = message.replace(/[A-Za-z0-9+/]{16,}={0,2}/g, (run) => (/[0-9+/=]/.test(run) && /[A-Za-z]/.test(run) ? '[value]' : run));
  const cause = new Error(message);
  if (code !== undefined) Object.assign(cause, { code });
  return { message, code, cause };
}

function driverMessage(error: unknown): string {
  const adapter = (error as { meta?: { driverAdapterError?: { cause?: { originalMessage?: unknown } } } } | null)?.meta?.driverAdapterError?.cause;
  if (typeof adapter?.originalMessage === 'string') return adapter.originalMessage;
  if (error instanceof Error) return error.message;
  return 'unknown error';
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.trim().slice(0, 300);
}
