/**
 * FF1 side by side: fieldseal's FF1 (cached node:crypto AES blocks, number
 * arithmetic) vs @noble/ciphers `ff1` (pure JS, BigInt), on a 16-digit card number and a
 * 9-digit SSN, string in and string out for both, same key and tweak. Also the card and SSN
 * presets (tweak built per call, Luhn fix-up) for information.
 *
 * Standalone: `npx tsx bench/tokenize.bench.ts [--quick]`; bench/index.ts calls runTokenizeBench().
 * Target: fieldseal ≥ 3x noble on 16 digits.
 */
import { FF1 as nobleFf1 } from '@noble/ciphers/ff1.js';
import { pathToFileURL } from 'node:url';
import { Ff1 } from '../src/crypto/ff1.js';
import { FpeTokenizer, fpeFormats } from '../src/tokenize/fpe.js';
import { printRows, runCases, type BenchCase, type BenchRow } from './harness.js';

const KEY = Buffer.alloc(32, 0x5a);
const TWEAK = Buffer.from('Card.pan');
const PAN = '4111111111111111';
const SSN = '123456789';

/** Runs the FF1 cases and returns one row per case (ratio against noble in each group). */
export async function runTokenizeBench(): Promise<BenchRow[]> {
  const ours = new Ff1(KEY, '0123456789');
  const noble = nobleFf1(10, KEY, TWEAK);
  const nobleEncrypt = (s: string): string => noble.encrypt(Array.from(s, Number)).join('');
  // Both must compute the same function before their speed means anything.
  for (const x of [PAN, SSN]) {
    if (ours.encrypt(x, TWEAK) !== nobleEncrypt(x)) throw new Error('FF1 implementations disagree');
  }
  const card = new FpeTokenizer(KEY, fpeFormats.card({ keep: { last: 4 }, luhn: 'valid' }));
  const ssn = new FpeTokenizer(KEY, fpeFormats.ssn());
  const cases: BenchCase[] = [
    { group: 'FF1 encrypt, 16-digit card', name: '@noble/ciphers ff1', fn: () => nobleEncrypt(PAN), baseline: true },
    { group: 'FF1 encrypt, 16-digit card', name: 'fieldseal Ff1', fn: () => ours.encrypt(PAN, TWEAK) },
    { group: 'FF1 encrypt, 16-digit card', name: 'fieldseal card token (last 4 kept, Luhn-valid)', fn: () => card.tokenize(PAN, 'Card.pan') },
    { group: 'FF1 encrypt, 9-digit SSN', name: '@noble/ciphers ff1', fn: () => nobleEncrypt(SSN), baseline: true },
    { group: 'FF1 encrypt, 9-digit SSN', name: 'fieldseal Ff1', fn: () => ours.encrypt(SSN, TWEAK) },
    { group: 'FF1 encrypt, 9-digit SSN', name: 'fieldseal SSN token', fn: () => ssn.tokenize(SSN, 'User.ssn') },
    { group: 'FF1 decrypt, 16-digit card', name: '@noble/ciphers ff1', fn: () => noble.decrypt(Array.from(PAN, Number)).join(''), baseline: true },
    { group: 'FF1 decrypt, 16-digit card', name: 'fieldseal Ff1', fn: () => ours.decrypt(PAN, TWEAK) },
  ];
  return runCases(cases);
}

/** Prints the Markdown table. */
export async function printTokenizeBench(): Promise<void> {
  printRows('Tokenization: FF1 (target ≥ 3x noble on 16 digits)', await runTokenizeBench());
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await printTokenizeBench();
}
