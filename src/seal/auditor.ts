/**
 * The Sealer's side of auditing: builds an event from a call's contexts and texts (never
 * their values), hands it to the sink, and applies the sink failure policy. A read that
 * cannot be recorded under `fail-read` fails; under `count` it goes on and the loss is
 * counted, so that a lost event is never silent.
 *
 * @module
 */
import { AuditError, ConfigurationError, FieldsealError } from '../errors.js';
import type { FieldContext } from '../format/context.js';
import { keyIdToString, PREFIX } from '../format/envelope.js';
import { currentAccess } from './access-store.js';
import {
  READ_OPERATIONS,
  type AuditEvent,
  type AuditOperation,
  type AuditOptions,
  type AuditSink,
  type AuditSinkErrorPolicy,
  type AuditStats,
} from './audit-events.js';

/** The event fields the auditor fills itself: the when and who, and how the call ended. */
type AuditorAdded = 'time' | 'actor' | 'purpose' | 'outcome' | 'error';
/** Event fields a call may leave out when they do not apply (the auditor writes null). */
type NullWhenAbsent = 'model' | 'field' | 'keyId';

/**
 * What a call reports, before the auditor adds time, actor, purpose and outcome: the
 * {@link AuditEvent} fields, with model, field and key id optional (absent: null).
 */
export type AuditDetails = Omit<AuditEvent, AuditorAdded | NullWhenAbsent> & Partial<Pick<AuditEvent, NullWhenAbsent>>;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The current time in ISO 8601, formatted once per millisecond (events of one batch of calls share it). */
let isoMs = -1;
let isoText = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== isoMs) {
    isoMs = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
}

/** Key id texts, formatted once per id (a process opens values under a handful of keys). */
let lastKeyId = -1;
let lastKeyText = '';
function keyText(id: number): string {
  if (id !== lastKeyId) {
    lastKeyId = id;
    lastKeyText = keyIdToString(id);
  }
  return lastKeyText;
}

const DEFAULT_SINK_TIMEOUT_MS = 5000;
const DEFAULT_MAX_PENDING = 10_000;

/** Emits a Sealer's audit events to its sink. Built by the Sealer from its `audit` option. */
export class Auditor {
  readonly #sink: AuditSink;
  readonly #policy: AuditSinkErrorPolicy;
  readonly #timeoutMs: number;
  readonly #maxPending: number;
  #recorded = 0;
  #dropped = 0;
  #failedReads = 0;
  #pending = 0;

  constructor(options: AuditOptions) {
    if (options === null || typeof options !== 'object' || options.sink === null || typeof options.sink !== 'object' || typeof options.sink.write !== 'function') {
      throw new ConfigurationError('audit needs { sink } with a write(event) method (fieldseal/privacy has callback, JSON lines and OpenTelemetry sinks)');
    }
    const policy = options.onSinkError ?? 'fail-read';
    if (policy !== 'fail-read' && policy !== 'count') throw new ConfigurationError("audit onSinkError must be 'fail-read' or 'count'");
    this.#sink = options.sink;
    this.#policy = policy;
    this.#timeoutMs = positiveInteger(options.sinkTimeoutMs ?? DEFAULT_SINK_TIMEOUT_MS, 'audit sinkTimeoutMs');
    this.#maxPending = positiveInteger(options.maxPending ?? DEFAULT_MAX_PENDING, 'audit maxPending');
  }

  /**
   * Records the event of a call that ended (`error` undefined: it succeeded). Returns
   * undefined once a synchronous sink took it, or a promise the caller must await before
   * handing out a result. Under `fail-read`, a successful read whose event is lost throws
   * (or rejects with) an {@link AuditError}; a failed call's own error always wins, so the
   * caller rethrows it after this returns.
   */
  record(details: AuditDetails, error?: unknown): Promise<void> | undefined {
    const access = currentAccess();
    const event: Mutable<AuditEvent> = {
      time: isoNow(),
      actor: access === undefined ? null : access.actor,
      purpose: access === undefined ? null : access.purpose,
      operation: details.operation,
      model: details.model ?? null,
      field: details.field ?? null,
      keyId: details.keyId ?? null,
      count: details.count,
      outcome: error === undefined ? 'success' : 'failure',
    };
    // Optional fields only when present, so that serialized events stay small.
    if (error !== undefined) event.error = error instanceof FieldsealError ? error.code : 'UNKNOWN';
    if (details.keyIds !== undefined) event.keyIds = details.keyIds;
    if (details.fields !== undefined) event.fields = details.fields;
    if (details.scope !== undefined) event.scope = details.scope;
    if (details.subject !== undefined) event.subject = details.subject;
    if (details.masked !== undefined && details.masked > 0) event.masked = details.masked;
    if (details.withheld !== undefined && details.withheld > 0) event.withheld = details.withheld;
    // Only a successful read is refused for a lost event: a failed one throws its own error,
    // and a key operation is done and cannot be taken back.
    return this.#emit(event, error === undefined && READ_OPERATIONS.has(details.operation));
  }

