/**
 * `status`: per protected column, how many values are NULL, plaintext, malformed or sealed,
 * under which key ids, how many are not under their current primary key, and how many are
 * under destroyed or unknown keys. Reads values' headers and the key records only: it opens
 * no value (that is `verify`) and writes nothing.
 *
 * @module
 */
import { ConfigurationError } from '../../errors.js';
import { classifyValue } from '../columns.js';
import type { JobOptions, JobReport, KeyUsage } from './job-options.js';
import { currentKeyId } from './current-key.js';
import { countTokens } from './pass-helpers.js';
import { runJob, type PassContext, type JobPass } from './runner.js';

/** Distinct keys counted one by one per column; past this, only the totals are kept. */
const MAX_KEYS_COUNTED = 10_000;
const MAX_KEYS_LISTED = 1000;

/**
 * Reports what each protected column holds, by key. After a `reencrypt`, every
 * randomized column shows one key per scope (or subject), its primary, and `notCurrent` 0;
 * then the old key can be destroyed, and `onDestroyedKeys` stays 0.
 */
export async function runStatus(options: JobOptions): Promise<JobReport> {
  if (options?.onlyKeyIds !== undefined) throw new ConfigurationError('onlyKeyIds applies to reencrypt');
  return runJob(options, statusPass);
}

function statusPass({ sealer, columns, directory }: PassContext): JobPass {
  const usage = columns.map(() => new Map<string, number>());
  return {
    kind: 'status',
    writes: false,
    async plan(batch) {
      for (const [col, spec] of columns.entries()) {
        const counts = usage[col] as Map<string, number>;
        if (spec.mode === 'fpe') {
          countTokens(batch, col, spec);
          continue;
        }
        for (const [i, row] of batch.rows.entries()) {
          const info = classifyValue(row.values[spec.column] ?? null);
          if (info.kind !== 'sealed') {
            batch.count(i, col, info.kind === 'null' ? 'nulls' : info.kind);
            continue;
          }
          batch.count(i, col, 'sealed');
          if (info.mode !== spec.mode) batch.count(i, col, 'wrongMode');
          // A subject name the key store refuses has no key: its values cannot be current.
          const current = await currentKeyId(directory, sealer, spec, row).catch(() => undefined);
          if (current !== info.keyId) batch.count(i, col, 'notCurrent');
          const key = await directory.describe(info.keyId);
          if (key.state === 'destroyed') batch.count(i, col, 'onDestroyedKeys');
          if (key.state === 'unknown') batch.count(i, col, 'onUnknownKeys');
          if (counts.has(info.keyId) || counts.size < MAX_KEYS_COUNTED) counts.set(info.keyId, (counts.get(info.keyId) ?? 0) + 1);
        }
      }
    },
    async finish(counters) {
      for (const [col, counts] of usage.entries()) {
        const listed = [...counts].sort((a, b) => b[1] - a[1]).slice(0, MAX_KEYS_LISTED);
        const keys: KeyUsage[] = [];
        for (const [keyId, values] of listed) keys.push({ ...(await directory.describe(keyId)), values });
        (counters[col] as (typeof counters)[number]).keys = keys;
      }
    },
  };
}
