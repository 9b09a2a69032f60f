/**
 * An audit sink writing one JSON object per line to a writable stream (a file opened for
 * appending, stdout, a socket): the format log shippers and `jq` read as they are.
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';
import type { AuditEvent, AuditSink } from '../../seal/audit-events.js';

/** What the sink needs of a stream: Node's `Writable` has it. */
export interface JsonLinesTarget {
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
  on(event: 'error', listener: (...args: unknown[]) => void): unknown;
  once(event: 'drain' | 'error', listener: (...args: unknown[]) => void): unknown;
  removeListener(event: 'drain' | 'error', listener: (...args: unknown[]) => void): unknown;
}

/** Options of {@link jsonLinesAuditSink}. */
export interface JsonLinesSinkOptions {
  /**
   * Wait, for each event, until the stream has written it (its write callback), so that a
   * `fail-read` Sealer hands out no plaintext before its event is on its way to disk or the
   * network. Default false: the lines of one event-loop turn are written to the stream
   * together at its end, and the sink waits only when the stream's buffer is full (its
   * `drain`), which is what keeps a slow target from growing memory without bound; a
   * stream error fails the writes after it.
   */
  readonly confirmEachWrite?: boolean;
}

/**
 * A sink writing each event as one line of JSON to `stream`. Once the stream reports an
 * error, every later write fails (the Sealer's `onSinkError` then refuses reads, or counts
 * the events dropped); the stream's error is the failures' cause. The sink never ends the
 * stream: it is yours.
 *
 * @example
 * ```ts
 * const sink = jsonLinesAuditSink(createWriteStream('/var/log/app/fieldseal-audit.jsonl', { flags: 'a' }));
 * ```
 */
export function jsonLinesAuditSink(stream: JsonLinesTarget, options: JsonLinesSinkOptions = {}): AuditSink {
  if (stream === null || typeof stream !== 'object' || typeof stream.write !== 'function' || typeof stream.once !== 'function' || typeof stream.on !== 'function') {
    throw new ConfigurationError('jsonLinesAuditSink needs a writable stream');
  }
  let failure: Error | undefined;
  const onError = (error: unknown): void => {
    failure ??= error instanceof Error ? error : new Error('audit stream failed');
  };
  // Kept for the stream's life (not `once`): a second error must not be an unhandled one.
  stream.on('error', onError);
  let draining: Promise<void> | undefined;
  const confirm = options.confirmEachWrite === true;

  const waitForDrain = (): Promise<void> =>
    (draining ??= new Promise<void>((resolve, reject) => {
      const done = (error?: unknown): void => {
        stream.removeListener('drain', drained);
        stream.removeListener('error', failed);
        draining = undefined;
        if (error === undefined) resolve();
        else reject(error instanceof Error ? error : new Error('audit stream failed'));
      };
      const drained = (): void => done();
      const failed = (error: unknown): void => done(error ?? new Error('audit stream failed'));
      stream.once('drain', drained);
      stream.once('error', failed);
    }));

  // Writes the stream has not confirmed yet, and who waits for them (flush).
  let unconfirmed = 0;
  let idle: (() => void)[] = [];
  const confirmed = (error?: Error | null): void => {
    if (error) onError(error);
    if (--unconfirmed === 0) {
      const waiting = idle;
      idle = [];
      for (const wake of waiting) wake();
    }
  };

  // Lines of this event-loop turn, written to the stream together at its end: one stream
  // write per turn instead of one per event (a loop of a thousand decrypts makes one).
  let queued: string[] = [];
  let scheduled = false;
  const writeQueued = (): void => {
    scheduled = false;
    if (queued.length === 0) return;
    const chunk = queued.join('');
    queued = [];
    unconfirmed++;
    if (!stream.write(chunk, confirmed)) waitForDrain().catch(() => undefined); // the failure is kept by onError
  };

  const write = (event: AuditEvent): void | Promise<void> => {
    if (failure !== undefined) throw new Error('the audit stream failed earlier', { cause: failure });
    if (draining !== undefined) return draining.then(() => write(event));
    const line = `${JSON.stringify(event)}\n`;
    if (!confirm) {
      queued.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(writeQueued);
      }
      return undefined;
    }
    unconfirmed++;
    return new Promise<void>((resolve, reject) => {
      stream.write(line, (error) => {
        confirmed(error);
        if (error) reject(error);
        else resolve();
      });
    });
  };

  return {
    write,
    async flush(): Promise<void> {
      writeQueued();
      if (draining !== undefined) await draining;
      if (unconfirmed > 0) await new Promise<void>((resolve) => idle.push(resolve));
      if (failure !== undefined) throw new Error('the audit stream failed', { cause: failure });
    },
  };
}
