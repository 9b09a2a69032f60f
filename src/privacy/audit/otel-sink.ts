/**
 * An audit sink for OpenTelemetry, through `@opentelemetry/api` (an optional peer, loaded
 * only when this sink is created): each event becomes a span event on the active span, or
 * a log record (the API's `logs`, 1.10 and later, or a logger you pass).
 * Attributes are `fieldseal.audit.*`; nothing of a value is in them, as in every event.
 *
 * @module
 */
import type * as OtelApi from '@opentelemetry/api';
import { ConfigurationError } from '../../errors.js';
import { requireOptionalPeer } from '../../optional-peer.js';
import type { AuditEvent, AuditSink } from '../../seal/audit-events.js';

/** Attribute values, as OpenTelemetry accepts them. */
export type OtelAttributes = Record<string, string | number | boolean | readonly string[]>;

/** The log record this sink emits (a subset of `@opentelemetry/api-logs` LogRecord). */
export interface OtelAuditLogRecord {
  readonly eventName: string;
  readonly timestamp: Date;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: string;
  readonly attributes: OtelAttributes;
}

/** What the sink needs of a logger: `logs.getLogger('fieldseal')` of `@opentelemetry/api` (or `@opentelemetry/api-logs`) has it. */
export interface OtelLoggerLike {
  emit(record: OtelAuditLogRecord): void;
}

/** Options of {@link otelAuditSink}. */
export interface OtelAuditSinkOptions {
  /**
   * `span-events` (default): events on the active span. `log-records`: log records on
   * `logger`, or on the API's logger `fieldseal` (`@opentelemetry/api` 1.10 or later).
   */
  readonly as?: 'span-events' | 'log-records';
  /** `log-records`: the logger to emit on; with it, `@opentelemetry/api` is not loaded at all. */
  readonly logger?: OtelLoggerLike;
  /**
   * Span events only: what to do when no span is recording (a job, a script): start a span
   * `fieldseal.<operation>` of its own holding the event (`span`, the default), or drop
   * the event (`drop`; it still counts as recorded: there was nowhere to put it).
   */
  readonly withoutActiveSpan?: 'span' | 'drop';
  /** The tracer (or logger) name the sink asks the API for (default `fieldseal`). */
  readonly tracerName?: string;
}

/** The span event name, and the log record's event name. */
export const OTEL_AUDIT_EVENT_NAME = 'fieldseal.audit';

/** INFO in OpenTelemetry's severity numbers. */
const SEVERITY_INFO = 9;

/**
 * A sink sending events to OpenTelemetry. Needs `@opentelemetry/api` installed (a
 * ConfigurationError naming it otherwise) unless given a `logger`, and a configured SDK
 * for the events to go anywhere.
 *
 * @example
 * ```ts
 * const sealer = await createSealer({ provider, store, audit: { sink: otelAuditSink() } });
 * // or, as log records:
 * const sink = otelAuditSink({ as: 'log-records' });
 * ```
 */
export function otelAuditSink(options: OtelAuditSinkOptions = {}): AuditSink {
  const as = options.as ?? (options.logger === undefined ? 'span-events' : 'log-records');
  if (as !== 'span-events' && as !== 'log-records') throw new ConfigurationError("otelAuditSink as must be 'span-events' or 'log-records'");
  const tracerName = options.tracerName ?? 'fieldseal';
  if (as === 'log-records') {
    const logger = options.logger ?? apiLogger(tracerName);
    if (logger === null || typeof logger !== 'object' || typeof logger.emit !== 'function') throw new ConfigurationError('otelAuditSink logger must have an emit(record) method');
    return {
      write(event) {
        logger.emit({
          eventName: OTEL_AUDIT_EVENT_NAME,
          timestamp: new Date(event.time),
          severityNumber: SEVERITY_INFO,
          severityText: 'INFO',
          body: `fieldseal ${event.operation} ${event.outcome}`,
          attributes: otelAttributes(event),
        });
      },
    };
  }
  const withoutSpan = options.withoutActiveSpan ?? 'span';
  if (withoutSpan !== 'span' && withoutSpan !== 'drop') throw new ConfigurationError("otelAuditSink withoutActiveSpan must be 'span' or 'drop'");
  const api = loadApi();
  return {
    write(event) {
      const attributes = otelAttributes(event);
      const time = new Date(event.time);
      const active = api.trace.getActiveSpan();
      if (active !== undefined && active.isRecording()) {
        active.addEvent(OTEL_AUDIT_EVENT_NAME, attributes, time);
        return;
      }
      if (withoutSpan === 'drop') return;
      // Looked up per event: the application may register its tracer provider after the Sealer exists.
      const span = api.trace.getTracer(tracerName).startSpan(`fieldseal.${event.operation}`, { startTime: time });
      span.addEvent(OTEL_AUDIT_EVENT_NAME, attributes, time);
      if (event.outcome === 'failure') span.setStatus({ code: api.SpanStatusCode.ERROR, message: event.error ?? 'failure' });
      span.end(time);
    },
  };
}

function loadApi(): typeof OtelApi {
  return requireOptionalPeer<typeof OtelApi>('fieldseal/privacy otelAuditSink', '@opentelemetry/api');
}

/** The API's logger (its `logs` came in `@opentelemetry/api` 1.10). */
function apiLogger(name: string): OtelLoggerLike {
  const logs = (loadApi() as { logs?: { getLogger(name: string): OtelLoggerLike } }).logs;
  if (logs === undefined) throw new ConfigurationError("otelAuditSink as 'log-records' needs @opentelemetry/api 1.10 or later, or a logger");
  return logs.getLogger(name);
}

/** The event as attributes: `fieldseal.audit.<name>`, nulls left out, lists of fields as `model.field=count`. */
export function otelAttributes(event: AuditEvent): OtelAttributes {
  const attributes: OtelAttributes = {};
  const put = (name: string, value: string | number | boolean | readonly string[] | null | undefined): void => {
    if (value !== null && value !== undefined) attributes[`fieldseal.audit.${name}`] = value;
  };
  put('time', event.time);
  put('actor', event.actor);
  put('purpose', event.purpose);
  put('operation', event.operation);
  put('model', event.model);
  put('field', event.field);
  put('key_id', event.keyId);
  put('count', event.count);
  put('outcome', event.outcome);
  put('error', event.error);
  put('key_ids', event.keyIds);
  put('fields', event.fields?.map((f) => `${f.model}.${f.field}=${f.count}`));
  put('scope', event.scope);
  put('subject', event.subject);
  return attributes;
}
