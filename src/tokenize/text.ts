/**
 * Text helpers for tokenize/: input checks and user-perceived characters.
 *
 * @module
 */
import { InvalidInputError } from '../errors.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Throws {@link InvalidInputError} unless `value` is a well-formed string (no lone UTF-16
 * surrogates). Why: UTF-8 encoding turns every lone surrogate into U+FFFD, so two different
 * inputs would share one keyed pseudonym or index. `what` names the argument, never its value.
 */
export function assertText(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new InvalidInputError(`${what} must be a string`);
  if (LONE_SURROGATE.test(value)) throw new InvalidInputError(`${what} contains a lone UTF-16 surrogate (not well-formed Unicode)`);
}

let segmenter: Intl.Segmenter | undefined;

/**
 * Splits text into extended grapheme clusters (Unicode UAX #29, via Intl.Segmenter), so an
 * emoji with modifiers or a letter with combining marks counts as one character.
 */
export function graphemes(value: string): string[] {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const out: string[] = [];
  for (const { segment } of segmenter.segment(value)) out.push(segment);
  return out;
}

/** UTF-8 bytes of a string or a copy of given bytes (for tweaks and HMAC inputs). */
export function toBytes(value: Uint8Array | string): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

/** Non-negative integer option check; the message names the option only. */
export function checkCount(value: number | undefined, name: string): number {
  const n = value ?? 0;
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidInputError(`${name} must be a non-negative integer`);
  return n;
}
