/**
 * Audit sinks and their failures: `fail-read` refuses a read whose event is lost (a throw,
 * a rejection, no answer in time) and returns no plaintext; `count` goes on and counts the
 * loss; key operations are never undone by a lost event. The JSON lines sink on streams
 * (errors, backpressure, confirmed writes) and the OpenTelemetry sink (span events, spans
 * of its own, log records), and `@opentelemetry/api` left unloaded by everything else.
 */
import { execFile } from 'node:child_process';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { context, logs, ROOT_CONTEXT, trace, type Context, type ContextManager, type Span, type TracerProvider } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditError, ConfigurationError, DecryptionError, type Sealer } from '../../src/index.js';
import { callbackAuditSink, jsonLinesAuditSink, otelAuditSink, withAccess, type AuditEvent, type AuditOptions, type AuditSink, type OtelAuditLogRecord } from '../../src/privacy/index.js';
import { testSealer } from '../support/sealer.js';

const ctx = { model: 'User', field: 'email' };
const SECRET = 'dana@example.com';

async function sealerWith(audit: AuditOptions): Promise<{ sealer: Sealer; text: string }> {
  const sealer = await testSealer({ audit });
  return { sealer, text: await sealer.encrypt(SECRET, ctx) };
}

const throwing: AuditSink = {
  write() {
    throw new Error('sink down');
  },
};
const rejecting: AuditSink = { write: () => Promise.reject(new Error('sink down')) };
const never: AuditSink = { write: () => new Promise<void>(() => undefined) };

describe("onSinkError: 'fail-read' (the default)", () => {
  it('a throwing sink: decrypt and decryptMany reject with AuditError (cause kept) and return no plaintext; counted', async () => {
    const { sealer, text } = await sealerWith({ sink: throwing });
    const error = await sealer.decrypt(text, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuditError);
    expect(error).toMatchObject({ code: 'AUDIT_FAILED', operation: 'decrypt' });
    expect(((error as AuditError).cause as Error).message).toBe('sink down');
    expect(String((error as Error).message)).not.toContain(SECRET);
    await expect(sealer.decryptMany(Array.from({ length: 8 }, () => ({ text, ctx })))).rejects.toBeInstanceOf(AuditError);
    expect(sealer.stats().audit).toEqual({ recorded: 0, dropped: 2, failedReads: 2, pending: 0 });
  });

  it('a rejecting sink, and one that never answers (sinkTimeoutMs): AuditError', async () => {
    const rejected = await sealerWith({ sink: rejecting });
    await expect(rejected.sealer.decrypt(rejected.text, ctx)).rejects.toBeInstanceOf(AuditError);
    const slow = await sealerWith({ sink: never, sinkTimeoutMs: 30 });
    const error = await slow.sealer.decrypt(slow.text, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuditError);
    expect((error as Error).message).toMatch(/did not answer within 30 ms/);
    expect(slow.sealer.stats().audit).toEqual({ recorded: 0, dropped: 1, failedReads: 1, pending: 0 });
  });

  it('an asynchronous sink is waited for: the value comes after the event is written', async () => {
    const order: string[] = [];
    const { sealer, text } = await sealerWith({
      sink: {
        async write(event) {
          await sleep(20);
          order.push(`written ${event.operation}`);
        },
      },
    });
    expect(await sealer.decrypt(text, ctx)).toBe(SECRET);
    order.push('returned');
    expect(order).toEqual(['written decrypt', 'returned']);
    expect(sealer.stats().audit).toMatchObject({ recorded: 1, pending: 0 });
  });

  it("a failed decrypt keeps its own error when the sink fails too; key operations go through and are counted", async () => {
    const { sealer, text } = await sealerWith({ sink: throwing });
    await expect(sealer.decrypt(text, { ...ctx, field: 'phone' })).rejects.toBeInstanceOf(DecryptionError);
    const rotated = await sealer.rotateDataKey();
    expect((await sealer.listKeys({ purpose: 'data' })).find((r) => r.primary)?.id).toBe(rotated.id);
    expect(sealer.stats().audit).toEqual({ recorded: 0, dropped: 2, failedReads: 0, pending: 0 });
  });
});

