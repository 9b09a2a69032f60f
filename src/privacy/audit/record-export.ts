/**
 * Exports as audit events: plaintext that leaves the service (a subject access export, a
 * report, a CSV for a partner) is recorded by the application through the Sealer's sink,
 * beside the decrypts that produced it.
 *
 * @module
 */
import { InvalidInputError } from '../../errors.js';
import type { Sealer } from '../../seal/sealer.js';

/** What an export handed out. */
export interface ExportRecord {
  /** The model of the exported values (null or absent when an export spans several). */
  readonly model?: string | null;
  /** The field of the exported values (as `model`). */
  readonly field?: string | null;
  /** Values (or records) exported. */
  readonly count: number;
  /** A failed export, recorded as such. */
  readonly failed?: boolean;
}

/**
 * Records an `export` event with the actor and purpose of the enclosing `withAccess`. Call
 * it before handing the export out: under `onSinkError: 'fail-read'` it rejects with an
 * `AuditError` when the event cannot be recorded, and the export should not go. Does
 * nothing for a Sealer created without `audit`.
 */
export async function recordExport(sealer: Sealer, record: ExportRecord): Promise<void> {
  if (record === null || typeof record !== 'object' || !Number.isSafeInteger(record.count) || record.count < 0) throw new InvalidInputError('recordExport needs { count } (a non-negative integer)');
  const auditor = sealer.auditor;
  if (auditor === undefined) return;
  await auditor.record({ operation: 'export', model: record.model ?? null, field: record.field ?? null, count: record.count }, record.failed === true ? new Error('export failed') : undefined);
}
