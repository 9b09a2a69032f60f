/**
 * What the Sealer reports to an audit sink: one event per decrypt call (a batch is one
 * event with a count), per key operation and per export an application records. An event
 * says who (the actor and purpose of the enclosing `withAccess`), what (operation, model,
 * field, key id, count) and how it ended, never a value: audit logs are read by more
 * people, and kept longer, than the data they describe.
 *
 * These types live beside the Sealer (which emits the events); the sinks and `withAccess`
 * are in `fieldseal/privacy`.
 *
 * @module
 */
import type { FieldsealErrorCode } from '../errors.js';

/**
 * What was done:
 * - `decrypt`: sealed values opened (`decrypt`, `decryptDeterministic`, `decryptMany`);
 * - `detokenize`: format-preserving tokens reversed to their plaintext;
 * - `export`: plaintext handed out of the service (recorded by the application, e.g. a
 *   subject access export, through `recordExport`);
 * - `rotate-data-key`, `destroy-data-key`, `rewrap`, `shred`: key operations.
 */
export type AuditOperation = 'decrypt' | 'detokenize' | 'export' | 'rotate-data-key' | 'destroy-data-key' | 'rewrap' | 'shred';

/** Reads: operations that hand out plaintext, which `onSinkError: 'fail-read'` refuses to complete unrecorded. */
export const READ_OPERATIONS: ReadonlySet<AuditOperation> = new Set<AuditOperation>(['decrypt', 'detokenize', 'export']);

/** How the operation ended. */
export type AuditOutcome = 'success' | 'failure';

/** Who acts and why, set around a unit of work with `withAccess` (fieldseal/privacy). */
export interface AccessContext {
  /** Who: a user id, a service account, a job name. */
  readonly actor: string;
  /** Why: a declared purpose, e.g. `support-ticket`, `billing`, `dsar-export`. */
  readonly purpose: string;
}

/** One field a call touched, when a call touched several. */
export interface AuditFieldCount {
  readonly model: string;
  readonly field: string;
  readonly count: number;
}

/**
 * One audit event. Fields that do not apply are `null` (a key operation has no model or
 * field; a batch over several keys has no single `keyId`). No field ever holds a value,
 * sealed or plain.
 */
export interface AuditEvent {
  /** When the operation ended, ISO 8601 UTC. */
  readonly time: string;
  /** The actor of the enclosing `withAccess`, or null outside any. */
  readonly actor: string | null;
  /** The purpose of the enclosing `withAccess`, or null outside any. */
  readonly purpose: string | null;
  readonly operation: AuditOperation;
  /** The model of every value of the call, or null (a key operation, or values of several fields: see `fields`). */
  readonly model: string | null;
  /** The field of every value of the call, or null (as `model`). */
  readonly field: string | null;
  /** The one data or lookup key the call used (8 hex digits), or null (none, unknown, or several: see `keyIds`). */
  readonly keyId: string | null;
  /** Values the call processed (1 for one value; a batch's size; keys for a key operation). */
  readonly count: number;
  readonly outcome: AuditOutcome;
  /** A failure's error code (never its message). */
  readonly error?: FieldsealErrorCode | 'UNKNOWN';
  /** Present when a call used more than one key: each key id once, in first-use order. */
  readonly keyIds?: readonly string[];
  /** Present when a call touched more than one field: values per field, in first-use order. */
  readonly fields?: readonly AuditFieldCount[];
  /** Key operations: the scope acted on. */
  readonly scope?: string;
  /** Key operations on a data subject (`rotateDataKey({ subject })`, `shred({ subject })`): the subject id. */
  readonly subject?: string;
  /** Reads under an access policy: values returned as their field's mask instead of the value (absent when none). */
  readonly masked?: number;
  /** Reads under an access policy: values returned as null, not opened (absent when none). */
  readonly withheld?: number;
}

/**
 * Where events go: a callback, JSON lines on a stream, OpenTelemetry (fieldseal/privacy
 * has one of each), or your own. `write` may return a promise: under
 * `onSinkError: 'fail-read'` a read waits for it.
 */
export interface AuditSink {
  /** Records one event. Throwing or rejecting is a sink failure (see {@link AuditOptions.onSinkError}). */
  write(event: AuditEvent): void | PromiseLike<void>;
  /** Optional: resolves once every event written so far is recorded (before a process exits). */
  flush?(): Promise<void>;
}

/**
 * What a sink failure (a throw, a rejection, or no answer within `sinkTimeoutMs`) does:
 * - `fail-read` (default): the read fails with an `AuditError` and hands out no plaintext;
 *   the Sealer waits for an asynchronous sink before returning a value;
 * - `count`: the read goes on, the event is counted as dropped (`stats().audit.dropped`);
 *   the Sealer does not wait for the sink, and drops (and counts) events beyond
 *   `maxPending` unsettled ones.
 *
 * Key operations cannot be taken back once done: under either policy their failed events
 * are counted, never thrown.
 */
export type AuditSinkErrorPolicy = 'fail-read' | 'count';

/** The `audit` option of `createSealer`. */
export interface AuditOptions {
  readonly sink: AuditSink;
  /** Default `fail-read`. */
  readonly onSinkError?: AuditSinkErrorPolicy;
  /** `fail-read`: how long a read waits for an asynchronous sink before failing (default 5000 ms). */
  readonly sinkTimeoutMs?: number;
  /** `count`: unsettled asynchronous writes beyond which events are dropped (default 10 000). */
  readonly maxPending?: number;
}

/** Audit counters of a Sealer. */
export interface AuditStats {
  /** Events the sink accepted. */
  readonly recorded: number;
  /** Events lost: the sink failed, was too slow, or too far behind (`count` policy, and key operations). */
  readonly dropped: number;
  /** Reads refused because their event could not be recorded (`fail-read` policy). */
  readonly failedReads: number;
  /** Asynchronous writes not settled yet. */
  readonly pending: number;
}
