/**
 * The logical values behind a column's lookup tokens, and the tokens a reindex target
 * should hold for them: what `reindex` writes into a shadow column and `verify` checks
 * there. A column's value is read the way the application reads it: sealed values opened
 * in their context, FPE tokens detokenized under the column's own lookup key version,
 * legacy plaintext (a column in the migrating state) parsed as its `plaintextType`.
 *
 * @module
 */
import { InvalidInputError } from '../../errors.js';
import type { Sealable } from '../../format/value-codec.js';
import type { BlindIndexable, Sealer, TokenContext } from '../../seal/sealer.js';
import { blindIndexOptionsOf, classifyValue, contextOf, fpeOptionsOf, parsePlaintext, type ProtectedColumn, type ReindexColumn } from '../columns.js';
import { blindIndexValues, isBlindIndexable, openValues, sealValues, type Outcome } from '../column-values.js';
import type { SourceRow } from '../row-source.js';
import { malformedValue } from './pass-helpers.js';

/** A row's logical value of a column: NULL, a value, or why it could not be read. */
export type LogicalValue = { readonly ok: true; readonly value: Sealable | null } | { readonly ok: false; readonly error: unknown };

/** One token column a reindex fills: a column's own shadow (deterministic, FPE) or its blind index's. */
export interface ReindexTarget extends ReindexColumn {
  /** `value`: the column's own token (deterministic text or FPE token); `blindIndex`: its blind index. */
  readonly token: 'value' | 'blindIndex';
}

/** The reindex targets of a column, in a stable order. */
export function reindexTargetsOf(spec: ProtectedColumn): ReindexTarget[] {
  const targets: ReindexTarget[] = [];
  if (spec.reindex !== undefined) targets.push({ ...spec.reindex, token: 'value' });
  if (spec.blindIndex?.reindex !== undefined) targets.push({ ...spec.blindIndex.reindex, token: 'blindIndex' });
  return targets;
}

/** The logical value of the column in each row. */
export async function logicalValues(sealer: Sealer, spec: ProtectedColumn, rows: readonly SourceRow[]): Promise<LogicalValue[]> {
  const out: LogicalValue[] = rows.map(() => ({ ok: true, value: null }));
  if (spec.mode === 'fpe') {
    for (const [i, row] of rows.entries()) {
      const token = row.values[spec.column] ?? null;
      if (token === null) continue;
      try {
        out[i] = { ok: true, value: await sealer.detokenize(token, fpeOptionsOf(spec, row, spec.lookupVersion)) };
      } catch (error) {
        out[i] = { ok: false, error };
      }
    }
    return out;
  }
  const sealed: number[] = [];
  for (const [i, row] of rows.entries()) {
    const stored = row.values[spec.column] ?? null;
    const info = classifyValue(stored);
    if (info.kind === 'sealed') sealed.push(i);
    else if (info.kind === 'malformed') out[i] = { ok: false, error: malformedValue() };
    else if (info.kind === 'plaintext') {
      try {
        out[i] = { ok: true, value: parsePlaintext(stored as string, spec.plaintextType) };
      } catch (error) {
        out[i] = { ok: false, error };
      }
    }
  }
  const opened = await openValues(
    sealer,
    sealed.map((i) => ({ text: rows[i]?.values[spec.column] as string, ctx: contextOf(spec, rows[i] as SourceRow) as TokenContext })),
  );
  opened.forEach((outcome, j) => {
    out[sealed[j] as number] = outcome;
  });
  return out;
}

/**
 * The tokens `target` should hold for the rows whose logical value is known (`null` for a
 * NULL value); rows whose value could not be read are left out of the map.
 */
export async function targetTokens(sealer: Sealer, spec: ProtectedColumn, target: ReindexTarget, rows: readonly SourceRow[], values: readonly LogicalValue[]): Promise<Map<number, Outcome<string | null>>> {
  const out = new Map<number, Outcome<string | null>>();
  const present: { i: number; row: SourceRow; value: Sealable }[] = [];
  values.forEach((logical, i) => {
    if (!logical.ok) return;
    if (logical.value === null) out.set(i, { ok: true, value: null });
    else present.push({ i, row: rows[i] as SourceRow, value: logical.value });
  });
  let tokens: Outcome<string>[];
  if (target.token === 'blindIndex') {
    const index = spec.blindIndex;
    if (index === undefined) throw new InvalidInputError(`column '${spec.column}' has no blind index to reindex`);
    const options = blindIndexOptionsOf({ ...spec, blindIndex: index }, target.lookupVersion);
    const indexable = present.filter(({ i, value }) => {
      if (isBlindIndexable(value)) return true;
      out.set(i, { ok: false, error: new InvalidInputError('the value is JSON, which has no blind index') });
      return false;
    });
    tokens = await blindIndexValues(
      sealer,
      indexable.map(({ value }) => ({ value: value as BlindIndexable, options })),
    );
    indexable.forEach(({ i }, j) => out.set(i, tokens[j] as Outcome<string>));
    return out;
  }
  if (spec.mode === 'fpe') {
    for (const { i, row, value } of present) {
      try {
        if (typeof value !== 'string') throw new InvalidInputError('an FPE value is a string');
        out.set(i, { ok: true, value: await sealer.fpe(value, fpeOptionsOf(spec, row, target.lookupVersion)) });
      } catch (error) {
        out.set(i, { ok: false, error });
      }
    }
    return out;
  }
  tokens = await sealValues(
    sealer,
    'deterministic',
    present.map(({ row, value }) => ({ value, ctx: { ...contextOf(spec, row), lookupVersion: target.lookupVersion } })),
  );
  present.forEach(({ i }, j) => out.set(i, tokens[j] as Outcome<string>));
  return out;
}
