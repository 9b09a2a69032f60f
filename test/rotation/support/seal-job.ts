/**
 * A stand-in rotation job for the row source tests, without crypto: pages through a
 * source's `secret` column and rewrites every value not yet "sealed" as `sealed:<value>`,
 * conditionally, reading a page's range again until every row in it is sealed (as the real
 * jobs do with rows the application changed meanwhile).
 */
import type { RowKey, RowSource, SourceRow } from '../../../src/rotation/row-source.js';

/** What one pass did. */
export interface SealPass {
  readonly pages: number;
  readonly written: number;
  /** Write batches in which some row had changed since it was read. */
  readonly conflicts: number;
}

const unsealed = (r: SourceRow): boolean => typeof r.values.secret === 'string' && !r.values.secret.startsWith('sealed:');

/** Every row with `after < key <= until`. */
async function pageRange(source: RowSource, after: RowKey | undefined, until: RowKey, limit: number): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for (let cursor = after; ; ) {
    const page = await source.page({ columns: ['secret'], after: cursor, until, limit });
    out.push(...page);
    if (page.length < limit) return out;
    cursor = (page[page.length - 1] as SourceRow).key;
  }
}

/** One pass over the whole table in pages (and write batches) of `limit` rows. */
export async function sealTable(source: RowSource, limit: number): Promise<SealPass> {
  let pages = 0;
  let written = 0;
  let conflicts = 0;
  let after: RowKey | undefined;
  for (;;) {
    const page = await source.page({ columns: ['secret'], after, limit });
    pages++;
    if (page.length === 0) break;
    const until = (page[page.length - 1] as SourceRow).key;
    // The page's rows to seal; a row the application changed before the job wrote it is read
    // again and retried (a row it changes after the job wrote it is the application's).
    let pending = page.filter(unsealed);
    while (pending.length > 0) {
      const done = new Set((await source.write(pending.map((r) => ({ key: r.key, expected: r.values, next: { secret: `sealed:${r.values.secret}` } })))).map(String));
      written += done.size;
      const retry = new Set(pending.filter((r) => !done.has(String(r.key))).map((r) => String(r.key)));
      if (retry.size === 0) break;
      conflicts++;
      pending = (await pageRange(source, after, until, limit)).filter((r) => retry.has(String(r.key)) && unsealed(r));
    }
    after = until;
  }
  return { pages, written, conflicts };
}
