/**
 * Keyed, consistent pseudonyms: the same input, key and pseudonym domain always give the same
 * pseudonym; another key or domain gives an unrelated one, so datasets shared with different
 * recipients cannot be joined. All of them are HMAC-SHA256 based ({@link keyedDigest}) except
 * the deliberate generalizations (IP truncation, date to month/year, number buckets), which
 * hash nothing. Pseudonymized data is still personal data under GDPR (Recital 26): the key
 * holder can re-identify by recomputing. See docs/tokenization.md.
 *
 * @module
 */
import { InvalidInputError } from '../errors.js';
import { bucketNumber, type BucketOptions } from './bucket.js';
import { keyedIp, truncateIp } from './ip.js';
import { base32, checkPseudonymKey, keyedDigest, pick } from './keyed.js';
import { FIRST_NAMES, LAST_NAMES } from './name-lists.js';
import { normalize } from './normalize.js';
import { assertText } from './text.js';

/** Common option: the pseudonym domain. Different domains never share pseudonyms. */
export interface PseudonymDomainOption {
  /** Pseudonym domain (for example a recipient or dataset name); default "". */
  readonly domain?: string;
}

/** Options of {@link pseudonymizeEmail}. */
export interface EmailPseudonymOptions extends PseudonymDomainOption {
  /**
   * `keep` (default) keeps the (normalized) domain; `pseudonymize` replaces it with a keyed
   * label under `.invalid` (RFC 6761: never resolves, so no mail is ever sent); a string
   * replaces every domain with that one.
   */
  readonly emailDomain?: 'keep' | 'pseudonymize' | { readonly replace: string };
  /** Length of the keyed local part, 8..51 base32 characters (default 16 = 80 bits). */
  readonly localLength?: number;
}

/** Options of {@link pseudonymizeName}. */
export interface NamePseudonymOptions extends PseudonymDomainOption {
  /** `full` (default): "Given Family"; `first` or `last`: one name. */
  readonly part?: 'full' | 'first' | 'last';
}

/** Options of {@link pseudonymizeId}. */
export interface IdPseudonymOptions extends PseudonymDomainOption {
  /** Output characters (default 20). base32 ≤ 51, hex ≤ 64, digits ≤ 60. */
  readonly length?: number;
  /** Output alphabet (default `base32`, lower case). */
  readonly encoding?: 'base32' | 'hex' | 'digits';
  /** Text put before the pseudonym, e.g. `usr_`. */
  readonly prefix?: string;
}

/** Options of {@link pseudonymizeIp}. */
export type IpPseudonymOptions =
  | ({ readonly mode?: 'truncate' } & { readonly v4Bits?: number; readonly v6Bits?: number })
  | ({ readonly mode: 'keyed' } & PseudonymDomainOption);

/** Options of {@link pseudonymizeDate}. */
export type DatePseudonymOptions =
  | ({
      /** Shift every date of one subject by the same keyed number of days in ±maxShiftDays (never 0): intervals are kept. */
      readonly mode: 'shift';
      /** The data subject (user id, patient id): the shift depends on it, not on the date. */
      readonly subject: string;
      /** Default 30. */
      readonly maxShiftDays?: number;
    } & PseudonymDomainOption)
  | {
      /** Generalize to "YYYY-MM" or "YYYY" (UTC). */
      readonly mode: 'generalize';
      readonly to: 'month' | 'year';
    };

/** NFKC, trimmed, lower case: the blind-index `email` normalization, so pseudonyms agree with lookups. */
function normalizeEmail(email: string): { local: string; domain: string } {
  assertText(email, 'email');
  // The blind index's own normalizer, so a pseudonym and an index always agree on "same address".
  const e = normalize(email, 'email');
  const at = e.lastIndexOf('@');
  if (at <= 0 || at === e.length - 1 || /[\s\u0000-\u001f\u007f]/u.test(e)) throw new InvalidInputError('not an e-mail address');
  return { local: e.slice(0, at), domain: e.slice(at + 1) };
}

/**
 * `alice@example.com` → `pk3v…@example.com`. The local pseudonym is keyed on the whole
 * normalized address, so equal local parts at different domains do not match.
 */
export function pseudonymizeEmail(key: Uint8Array, email: string, options: EmailPseudonymOptions = {}): string {
  const { local, domain } = normalizeEmail(email);
  const length = options.localLength ?? 16;
  if (!Number.isInteger(length) || length < 8 || length > 51) throw new InvalidInputError('localLength must be an integer in 8..51');
  const d = options.domain ?? '';
  const pseudoLocal = base32(keyedDigest(key, 'email-local', d, `${local}@${domain}`), length);
  const mode = options.emailDomain ?? 'keep';
  let outDomain: string;
  if (mode === 'keep') outDomain = domain;
  else if (mode === 'pseudonymize') outDomain = `${base32(keyedDigest(key, 'email-domain', d, domain), 12)}.invalid`;
  else if (typeof mode === 'object' && mode !== null && typeof mode.replace === 'string' && mode.replace !== '') outDomain = mode.replace;
  else throw new InvalidInputError("emailDomain must be 'keep', 'pseudonymize' or { replace: domain }");
  return `${pseudoLocal}@${outDomain}`;
}

/**
 * A stable fake name from the built-in lists (232 given × 239 family names). Not unique:
 * about 55,000 full names, so expect collisions in large tables; use {@link pseudonymizeId}
 * for join keys. Input is NFKC-normalized, trimmed, white space collapsed and lower-cased
 * first, so "Ana  María" and "ana maría" agree.
 */
