/**
 * Numeric generalization (k-anonymity style bucketing): an age of 37 becomes "30-40".
 * Unkeyed by design: it hides precision, it is not a hash of the value.
 *
 * @module
 */
import { InvalidInputError } from '../errors.js';

/** Fixed-width buckets [origin + k·width, origin + (k+1)·width), labelled "lo-hi". */
export interface WidthBuckets {
  readonly width: number;
  readonly origin?: number;
}
/** Buckets between ascending edges: "<e0", "e0-e1", …, "eN+". */
export interface EdgeBuckets {
  readonly edges: readonly number[];
}
/** Options of {@link bucketNumber}. */
export type BucketOptions = WidthBuckets | EdgeBuckets;

/** The bucket label of `value`. Buckets are half-open: 40 is in "40-50", not "30-40". */
export function bucketNumber(value: number | bigint, options: BucketOptions): string {
  const v = typeof value === 'bigint' ? Number(value) : value;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidInputError('bucketNumber needs a finite number');
  if ('edges' in options) {
    const edges = options.edges;
    if (edges.length === 0 || edges.some((e, i) => !Number.isFinite(e) || (i > 0 && e <= (edges[i - 1] as number)))) {
      throw new InvalidInputError('bucket edges must be finite and strictly ascending');
    }
    if (v < (edges[0] as number)) return `<${edges[0]}`;
    for (let i = 1; i < edges.length; i++) if (v < (edges[i] as number)) return `${edges[i - 1]}-${edges[i]}`;
    return `${edges[edges.length - 1]}+`;
  }
  const { width } = options;
  const origin = options.origin ?? 0;
  if (!(width > 0) || !Number.isFinite(width) || !Number.isFinite(origin)) throw new InvalidInputError('bucket width must be a positive finite number');
  const lo = origin + Math.floor((v - origin) / width) * width;
  return `${lo}-${lo + width}`;
}
