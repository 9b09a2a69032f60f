/**
 * Golden vectors: ciphertexts made by format v1 under a fixed KEK and data key. They must
 * open forever; deterministic tokens and blind indexes must be reproduced bit for bit.
 * A change that breaks this test breaks every stored value: bump the format version instead.
 */
import { createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeParts } from '../../src/format/context.js';
import { createSealer, FormatError, localKeyProvider } from '../../src/index.js';
import { storeWithKeys } from '../support/key-records.js';
import { TEST_KEK } from '../support/sealer.js';

/**
 * The default scope's data key (randomized values) is 0x42 * 32 with id 0badc0de; its lookup
 * key (deterministic tokens, blind indexes) has the same bytes, for the recomputations below,
 * and id deadbeef. Both are wrapped under a root key as the keyring stores them.
 */
const KEYS = [
  { id: '0badc0de', scope: 'default', purpose: 'data', bytes: Buffer.alloc(32, 0x42) },
  { id: 'deadbeef', scope: 'default', purpose: 'lookup', bytes: Buffer.alloc(32, 0x42) },
] as const;

const GOLDEN = {
  "string": "fs1:MAutwN6eBVt4JCq3qZszzDdFkGZsFerI2k3haMZAWL1xIv1eroHFnIjDIrrMhFpYisE2wFmR",
  "stringRow": "fs1:MAutwN4gfAzrCXXWk4SHqdhsrpK6U4p9tFLoY0_kten3YvyJrQT085GfG8PnJnYedWSIBadH",
  "long": "fs1:QAutwN5__aZj--253XVBtLKQDmcaiNSEmGl5LnYEpofH7Vn5-dnzfq0750SVnckHbcrMwILr3Py6mzQwFVBMKvEz1rVA15MXZnqtZxX2dCYvweyLecCeU2bySxIkL23VYbJKVkX4H1DkwmzQuHA9-zGU6LY1cfUyjEZLsYZQjrJHzrhIIn4Jjo7HiGqy8QvhFXta6lv3_0bMY3QTYVaH9Y016YtMHKoqSHJHfwP37IqiVXyJtge65rdk9K5f0nSoQkjeyFLvtYzk-CmrzXkQCMQGvtYUSLOIq70I1toPIN8tczpmX8DGldqk5jBiPw1rmb4xtoYrLXE5Xc9hCcJe7vaVLfZU0qmzD4DI6ukY9hhzkyNXf9y0Vv_HEX3EJqmWd0Pi3xJ-10oT2qTfRGNTNR5uSdE4KgERX6ego27QTQ1Ed_4MxjFhzk9GfXlPgbbVBECQPFNyJpSmXSWwFBV0r62yx4jomBWG2K-lqKEH1uP1",
  "number": "fs1:MQutwN7obv3qF2AQY3h2p1gCpbd01Rrl9B6WG4Co7S_Xv69Vubg-Ll-BrI8t",
  "bigint": "fs1:MgutwN5QD3XoXyUIWmc2J2sw7nsIckhFdlXwAW_IzlNveK8ELqwJ1A9ZapZD3bvN0F356iS84Bt20g",
  "boolean": "fs1:MwutwN5jYJdwywKVarT01-IS0MRoMJOKhp_RlYoNqas28YHw6zI",
  "date": "fs1:NAutwN5SziCI0WlQnY_a_Jja_0bT6W2V8tjPx5kJ1g1fCA9kb6pqELRnCacP",
  "bytes": "fs1:NQutwN48yfBfgp5OaIYbK2QzvwZUr3ocnDMvghPWa4na1euAKF7FHA",
  "buffer": "fs1:NgutwN77ZCNutAtstBXkela05WedDDCkadY194u1F1Ojm4HNRQs26A",
  "json": "fs1:NwutwN6A571Cdc9XJbzbfC-97-g5B_ckv5zG6SrvjEfIyzFbKHDVJiOWAUp-wkvw-_q3U236lVdI",
  "det": "fs1:IN6tvu_fO52AYxZM9Xks6wUILMuSaLoW5osMLmtyHDY",
  "detDomain": "fs1:IN6tvu9ttjD3fchCZhWOHuS93reFbfZDJW5kfVgSBoOfbyQhug",
  "bidx": "DOSr7Ul5i4QtVvs0thCYGRU1tuFgrgRGNbr4oHqTM7I",
  "bidx32": "DOSr7Q",
  "bidxNumber": "6ygM753VR11XuVRLXeAgeJA-YwBMo2y225WLXluZiZE",
  "bidxBytes": "r4ZOpCV3MpuB_1S3uJnEz1syvnYviGpBjBp-TzZLoys"
} as const;

