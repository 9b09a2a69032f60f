/**
 * Subject access export: every protected and every declared personal field of one data
 * subject across tables, opened, as one JSON document (format `fieldseal-subject-export/1`,
 * docs/privacy.md). Streamed: the document is produced a page of rows at a time, so a
 * subject with 100,000 rows is never held in memory.
 *
 * Values keep their JSON form where they have one (strings, numbers, booleans, JSON);
 * the others are written as `{ "$date": ISO 8601 }`, `{ "$bigint": decimal }` and
 * `{ "$bytes": base64 }`. Under an access policy the export refuses to start
 * (`AccessDeniedError`) unless the access context sees every protected field in the clear.
 * Lookup columns (blind indexes, reindex shadows) are derived, not
 * personal data of their own, and are left out.
 *
 * @module
 */
import { InvalidInputError } from '../../errors.js';
import type { Sealable } from '../../format/value-codec.js';
import type { Sealer } from '../../seal/sealer.js';
import { logicalValues } from '../../rotation/jobs/lookup-values.js';
import type { RowKey, SourceRow } from '../../rotation/row-source.js';
import { recordExport } from '../audit/record-export.js';
import { checkSubject, checkSubjectTables, subjectRows, type SubjectTable } from './subject-tables.js';

/** Options of {@link exportSubject}. */
export interface ExportSubjectOptions {
  readonly sealer: Sealer;
  readonly subject: string;
  /** Default: the Sealer's default scope. */
  readonly scope?: string;
  readonly tables: readonly SubjectTable[];
}

/** The format name at the top of every export. */
export const SUBJECT_EXPORT_FORMAT = 'fieldseal-subject-export/1';

/**
 * The export as chunks of JSON text (concatenated: one document). Pipe it to a file or a
 * response: `Readable.from(exportSubject(options)).pipe(out)`. A value that does not open
 * (tampered, or under a key destroyed by a concurrent erasure) stops the stream with its
 * typed error; a partial document is never completed.
 */
export async function* exportSubject(options: ExportSubjectOptions): AsyncGenerator<string> {
  const { sealer, subject } = options;
  const scope = options.scope ?? sealer.defaultScope;
  checkSubject(subject, scope);
  const tables = checkSubjectTables(options.tables);
  // An access export must be complete: a purpose that sees masks would hand out masks as the subject's data.
  for (const { table } of tables) for (const spec of table.columns) sealer.checkClearAccess(spec.model, spec.field);
  yield `{"format":${JSON.stringify(SUBJECT_EXPORT_FORMAT)},"scope":${JSON.stringify(scope)},"subject":${JSON.stringify(subject)},"exportedAt":${JSON.stringify(new Date().toISOString())},"tables":{`;
  const counts: Record<string, number> = {};
  let firstTable = true;
  for (const { table, read, name } of tables) {
    yield `${firstTable ? '' : ','}${JSON.stringify(name)}:[`;
    firstTable = false;
    let rows = 0;
    for await (const page of subjectRows(table.source, table.subjectColumn, subject, read)) {
      const records = await openPage(sealer, table, page);
      yield `${rows === 0 ? '' : ','}${records.join(',')}`;
      rows += page.length;
    }
    counts[name] = rows;
    yield ']';
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  // Recorded before the document is complete: under 'fail-read', an export that cannot be audited never ends well-formed.
  await recordExport(sealer, { count: total });
  yield `},"counts":${JSON.stringify(counts)}}`;
}

/** One page of a table's rows as export records (JSON text each). */
async function openPage(sealer: Sealer, table: SubjectTable, page: readonly SourceRow[]): Promise<string[]> {
  const fields: Record<string, unknown>[] = page.map(() => ({}));
  for (const spec of table.columns) {
    const values = await logicalValues(sealer, spec, page);
    values.forEach((logical, i) => {
      if (!logical.ok) throw logical.error;
      (fields[i] as Record<string, unknown>)[spec.field] = exportValue(logical.value);
    });
  }
  return page.map((row, i) => {
    const personal: Record<string, unknown> = {};
    for (const column of table.personalColumns ?? []) personal[column] = row.values[column] ?? null;
    return JSON.stringify({ key: keyText(row.key), fields: fields[i], ...(table.personalColumns === undefined ? {} : { personal }) });
  });
}

/** A value in the export's JSON form. */
export function exportValue(value: Sealable | null): unknown {
  if (value === null) return null;
  if (value instanceof Date) return { $date: value.toISOString() };
  if (typeof value === 'bigint') return { $bigint: value.toString(10) };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
  if (typeof value === 'object' || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new InvalidInputError('a value of an unknown type cannot be exported');
}

function keyText(key: RowKey): string {
  return typeof key === 'string' ? key : key.toString(10);
}
