/**
 * `verify`: every sealed value opens in its row's context (model, field, scope, subject,
 * row), and every blind index matches its value. Writes nothing; reports each row that
 * fails (table, column, primary key, the error's code, never the value) and goes on.
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';
import type { BlindIndexable, TokenContext } from '../../seal/sealer.js';
import { equalBytes } from '../../crypto/bytes.js';
import { blindIndexOptionsOf, contextOf, type BlindIndexColumn, type ProtectedColumn } from '../columns.js';
import { blindIndexValues, isBlindIndexable, openValues } from '../column-values.js';
import type { SourceRow } from '../row-source.js';
import type { JobOptions, JobReport } from './job-options.js';
import { malformedValue, rowFailure, sealedValuesOf } from './pass-helpers.js';
import { runJob, type JobPass, type PassContext } from './runner.js';

/** Opens every sealed value in its context and checks every blind index; the report lists the rows that fail. */
export async function runVerify(options: JobOptions): Promise<JobReport> {
  if (options?.onlyKeyIds !== undefined) throw new ConfigurationError('onlyKeyIds applies to reencrypt');
  return runJob(options, verifyPass);
}

function verifyPass({ sealer, columns }: PassContext): JobPass {
  return {
    kind: 'verify',
    writes: false,
    async plan(batch) {
      for (const [col, spec] of columns.entries()) {
        const sealed = sealedValuesOf(batch, col, spec, (i, row) => batch.fail(i, col, rowFailure(spec, row, malformedValue())));
        const opened = await openValues(
          sealer,
          sealed.map(({ row }) => ({ text: row.values[spec.column] as string, ctx: contextOf(spec, row) as TokenContext })),
        );
        const toCheck: { i: number; row: SourceRow; value: BlindIndexable; stored: string }[] = [];
        opened.forEach((outcome, j) => {
          const { i, row } = sealed[j] as (typeof sealed)[number];
          if (!outcome.ok) {
            batch.fail(i, col, rowFailure(spec, row, outcome.error));
            return;
          }
          if (spec.blindIndex === undefined) return;
          const stored = row.values[spec.blindIndex.column] ?? null;
          if (stored === null) batch.count(i, col, 'indexMissing');
          else if (!isBlindIndexable(outcome.value)) batch.fail(i, col, { column: spec.column, key: row.key, code: 'BLIND_INDEX_MISMATCH', message: 'a JSON value has a blind index' });
          else toCheck.push({ i, row, value: outcome.value, stored });
        });
        if (spec.blindIndex !== undefined) await checkIndexes(batch, col, { ...spec, blindIndex: spec.blindIndex }, toCheck, sealer);
      }
    },
  };
}

async function checkIndexes(
  batch: Parameters<JobPass['plan']>[0],
  col: number,
  spec: ProtectedColumn & { readonly blindIndex: BlindIndexColumn },
  values: readonly { i: number; row: SourceRow; value: BlindIndexable; stored: string }[],
  sealer: PassContext['sealer'],
): Promise<void> {
  const options = blindIndexOptionsOf(spec);
  const indexes = await blindIndexValues(
    sealer,
    values.map(({ value }) => ({ value, options })),
  );
  indexes.forEach((outcome, j) => {
    const { i, row, stored } = values[j] as (typeof values)[number];
    if (!outcome.ok) batch.fail(i, col, rowFailure(spec, row, outcome.error));
    else if (!equalBytes(Buffer.from(outcome.value, 'utf8'), Buffer.from(stored, 'utf8'))) {
      batch.fail(i, col, { column: spec.column, key: row.key, code: 'BLIND_INDEX_MISMATCH', message: `the blind index in ${spec.blindIndex.column} does not match the value` });
    }
  });
}