/** A long value of the retired algorithm 1 (XAES-256-GCM without key commitment), sealed before 1.0. */
const RETIRED_ALG1 = "fs1:EAutwN7Ti20Qeu6qlDrNOOVQeOL4-RJwM6neSEKfSKPp03RbCz9bjaWuRdZnZjaq7gZtoJeBUSmp-LWfFipzcZSQetMWjGDuyANK5Bm2DBjvv9MyHaqiB8ApY3mzot8vXd1Y-F6HSSvTbjg7x0tL6BEtnHMJU6HFIKHyOLfWD0hHPwEqXsb4FniRyeiICMG1Mu5pGbSd3CJ2_sCNYLWmDoiMoziLYL5Eya5pO2N4iqRPvcX7mKBNqRXExDtmfL-y3SkcAEZQrkY7ZLWgB-LM2cjlCdpx403H3BaroKuAm3MiFn2Cs05Q9iPXF7L0Yqjo9dYCsxZaIdgcbYin29lJd-M_EcQQaxhCGhtAD3hyeE7EMljUtPKdpO-mf8CBZYBDW2oF7lOTrV6fmUtws4Lwk5IpITdm8PoMLUEP2Cw121lHETSo1k-jmUv089NRhcGpYg";

async function goldenSealer() {
  const provider = localKeyProvider({ keys: { main: TEST_KEK } });
  return createSealer({ provider, store: await storeWithKeys(provider, KEYS) });
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
    expect(await sealer.blindIndex(42, ctx)).toBe(GOLDEN.bidxNumber);
    expect(await sealer.blindIndex(42n, ctx)).toBe(GOLDEN.bidxNumber);
    expect(await sealer.blindIndex(new Uint8Array([1, 2, 3]), ctx)).toBe(GOLDEN.bidxBytes);
  });

  it('computes a blind index as HMAC-SHA256(bidx subkey, type tag ‖ payload) (recomputed with node:crypto)', () => {
    const info = Buffer.concat([Buffer.from('bidx\0'), encodeParts(['field', 'User', 'email'])]);
    const subkey = Buffer.from(hkdfSync('sha256', Buffer.alloc(32, 0x42), 'fieldseal/v1/subkey', info, 32));
    const mac = (tag: string, payload: Buffer | string) => createHmac('sha256', subkey).update(tag).update(payload).digest('base64url');
    expect(mac('s', 'alice@example.com')).toBe(GOLDEN.bidx);
    expect(mac('i', '42')).toBe(GOLDEN.bidxNumber);
    expect(mac('x', Buffer.from([1, 2, 3]))).toBe(GOLDEN.bidxBytes);
  });

  it('keeps the header layout: prefix, algorithm nibble, type nibble, key id', () => {
    const header = (text: string) => Buffer.from(text.slice(4), 'base64url').subarray(0, 5);
    expect(header(GOLDEN.string).toString('hex')).toBe('300badc0de');
    expect(header(GOLDEN.long).toString('hex')).toBe('400badc0de');
    expect(header(GOLDEN.det).toString('hex')).toBe('20deadbeef');
    expect(header(GOLDEN.json)[0]).toBe(0x37);
  });

  it('lays out a long value as documented: R ‖ C ‖ HKDF commitment ‖ GCM ciphertext ‖ tag (recomputed with node:crypto)', () => {
    const envelope = Buffer.from(GOLDEN.long.slice(4), 'base64url');
    const header = envelope.subarray(0, 5);
    const r = envelope.subarray(5, 17);
    const counter = envelope.subarray(17, 21);
    const commitment = envelope.subarray(21, 53);
    const ciphertext = envelope.subarray(53, envelope.length - 16);
    const tag = envelope.subarray(envelope.length - 16);
    const dek = Buffer.alloc(32, 0x42);
    const info = Buffer.concat([Buffer.from('aead\0'), encodeParts(['User', 'email'])]);
    const subkey = Buffer.from(hkdfSync('sha256', dek, 'fieldseal/v1/subkey', info, 32));
    const label = 'fieldseal/v1/committing-aes-256-gcm ';
    expect(Buffer.from(hkdfSync('sha256', subkey, r, `${label}COMMITKEY`, 32)).equals(commitment)).toBe(true);
    const key = Buffer.from(hkdfSync('sha256', subkey, r, `${label}DERIVEKEY`, 32));
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.concat([counter, Buffer.alloc(8)]));
    decipher.setAAD(Buffer.concat([header, encodeParts(['User', 'email'])]));
    decipher.setAuthTag(tag);
    expect(Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString()).toBe('L'.repeat(300));
  });

  it('refuses the retired algorithm 1 (no key commitment) with a FormatError that says so', async () => {
    const sealer = await goldenSealer();
    await expect(sealer.decrypt(RETIRED_ALG1, ctx)).rejects.toThrow(FormatError);
    await expect(sealer.decrypt(RETIRED_ALG1, ctx)).rejects.toThrow(/algorithm 1 .*no longer accepted/);
    expect(sealer.isSealed(RETIRED_ALG1)).toBe(false);
  });
});
