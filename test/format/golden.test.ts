/**
 * Golden vectors: ciphertexts made by format v1 under a fixed KEK and data key. They must
 * open forever; deterministic tokens and blind indexes must be reproduced bit for bit.
 * A change that breaks this test breaks every stored value: bump the format version instead.
 */
import { describe, expect, it } from 'vitest';
import { createSealer, localKeyProvider, memoryKeyStore, type DataKeyRecord } from '../../src/index.js';
import { TEST_KEK } from '../support/sealer.js';

/** Data key 0x42 * 32, id 0badc0de, wrapped under TEST_KEK. */
const RECORD: DataKeyRecord = {"id":"0badc0de","scope":"default","state":"active","primary":true,"kekRef":"local:main","wrapped":"rSAG4g3I8fQA69SYM0f86kmMwGBqzE/+Qpztp4JZyRuDr854OPyb+bbh2DQU+fkzbPmZIR6Uye7fD5+9","createdAt":"2026-11-23T00:00:00.000Z","updatedAt":"2026-11-23T00:00:00.000Z"};

const GOLDEN = {
  "string": "fs1:MAutwN4UyYVWgcPithfZF3irk0Q6SfL3TB5yrun-ZneN6Y45KCFFLdNN198OB6rwnxFatWtv",
  "stringRow": "fs1:MAutwN5ZsJVzRbUghUk47vHgssrgXf9FmMOb1_YYXq-X3BDlHVqKW_5AmelxLO8ppoz7HWEr",
  "long": "fs1:EAutwN6Q5i-4Lfhr1LDVEiDl-4Swtknh8UcT9MKGPKddQebS0fyRrfK0sl2SdvzLIsOB3LrP_oxeIk8vESbLZm5y3KqlzDdTVO2pEtl60Z6SBuEGNuNcSVNDUkXIdwWhKYaBATvTTGDrfoaE8I-EAZdHtBjNuJkKxBETsB7TmVj0FaCjDaY7vZ8cnTrj0RZDuZygC8196Hd5ftv9IGzDSbymOhGdiPurZTBFlS_XdU6iClJXISOyBryGyRRNbYCJ3VD0CDW60h1Q9zFtufDqvGBDg9E54nzHZhtZNqASnqlCB08OuXEJZVe7-BOLFFRGtP7DjB9s_oIDMDAFaIVPZjXafZC_t4YKhBBc9VgvdcLEpAQJavUMk4SBhZtxAL1eNaPNvt2zPF4AfKQh4bMcp6ujmhjYaGnSkBV9RsW9Flq-NZwqEzI8_p6pFEgli-rusA",
  "number": "fs1:MQutwN49o85l_OejmIc7HTZAqEVNy-H9m8Zsjxc39iBkWhTZDBwGoOMJf77C",
  "bigint": "fs1:MgutwN4u68uQnxp46hwMlabBvTAuqdsycbPb9QK_tjs2jI6xxl8_qE99WP1dgy-epib261n3AADTMQ",
  "boolean": "fs1:MwutwN4YMCzAcXhzkaGM3PjfLKkTsvd2qbP_XZHMrRoa5rO9C2Y",
  "date": "fs1:NAutwN6kNZQ2ICInEMOgWdFajwu9YDksiqBSQK3N1eqjMWSPRfq352_M2que",
  "bytes": "fs1:NQutwN4Yserq5hb79KBIszmcvgdjfSErnJJKfpq9E-n9UdsfvfBt_A",
  "buffer": "fs1:NgutwN5XSS7f1Nrya4d-XBxdthHjqDeS8Cl97Js7AYI9rt_k6t73iA",
  "json": "fs1:NwutwN4E7jo4knV3LBvbB9PeqzuCYZ8Txu3EiMghFmR_7ZZ8NAVmYWODj1lNrjmdtQGM3j7EfXCN",
  "det": "fs1:IAutwN5ff5BRkJocEPC1d_4GNbAfhuaLyF7Wt4gNcWA",
  "detDomain": "fs1:IAutwN5EL6XOQMKkkYgAIW2cmxZwyYR244gHsEizBZ6NXnqu-Q",
  "bidx": "6kr1tCwlITsikfmYkWqrQ-iY1JiS7u_cdq9wWfA6avE",
  "bidx32": "6kr1tA"
} as const;

async function goldenSealer() {
  return createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore([RECORD]) });
}

const ctx = { model: 'User', field: 'email' };

describe('format v1 golden vectors', () => {
  it('opens every value type sealed by v1', async () => {
    const sealer = await goldenSealer();
    expect(await sealer.decrypt(GOLDEN.string, ctx)).toBe('alice@example.com');
    expect(await sealer.decrypt(GOLDEN.stringRow, { ...ctx, row: 'u_1' })).toBe('alice@example.com');
    expect(await sealer.decrypt(GOLDEN.long, ctx)).toBe('L'.repeat(300));
    expect(await sealer.decrypt(GOLDEN.number, ctx)).toBe(3.25);
    expect(await sealer.decrypt(GOLDEN.bigint, ctx)).toBe(-12345678901234567890n);
    expect(await sealer.decrypt(GOLDEN.boolean, ctx)).toBe(true);
    expect(await sealer.decrypt(GOLDEN.date, ctx)).toEqual(new Date('2026-11-23T12:00:00.000Z'));
    expect(await sealer.decrypt(GOLDEN.bytes, ctx)).toEqual(new Uint8Array([1, 2, 3]));
    expect(await sealer.decrypt(GOLDEN.buffer, ctx)).toEqual(Buffer.from('buf'));
    expect(await sealer.decrypt(GOLDEN.json, ctx)).toEqual({ a: [1, 'two', null] });
    expect(await sealer.decrypt(GOLDEN.det, { model: 'User', field: 'ssn' })).toBe('123-45-6789');
  });

  it('reproduces deterministic tokens and blind indexes exactly', async () => {
    const sealer = await goldenSealer();
    expect(await sealer.encryptDeterministic('123-45-6789', { model: 'User', field: 'ssn' })).toBe(GOLDEN.det);
    expect(await sealer.encryptDeterministic('4111111111111111', { model: 'Order', field: 'card', domain: 'pan' })).toBe(GOLDEN.detDomain);
    expect(await sealer.blindIndex('alice@example.com ', { ...ctx, normalize: 'email' })).toBe(GOLDEN.bidx);
    expect(await sealer.blindIndex('ALICE@example.com', { ...ctx, normalize: 'email', bits: 32 })).toBe(GOLDEN.bidx32);
  });

  it('keeps the header layout: prefix, algorithm nibble, type nibble, key id', () => {
    const header = (text: string) => Buffer.from(text.slice(4), 'base64url').subarray(0, 5);
    expect(header(GOLDEN.string).toString('hex')).toBe('300badc0de');
    expect(header(GOLDEN.long).toString('hex')).toBe('100badc0de');
    expect(header(GOLDEN.det).toString('hex')).toBe('200badc0de');
    expect(header(GOLDEN.json)[0]).toBe(0x37);
  });
});