describe("onSinkError: 'count'", () => {
  it('a throwing or rejecting sink: reads go on; every lost event is counted', async () => {
    const thrown = await sealerWith({ sink: throwing, onSinkError: 'count' });
    expect(await thrown.sealer.decrypt(thrown.text, ctx)).toBe(SECRET);
    expect(await thrown.sealer.decryptMany(Array.from({ length: 6 }, () => ({ text: thrown.text, ctx })))).toHaveLength(6);
    expect(thrown.sealer.stats().audit).toEqual({ recorded: 0, dropped: 2, failedReads: 0, pending: 0 });
    const rejected = await sealerWith({ sink: rejecting, onSinkError: 'count' });
    expect(await rejected.sealer.decrypt(rejected.text, ctx)).toBe(SECRET);
    await sleep(0);
    expect(rejected.sealer.stats().audit).toEqual({ recorded: 0, dropped: 1, failedReads: 0, pending: 0 });
  });

  it('a slow sink is not waited for; beyond maxPending unsettled writes, events are dropped and counted', async () => {
    const { sealer, text } = await sealerWith({ sink: never, onSinkError: 'count', maxPending: 3 });
    for (let i = 0; i < 5; i++) expect(await sealer.decrypt(text, ctx)).toBe(SECRET);
    expect(sealer.stats().audit).toEqual({ recorded: 0, dropped: 2, failedReads: 0, pending: 3 });
  });
});

describe('audit options', () => {
  it('refuses a sink without write, an unknown policy, a bad timeout', async () => {
    for (const audit of [{}, { sink: {} }, { sink: throwing, onSinkError: 'ignore' }, { sink: throwing, sinkTimeoutMs: 0 }, { sink: throwing, maxPending: 1.5 }]) {
      await expect(testSealer({ audit: audit as AuditOptions })).rejects.toBeInstanceOf(ConfigurationError);
    }
  });
});

describe('jsonLinesAuditSink', () => {
  it('writes one JSON object per line; flush waits for the stream', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    const sink = jsonLinesAuditSink(stream);
    const { sealer, text } = await sealerWith({ sink });
    await withAccess({ actor: 'a-1', purpose: 'audit "quoted"\\' }, () => sealer.decrypt(text, ctx));
    await sealer.auditor?.flush();
    const lines = chunks.join('').split('\n');
    expect(lines.at(-1)).toBe('');
    const events = lines.slice(0, -1).map((line) => JSON.parse(line) as AuditEvent);
    expect(events).toEqual([expect.objectContaining({ actor: 'a-1', purpose: 'audit "quoted"\\', operation: 'decrypt', count: 1, outcome: 'success' })]);
    expect(chunks.join('')).not.toContain(SECRET);
  });

  it('appends to a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fieldseal-audit-'));
    try {
      const { createWriteStream } = await import('node:fs');
      const file = join(dir, 'audit.jsonl');
      writeFileSync(file, '{"earlier":true}\n');
      const stream = createWriteStream(file, { flags: 'a' });
      const sink = jsonLinesAuditSink(stream, { confirmEachWrite: true });
      const { sealer, text } = await sealerWith({ sink });
      await sealer.decryptMany(Array.from({ length: 5 }, () => ({ text, ctx })));
      await sealer.decrypt(text, ctx);
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as { count?: number }).count)).toEqual([undefined, 5, 1]);
      await new Promise((done) => stream.end(done));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('after a stream error every write fails: fail-read refuses reads, count counts', async () => {
    const broken = () =>
      new Writable({
        write(_chunk, _encoding, callback) {
          callback(new Error('disk full'));
        },
      });
    const failRead = await sealerWith({ sink: jsonLinesAuditSink(broken(), { confirmEachWrite: true }) });
    await expect(failRead.sealer.decrypt(failRead.text, ctx)).rejects.toBeInstanceOf(AuditError);
    await expect(failRead.sealer.decrypt(failRead.text, ctx)).rejects.toBeInstanceOf(AuditError);

    const stream = broken();
    stream.on('error', () => undefined);
    const counted = await sealerWith({ sink: jsonLinesAuditSink(stream), onSinkError: 'count' });
    expect(await counted.sealer.decrypt(counted.text, ctx)).toBe(SECRET); // queued: the stream fails when it is written
    await sleep(5);
    expect(await counted.sealer.decrypt(counted.text, ctx)).toBe(SECRET);
    expect(counted.sealer.stats().audit).toEqual({ recorded: 1, dropped: 1, failedReads: 0, pending: 0 });
  });

  it('writes the lines of one event-loop turn together; waits for drain when the stream buffer is full (a slow target)', async () => {
    const written: string[] = [];
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _encoding, callback) {
        setTimeout(() => {
          written.push(chunk.toString('utf8'));
          callback();
        }, 5);
      },
    });
    const { sealer, text } = await sealerWith({ sink: jsonLinesAuditSink(slow) });
    await Promise.all(Array.from({ length: 5 }, (_, i) => withAccess({ actor: `u${i}`, purpose: 'p' }, () => sealer.decrypt(text, ctx))));
    await sealer.auditor?.flush();
    expect(written.length).toBeLessThan(5);
    const lines = written.join('').trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as AuditEvent).actor).sort()).toEqual(['u0', 'u1', 'u2', 'u3', 'u4']);
    expect(sealer.stats().audit).toMatchObject({ recorded: 5, dropped: 0, pending: 0 });
    // One event per turn: the first chunk fills the buffer, the next read waits for its drain.
    written.length = 0;
    for (let i = 0; i < 4; i++) {
      await withAccess({ actor: `t${i}`, purpose: 'p' }, () => sealer.decrypt(text, ctx));
      await new Promise((next) => setImmediate(next));
    }
    await sealer.auditor?.flush();
    expect(written.map((chunk) => (JSON.parse(chunk) as AuditEvent).actor)).toEqual(['t0', 't1', 't2', 't3']);
    expect(sealer.stats().audit).toMatchObject({ recorded: 9, dropped: 0, pending: 0 });
  });
});

