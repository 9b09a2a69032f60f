/**
 * Detectors of personal data in stored values: each says whether one value is (or, for
 * free text, contains) an e-mail address, a phone number, a payment card number (Luhn), a
 * US SSN, an IBAN (mod-97), an IP address or a date of birth. Checksums and structure
 * keep false alarms rare: a random digit string is not a card number unless its issuer
 * prefix, length and Luhn digit all fit.
 *
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';
import { isLuhnValid } from '../../tokenize/luhn.js';

/** The kinds of personal data the inventory recognizes, by column name or by value. */
export type PersonalDataKind = 'email' | 'phone' | 'card-number' | 'ssn' | 'iban' | 'ip-address' | 'date-of-birth' | 'address' | 'name' | 'national-id';

/** A value detector. */
export interface ValueDetector {
  readonly kind: PersonalDataKind;
  /** Whether the whole value (trimmed) is one of these. */
  matches(value: string, now: Date): boolean;
  /** Whether free text holds one somewhere (only for kinds checked precisely enough to search text for them). */
  contains?(text: string): boolean;
}

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\b/;

/** Whether `value` is an e-mail address. */
export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value) && !value.startsWith('.') && !value.includes('..');
}

/**
 * Whether `value` is a phone number written as one: an international `+` number of 8 to
 * 15 digits, or a national number of 7 to 15 digits with the separators people write (a
 * space, `-`, `.`, parentheses) between groups. A bare run of digits is not one: order
 * numbers and ids look the same.
 */
export function isPhone(value: string): boolean {
  if (!/^\+?[0-9 ().\-/]{7,24}$/.test(value) || looksLikeDate(value)) return false;
  const digits = value.replace(/\D/g, '');
  if (value.startsWith('+')) return digits.length >= 8 && digits.length <= 15 && /^\+[1-9]/.test(value.replace(/[ ()]/g, ''));
  if (digits.length < 7 || digits.length > 15) return false;
  // National form: groups of digits with separators, e.g. (555) 123-4567, 020 7946 0018, 555.123.4567.
  return /^(?:\(\d{1,5}\)\s?|\d{1,5}[ .\-/])(?:\d{1,5}[ .\-/]?)*\d{2,5}$/.test(value) && /[ ().\-/]/.test(value);
}

/** Dates written with digits and separators (`2024-01-31`, `31.01.2024`, `12/31/1970`), which the phone pattern would otherwise take. */
function looksLikeDate(value: string): boolean {
  return /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$/.test(value) || /^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/.test(value);
}

/**
 * Issuer prefixes of the card networks (ISO/IEC 7812 IINs in use): Visa 4; Mastercard
 * 51-55 and 2221-2720; American Express 34, 37; Discover 6011, 644-649, 65; JCB 3528-3589;
 * Diners 300-305, 36, 38-39; UnionPay 62, 81; Maestro 50, 56-58, 67; Mir 2200-2204; RuPay 60.
 */
function hasIssuerPrefix(digits: string): boolean {
  const two = Number(digits.slice(0, 2));
  const three = Number(digits.slice(0, 3));
  const four = Number(digits.slice(0, 4));
  if (digits[0] === '4') return true;
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720) || (four >= 2200 && four <= 2204)) return true;
  if (two === 34 || two === 37 || two === 36 || two === 38 || two === 39 || two === 62 || two === 65 || two === 81 || two === 60) return true;
  if (two === 50 || (two >= 56 && two <= 58) || two === 67) return true;
  if (four === 6011 || (three >= 644 && three <= 649) || (three >= 300 && three <= 305) || (four >= 3528 && four <= 3589)) return true;
  return false;
}

/** Whether `value` is a payment card number: 13 to 19 digits (grouped by spaces or `-` or not), a known issuer prefix, and a valid Luhn check digit. */
export function isCardNumber(value: string): boolean {
  if (!/^[0-9](?:[0-9 -]{11,24})[0-9]$/.test(value)) return false;
  const digits = value.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19 || !/^[0-9]+$/.test(digits)) return false;
  // Separators, when present, must group digits (no "4 1 1 1 ...", no doubled separators).
  if (digits.length !== value.length && !/^[0-9]{4,6}([ -])[0-9]{1,6}(?:\1[0-9]{1,6}){0,4}$/.test(value)) return false;
  return hasIssuerPrefix(digits) && isLuhnValid(digits);
}

const CARD_IN_TEXT = /(?<![0-9])[0-9](?:[0-9 -]{11,24})[0-9](?![0-9])/g;

/**
 * Whether `value` is a US Social Security number written as one (`123-45-6789` or with
 * spaces): area 001-899 except 666, group 01-99, serial 0001-9999. Nine bare digits are
 * not taken for one.
 */
export function isSsn(value: string): boolean {
  const match = /^([0-9]{3})([- ])([0-9]{2})\2([0-9]{4})$/.exec(value);
  if (match === null) return false;
  const area = Number(match[1]);
  return area !== 0 && area !== 666 && area < 900 && match[3] !== '00' && match[4] !== '0000';
}

/** IBAN length by country (ISO 13616 registry). */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24,
  DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28,
  HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29,
  RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22,
  VG: 24, XK: 20,
};

/** The IBAN countries the detector knows, with their lengths (for tests and documentation). */
export const IBAN_COUNTRY_LENGTHS: Readonly<Record<string, number>> = IBAN_LENGTHS;

/** ISO 7064 MOD 97-10 of an IBAN rearranged (country and check digits moved to the end, letters as 10-35). */
export function ibanRemainder(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder;
}

