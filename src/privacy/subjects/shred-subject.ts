/**
 * Erasure of one data subject: the subject can be neither read, nor found, nor linked.
 *
 * 1. Through the row sources, every row the subject owns loses what would still open or
 *    find it: lookup tokens (blind indexes, deterministic values, FPE tokens, their reindex
 *    shadows) and randomized values not sealed under the subject's own keys are set to
 *    NULL, with conditional writes (a row the application changes meanwhile is read again).
 * 2. The subject's data keys are destroyed (`sealer.shred({ scope, subject })`): the
 *    randomized values sealed under them stay in the rows and backups, unreadable forever.
 *
 * The receipt says what was done and holds no personal data: the subject as a digest (or
 * its id, when asked), key ids, tables, row and value counts, times. An erasure that stops
 * part of the way throws `ErasureIncompleteError` carrying the receipt so far
 * (`complete: false`); running it again finishes it.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { ErasureIncompleteError, FieldsealError, SubjectNotFoundError } from '../../errors.js';
import { recordScope } from '../../keys/key-scope.js';
import type { ProtectedColumn } from '../../rotation/columns.js';
import type { RowKey, RowWrite, SourceRow, StoredValue } from '../../rotation/row-source.js';
import type { Sealer } from '../../seal/sealer.js';
import { checkSubject, checkSubjectTables, SUBJECT_PAGE, type SubjectTable } from './subject-tables.js';

/** Options of {@link shredSubject}. */
export interface ShredSubjectOptions {
  readonly sealer: Sealer;
  /** The data subject (as passed in contexts' `subject`). */
  readonly subject: string;
  /** Its scope (default: the Sealer's default scope). */
  readonly scope?: string;
  /** Every table holding the subject's rows. */
  readonly tables: readonly SubjectTable[];
  /** How the receipt names the subject: a SHA-256 digest of scope and id (default), or the id itself. */
  readonly receiptSubject?: 'digest' | 'id';
  /** A subject with no key and no row is not an error: the receipt says nothing was found (default false: `SubjectNotFoundError`). */
  readonly allowUnknown?: boolean;
}

/** What an erasure did, for the compliance record. No personal data. */
export interface ErasureReceipt {
  readonly format: 'fieldseal-erasure-receipt/1';
  /** The subject: `{ digest }` (hex SHA-256 of `fieldseal/subject`, scope and id, NUL-separated) or `{ id }`. */
  readonly subject: { readonly digest: string } | { readonly id: string };
  readonly scope: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Every step done: values cleared in every table, and the subject's keys destroyed. */
  readonly complete: boolean;
  /** Data keys of the subject destroyed by this run, and those already destroyed before it. */
  readonly keys: { readonly destroyed: readonly string[]; readonly alreadyDestroyed: readonly string[] };
  readonly tables: readonly ErasureTableReceipt[];
  /** Whether anything of the subject was found (keys or rows). */
  readonly found: boolean;
}

/** What an erasure did in one table. */
export interface ErasureTableReceipt {
  readonly table: string;
  /** Rows of the subject seen. */
  readonly rows: number;
  /** Per column set to NULL: values cleared. */
  readonly cleared: Readonly<Record<string, number>>;
  /** Columns left in place because their values are sealed under the subject's destroyed keys. */
  readonly shredded: readonly string[];
}

/** Times a row the application keeps changing is read again before the erasure stops. */
const ATTEMPTS = 5;

/**
 * Erases a data subject from every table given and destroys its data keys; returns the
 * receipt. Other subjects' rows and keys are untouched.
 */
export async function shredSubject(options: ShredSubjectOptions): Promise<ErasureReceipt> {
  const { sealer, subject } = options;
  const scope = options.scope ?? sealer.defaultScope;
  checkSubject(subject, scope);
  const tables = checkSubjectTables(options.tables);
  const startedAt = new Date().toISOString();
  const receipt = {
    format: 'fieldseal-erasure-receipt/1' as const,
    subject: options.receiptSubject === 'id' ? { id: subject } : { digest: subjectDigest(scope, subject) },
    scope,
    startedAt,
    finishedAt: startedAt,
    complete: false,
    keys: { destroyed: [] as string[], alreadyDestroyed: [] as string[] },
    tables: [] as ErasureTableReceipt[],
    found: false,
  };
  const snapshot = (): ErasureReceipt => ({ ...receipt, finishedAt: new Date().toISOString(), keys: { destroyed: [...receipt.keys.destroyed], alreadyDestroyed: [...receipt.keys.alreadyDestroyed] }, tables: [...receipt.tables] });
  try {
    const keys = await subjectKeys(sealer, recordScope(scope, subject));
    receipt.keys.alreadyDestroyed.push(...keys.filter((k) => k.destroyed).map((k) => k.id));
    for (const { table, read, name } of tables) {
      const done = await clearTable(table, read, name, subject);
      receipt.tables.push(done);
    }
    receipt.found = keys.length > 0 || receipt.tables.some((t) => t.rows > 0);
    if (!receipt.found && options.allowUnknown !== true) throw new SubjectNotFoundError(`no key and no row of the subject was found in scope '${scope}' (${tables.map((t) => t.name).join(', ')})`);
    if (keys.some((k) => !k.destroyed)) {
      await sealer.shred({ scope, subject });
      const after = await subjectKeys(sealer, recordScope(scope, subject));
      receipt.keys.destroyed.push(...after.filter((k) => k.destroyed && !receipt.keys.alreadyDestroyed.includes(k.id)).map((k) => k.id));
    }
    receipt.complete = true;
    return snapshot();
  } catch (error) {
    if (error instanceof SubjectNotFoundError) throw error;
    const partial = snapshot();
    const reason = error instanceof FieldsealError ? error.message : 'an unexpected failure';
    throw new ErasureIncompleteError(`the erasure stopped part of the way (${reason}); nothing done is undone: run it again to finish`, partial, { cause: error });
  }
}

