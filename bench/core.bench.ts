/**
 * The core side-by-side benchmark: fieldseal randomized / deterministic / blind index
 * against raw node:crypto AES-256-GCM (the baseline), @47ng/cloak (what
 * prisma-field-encryption uses), the AWS Encryption SDK with a caching materials manager,
 * @noble/ciphers aessiv and raw createHmac. Run: `npm run bench` (or `npx tsx bench/core.bench.ts`).
 */
import {
  buildClient,
  CommitmentPolicy,
  getLocalCryptographicMaterialsCache,
  NodeCachingMaterialsManager,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import { decryptStringSync, encryptStringSync, generateKey, parseKeySync } from '@47ng/cloak';
import { aessiv } from '@noble/ciphers/aes.js';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { createSealer, generateKek, localKeyProvider, memoryKeyStore } from '../src/index.js';
import { printRows, runCases, type BenchCase, type BenchRow } from './harness.js';

const SIZES = [16, 256, 4096] as const;
const ctx = { model: 'User', field: 'email' };
// Built once, as an application would: V8 makes a fresh `{ ...spread }` per call measurably slower
// for any callee (bench/RESULTS.md), which is not what this measures.
const emailIndex = { ...ctx, normalize: 'email' as const };

/** Runs the core benchmark; returns the rows and the text length table. */
export async function runCoreBench(): Promise<{ rows: BenchRow[]; lengths: Record<string, number> }> {
  const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: generateKek() } }), store: memoryKeyStore() });
  const rawKey = randomBytes(32);
  const cloakKey = parseKeySync(generateKey());
  const siv = randomBytes(64);
  const hmacKey = randomBytes(32);

  const { encrypt: awsEncrypt, decrypt: awsDecrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const keyring = new RawAesKeyringNode({
    keyName: 'bench',
    keyNamespace: 'fieldseal-bench',
    unencryptedMasterKey: randomBytes(32),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
  const cmm = new NodeCachingMaterialsManager({
    backingMaterials: keyring,
    cache: getLocalCryptographicMaterialsCache(100),
    maxAge: 60_000,
    maxMessagesEncrypted: 2 ** 32,
  });
  const awsContext = { model: 'User', field: 'email' };

  const cases: BenchCase[] = [];
  const lengths: Record<string, number> = {};
  for (const size of SIZES) {
    const value = 'a'.repeat(size);
    const bytes = Buffer.from(value);
    // Baseline: what a careful user writes by hand.
    const rawEncrypt = () => {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', rawKey, iv);
      const ct = Buffer.concat([iv, c.update(value, 'utf8'), c.final(), c.getAuthTag()]);
      return ct.toString('base64');
    };
    const rawText = rawEncrypt();
    const rawDecrypt = () => {
      const ct = Buffer.from(rawText, 'base64');
      const d = createDecipheriv('aes-256-gcm', rawKey, ct.subarray(0, 12));
      d.setAuthTag(ct.subarray(ct.length - 16));
      const out = Buffer.concat([d.update(ct.subarray(12, ct.length - 16)), d.final()]);
      return out.toString('utf8');
    };
    const sealed = await sealer.encrypt(value, ctx);
    const det = await sealer.encryptDeterministic(value, ctx);
    const cloaked = encryptStringSync(value, cloakKey);
    const awsMessage = (await awsEncrypt(cmm, bytes, { encryptionContext: awsContext })).result;
    const nobleSiv = aessiv(siv, Buffer.from('User.email'));
    const nobleCt = nobleSiv.encrypt(bytes);
    if ((await sealer.decrypt(sealed, ctx)) !== value || decryptStringSync(cloaked, cloakKey) !== value || rawDecrypt() !== value) {
      throw new Error('round trip failed');
    }
    if (size === 16) {
      lengths['fieldseal randomized'] = sealed.length;
      lengths['fieldseal deterministic'] = det.length;
      lengths['fieldseal blindIndex (256 bits)'] = (await sealer.blindIndex(value, ctx)).length;
      lengths['raw AES-256-GCM (iv‖ct‖tag, base64)'] = rawText.length;
      lengths['@47ng/cloak'] = cloaked.length;
      lengths['AWS Encryption SDK (base64 message)'] = awsMessage.toString('base64').length;
    }
    const enc = `encrypt ${size} B`;
    const dec = `decrypt ${size} B`;
    cases.push(
      { group: enc, name: 'raw node:crypto AES-256-GCM + randomBytes(12)', fn: rawEncrypt, baseline: true },
      { group: enc, name: 'fieldseal randomized', fn: () => sealer.encrypt(value, ctx) },
      { group: enc, name: 'fieldseal deterministic (AES-SIV)', fn: () => sealer.encryptDeterministic(value, ctx) },
      { group: enc, name: '@noble/ciphers aessiv', fn: () => aessiv(siv, Buffer.from('User.email')).encrypt(bytes) },
      { group: enc, name: '@47ng/cloak encryptStringSync', fn: () => encryptStringSync(value, cloakKey) },
      { group: enc, name: 'AWS Encryption SDK (caching CMM)', fn: () => awsEncrypt(cmm, bytes, { encryptionContext: awsContext }) },
      { group: dec, name: 'raw node:crypto AES-256-GCM', fn: rawDecrypt, baseline: true },
      { group: dec, name: 'fieldseal randomized', fn: () => sealer.decrypt(sealed, ctx) },
      { group: dec, name: 'fieldseal deterministic (AES-SIV)', fn: () => sealer.decrypt(det, ctx) },
      { group: dec, name: '@noble/ciphers aessiv', fn: () => aessiv(siv, Buffer.from('User.email')).decrypt(nobleCt) },
      { group: dec, name: '@47ng/cloak decryptStringSync', fn: () => decryptStringSync(cloaked, cloakKey) },
      { group: dec, name: 'AWS Encryption SDK (caching CMM)', fn: () => awsDecrypt(cmm, awsMessage) },
      { group: `blind index ${size} B`, name: 'raw createHmac sha256', fn: () => createHmac('sha256', hmacKey).update(value).digest(), baseline: true },
      { group: `blind index ${size} B`, name: 'fieldseal blindIndex', fn: () => sealer.blindIndex(value, ctx) },
      { group: `blind index ${size} B`, name: 'fieldseal blindIndex (email normalizer)', fn: () => sealer.blindIndex(value, emailIndex) },
    );
    // Batches (a page of rows): 256 values of one field, each bound to its own row.
    const batchEnc = `encrypt ${size} B × ${BATCH}`;
    const batchDec = `decrypt ${size} B × ${BATCH}`;
    const rows = Array.from({ length: BATCH }, (_, i) => ({ value, ctx: { ...ctx, row: `row-${i}` } }));
    const rowTexts = await sealer.encryptMany(rows);
    const rawTexts = rows.map(() => rawEncrypt());
    const opened = rowTexts.map((text, i) => ({ text, ctx: rows[i]!.ctx }));
    cases.push(
      { group: batchEnc, name: `raw node:crypto AES-256-GCM + randomBytes(12), ${BATCH} calls`, fn: () => rows.map(() => rawEncrypt()), baseline: true },
      {
        group: batchEnc,
        name: `fieldseal encrypt, ${BATCH} calls`,
        fn: async () => {
          for (const r of rows) await sealer.encrypt(r.value, r.ctx);
        },
      },
      { group: batchEnc, name: 'fieldseal encryptMany', fn: () => sealer.encryptMany(rows) },
      {
        group: batchDec,
        name: `raw node:crypto AES-256-GCM, ${BATCH} calls`,
        fn: () => {
          for (const text of rawTexts) {
            const ct = Buffer.from(text, 'base64');
            const d = createDecipheriv('aes-256-gcm', rawKey, ct.subarray(0, 12));
            d.setAuthTag(ct.subarray(ct.length - 16));
            Buffer.concat([d.update(ct.subarray(12, ct.length - 16)), d.final()]).toString('utf8');
          }
        },
        baseline: true,
      },
      {
        group: batchDec,
        name: `fieldseal decrypt, ${BATCH} calls`,
        fn: async () => {
          for (const o of opened) await sealer.decrypt(o.text, o.ctx);
        },
      },
      { group: batchDec, name: 'fieldseal decryptMany', fn: () => sealer.decryptMany(opened) },
    );
  }
  const before = sealer.stats().provider;
  const rows = await runCases(cases);
  const after = sealer.stats();
  if (after.provider.unwrap !== before.unwrap || after.provider.wrap !== before.wrap) throw new Error('provider was called in steady state');
  lengths['provider calls during the whole run'] = after.provider.unwrap - before.unwrap + (after.provider.wrap - before.wrap);
  return { rows, lengths };
}

/** Values per batch in the batch rows (a page of rows). */
const BATCH = 256;

/** Prints the core benchmark. */
export async function printCoreBench(): Promise<void> {
  const { rows, lengths } = await runCoreBench();
  printRows('Core: encrypt / decrypt / blind index (ops/s, ratio to raw node:crypto)', rows);
  const siv = (group: string) => {
    const f = rows.find((r) => r.group === group && r.name === 'fieldseal deterministic (AES-SIV)')!;
    const n = rows.find((r) => r.group === group && r.name === '@noble/ciphers aessiv')!;
    return (f.opsPerSec / n.opsPerSec).toFixed(2);
  };
  console.log(`\nfieldseal AES-SIV vs @noble/ciphers aessiv, encrypt: 16 B ${siv('encrypt 16 B')}x, 256 B ${siv('encrypt 256 B')}x, 4096 B ${siv('encrypt 4096 B')}x`);
  console.log('\n| format | text length of a 16-byte value |\n|---|---:|');
  for (const [name, len] of Object.entries(lengths)) console.log(`| ${name} | ${len} |`);
}

if (import.meta.url === `file://${process.argv[1]}`) await printCoreBench();
