/**
 * Job progress on stderr: on a terminal, one line redrawn in place (rows done, values
 * changed, rows per second, a bar and the time left when the job can estimate it); on
 * anything else (a pipe, a file, `--json`), JSON lines, one per second at most and one at
 * the end, so that logs stay small and machines can follow.
 *
 * @module
 */
import type { TextSink } from './io.js';

/** What a job reports after each batch (the rotation jobs' JobProgress, plus the table). */
export interface ProgressEvent {
  readonly kind: string;
  readonly table: string;
  /** Rows examined so far. */
  readonly done: number;
  /** Values written (or that a dry run would write) so far. */
  readonly changed: number;
  /** Rows per second. */
  readonly rate: number;
  /** Seconds left, when known. */
  readonly eta?: number;
}

/** Receives progress events; `finish` ends the line (terminal) or writes the last JSON line. */
export interface ProgressReporter {
  update(event: ProgressEvent): void;
  finish(): void;
}

/** A reporter writing to `sink`: a redrawn line on a terminal unless `json`, JSON lines otherwise. */
export function progressReporter(sink: TextSink, options: { readonly json: boolean; readonly now?: () => number }): ProgressReporter {
  const now = options.now ?? Date.now;
  const terminal = sink.isTTY === true && !options.json;
  const interval = terminal ? 100 : 1000;
  let last: ProgressEvent | undefined;
  let shown: ProgressEvent | undefined;
  let shownAt = Number.NEGATIVE_INFINITY;
  const show = (event: ProgressEvent): void => {
    sink.write(terminal ? `\r\x1b[2K${progressLine(event)}` : `${JSON.stringify(progressJson(event))}\n`);
    shown = event;
    shownAt = now();
  };
  return {
    update(event) {
      last = event;
      if (now() - shownAt >= interval) show(event);
    },
    finish() {
      if (last !== undefined && last !== shown) show(last);
      if (terminal && shown !== undefined) sink.write('\n');
      last = undefined;
      shown = undefined;
      shownAt = Number.NEGATIVE_INFINITY;
    },
  };
}

/** The terminal line: `reencrypt users  12,000 rows  3,400 changed  850 rows/s  [=====>    ] 42%  ETA 0:12`. */
export function progressLine(event: ProgressEvent): string {
  const parts = [`${event.kind} ${event.table}`, `${count(event.done)} rows`, `${count(event.changed)} changed`, `${count(Math.round(event.rate))} rows/s`];
  if (event.eta !== undefined && Number.isFinite(event.eta) && event.rate > 0) {
    // The share done, from the rows done and the rows the rate covers in the time left.
    const share = event.done / (event.done + event.rate * event.eta);
    parts.push(`${bar(share)} ${Math.floor(share * 100)}%`, `ETA ${duration(event.eta)}`);
  }
  return parts.join('  ');
}

function progressJson(event: ProgressEvent): Record<string, unknown> {
  return { progress: event.kind, table: event.table, done: event.done, changed: event.changed, rate: Math.round(event.rate * 10) / 10, eta: event.eta === undefined ? null : Math.round(event.eta) };
}

const WIDTH = 20;

function bar(share: number): string {
  const filled = Math.max(0, Math.min(WIDTH, Math.floor(share * WIDTH)));
  return `[${'='.repeat(filled)}${filled < WIDTH ? '>' : ''}${' '.repeat(Math.max(0, WIDTH - filled - 1))}]`;
}

/** `h:mm:ss` or `m:ss`. */
export function duration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** 12345 → `12,345`. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
