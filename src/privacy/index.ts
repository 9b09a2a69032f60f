/**
 * fieldseal/privacy: who read what, and where personal data is.
 *
 * - Audit: a Sealer created with `audit: { sink }` emits an event for every decrypt call
 *   (one per batch, with a count), detokenize, key operation, and export recorded with
 *   {@link recordExport}: `{ time, actor, purpose, operation, model, field, keyId, count,
 *   outcome }`, never a value. Actor and purpose come from the enclosing
 *   {@link withAccess}. Sinks: {@link callbackAuditSink}, {@link jsonLinesAuditSink},
 *   {@link otelAuditSink} (`@opentelemetry/api`, loaded only by it). A sink that fails
 *   refuses the read (`onSinkError: 'fail-read'`, the default) or is counted
 *   (`'count'`, `sealer.stats().audit.dropped`).
 * - Inventory: {@link inventory} lists every column of a PostgreSQL, MySQL/MariaDB or
 *   SQLite database as protected or plain, and flags the plain columns that probably hold
 *   personal data, by name and by a bounded sample of values; render the report with
 *   {@link inventoryJson}, {@link inventoryTable} or {@link inventoryMarkdown}.
 *
 * @example
 * ```ts
 * const sealer = await createSealer({ provider, store, audit: { sink: jsonLinesAuditSink(process.stdout) } });
 * await withAccess({ actor: 'agent-17', purpose: 'support-ticket' }, () => sealer.decrypt(text, { model: 'User', field: 'email' }));
 * // {"time":"…","actor":"agent-17","purpose":"support-ticket","operation":"decrypt","model":"User","field":"email","keyId":"…","count":1,"outcome":"success"}
 * ```
 *
 * @module
 */
export { withAccess, currentAccess, MAX_ACCESS_TEXT, type AccessContext } from './access-context.js';
export type { AccessPolicy, FieldAccessRule, OtherwiseRule, OutsideAccess, FieldMask, MaskName } from '../seal/policy.js';
export type { AuditEvent, AuditOperation, AuditOutcome, AuditFieldCount, AuditSink, AuditSinkErrorPolicy, AuditOptions, AuditStats } from '../seal/audit-events.js';
export type { Auditor } from '../seal/auditor.js';
export { callbackAuditSink } from './audit/callback-sink.js';
export { jsonLinesAuditSink, type JsonLinesTarget, type JsonLinesSinkOptions } from './audit/json-lines-sink.js';
export { otelAuditSink, otelAttributes, OTEL_AUDIT_EVENT_NAME, type OtelAuditSinkOptions, type OtelLoggerLike, type OtelAuditLogRecord, type OtelAttributes } from './audit/otel-sink.js';
export { recordExport, type ExportRecord } from './audit/record-export.js';
export {
  inventory,
  DEFAULT_INVENTORY_SAMPLE_ROWS,
  MAX_INVENTORY_SAMPLE_ROWS,
  type InventoryOptions,
  type InventorySource,
  type InventoryProtectedColumn,
} from './inventory/inventory.js';
export type {
  InventoryReport,
  InventoryTable,
  InventoryColumn,
  InventorySummary,
  ColumnStatus,
  ColumnProtection,
  ColumnSample,
  PersonalDataFinding,
} from './inventory/report.js';
export { inventoryJson, inventoryTable, inventoryMarkdown, findingText } from './inventory/render.js';
export {
  detectValue,
  detectInText,
  isEmail,
  isPhone,
  isCardNumber,
  isSsn,
  isIban,
  isIpAddress,
  isBirthDate,
  type PersonalDataKind,
} from './inventory/detectors.js';
export { kindFromName } from './inventory/name-hints.js';
export { shredSubject, subjectDigest, erasurePlan, type ShredSubjectOptions, type ErasureReceipt, type ErasureTableReceipt } from './subjects/shred-subject.js';
export { exportSubject, exportValue, SUBJECT_EXPORT_FORMAT, type ExportSubjectOptions } from './subjects/export-subject.js';
export { SUBJECT_PAGE, type SubjectTable } from './subjects/subject-tables.js';
