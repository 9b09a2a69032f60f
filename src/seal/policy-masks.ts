/**
 * The masks an access policy shows instead of a value (`otherwise: { mask }`): the masking
 * helpers of tokenize/mask.ts picked by name, their generic options, or a function. A mask
 * never fails a read and never shows the value it could not mask: a value the mask does
 * not fit (a number given to the e-mail mask, a Date, a mask function that throws) is
 * shown as the redaction marker.
 *
 * @module
 */
import { ConfigurationError } from '../errors.js';
import type { Sealable } from '../format/value-codec.js';
import { mask, maskCard, maskEmail, maskPhone, REDACTED, type MaskOptions } from '../tokenize/mask.js';

/**
 * A mask by name: `email` (`a***@example.com`), `card` (last four digits), `phone` (last
 * four digits, formatting kept), `redact` (the constant `[REDACTED]`, hides the length too).
 */
export type MaskName = 'email' | 'card' | 'phone' | 'redact';

/**
 * How a field's value is shown to a purpose that may not see it: a named mask, the
 * options of the generic `mask` helper (`{ keepLast: 4 }`), or a function of the opened
 * value that returns the text to show (it must not return the value itself).
 */
export type FieldMask = MaskName | MaskOptions | ((value: Sealable) => string);

/** A compiled mask: the text shown for an opened value; never throws. */
export type MaskFunction = (value: Sealable) => string;

const NAMED: Readonly<Record<MaskName, (text: string) => string>> = {
  email: (text) => maskEmail(text),
  card: (text) => maskCard(text),
  phone: (text) => maskPhone(text),
  redact: () => REDACTED,
};

const MASK_OPTION_KEYS: ReadonlySet<string> = new Set(['keepFirst', 'keepLast', 'char', 'minMasked', 'fixedMaskLength']);

/** Compiles a field's mask, or throws ConfigurationError naming `where` (the field). */
export function compileMask(spec: unknown, where: string): MaskFunction {
  if (typeof spec === 'string') {
    const named = Object.hasOwn(NAMED, spec) ? NAMED[spec as MaskName] : undefined;
    if (named === undefined) throw new ConfigurationError(`policy ${where}: unknown mask '${spec}' (email, card, phone, redact, mask options or a function)`);
    return textMask(named);
  }
  if (typeof spec === 'function') {
    const custom = spec as (value: Sealable) => unknown;
    return (value) => {
      try {
        const shown = custom(value);
        return typeof shown === 'string' ? shown : REDACTED;
      } catch {
        return REDACTED;
      }
    };
  }
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
    for (const key of Object.keys(spec)) {
      if (!MASK_OPTION_KEYS.has(key)) throw new ConfigurationError(`policy ${where}: unknown mask option '${key}'`);
    }
    const options = { ...(spec as MaskOptions) };
    try {
      mask('sample', options); // checks the options once, here, rather than on every read
    } catch {
      throw new ConfigurationError(`policy ${where}: invalid mask options (keepFirst, keepLast, minMasked, fixedMaskLength are counts; char is one character)`);
    }
    return textMask((text) => mask(text, options));
  }
  throw new ConfigurationError(`policy ${where}: a mask is a name (email, card, phone, redact), mask options or a function`);
}

/** A mask over text: strings as they are, numbers and bigints as their decimal text, anything else (and any text the mask refuses) redacted. */
function textMask(apply: (text: string) => string): MaskFunction {
  return (value) => {
    const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined;
    if (text === undefined) return REDACTED;
    try {
      return apply(text);
    } catch {
      return REDACTED;
    }
  };
}
