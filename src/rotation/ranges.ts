/**
 * How a job's key space is split into ranges on its first start, from the table's smallest
 * and largest keys.
 *
 * Integer keys (numbers or bigints) are split into `count` ranges of equal key span: even
 * work when keys are dense (auto-increment), uneven when they cluster. String keys (UUIDs,
 * natural keys) are one range: the row source can only tell the bounds, and an even split of
 * a string key space needs a scan of every key in the database's collation; one worker then
 * does the job, still resumable by its cursor. The first range is open below and the last
 * open above, so rows inserted outside the bounds after the split are still covered.
 *
 * @module
 */
import { ConfigurationError } from '../errors.js';
import type { KeyRange } from './checkpoints.js';
import type { RowKey } from './row-source.js';

/** Ranges a job is split into when none is given (for integer keys). */
export const DEFAULT_RANGES = 16;
/** The most ranges one job may have. */
export const MAX_RANGES = 1000;

/** Splits `[first, last]` into at most `count` contiguous ranges covering every key. */
export function splitKeyRange(bounds: { readonly first: RowKey; readonly last: RowKey } | undefined, count: number): KeyRange[] {
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_RANGES) throw new ConfigurationError(`ranges must be an integer from 1 to ${MAX_RANGES}`);
  if (bounds === undefined || count === 1) return [{ index: 0 }];
  const { first, last } = bounds;
  const integers = (typeof first === 'bigint' && typeof last === 'bigint') || (Number.isSafeInteger(first) && Number.isSafeInteger(last));
  if (!integers) return [{ index: 0 }];
  const low = BigInt(first);
  const span = BigInt(last) - low + 1n;
  if (span <= 1n) return [{ index: 0 }];
  const n = span < BigInt(count) ? span : BigInt(count);
  const asKey = (value: bigint): RowKey => (typeof first === 'bigint' ? value : Number(value));
  const ranges: KeyRange[] = [];
  let after: RowKey | undefined;
  for (let i = 1n; i <= n; i++) {
    // The last key of range i: the ranges cut [first, last] into n spans differing by at most one key.
    const until = i === n ? undefined : asKey(low + (span * i) / n - 1n);
    ranges.push({ index: ranges.length, after, until });
    after = until;
  }
  return ranges;
}

/** A number for a key, for progress estimates (undefined for string keys). */
export function keyPosition(key: RowKey | undefined): number | undefined {
  if (typeof key === 'number') return key;
  if (typeof key === 'bigint') return Number(key);
  return undefined;
}