export function pseudonymizeName(key: Uint8Array, name: string, options: NamePseudonymOptions = {}): string {
  assertText(name, 'name');
  const normalized = name.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase();
  if (normalized === '') throw new InvalidInputError('name is empty');
  const part = options.part ?? 'full';
  if (part !== 'full' && part !== 'first' && part !== 'last') throw new InvalidInputError("part must be 'full', 'first' or 'last'");
  const digest = keyedDigest(key, `name-${part}`, options.domain ?? '', normalized);
  const first = FIRST_NAMES[pick(digest, FIRST_NAMES.length, 0)] as string;
  const last = LAST_NAMES[pick(digest, LAST_NAMES.length, 6)] as string;
  return part === 'first' ? first : part === 'last' ? last : `${first} ${last}`;
}

/** A keyed identifier pseudonym (stable, unlinkable across keys and domains, 100 bits at the default length). */
export function pseudonymizeId(key: Uint8Array, id: string | number | bigint, options: IdPseudonymOptions = {}): string {
  if (typeof id === 'number' && !Number.isFinite(id)) throw new InvalidInputError('id must be finite');
  if (typeof id !== 'string' && typeof id !== 'number' && typeof id !== 'bigint') throw new InvalidInputError('id must be a string, number or bigint');
  const text = String(id);
  assertText(text, 'id');
  const encoding = options.encoding ?? 'base32';
  const length = options.length ?? 20;
  const max = encoding === 'base32' ? 51 : encoding === 'hex' ? 64 : encoding === 'digits' ? 60 : 0;
  if (max === 0) throw new InvalidInputError("encoding must be 'base32', 'hex' or 'digits'");
  if (!Number.isInteger(length) || length < 8 || length > max) throw new InvalidInputError(`length must be an integer in 8..${max} for ${encoding}`);
  // The encoding and length are in the purpose, so two output shapes never share a prefix.
  const digest = keyedDigest(key, `id;${encoding};${length}`, options.domain ?? '', text);
  let body: string;
  if (encoding === 'base32') body = base32(digest, length);
  else if (encoding === 'hex') body = digest.toString('hex', 0, Math.ceil(length / 2)).slice(0, length);
  else body = (BigInt(`0x${digest.toString('hex')}`) % 10n ** BigInt(length)).toString().padStart(length, '0');
  return `${options.prefix ?? ''}${body}`;
}

/** Truncates (default: IPv4 /24, IPv6 /48) or, with `mode: 'keyed'`, replaces an address by a keyed one. */
export function pseudonymizeIp(key: Uint8Array, address: string, options: IpPseudonymOptions = {}): string {
  if (options.mode === 'keyed') return keyedIp(key, address, options.domain ?? '');
  if (options.mode !== undefined && options.mode !== 'truncate') throw new InvalidInputError("ip mode must be 'truncate' or 'keyed'");
  checkPseudonymKey(key);
  return truncateIp(address, options);
}

const DAY_MS = 86_400_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Shifts a date by a per-subject keyed offset, or generalizes it to month or year.
 * Date in → Date out; "YYYY-MM-DD" in → "YYYY-MM-DD" out; other ISO strings → ISO string.
 */
export function pseudonymizeDate(key: Uint8Array, value: Date | string, options: DatePseudonymOptions): Date | string {
  const time = parseDate(value);
  if (options.mode === 'generalize') {
    checkPseudonymKey(key);
    const d = new Date(time);
    const year = String(d.getUTCFullYear()).padStart(4, '0');
    if (options.to === 'year') return year;
    if (options.to === 'month') return `${year}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    throw new InvalidInputError("generalize.to must be 'month' or 'year'");
  }
  if (options.mode !== 'shift') throw new InvalidInputError("date mode must be 'shift' or 'generalize'");
  assertText(options.subject, 'date subject');
  const max = options.maxShiftDays ?? 30;
  if (!Number.isInteger(max) || max < 1 || max > 36_500) throw new InvalidInputError('maxShiftDays must be an integer in 1..36500');
  const k = pick(keyedDigest(key, 'date-shift', options.domain ?? '', options.subject), 2 * max);
  const days = k < max ? -(k + 1) : k - max + 1;
  const shifted = new Date(time + days * DAY_MS);
  if (value instanceof Date) return shifted;
  if (DATE_ONLY.test(value)) return shifted.toISOString().slice(0, 10);
  return shifted.toISOString();
}

function parseDate(value: Date | string): number {
  if (value instanceof Date) {
    const t = value.getTime();
    if (Number.isNaN(t)) throw new InvalidInputError('invalid Date');
    return t;
  }
  assertText(value, 'date');
  const m = DATE_ONLY.exec(value);
  const t = m !== null ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Date.parse(value);
  if (Number.isNaN(t) || (m !== null && new Date(t).toISOString().slice(0, 10) !== value)) throw new InvalidInputError('not an ISO 8601 date');
  return t;
}

/** Number bucketing (see {@link bucketNumber}); unkeyed, listed here for a uniform API. */
export function pseudonymizeNumber(value: number | bigint, options: BucketOptions): string {
  return bucketNumber(value, options);
}

/** The pseudonymization helpers under one name: `pseudonymize.email(key, value)` and so on. */
export const pseudonymize = {
  email: pseudonymizeEmail,
  name: pseudonymizeName,
  id: pseudonymizeId,
  ip: pseudonymizeIp,
  date: pseudonymizeDate,
  number: pseudonymizeNumber,
} as const;
