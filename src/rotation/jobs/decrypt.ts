/**
 * `decrypt`: sealed → plaintext, for leaving fieldseal or moving a column out of it. It
 * writes plaintext into the table, so it runs only with `confirm: 'decrypt-to-plaintext'`.
 * Values are written back as text (see `plaintextText`); blind index columns are left as
 * they are (drop them with the column's protection once no reader needs them).
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';
import type { TokenContext } from '../../seal/sealer.js';
import { contextOf, plaintextText } from '../columns.js';
import { openValues, valuesOf } from '../column-values.js';
import type { DecryptJobOptions, JobReport } from './job-options.js';
import { malformedValue, rowError, sealedValuesOf } from './pass-helpers.js';
import { runJob, type JobPass, type PassContext } from './runner.js';

/** The confirmation `runDecrypt` requires. */
export const DECRYPT_CONFIRMATION = 'decrypt-to-plaintext';

/** Opens every sealed value of the columns and writes it back as plaintext text. Requires `confirm: 'decrypt-to-plaintext'`. */
export async function runDecrypt(options: DecryptJobOptions): Promise<JobReport> {
  if (options?.confirm !== DECRYPT_CONFIRMATION) {
    throw new ConfigurationError(`decrypt writes plaintext into the table: pass confirm: '${DECRYPT_CONFIRMATION}' to run it`);
  }
  if (options.onlyKeyIds !== undefined) throw new ConfigurationError('onlyKeyIds applies to reencrypt');
  const fpe = options.columns?.find?.((spec) => spec?.mode === 'fpe');
  // In place, a batch redone after a crash would detokenize plaintext it had already written.
  if (fpe !== undefined) throw new ConfigurationError(`protected column '${fpe.column}': FPE tokens look like the plaintext they stand for, so decrypt cannot turn them back in place safely; detokenize them into a new column from your application instead`);
  return runJob(options, decryptPass);
}

function decryptPass({ sealer, source, columns }: PassContext): JobPass {
  const indexed = columns.filter((spec) => spec.blindIndex !== undefined).map((spec) => spec.blindIndex?.column);
  return {
    kind: 'decrypt',
    writes: true,
    notes: indexed.length === 0 ? [] : [`blind index columns (${indexed.join(', ')}) are left as they are`],
    async plan(batch) {
      for (const [col, spec] of columns.entries()) {
        const sealed = sealedValuesOf(batch, col, spec, (_, row) => {
          throw rowError(source, spec, row, malformedValue());
        });
        const fail = (j: number, error: unknown) => rowError(source, spec, (sealed[j] as (typeof sealed)[number]).row, error);
        const opened = valuesOf(await openValues(sealer, sealed.map(({ row }) => ({ text: row.values[spec.column] as string, ctx: contextOf(spec, row) as TokenContext }))), fail);
        opened.forEach((value, j) => {
          let text: string;
          try {
            text = plaintextText(value);
          } catch (error) {
            throw fail(j, error);
          }
          const { i } = sealed[j] as (typeof sealed)[number];
          batch.set(i, spec.column, text);
          batch.count(i, col, 'changed');
        });
      }
    },
  };
}

