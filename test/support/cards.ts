/** Test card numbers: distinct, well-formed PANs with a valid Luhn check digit (ISO/IEC 7812-1 Annex B). */
import { isLuhnValid } from '../../src/tokenize/luhn.js';

/** The `i`-th 16-digit test PAN after the 6-digit `prefix` (9 digits of `i`, then the check digit). */
export function testPan(prefix: string, i: number): string {
  const body = `${prefix}${String(i).padStart(15 - prefix.length, '0')}`;
  for (let check = 0; check <= 9; check++) if (isLuhnValid(`${body}${check}`)) return `${body}${check}`;
  throw new Error('no Luhn check digit');
}
