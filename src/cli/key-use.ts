/**
 * Whether any value of the configured protected columns is still sealed under a key: what
 * `fieldseal keys destroy` checks (with the status job) before it destroys one. Only the
 * columns the config names are read: values elsewhere are the operator's to know about.
 *
 * @module
 */
import { runStatus } from '../rotation/jobs/status.js';
import { rowSourceFor, selectTargets } from './jobs.js';
import { count } from './progress.js';
import type { Session } from './session.js';

/** What the check found: nothing uses the key, or why it must not be destroyed (yet). */
export type KeyUse = { readonly kind: 'unused' } | { readonly kind: 'in-use' | 'unknown'; readonly reason: string };

/** Reads every protected column of the config and looks for values under `keyId`. */
export async function findKeyUse(session: Session, keyId: string, signal: AbortSignal): Promise<KeyUse> {
  if (Object.keys(session.config.tables).length === 0) {
    return { kind: 'unknown', reason: 'the config names no protected tables ("tables"), so nothing shows that no value uses it; add them, or pass --force if you know that none does' };
  }
  const targets = selectTargets(session.config, undefined, []);
  const [database, sealer] = await Promise.all([session.database(), session.sealer({ writes: false })]);
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
