/**
 * Job progress: a line redrawn in place on a terminal (rows, changed, rows/s, bar and ETA
 * when known), JSON lines elsewhere, at most one per interval plus the last one, on a
 * clock the test drives.
 */
import { describe, expect, it } from 'vitest';
import { duration, progressLine, progressReporter, type ProgressEvent } from '../../src/cli/progress.js';

function sink(isTTY: boolean): { isTTY: boolean; text: string; write(t: string): void } {
  return {
    isTTY,
    text: '',
    write(t: string) {
      this.text += t;
    },
  };
}

const event = (done: number, eta?: number): ProgressEvent => ({ kind: 'reencrypt', table: 'users', done, changed: done / 2, rate: 500, eta });

describe('progressReporter', () => {
  it('writes JSON lines off a terminal: the first event, one a second, and the last', () => {
    let now = 0;
    const out = sink(false);
    const reporter = progressReporter(out, { json: false, now: () => now });
    reporter.update(event(100, 8));
    now = 400;
    reporter.update(event(200, 7));
    now = 1000;
    reporter.update(event(500, 4));
    now = 1100;
    reporter.update(event(600, 3));
    reporter.finish();
    const lines = out.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.done)).toEqual([100, 500, 600]);
    expect(lines[0]).toEqual({ progress: 'reencrypt', table: 'users', done: 100, changed: 50, rate: 500, eta: 8 });
  });

  it('writes JSON lines on a terminal too under --json, and nothing when no batch ran', () => {
    const out = sink(true);
    const reporter = progressReporter(out, { json: true, now: () => 0 });
    reporter.finish();
    expect(out.text).toBe('');
    reporter.update(event(10));
    reporter.finish();
    expect(JSON.parse(out.text)).toMatchObject({ done: 10, eta: null });
  });

  it('redraws one line on a terminal and ends it when finished', () => {
    let now = 0;
    const out = sink(true);
    const reporter = progressReporter(out, { json: false, now: () => now });
    reporter.update(event(1000, 2));
    now = 50;
    reporter.update(event(1100, 2)); // within 100 ms: not drawn
    now = 150;
    reporter.update(event(2000, 0));
    reporter.finish();
    expect(out.text).toBe(`\r\x1b[2K${progressLine(event(1000, 2))}\r\x1b[2K${progressLine(event(2000, 0))}\n`);
  });
});

describe('progressLine', () => {
  it('shows rows, changed values, the rate, and a bar with the time left when the job knows it', () => {
    expect(progressLine(event(3000, 6))).toBe('reencrypt users  3,000 rows  1,500 changed  500 rows/s  [==========>         ] 50%  ETA 0:06');
    expect(progressLine(event(3000))).toBe('reencrypt users  3,000 rows  1,500 changed  500 rows/s');
    expect(progressLine(event(3000, 0))).toContain('[====================] 100%  ETA 0:00');
  });

  it('formats durations', () => {
    expect([duration(0), duration(59.6), duration(61), duration(3600 + 62)]).toEqual(['0:00', '1:00', '1:01', '1:01:02']);
  });
});
