/**
 * `reencrypt`: every randomized value not under the current primary data key of its scope
 * (or subject) is opened and sealed again under it, in its own context. Afterwards the old
 * data keys seal nothing that is still stored: `status` shows it, and they can be destroyed.
 *
 * Deterministic columns are left as they are: their values are under the scope's lookup
 * key, which a data key rotation does not change (and changing it would change every
 * token the application looks values up by).
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';
import type { FieldContext } from '../../format/context.js';
import { contextOf } from '../columns.js';
import { openAll, sealAllRandomized, type Outcome } from '../column-values.js';
import type { SourceRow } from '../row-source.js';
import type { JobOptions, JobReport } from './job-options.js';
import { currentKeyIds } from './current-key.js';
import { checkKeyIds, malformedValue, rowError, sealedValuesOf, yieldToEventLoop } from './pass-helpers.js';
import { runJob, type JobPass, type PassContext } from './runner.js';

/**
 * Moves every randomized value that is not under its current primary data key to it
 * (with `onlyKeyIds`, only the values under those keys). Plaintext values are left for
 * `backfill`; a value that does not open stops the job with a RowValueError.
 */
export async function runReencrypt(options: JobOptions): Promise<JobReport> {
  const only = checkKeyIds(options?.onlyKeyIds);
  return runJob(options, (context) => reencryptPass(context, only));
}

function reencryptPass({ sealer, source, columns, directory }: PassContext, only: ReadonlySet<string> | undefined): JobPass {
  const deterministic = columns.filter((spec) => spec.mode !== 'randomized').map((spec) => spec.column);
  if (deterministic.length === columns.length) throw new ConfigurationError('reencrypt moves randomized values; every column given is deterministic or FPE (under the lookup key, which data key rotation leaves alone)');
  const notes =
    deterministic.length === 0
      ? []
      : [`deterministic and FPE columns (${deterministic.join(', ')}) are under their scope's lookup key, which a data key rotation does not change: reencrypt leaves them as they are (reindex rotates lookup keys)`];
  return {
    kind: 'reencrypt',
    writes: true,
    settings: { onlyKeyIds: only === undefined ? null : [...only].sort() },
    notes,
    // Primaries another process rotated moments ago are seen now, not after the staleness bound.
    prepare: () => sealer.keyring.sync(),
    async plan(batch) {
      for (const [col, spec] of columns.entries()) {
        if (spec.mode !== 'randomized') continue;
        const moving: SourceRow[] = [];
        const at: number[] = [];
        const values = sealedValuesOf(batch, col, spec, (_, row) => {
          throw rowError(source, spec, row, malformedValue());
        });
        const candidates = only === undefined ? values : values.filter(({ keyId }) => only.has(keyId));
        const current = await currentKeyIds(
          directory,
          sealer,
          spec,
          candidates.map(({ row }) => row),
        );
        candidates.forEach(({ i, row, keyId }, k) => {
          const outcome = current[k] as Outcome<string | undefined>;
          if (!outcome.ok) throw rowError(source, spec, row, outcome.error);
          if (outcome.value === keyId) return;
          moving.push(row);
          at.push(i);
        });
        const contexts = moving.map((row) => contextOf(spec, row) as FieldContext);
        const fail = (j: number, error: unknown) => rowError(source, spec, moving[j] as SourceRow, error);
        const opened = await openAll(
          sealer,
          moving.map((row, j) => ({ text: row.values[spec.column] as string, ctx: contexts[j] as FieldContext })),
          fail,
        );
        await yieldToEventLoop();
        const sealed = await sealAllRandomized(
          sealer,
          opened.map((value, j) => ({ value, ctx: contexts[j] as FieldContext })),
          fail,
        );
        sealed.forEach((text, j) => {
          batch.set(at[j] as number, spec.column, text);
          batch.count(at[j] as number, col, 'changed');
        });
        await yieldToEventLoop();
      }
    },
  };
}