  /**
   * `work`, then its event (see {@link record}): resolves with the result once the event is
   * recorded as the policy requires; a failed `work` is recorded as such and rejects with
   * its own error.
   */
  track<R>(work: Promise<R>, details: (result: R | undefined) => AuditDetails): Promise<R> {
    return work.then(
      (result) => {
        const recording = this.record(details(result));
        return recording === undefined ? result : recording.then(() => result);
      },
      (error: unknown) => {
        const recording = this.record(details(undefined), error);
        if (recording === undefined) throw error;
        return recording.then(() => Promise.reject(error));
      },
    );
  }

  /** {@link track} of the decrypt of one value: the hot path, with no intermediate objects. */
  trackRead<R>(work: Promise<R>, text: unknown, ctx: FieldContext): Promise<R> {
    return work.then(
      (value) => {
        const recording = this.#emit(this.#readEvent(text, ctx, undefined), true);
        return recording === undefined ? value : recording.then(() => value);
      },
      (error: unknown) => {
        const recording = this.#emit(this.#readEvent(text, ctx, error), false);
        if (recording === undefined) throw error;
        return recording.then(() => Promise.reject(error));
      },
    );
  }

  #readEvent(text: unknown, ctx: FieldContext, error: unknown): AuditEvent {
    const access = currentAccess();
    const keyId = keyIdOfText(text);
    const event: Mutable<AuditEvent> = {
      time: isoNow(),
      actor: access === undefined ? null : access.actor,
      purpose: access === undefined ? null : access.purpose,
      operation: 'decrypt',
      model: typeof ctx?.model === 'string' ? ctx.model : null,
      field: typeof ctx?.field === 'string' ? ctx.field : null,
      keyId: keyId === undefined ? null : keyText(keyId),
      count: 1,
      outcome: error === undefined ? 'success' : 'failure',
    };
    if (error !== undefined) event.error = error instanceof FieldsealError ? error.code : 'UNKNOWN';
    return event;
  }

  /** Hands `event` to the sink and applies the policy; `read`: a successful read, refused under `fail-read` when its event is lost. */
  #emit(event: AuditEvent, read: boolean): Promise<void> | undefined {
    const failRead = read && this.#policy === 'fail-read';
    const waits = this.#policy === 'fail-read';
    if (!waits && this.#pending >= this.#maxPending) {
      this.#dropped++;
      return undefined;
    }
    let written: void | PromiseLike<void>;
    try {
      written = this.#sink.write(event);
    } catch (cause) {
      return this.#lost(event.operation, failRead, cause, 'the audit sink threw');
    }
    if (written === undefined || written === null || typeof (written as PromiseLike<void>).then !== 'function') {
      this.#recorded++;
      return undefined;
    }
    this.#pending++;
    if (!waits) {
      (written as PromiseLike<void>).then(
        () => {
          this.#pending--;
          this.#recorded++;
        },
        () => {
          this.#pending--;
          this.#dropped++;
        },
      );
      return undefined;
    }
    return this.#awaitWrite(written as PromiseLike<void>, event.operation, failRead);
  }

  async #awaitWrite(written: PromiseLike<void>, operation: AuditOperation, failRead: boolean): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.#timeoutMs);
    });
    let settled = false;
    try {
      const result = await Promise.race([Promise.resolve(written).then(() => 'written' as const), timedOut]);
      settled = true;
      if (result === 'written') {
        this.#recorded++;
        return;
      }
      // Counted as dropped now; a write that lands later is not counted again.
      Promise.resolve(written).then(undefined, () => undefined);
      this.#lostSync(operation, failRead, undefined, `the audit sink did not answer within ${this.#timeoutMs} ms`);
    } catch (cause) {
      if (!settled) this.#lostSync(operation, failRead, cause, 'the audit sink failed');
      else throw cause;
    } finally {
      this.#pending--;
      clearTimeout(timer);
    }
  }

  /** A lost event, as the return value of {@link record}. */
  #lost(operation: AuditOperation, failRead: boolean, cause: unknown, why: string): undefined {
    this.#lostSync(operation, failRead, cause, why);
    return undefined;
  }

  #lostSync(operation: AuditOperation, failRead: boolean, cause: unknown, why: string): void {
    this.#dropped++;
    if (!failRead) return;
    this.#failedReads++;
    throw new AuditError(operation, `${why}, and onSinkError is 'fail-read'`, cause === undefined ? undefined : { cause });
  }

  /** The sink's `flush`, when it has one: resolves once the sink says every event so far is recorded. */
  async flush(): Promise<void> {
    await this.#sink.flush?.();
  }

  /** Counters: recorded, dropped, refused reads, pending writes. */
  stats(): AuditStats {
    return { recorded: this.#recorded, dropped: this.#dropped, failedReads: this.#failedReads, pending: this.#pending };
  }
}