/** The receipt's digest of a subject: hex SHA-256 of `fieldseal/subject`, scope and id. */
export function subjectDigest(scope: string, subject: string): string {
  return createHash('sha256').update(`fieldseal/subject\0${scope}\0${subject}`, 'utf8').digest('hex');
}

/** The subject's data key records (ids and whether destroyed), page by page. */
async function subjectKeys(sealer: Sealer, keyScope: string): Promise<{ id: string; destroyed: boolean }[]> {
  const out: { id: string; destroyed: boolean }[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await sealer.listKeys({ scope: keyScope, purpose: 'data', limit: 1000, ...(after === undefined ? {} : { after }) });
    out.push(...page.map((r) => ({ id: r.id, destroyed: r.state === 'destroyed' })));
    if (page.length < 1000) return out;
    after = page[page.length - 1]?.id;
  }
}

/** The columns erasure sets to NULL in a table, and those it leaves to the key shred. */
export function erasurePlan(table: SubjectTable): { clear: string[]; shredded: string[] } {
  const clear = new Set<string>();
  const shredded: string[] = [];
  const add = (column: string | undefined): void => {
    if (column !== undefined) clear.add(column);
  };
  for (const spec of table.columns) {
    if (spec.mode === 'randomized' && isSubjectKeyed(spec, table)) shredded.push(spec.column);
    else add(spec.column);
    add(spec.reindex?.column);
    add(spec.blindIndex?.column);
    add(spec.blindIndex?.reindex?.column);
  }
  if (table.clearOnErasure === true) for (const column of table.personalColumns ?? []) add(column);
  return { clear: [...clear], shredded };
}

/** Randomized values sealed under the owning subject's keys: the row's subject column is the column's. */
function isSubjectKeyed(spec: ProtectedColumn, table: SubjectTable): boolean {
  return spec.subjectColumn === table.subjectColumn;
}

async function clearTable(table: SubjectTable, read: readonly string[], name: string, subject: string): Promise<ErasureTableReceipt> {
  const { clear, shredded } = erasurePlan(table);
  const cleared: Record<string, number> = Object.fromEntries(clear.map((c) => [c, 0]));
  const where = { column: table.subjectColumn, equals: subject };
  let rows = 0;
  let after: RowKey | undefined;
  for (;;) {
    const page = await table.source.page({ columns: read, limit: SUBJECT_PAGE, where, ...(after === undefined ? {} : { after }) });
    if (page.length === 0) break;
    rows += page.length;
    const until = (page[page.length - 1] as SourceRow).key;
    let pending = page;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const writes: RowWrite[] = [];
      for (const row of pending) {
        const next: Record<string, StoredValue> = {};
        for (const column of clear) if ((row.values[column] ?? null) !== null) next[column] = null;
        if (Object.keys(next).length > 0) writes.push({ key: row.key, expected: row.values, next });
      }
      const written = new Set((await table.source.write(writes)).map(String));
      for (const w of writes) if (written.has(String(w.key))) for (const column of Object.keys(w.next)) cleared[column] = (cleared[column] ?? 0) + 1;
      const retry = new Set(writes.filter((w) => !written.has(String(w.key))).map((w) => String(w.key)));
      if (retry.size === 0) break;
      if (attempt >= ATTEMPTS) throw new ErasureIncompleteError(`${name}: ${retry.size} row(s) of the subject kept changing while they were erased`, undefined);
      // The changed rows as they are now: a row given to another subject meanwhile is no longer this erasure's.
      const again = await table.source.page({ columns: read, limit: SUBJECT_PAGE, where, until, ...(after === undefined ? {} : { after }) });
      pending = again.filter((r) => retry.has(String(r.key)));
    }
    if (page.length < SUBJECT_PAGE) break;
    after = until;
  }
  return { table: name, rows, cleared, shredded };
}
