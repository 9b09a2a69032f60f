/**
 * The key a row's value of a column should be under now: the primary data key of the
 * column's scope, or of the row's subject within it (randomized columns), or the scope's
 * lookup key of the column's version (deterministic columns). Read from the key records: nothing is created.
 *
 * @module
 */
import { lookupKeyScope, recordScope } from '../../keys/key-scope.js';
import type { Sealer } from '../../seal/sealer.js';
import { subjectOf, type ProtectedColumn } from '../columns.js';
import type { Outcome } from '../column-values.js';
import type { KeyDirectory } from '../key-directory.js';
import type { SourceRow } from '../row-source.js';

/** The id of the current primary key for the row's value, or undefined when the scope or subject has none yet. */
export function currentKeyId(directory: KeyDirectory, sealer: Sealer, spec: ProtectedColumn, row: SourceRow): Promise<string | undefined> {
  const [purpose, scope] = slotOf(sealer, spec, row);
  return directory.primaryId(purpose, scope);
}

/**
 * {@link currentKeyId} of each row, looked up once per scope or subject among them (a batch
 * of a column without subjects: once), each with its own outcome, so a failed look-up is
 * blamed on the first row that needs it.
 */
export async function currentKeyIds(directory: KeyDirectory, sealer: Sealer, spec: ProtectedColumn, rows: readonly SourceRow[]): Promise<Outcome<string | undefined>[]> {
  const found = new Map<string, Outcome<string | undefined>>();
  const out: Outcome<string | undefined>[] = [];
  for (const row of rows) {
    const [purpose, scope] = slotOf(sealer, spec, row);
    const slot = `${purpose}:${scope}`;
    let outcome = found.get(slot);
    if (outcome === undefined) {
      try {
        outcome = { ok: true, value: await directory.primaryId(purpose, scope) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      found.set(slot, outcome);
    }
    out.push(outcome);
  }
  return out;
}

/** The key purpose and record scope a row's value of the column should be under. */
function slotOf(sealer: Sealer, spec: ProtectedColumn, row: SourceRow): ['data' | 'lookup', string] {
  const scope = spec.scope ?? sealer.defaultScope;
  if (spec.mode !== 'randomized') return ['lookup', lookupKeyScope(scope, spec.lookupVersion)];
  return ['data', recordScope(scope, subjectOf(spec, row))];
}
