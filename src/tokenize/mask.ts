/**
 * Masking for display and logs: `4111 1111 1111 1111` → `**** **** **** 1111`,
 * `alice@example.com` → `a***@example.com`. Irreversible and unkeyed (nothing is hashed).
 * Counts user-perceived characters (Unicode extended grapheme clusters, UAX #29), so an emoji
 * with a skin-tone modifier or a letter with combining accents is kept or masked whole.
 *
 * @module
 */
import { InvalidInputError } from '../errors.js';
import { assertText, checkCount, graphemes } from './text.js';

/** Options of {@link mask}. */
export interface MaskOptions {
  /** Characters shown at the start (default 0). */
  readonly keepFirst?: number;
  /** Characters shown at the end (default 0). */
  readonly keepLast?: number;
  /** The mask character: one grapheme (default `*`). */
  readonly char?: string;
  /**
   * At least this many characters are always masked (default 1): when the value is too short
   * for keepFirst + keepLast, fewer are shown (first the leading ones are dropped), so a short
   * value is never shown whole.
   */
  readonly minMasked?: number;
  /** Output exactly this many mask characters instead of one per hidden character (hides the length). */
  readonly fixedMaskLength?: number;
}

function maskChar(char: string | undefined): string {
  const c = char ?? '*';
  assertText(c, 'mask char');
  if (graphemes(c).length !== 1) throw new InvalidInputError('mask char must be exactly one character');
  return c;
}

/** Shows `keepFirst` and `keepLast` characters (graphemes) and replaces the rest. */
export function mask(value: string, options: MaskOptions = {}): string {
  assertText(value, 'value');
  const chars = graphemes(value);
  const c = maskChar(options.char);
  const minMasked = checkCount(options.minMasked ?? 1, 'minMasked');
  let keepFirst = checkCount(options.keepFirst, 'keepFirst');
  let keepLast = checkCount(options.keepLast, 'keepLast');
  const showable = Math.max(0, chars.length - minMasked);
  if (keepFirst + keepLast > showable) {
    keepFirst = Math.max(0, showable - keepLast);
    keepLast = Math.min(keepLast, showable);
  }
  const hidden = chars.length - keepFirst - keepLast;
  const fixed = options.fixedMaskLength === undefined ? undefined : checkCount(options.fixedMaskLength, 'fixedMaskLength');
  return chars.slice(0, keepFirst).join('') + c.repeat(fixed ?? hidden) + chars.slice(chars.length - keepLast).join('');
}

/** The redaction marker. */
export const REDACTED = '[REDACTED]';

/** Replaces a whole value by a constant marker (hides content and length). */
export function redact(value: unknown, replacement: string = REDACTED): string {
  void value;
  assertText(replacement, 'replacement');
  return replacement;
}

/**
 * Masks the digits of a formatted number and keeps its punctuation: each digit not kept is
 * replaced, other characters stay. Anything but digits, spaces, `+-.()/` is refused.
 */
function maskDigits(value: string, keepFirst: number, keepLast: number, char: string, what: string): string {
  assertText(value, what);
  if (!/^[0-9 +\-.()/]*$/.test(value)) throw new InvalidInputError(`${what} may contain only digits, spaces and + - . ( ) /`);
  const total = value.replace(/[^0-9]/g, '').length;
  let seen = 0;
  let out = '';
  for (const ch of value) {
    if (ch >= '0' && ch <= '9') {
      out += seen < keepFirst || seen >= total - keepLast ? ch : char;
      seen++;
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * Card number mask: last 4 digits shown by default; `keepFirst: 6` (or 8) also shows the BIN.
 * PCI DSS v4.0 Req. 3.4.1: at most the BIN and last four may be displayed.
 */
export function maskCard(value: string, options: { readonly keepFirst?: 0 | 6 | 8; readonly keepLast?: 0 | 4; readonly char?: string } = {}): string {
  const keepFirst = options.keepFirst ?? 0;
  const keepLast = options.keepLast ?? 4;
  if (![0, 6, 8].includes(keepFirst) || ![0, 4].includes(keepLast)) throw new InvalidInputError('maskCard: keepFirst must be 0, 6 or 8 and keepLast 0 or 4');
  assertText(value, 'card number');
  const digits = value.replace(/[^0-9]/g, '').length;
  if (digits < 12 || digits > 19) throw new InvalidInputError('a card number has 12..19 digits');
  return maskDigits(value, keepFirst, keepLast, maskChar(options.char), 'card number');
}

/** Phone mask: the last `keepLast` digits (default 4) shown, formatting kept. */
export function maskPhone(value: string, options: { readonly keepLast?: number; readonly char?: string } = {}): string {
  const keepLast = checkCount(options.keepLast ?? 4, 'keepLast');
  assertText(value, 'phone number');
  const digits = value.replace(/[^0-9]/g, '').length;
  if (digits === 0) throw new InvalidInputError('phone number has no digits');
  return maskDigits(value, 0, Math.min(keepLast, digits - 1), maskChar(options.char), 'phone number');
}

/**
 * E-mail mask: first character of the local part, a fixed `***` (the local part's length is
 * hidden), the domain kept: `alice@example.com` → `a***@example.com`. A one-character local
 * part is fully masked. `maskDomain: true` also masks the domain except its top-level label.
 */
export function maskEmail(value: string, options: { readonly maskDomain?: boolean; readonly char?: string } = {}): string {
  assertText(value, 'email');
  const c = maskChar(options.char);
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) throw new InvalidInputError('not an e-mail address');
  const local = graphemes(value.slice(0, at));
  const domain = value.slice(at + 1);
  const shownLocal = local.length > 1 ? (local[0] as string) : '';
  let shownDomain = domain;
  if (options.maskDomain === true) {
    const dot = domain.lastIndexOf('.');
    shownDomain = dot > 0 ? `${c.repeat(3)}${domain.slice(dot)}` : c.repeat(3);
  }
  return `${shownLocal}${c.repeat(3)}@${shownDomain}`;
}
