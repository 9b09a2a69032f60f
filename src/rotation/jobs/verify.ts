/**
 * `verify`: every sealed value opens in its row's context (model, field, scope, subject,
 * row), every FPE token opens under its lookup key version, every blind index matches its
 * value, and every reindex shadow column holds the next version's token of its row's value. Writes nothing; reports each row that
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
import { logicalValues, reindexTargetsOf, targetTokens } from './lookup-values.js';
import { countTokens, malformedValue, rowFailure, sealedValuesOf } from './pass-helpers.js';
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
        await checkShadows(batch, col, spec, sealer);
        if (spec.mode === 'fpe') {
          countTokens(batch, col, spec);
          continue;
        }
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

/**
 * Checks a column's reindex shadow columns (and, for an FPE column, that every token opens
 * under the column's version): each must hold the token `reindex` would write.
 */
async function checkShadows(batch: Parameters<JobPass['plan']>[0], col: number, spec: ProtectedColumn, sealer: PassContext['sealer']): Promise<void> {
  const targets = reindexTargetsOf(spec);
  if (targets.length === 0 && spec.mode !== 'fpe') return;
  const values = await logicalValues(sealer, spec, batch.rows);
  // Sealed values that do not open are reported by the checks of the column itself.
  if (spec.mode === 'fpe') values.forEach((logical, i) => !logical.ok && batch.fail(i, col, rowFailure(spec, batch.rows[i] as SourceRow, logical.error)));
  for (const target of targets) {
    const tokens = await targetTokens(sealer, spec, target, batch.rows, values);
    for (const [i, outcome] of tokens) {
      const row = batch.rows[i] as SourceRow;
      if (!outcome.ok) batch.fail(i, col, rowFailure(spec, row, outcome.error));
      else if (!sameToken(row.values[target.column] ?? null, outcome.value)) {
        batch.fail(i, col, { column: spec.column, key: row.key, code: 'REINDEX_MISMATCH', message: `the shadow column ${target.column} does not hold the lookup version ${target.lookupVersion} token of the value` });
      }
    }
  }
}

function sameToken(stored: string | null, expected: string | null): boolean {
  if (stored === null || expected === null) return stored === expected;
  return equalBytes(Buffer.from(stored, 'utf8'), Buffer.from(expected, 'utf8'));
}