/** A context manager on AsyncLocalStorage, as the OpenTelemetry SDK registers one. */
class StorageContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

interface RecordedSpan {
  readonly name: string;
  readonly events: { name: string; attributes: unknown; time: unknown }[];
  status?: unknown;
  ended: boolean;
}

function recordingSpan(name: string, spans: RecordedSpan[]): Span {
  const record: RecordedSpan = { name, events: [], ended: false };
  spans.push(record);
  const span = {
    spanContext: () => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 }),
    isRecording: () => !record.ended,
    addEvent(eventName: string, attributes: unknown, time: unknown) {
      record.events.push({ name: eventName, attributes, time });
      return span;
    },
    setStatus(status: unknown) {
      record.status = status;
      return span;
    },
    end() {
      record.ended = true;
    },
  };
  return span as unknown as Span;
}

describe('otelAuditSink', () => {
  const spans: RecordedSpan[] = [];
  const records: OtelAuditLogRecord[] = [];
  beforeAll(() => {
    context.setGlobalContextManager(new StorageContextManager());
    const provider = { getTracer: () => ({ startSpan: (name: string) => recordingSpan(name, spans) }) } as unknown as TracerProvider;
    trace.setGlobalTracerProvider(provider);
    logs.setGlobalLoggerProvider({ getLogger: () => ({ emit: (record: OtelAuditLogRecord) => void records.push(record), enabled: () => true }) } as never);
  });
  afterAll(() => {
    context.disable();
    trace.disable();
    logs.disable();
  });

  it('adds a span event to the active span, with fieldseal.audit.* attributes and no value', async () => {
    const { sealer, text } = await sealerWith({ sink: otelAuditSink() });
    const request = recordingSpan('GET /tickets/1', spans);
    await context.with(trace.setSpan(context.active(), request), () => withAccess({ actor: 'agent-3', purpose: 'support' }, () => sealer.decrypt(text, ctx)));
    const active = spans.find((s) => s.name === 'GET /tickets/1') as RecordedSpan;
    expect(active.events).toHaveLength(1);
    expect(active.events[0]?.name).toBe('fieldseal.audit');
    expect(active.events[0]?.attributes).toEqual({
      'fieldseal.audit.time': expect.any(String),
      'fieldseal.audit.actor': 'agent-3',
      'fieldseal.audit.purpose': 'support',
      'fieldseal.audit.operation': 'decrypt',
      'fieldseal.audit.model': 'User',
      'fieldseal.audit.field': 'email',
      'fieldseal.audit.key_id': expect.stringMatching(/^[0-9a-f]{8}$/),
      'fieldseal.audit.count': 1,
      'fieldseal.audit.outcome': 'success',
    });
    expect(active.events[0]?.time).toBeInstanceOf(Date);
    expect(JSON.stringify(spans)).not.toContain(SECRET);
  });

  it('without an active span: a span of its own (ended, error status on failure), or nothing with withoutActiveSpan drop', async () => {
    spans.length = 0;
    const { sealer, text } = await sealerWith({ sink: otelAuditSink() });
    await sealer.decrypt(text, ctx);
    await expect(sealer.decrypt(text, { ...ctx, field: 'other' })).rejects.toBeInstanceOf(DecryptionError);
    expect(spans.map((s) => [s.name, s.ended, s.events.length, s.status])).toEqual([
      ['fieldseal.decrypt', true, 1, undefined],
      ['fieldseal.decrypt', true, 1, { code: 2, message: 'DECRYPTION_FAILED' }],
    ]);
    spans.length = 0;
    const dropped = await sealerWith({ sink: otelAuditSink({ withoutActiveSpan: 'drop' }) });
    await dropped.sealer.decrypt(dropped.text, ctx);
    expect(spans).toEqual([]);
  });

  it("log records: on the API's logger, or on a given one", async () => {
    const { sealer, text } = await sealerWith({ sink: otelAuditSink({ as: 'log-records' }) });
    await withAccess({ actor: 'batch', purpose: 'report' }, () => sealer.decryptMany(Array.from({ length: 4 }, () => ({ text, ctx }))));
    expect(records).toEqual([
      expect.objectContaining({
        eventName: 'fieldseal.audit',
        severityNumber: 9,
        severityText: 'INFO',
        body: 'fieldseal decrypt success',
        attributes: expect.objectContaining({ 'fieldseal.audit.actor': 'batch', 'fieldseal.audit.count': 4 }),
      }),
    ]);
    const mine: OtelAuditLogRecord[] = [];
    const own = await sealerWith({ sink: otelAuditSink({ logger: { emit: (record) => void mine.push(record) } }) });
    await own.sealer.decrypt(own.text, ctx);
    expect(mine).toHaveLength(1);
    expect(records).toHaveLength(1);
    expect(() => otelAuditSink({ as: 'traces' as never })).toThrow(ConfigurationError);
  });

  it('fieldseal/privacy without otelAuditSink never loads @opentelemetry/api', async () => {
    const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
    const dir = mkdtempSync(join(tmpdir(), 'fieldseal-otel-'));
    const script = join(dir, 'child.mts');
    writeFileSync(
      script,
      `import { createRequire } from 'node:module';
import { createSealer, localKeyProvider, memoryKeyStore, generateKek } from ${JSON.stringify(join(root, 'src/index.ts'))};
import { callbackAuditSink, withAccess, inventory } from ${JSON.stringify(join(root, 'src/privacy/index.ts'))};
const sealer = await createSealer({ provider: localKeyProvider({ keys: { k: generateKek() } }), store: memoryKeyStore(), audit: { sink: callbackAuditSink(() => undefined) } });
const ctx = { model: 'M', field: 'f' };
await withAccess({ actor: 'a', purpose: 'p' }, async () => sealer.decrypt(await sealer.encrypt('x', ctx), ctx));
void inventory;
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@opentelemetry'));
console.log(JSON.stringify(loaded));
`,
    );
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd: root, timeout: 60_000 });
      expect(JSON.parse(stdout.trim())).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('callbackAuditSink', () => {
  it('refuses a non-function', () => {
    expect(() => callbackAuditSink('log' as never)).toThrow(ConfigurationError);
  });
});
