/**
 * Applies pseudonymization rules to a whole record (one object), for exports to analytics,
 * support tools and logs. Fields without a rule are dropped by default (data minimization,
 * GDPR Art. 5(1)(c)); set `unlisted: 'keep'` to keep them.
 *
 * @module
 */
import { InvalidInputError } from '../errors.js';
import { bucketNumber, type BucketOptions } from './bucket.js';
import { mask, redact, type MaskOptions } from './mask.js';
import {
  pseudonymizeDate,
  pseudonymizeEmail,
  pseudonymizeId,
  pseudonymizeIp,
  pseudonymizeName,
  type EmailPseudonymOptions,
  type IdPseudonymOptions,
  type IpPseudonymOptions,
  type NamePseudonymOptions,
} from './pseudonymize.js';
import { assertText } from './text.js';

/** A record field value after pseudonymization. */
export type PseudonymizedValue = string | number | boolean | Date | null | undefined | bigint;

/** One field's rule. */
export type PseudonymRule =
  | 'keep'
  | 'drop'
  | 'redact'
  | ({ readonly kind: 'email' } & EmailPseudonymOptions)
  | ({ readonly kind: 'name' } & NamePseudonymOptions)
  | ({ readonly kind: 'id' } & IdPseudonymOptions)
  | ({ readonly kind: 'ip' } & IpPseudonymOptions)
  | {
      readonly kind: 'date';
      readonly mode: 'shift';
      /** The field holding the subject id (its value, as text, selects the shift). */
      readonly subjectField: string;
      readonly maxShiftDays?: number;
      readonly domain?: string;
    }
  | { readonly kind: 'date'; readonly mode: 'generalize'; readonly to: 'month' | 'year' }
  | ({ readonly kind: 'number' } & BucketOptions)
  | ({ readonly kind: 'mask' } & MaskOptions)
  | ((value: unknown, record: Readonly<Record<string, unknown>>) => PseudonymizedValue);

/** Options of {@link pseudonymizeRecord}. */
export interface PseudonymizeRecordOptions {
  /** What to do with fields that have no rule: `drop` (default) or `keep`. */
  readonly unlisted?: 'drop' | 'keep';
  /** Default pseudonym domain for rules that do not set one. */
  readonly domain?: string;
}

/**
 * Returns a new object with every rule applied. `null` and `undefined` values stay as they are
 * (except under `drop`). Errors name the field, never its value.
 */
export function pseudonymizeRecord(
  key: Uint8Array,
  record: Readonly<Record<string, unknown>>,
  rules: Readonly<Record<string, PseudonymRule>>,
  options: PseudonymizeRecordOptions = {},
): Record<string, PseudonymizedValue> {
  if (record === null || typeof record !== 'object') throw new InvalidInputError('record must be an object');
  if (options.domain !== undefined) assertText(options.domain, 'pseudonym domain');
  const unlisted = options.unlisted ?? 'drop';
  const out: Record<string, PseudonymizedValue> = {};
  for (const field of Object.keys(record)) {
    const rule = Object.prototype.hasOwnProperty.call(rules, field) ? rules[field] : undefined;
    if (rule === undefined) {
      if (unlisted === 'keep') out[field] = record[field] as PseudonymizedValue;
      continue;
    }
    if (rule === 'drop') continue;
    const value = record[field];
    if (rule === 'keep' || value === null || value === undefined) {
      out[field] = value as PseudonymizedValue;
      continue;
    }
    try {
      out[field] = applyRule(key, rule, value, record, options.domain);
    } catch (e) {
      if (e instanceof InvalidInputError) throw new InvalidInputError(`field '${field}': ${e.message}`);
      throw e;
    }
  }
  return out;
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw new InvalidInputError(`expected a string, got ${typeof value}`);
  return value;
}

function applyRule(
  key: Uint8Array,
  rule: Exclude<PseudonymRule, 'keep' | 'drop'>,
  value: unknown,
  record: Readonly<Record<string, unknown>>,
  domain: string | undefined,
): PseudonymizedValue {
  if (rule === 'redact') return redact(value);
  if (typeof rule === 'function') return rule(value, record);
  const withDomain = <T extends { readonly domain?: string }>(o: T): T => ({ ...o, domain: o.domain ?? domain ?? '' });
  switch (rule.kind) {
    case 'email':
      return pseudonymizeEmail(key, text(value), withDomain(rule));
    case 'name':
      return pseudonymizeName(key, text(value), withDomain(rule));
    case 'id':
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') throw new InvalidInputError('expected a string, number or bigint');
      return pseudonymizeId(key, value, withDomain(rule));
    case 'ip':
      return pseudonymizeIp(key, text(value), rule.mode === 'keyed' ? withDomain(rule) : rule);
    case 'date': {
      const date = value instanceof Date ? value : text(value);
      if (rule.mode === 'generalize') return pseudonymizeDate(key, date, rule);
      const subject = record[rule.subjectField];
      if (typeof subject !== 'string' && typeof subject !== 'number' && typeof subject !== 'bigint') {
        throw new InvalidInputError(`subject field '${rule.subjectField}' must hold a string, number or bigint`);
      }
      return pseudonymizeDate(key, date, {
        mode: 'shift',
        subject: String(subject),
        domain: rule.domain ?? domain ?? '',
        ...(rule.maxShiftDays === undefined ? {} : { maxShiftDays: rule.maxShiftDays }),
      });
    }
    case 'number':
      if (typeof value !== 'number' && typeof value !== 'bigint') throw new InvalidInputError('expected a number');
      return bucketNumber(value, rule);
    case 'mask':
      return mask(text(value), rule);
    default:
      throw new InvalidInputError(`unknown rule kind '${String((rule as { kind?: unknown }).kind)}'`);
  }
}
