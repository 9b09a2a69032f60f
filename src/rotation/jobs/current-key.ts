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
import type { KeyDirectory } from '../key-directory.js';
import type { SourceRow } from '../row-source.js';

/** The id of the current primary key for the row's value, or undefined when the scope or subject has none yet. */
export function currentKeyId(directory: KeyDirectory, sealer: Sealer, spec: ProtectedColumn, row: SourceRow): Promise<string | undefined> {
  const scope = spec.scope ?? sealer.defaultScope;
  if (spec.mode !== 'randomized') return directory.primaryId('lookup', lookupKeyScope(scope, spec.lookupVersion));
  return directory.primaryId('data', recordScope(scope, subjectOf(spec, row)));
}