/** Whether `value` is an IBAN: a known country, its length, and the mod-97 check (remainder 1). Spaces in groups of four are allowed; case is not folded. */
export function isIban(value: string): boolean {
  const compact = /^[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{1,4})+$/.test(value) ? value.replace(/ /g, '') : '';
  if (compact === '' || IBAN_LENGTHS[compact.slice(0, 2)] !== compact.length || !/^[A-Z0-9]+$/.test(compact)) return false;
  return ibanRemainder(compact) === 1;
}

const IBAN_IN_TEXT = /\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g;

/** Whether `value` is an IPv4 or IPv6 address (Node's own parser). */
export function isIpAddress(value: string): boolean {
  return isIPv4(value) || isIPv6(value);
}

/** A date-only value: `YYYY-MM-DD`, `DD/MM/YYYY`, `MM/DD/YYYY`, `DD.MM.YYYY`, `YYYY/MM/DD`. */
const DATE_FORMS: readonly { readonly pattern: RegExp; readonly order: readonly ['y' | 'm' | 'd', 'y' | 'm' | 'd', 'y' | 'm' | 'd'] }[] = [
  { pattern: /^(\d{4})-(\d{2})-(\d{2})$/, order: ['y', 'm', 'd'] },
  { pattern: /^(\d{4})\/(\d{2})\/(\d{2})$/, order: ['y', 'm', 'd'] },
  { pattern: /^(\d{2})\.(\d{2})\.(\d{4})$/, order: ['d', 'm', 'y'] },
  { pattern: /^(\d{2})\/(\d{2})\/(\d{4})$/, order: ['d', 'm', 'y'] },
  { pattern: /^(\d{2})\/(\d{2})\/(\d{4})$/, order: ['m', 'd', 'y'] },
];

/** Whether y-m-d is a calendar date. */
function isCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Whether a calendar date is a plausible birth date seen at `now`: a person between 10 and 120 years old. */
function plausibleBirth(y: number, m: number, d: number, now: Date): boolean {
  if (!isCalendarDate(y, m, d)) return false;
  const at = Date.UTC(y, m - 1, d);
  const years = (now.getTime() - at) / (365.2425 * 86_400_000);
  return years >= 10 && years <= 120;
}

/**
 * Whether `value` is a date only (no time of day) in a common form, at which a person now
 * alive could have been born (10 to 120 years before `now`). Alone it says little (a date
 * column may hold anything); the inventory flags a column by it only when most of its
 * values are such dates.
 */
export function isBirthDate(value: string, now: Date): boolean {
  for (const { pattern, order } of DATE_FORMS) {
    const match = pattern.exec(value);
    if (match === null) continue;
    const parts: Record<'y' | 'm' | 'd', number> = { y: 0, m: 0, d: 0 };
    order.forEach((part, i) => (parts[part] = Number(match[i + 1])));
    if (plausibleBirth(parts.y, parts.m, parts.d, now)) return true;
  }
  return false;
}

/** Whether a date value read from a date column (midnight, no time of day) is a plausible birth date. */
export function isBirthDateValue(value: Date, now: Date): boolean {
  if (Number.isNaN(value.getTime())) return false;
  const utcMidnight = value.getUTCHours() === 0 && value.getUTCMinutes() === 0 && value.getUTCSeconds() === 0 && value.getUTCMilliseconds() === 0;
  const localMidnight = value.getHours() === 0 && value.getMinutes() === 0 && value.getSeconds() === 0 && value.getMilliseconds() === 0;
  if (utcMidnight) return plausibleBirth(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate(), now);
  if (localMidnight) return plausibleBirth(value.getFullYear(), value.getMonth() + 1, value.getDate(), now);
  return false;
}

/** Every value detector, most specific first (a value counts for the first that matches). */
export const VALUE_DETECTORS: readonly ValueDetector[] = [
  { kind: 'email', matches: isEmail, contains: (text) => EMAIL_IN_TEXT.test(text) },
  { kind: 'iban', matches: isIban, contains: (text) => someMatch(text, IBAN_IN_TEXT, isIban) },
  { kind: 'card-number', matches: isCardNumber, contains: (text) => someMatch(text, CARD_IN_TEXT, isCardNumber) },
  { kind: 'ssn', matches: isSsn, contains: (text) => someMatch(text, /\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b/g, isSsn) },
  { kind: 'ip-address', matches: isIpAddress },
  { kind: 'date-of-birth', matches: isBirthDate },
  { kind: 'phone', matches: isPhone },
];

/** Whether any match of `pattern` (global) in `text` passes `check`. */
function someMatch(text: string, pattern: RegExp, check: (candidate: string) => boolean): boolean {
  pattern.lastIndex = 0;
  for (const match of text.matchAll(pattern)) if (check(match[0].trim())) return true;
  return false;
}

/** The kind a whole value is, or undefined. Numbers are read as their digits (card numbers stored as integers). */
export function detectValue(value: unknown, now: Date): PersonalDataKind | undefined {
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.length === 0 || text.length > 256) return undefined;
    for (const detector of VALUE_DETECTORS) if (detector.matches(text, now)) return detector.kind;
    return undefined;
  }
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value) && value > 0)) {
    return isCardNumber(value.toString()) ? 'card-number' : undefined;
  }
  if (value instanceof Date) return isBirthDateValue(value, now) ? 'date-of-birth' : undefined;
  return undefined;
}

/** The kinds free text holds somewhere (e-mail addresses, card numbers, IBANs, SSNs in a notes column), for values that are not one whole. */
export function detectInText(value: unknown): PersonalDataKind[] {
  if (typeof value !== 'string' || value.length < 8) return [];
  const text = value.length > 4096 ? value.slice(0, 4096) : value;
  const kinds: PersonalDataKind[] = [];
  for (const detector of VALUE_DETECTORS) if (detector.contains?.(text) === true) kinds.push(detector.kind);
  return kinds;
}
