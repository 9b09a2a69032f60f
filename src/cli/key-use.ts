/**
 * Whether any value of the configured protected columns is still sealed under a key: what
 * `fieldseal keys destroy` checks (with the status job) before it destroys one. Only the
 * columns the config names are read: values elsewhere are the operator's to know about.
 *
 * @module
 */
import { lookupKeyScope } from '../keys/key-scope.js';
import type { KeyRecord } from '../keys/store/key-store.js';
import type { ProtectedColumn } from '../rotation/columns.js';
import { runStatus } from '../rotation/jobs/status.js';
import { rowSourceFor, selectTargets } from './jobs.js';
import { count } from './progress.js';
import type { Session } from './session.js';

/** What the check found: nothing uses the key, or why it must not be destroyed (yet). */
export type KeyUse = { readonly kind: 'unused' } | { readonly kind: 'in-use' | 'unknown'; readonly reason: string };

/**
 * Reads every protected column of the config and looks for values under the key. A lookup
 * key is also in use while a configured blind index, FPE or deterministic column (or a
 * reindex target) makes its tokens under the key's scope and version: blind indexes and FPE
 * tokens carry no key id, so no count of values could show it.
 */
export async function findKeyUse(session: Session, record: KeyRecord, signal: AbortSignal): Promise<KeyUse> {
  const keyId = record.id;
  if (Object.keys(session.config.tables).length === 0) {
    return { kind: 'unknown', reason: 'the config names no protected tables ("tables"), so nothing shows that no value uses it; add them, or pass --force if you know that none does' };
  }
  const targets = selectTargets(session.config, undefined, []);
  const [database, sealer] = await Promise.all([session.database(), session.sealer({ writes: false })]);
  if (record.purpose === 'lookup') {
    const users = targets.flatMap((target) => target.columns.flatMap((spec) => lookupUsers(spec, sealer.defaultScope, record.scope).map((column) => `${target.name}.${column}`)));
    if (users.length > 0) {
      return { kind: 'in-use', reason: `the config's columns make their tokens under it (${users.join(', ')}): finish a reindex to another lookup key version and remove them from the config first` };
    }
  }
  const uses: string[] = [];
  const unsure: string[] = [];
  for (const target of targets) {
    const report = await runStatus({ sealer, source: rowSourceFor(database, target), columns: target.columns, signal });
    if (report.stopped) return { kind: 'unknown', reason: 'the check was interrupted' };
    for (const column of report.columns) {
      const values = column.keys.find((key) => key.keyId === keyId)?.values ?? 0;
      if (values > 0) uses.push(`${count(values)} in ${target.name}.${column.column}`);
      // The report lists the 1,000 most used keys of a column: past that, a key may be missing from it.
      else if (column.keys.reduce((n, key) => n + key.values, 0) < column.sealed) unsure.push(`${target.name}.${column.column}`);
    }
  }
  if (uses.length > 0) {
    return { kind: 'in-use', reason: `values still use it (${uses.join(', ')}): run \`fieldseal reencrypt\` first (or pass --force to destroy them with it)` };
  }
  if (unsure.length > 0) {
    return { kind: 'unknown', reason: `${unsure.join(', ')} hold values under more keys than the status job lists, so it cannot show that none uses it; pass --force if you know that none does` };
  }
  return { kind: 'unused' };
}

/** The columns of `spec` whose tokens are made under the lookup key at record scope `keyScope`. */
function lookupUsers(spec: ProtectedColumn, defaultScope: string, keyScope: string): string[] {
  const scope = spec.scope ?? defaultScope;
  const uses = (version: number | undefined): boolean => lookupKeyScope(scope, version) === keyScope;
  const out: string[] = [];
  if (spec.mode !== 'randomized' && uses(spec.lookupVersion)) out.push(spec.column);
  if (spec.reindex !== undefined && uses(spec.reindex.lookupVersion)) out.push(spec.reindex.column);
  if (spec.blindIndex !== undefined && uses(spec.blindIndex.lookupVersion)) out.push(spec.blindIndex.column);
  if (spec.blindIndex?.reindex !== undefined && uses(spec.blindIndex.reindex.lookupVersion)) out.push(spec.blindIndex.reindex.column);
  return out;
}
