/**
 * `backfill`: legacy plaintext → sealed, in the column's mode and context, with its blind
 * index column filled in the same write. Sealed values whose blind index column is NULL
 * (an index added to an encrypted column) get their index too.
 *
 * Run it once every application process writes sealed values: a plaintext row the
 * application writes behind the job's cursor stays plaintext (`status` counts them; run the
 * job again under a new name, or with `restart`, to seal them).
 *
 * @module
 */
import { ConfigurationError, InvalidInputError } from '../../errors.js';
import type { Sealable } from '../../format/value-codec.js';
import type { BlindIndexable, TokenContext } from '../../seal/sealer.js';
import { blindIndexOptionsOf, classifyValue, contextOf, parsePlaintext, type BlindIndexColumn, type ProtectedColumn } from '../columns.js';
import { blindIndexValues, isBlindIndexable, openValues, sealValues, valuesOf } from '../column-values.js';
import type { SourceRow } from '../row-source.js';
import type { JobOptions, JobReport } from './job-options.js';
import { malformedValue, rowError } from './pass-helpers.js';
import { runJob, type JobPass, type PassContext } from './runner.js';

/** Seals every plaintext value of the columns (parsed as their `plaintextType`) and fills their blind indexes. */
export async function runBackfill(options: JobOptions): Promise<JobReport> {
  if (options?.onlyKeyIds !== undefined) throw new ConfigurationError('onlyKeyIds applies to reencrypt');
  const fpe = options?.columns?.find?.((spec) => spec?.mode === 'fpe');
  // A token has the format of the plaintext it stands for: backfill could not tell one from the other.
  if (fpe !== undefined) throw new ConfigurationError(`protected column '${fpe.column}': FPE tokens look like plaintext, so backfill cannot tell which values to tokenize; write the tokens into a new column with reindex instead`);
  return runJob(options, backfillPass);
}

function backfillPass({ sealer, source, columns }: PassContext): JobPass {
  return {
    kind: 'backfill',
    writes: true,
    async plan(batch) {
      for (const [col, spec] of columns.entries()) {
        const index = spec.blindIndex;
        const plain: { i: number; row: SourceRow; value: Sealable }[] = [];
        const unindexed: { i: number; row: SourceRow }[] = [];
        for (const [i, row] of batch.rows.entries()) {
          const stored = row.values[spec.column] ?? null;
          const info = classifyValue(stored);
          batch.count(i, col, info.kind === 'null' ? 'nulls' : info.kind);
          if (info.kind === 'malformed') throw rowError(source, spec, row, malformedValue());
          if (info.kind === 'plaintext') {
            try {
              plain.push({ i, row, value: parsePlaintext(stored as string, spec.plaintextType) });
            } catch (error) {
              throw rowError(source, spec, row, error);
            }
          } else if (info.kind === 'sealed') {
            if (info.mode !== spec.mode) batch.count(i, col, 'wrongMode');
            if (index !== undefined && (row.values[index.column] ?? null) === null) unindexed.push({ i, row });
          }
        }
        const sealed = valuesOf(
          await sealValues(
            sealer,
            spec.mode === 'deterministic' ? 'deterministic' : 'randomized', // FPE columns are refused above
            plain.map(({ row, value }) => ({ value, ctx: contextOf(spec, row) })),
          ),
          (j, error) => rowError(source, spec, (plain[j] as (typeof plain)[number]).row, error),
        );
        sealed.forEach((text, j) => {
          const { i } = plain[j] as (typeof plain)[number];
          batch.set(i, spec.column, text);
          batch.count(i, col, 'changed');
        });
        if (index === undefined) continue;
        const opened = valuesOf(
          await openValues(
            sealer,
            unindexed.map(({ row }) => ({ text: row.values[spec.column] as string, ctx: contextOf(spec, row) as TokenContext })),
          ),
          (j, error) => rowError(source, spec, (unindexed[j] as (typeof unindexed)[number]).row, error),
        );
        const toIndex = [...plain, ...unindexed.map((entry, j) => ({ ...entry, value: opened[j] as Sealable }))];
        await writeIndexes(batch, col, { ...spec, blindIndex: index }, toIndex, sealer, source);
      }
    },
  };
}

async function writeIndexes(
  batch: Parameters<JobPass['plan']>[0],
  col: number,
  spec: ProtectedColumn & { readonly blindIndex: BlindIndexColumn },
  values: readonly { i: number; row: SourceRow; value: Sealable }[],
  sealer: PassContext['sealer'],
  source: PassContext['source'],
): Promise<void> {
  const options = blindIndexOptionsOf(spec);
  const items = values.map(({ row, value }) => {
    if (!isBlindIndexable(value)) throw rowError(source, spec, row, new InvalidInputError('the value is JSON, which has no blind index'));
    return { value: value as BlindIndexable, options };
  });
  const indexes = valuesOf(await blindIndexValues(sealer, items), (j, error) => rowError(source, spec, (values[j] as (typeof values)[number]).row, error));
  indexes.forEach((text, j) => {
    const { i } = values[j] as (typeof values)[number];
    batch.set(i, spec.blindIndex.column, text);
    batch.count(i, col, 'indexed');
  });
}
