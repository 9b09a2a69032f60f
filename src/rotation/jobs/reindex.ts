/**
 * `reindex`: rotates a lookup key (blind index, deterministic or FPE column) as a planned
 * migration, like a column rename. Each lookup key version is its own key
 * (`TokenContext.lookupVersion`), so the old column keeps its tokens while a shadow column
 * gets the tokens of the next version:
 *
 * 1. add the shadow column (nullable; with the old column's unique constraint);
 * 2. deploy the application writing both columns (the adapters' dual write);
 * 3. run `reindex`: every row's shadow token is computed from the row's value and written
 *    where it differs, conditionally, so the application's writes meanwhile are never
 *    overwritten; `verify` then checks every shadow token;
 * 4. deploy the application reading the shadow column (still writing both);
 * 5. deploy it writing only the shadow column, and drop the old one.
 *
 * A unique constraint holds throughout: each column's tokens come from one key version,
 * so a duplicate value is refused by the old column and by the shadow column alike. FPE
 * tokens are opened only under the version that made them.
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';
import type { JobOptions, JobReport } from './job-options.js';
import { logicalValues, reindexTargetsOf, targetTokens } from './lookup-values.js';
import { rowError } from './pass-helpers.js';
import { runJob, type JobPass, type PassContext } from './runner.js';

/** Fills the shadow column of every column with a `reindex` target (its own or its blind index's) with the next version's tokens. */
export async function runReindex(options: JobOptions): Promise<JobReport> {
  if (options?.onlyKeyIds !== undefined) throw new ConfigurationError('onlyKeyIds applies to reencrypt');
  return runJob(options, reindexPass);
}

function reindexPass({ sealer, source, columns }: PassContext): JobPass {
  const targeted = columns.filter((spec) => reindexTargetsOf(spec).length > 0);
  if (targeted.length === 0) throw new ConfigurationError('reindex needs a column with a reindex target (reindex: { column, lookupVersion }, or blindIndex.reindex)');
  const untouched = columns.filter((spec) => !targeted.includes(spec)).map((spec) => spec.column);
  return {
    kind: 'reindex',
    writes: true,
    notes: untouched.length === 0 ? [] : [`columns without a reindex target (${untouched.join(', ')}) are left as they are`],
    async plan(batch) {
      for (const [col, spec] of columns.entries()) {
        const targets = reindexTargetsOf(spec);
        if (targets.length === 0) continue;
        const values = await logicalValues(sealer, spec, batch.rows);
        values.forEach((logical, i) => {
          if (!logical.ok) throw rowError(source, spec, batch.rows[i] as (typeof batch.rows)[number], logical.error);
          batch.count(i, col, logical.value === null ? 'nulls' : 'sealed');
        });
        for (const target of targets) {
          const tokens = await targetTokens(sealer, spec, target, batch.rows, values);
          for (const [i, outcome] of tokens) {
            const row = batch.rows[i] as (typeof batch.rows)[number];
            if (!outcome.ok) throw rowError(source, spec, row, outcome.error);
            if ((row.values[target.column] ?? null) === outcome.value) continue;
            batch.set(i, target.column, outcome.value);
            batch.count(i, col, target.token === 'blindIndex' ? 'indexed' : 'changed');
          }
        }
      }
    },
  };
}