/** What the event of a decrypt call over `items` says about them: fields and keys, counted, never values. */
export function describeReads(operation: AuditOperation, items: readonly { readonly text: unknown; readonly ctx: FieldContext }[]): AuditDetails {
  const first = Array.isArray(items) ? items[0] : undefined;
  if (first === undefined) return { operation, count: 0 };
  const model = first.ctx?.model;
  const field = first.ctx?.field;
  const keyId = keyIdOfText(first.text);
  let fields: Map<string, { model: string; field: string; count: number }> | undefined;
  let keys: Set<number> | undefined;
  for (let i = 1; i < items.length; i++) {
    const { text, ctx } = items[i] as (typeof items)[number];
    if (fields !== undefined || ctx?.model !== model || ctx?.field !== field) {
      fields ??= new Map([[fieldKey(model, field), { model: String(model), field: String(field), count: i }]]);
      const name = fieldKey(ctx?.model, ctx?.field);
      const entry = fields.get(name);
      if (entry === undefined) fields.set(name, { model: String(ctx?.model), field: String(ctx?.field), count: 1 });
      else entry.count++;
    }
    const id = keyIdOfText(text);
    if (keys !== undefined || id !== keyId) (keys ??= new Set(keyId === undefined ? [] : [keyId])).add(id ?? -1);
  }
  keys?.delete(-1);
  const ids = keys === undefined ? undefined : [...keys].map(keyIdToString);
  return {
    operation,
    count: items.length,
    model: fields === undefined && typeof model === 'string' ? model : null,
    field: fields === undefined && typeof field === 'string' ? field : null,
    keyId: ids === undefined ? (keyId === undefined ? null : keyIdToString(keyId)) : ids.length === 1 ? (ids[0] as string) : null,
    ...(ids !== undefined && ids.length > 1 ? { keyIds: ids } : {}),
    ...(fields === undefined ? {} : { fields: [...fields.values()] }),
  };
}

function fieldKey(model: unknown, field: unknown): string {
  return `${String(model)}\u0000${String(field)}`;
}

/** base64url character code → 6-bit value, or -1. */
const SEXTET = (() => {
  const table = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

/**
 * The key id in a sealed text's header (bytes 1-4 of the envelope, in its first 7
 * base64url characters), without decoding the rest; undefined for anything else. It is
 * read for the event only: the decrypt itself checks everything.
 */
export function keyIdOfText(text: unknown): number | undefined {
  if (typeof text !== 'string' || text.length < PREFIX.length + 7 || !text.startsWith(PREFIX)) return undefined;
  const c1 = sextet(text, 1);
  const c2 = sextet(text, 2);
  const c3 = sextet(text, 3);
  const c4 = sextet(text, 4);
  const c5 = sextet(text, 5);
  const c6 = sextet(text, 6);
  if ((c1 | c2 | c3 | c4 | c5 | c6) < 0) return undefined;
  const b1 = ((c1 & 0x0f) << 4) | (c2 >> 2);
  const b2 = ((c2 & 0x03) << 6) | c3;
  const b3 = (c4 << 2) | (c5 >> 4);
  const b4 = ((c5 & 0x0f) << 4) | (c6 >> 2);
  return ((b1 << 24) | (b2 << 16) | (b3 << 8) | b4) >>> 0;
}

/** The 6-bit value of the base64url character at `i` after the prefix, or -1. */
function sextet(text: string, i: number): number {
  const code = text.charCodeAt(PREFIX.length + i);
  return code < 128 ? (SEXTET[code] as number) : -1;
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > 2_147_483_647) throw new ConfigurationError(`${what} must be a positive integer`);
  return value;
}
