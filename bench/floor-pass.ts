/**
 * The floor of a rotation job: one keyset scan of a table through a row source and a
 * conditional write of every row in batches, with values computed without crypto. Shared by
 * bench/row-source-floor.ts and bench/rotation.bench.ts.
 */
import type { RowKey, RowSource, SourceRow } from '../src/rotation/row-source.js';

/** Rows per page and per write, as a job's default batch. */
export const FLOOR_BATCH = 500;

/**
 * Pages through `source` reading `columns` and writes every row back conditionally, with
 * `next(key, column)` as each column's new value; returns milliseconds and rows written.
 */
export async function floorPass(
  source: RowSource,
  columns: readonly string[],
  next: (key: RowKey, column: string) => string,
  batch = FLOOR_BATCH,
): Promise<{ ms: number; written: number }> {
  const start = performance.now();
  let written = 0;
  let after: RowKey | undefined;
  for (;;) {
    const page = await source.page({ columns, after, limit: batch });
    if (page.length === 0) break;
    const writes = page.map((r) => ({ key: r.key, expected: r.values, next: Object.fromEntries(columns.map((c) => [c, next(r.key, c)])) }));
    written += (await source.write(writes)).length;
    after = (page[page.length - 1] as SourceRow).key;
  }
  return { ms: performance.now() - start, written };
}
