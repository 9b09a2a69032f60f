/**
 * A small side-by-side benchmark harness: every case runs in the same process, in
 * interleaved rounds (so machine noise hits all of them alike), and reports the median
 * ops/s of the rounds (`runCases`), or for slow operations the median milliseconds of single
 * calls (`medianMs`). Results are ratios against a named baseline, never assertions.
 */

/** One measured operation: sync or async. */
export interface BenchCase {
  readonly group: string;
  readonly name: string;
  readonly fn: () => unknown;
  /** Marks the case every other case in its group is compared against. */
  readonly baseline?: boolean;
}

/** A measured case. */
export interface BenchRow {
  readonly group: string;
  readonly name: string;
  readonly opsPerSec: number;
  readonly ratio: number;
  readonly baseline: boolean;
}

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const ROUNDS = QUICK ? 3 : 7;
const ROUND_MS = QUICK ? 60 : 150;

async function runFor(fn: () => unknown, ms: number): Promise<number> {
  // Calibrate a batch size so the clock is read rarely.
  let batch = 1;
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < batch; i++) {
      const r = fn();
      if (r instanceof Promise) await r;
    }
    ops += batch;
    now = performance.now();
    if (batch < 1024 && now - start < ms / 10) batch *= 2;
  }
  return (ops / (now - start)) * 1000;
}

/**
 * The median of `measure` for each item over `rounds` interleaved rounds, after
 * `warmupRounds` interleaved rounds of `warmup` (JIT, caches, keys): the machine's drift and
 * noise land on every item alike. Each round starts one item later (a b c, b c a, c a b, ...),
 * so that no item always runs right after the same other one: work an item leaves behind
 * (garbage to collect, evicted caches) would otherwise always be paid by the same neighbour.
 */
async function interleavedMedians<T>(items: readonly T[], warmupRounds: number, warmup: (item: T) => Promise<unknown>, rounds: number, measure: (item: T) => Promise<number>): Promise<number[]> {
  const n = items.length;
  for (let round = 0; round < warmupRounds; round++) for (let k = 0; k < n; k++) await warmup(items[(round + k) % n]!);
  const samples = items.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < n; k++) {
      const i = (round + k) % n;
      samples[i]!.push(await measure(items[i]!));
    }
  }
  return samples.map((s) => [...s].sort((a, b) => a - b)[Math.floor(s.length / 2)]!);
}

/**
 * Median milliseconds of each of `fns` (slow operations: a batch of queries) over `runs`
 * interleaved calls each, after `warmup` interleaved calls each.
 */
export async function medianMs(runs: number, fns: readonly (() => Promise<unknown>)[], warmup = 2): Promise<number[]> {
  return interleavedMedians(fns, warmup, (fn) => fn(), runs, async (fn) => {
    const start = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - start) / 1e6;
  });
}

/** Runs the cases in interleaved rounds and returns median ops/s with ratios to each group's baseline. */
export async function runCases(cases: readonly BenchCase[]): Promise<BenchRow[]> {
  const medians = await interleavedMedians(cases, 1, (c) => runFor(c.fn, ROUND_MS / 2), ROUNDS, (c) => runFor(c.fn, ROUND_MS));
  return cases.map((c, i) => {
    const base = cases.findIndex((b) => b.group === c.group && b.baseline === true);
    return {
      group: c.group,
      name: c.name,
      opsPerSec: medians[i]!,
      ratio: base === -1 ? Number.NaN : medians[i]! / medians[base]!,
      baseline: c.baseline === true,
    };
  });
}

/** Prints rows as a Markdown table (pasteable into bench/RESULTS.md). */
export function printRows(title: string, rows: readonly BenchRow[]): void {
  console.log(`\n### ${title}\n`);
  console.log('| group | case | ops/s | ratio to baseline |');
  console.log('|---|---|---:|---:|');
  for (const r of rows) {
    const ratio = Number.isNaN(r.ratio) ? '' : r.baseline ? '1.00 (baseline)' : `${r.ratio.toFixed(2)}x`;
    console.log(`| ${r.group} | ${r.name} | ${Math.round(r.opsPerSec).toLocaleString('en-US')} | ${ratio} |`);
  }
}
