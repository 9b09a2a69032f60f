/**
 * The Luhn checksum (ISO/IEC 7812-1 Annex B) used by payment card numbers.
 *
 * @module
 */

/** Doubling step of Luhn: 0→0, 1→2, …, 5→1, …, 9→9. A permutation of 0..9, hence invertible. */
const DOUBLED = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9] as const;
const UNDOUBLED = [0, 5, 1, 6, 2, 7, 3, 8, 4, 9] as const;

/** The Luhn sum mod 10 of decimal digits (the rightmost digit is not doubled). 0 means valid. */
export function luhnSum(digits: readonly number[]): number {
  let sum = 0;
  for (let i = digits.length - 1, fromRight = 0; i >= 0; i--, fromRight++) {
    const d = digits[i] as number;
    sum += (fromRight & 1) === 1 ? (DOUBLED[d] as number) : d;
  }
  return sum % 10;
}

/** True if the digit string (ASCII digits only) passes the Luhn check. */
export function isLuhnValid(digits: string): boolean {
  if (!/^[0-9]+$/.test(digits)) return false;
  return luhnSum(Array.from(digits, Number)) === 0;
}

/**
 * Sets `digits[position]` to the unique digit that makes the Luhn sum ≡ `target` (mod 10).
 * Unique because each position contributes either d or DOUBLED[d], both permutations of 0..9:
 * this is what lets a card token fix one digit and still be reversed exactly.
 */
export function setLuhnDigit(digits: number[], position: number, target: number): void {
  digits[position] = 0;
  const need = (((target - luhnSum(digits)) % 10) + 10) % 10;
  const doubled = ((digits.length - 1 - position) & 1) === 1;
  digits[position] = doubled ? (UNDOUBLED[need] as number) : need;
}
