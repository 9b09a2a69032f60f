/**
 * Reading values owned by many data subjects (each subject's values under its own data
 * keys, so that erasure is a key deletion) against the same values under one scope:
 * `decryptMany` of 1,000 values owned by 1,000 different subjects, warm (every key in the
 * cache) and cold (a new Sealer: every subject's key read from the SQLite key store and
 * unwrapped under the root key), beside 1,000 values of one scope. Target: warm ≤ 1.5x the
 * one-scope time, and no KMS call per subject (the KEK provider's calls are counted and
 * printed). Run: `npm run bench -- --only subjects`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSealer, generateKek, localKeyProvider, sqliteKeyStore, type KeyProvider, type Sealer } from '../src/index.js';
import { printRows, runCases, type BenchCase, type BenchRow } from './harness.js';

const VALUES = 1000;

/** A KEK provider that counts the calls made to it. */
function counting(provider: KeyProvider): { provider: KeyProvider; calls: () => number } {
  let calls = 0;
  const counted: KeyProvider = {
    ...provider,
    name: provider.name,
    wrap: (...args: Parameters<KeyProvider['wrap']>) => {
      calls++;
      return provider.wrap(...args);
    },
    unwrap: (...args: Parameters<KeyProvider['unwrap']>) => {
      calls++;
      return provider.unwrap(...args);
    },
  };
  return { provider: counted, calls: () => calls };
}

/** Runs the subjects benchmark; returns the rows and the KMS calls per cold read. */
export async function runSubjectsBench(): Promise<{ rows: BenchRow[]; coldKmsCalls: number; coldStoreKeys: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'fieldseal-bench-subjects-'));
  const db = new Database(join(dir, 'keys.db'));
  db.pragma('journal_mode = WAL');
  try {
    const kek = generateKek();
    const kms = counting(localKeyProvider({ keys: { main: kek } }));
    const store = sqliteKeyStore({ database: db });
    // The cache holds the working set: 1,000 subject keys besides the root and the scope's keys.
    const make = (): Promise<Sealer> => createSealer({ provider: kms.provider, store, cache: { maxEntries: 2 * VALUES } });
    const writer = await make();
    const perSubject = Array.from({ length: VALUES }, (_, i) => ({ value: `person${i}@example.com`, ctx: { model: 'Customer', field: 'email', subject: `customer-${i}` } }));
    const oneScope = perSubject.map(({ value }) => ({ value, ctx: { model: 'Customer', field: 'email' } }));
    const subjectItems = (await writer.encryptMany(perSubject)).map((text, i) => ({ text, ctx: perSubject[i]!.ctx }));
    const scopeItems = (await writer.encryptMany(oneScope)).map((text, i) => ({ text, ctx: oneScope[i]!.ctx }));

    const warm = await make();
    await warm.decryptMany(subjectItems);
    await warm.decryptMany(scopeItems);
    // Cold: a new Sealer per round; its start (the root key's one unwrap) is counted apart.
    let coldKmsCalls = 0;
    const cold = async (items: readonly { readonly text: string; readonly ctx: { readonly model: string; readonly field: string; readonly subject?: string } }[]) => {
      const fresh = await make();
      const before = kms.calls();
      const out = await fresh.decryptMany(items);
      coldKmsCalls = kms.calls() - before;
      return out;
    };
    const group = `decryptMany of ${VALUES} values`;
    const cases: BenchCase[] = [
      { group: `${group}, warm`, name: 'one scope', fn: () => warm.decryptMany(scopeItems), baseline: true },
      { group: `${group}, warm`, name: `${VALUES} subjects (a data key each)`, fn: () => warm.decryptMany(subjectItems) },
      { group: `${group}, cold (new Sealer, keys from the store)`, name: 'one scope', fn: () => cold(scopeItems), baseline: true },
      { group: `${group}, cold (new Sealer, keys from the store)`, name: `${VALUES} subjects (a data key each)`, fn: () => cold(subjectItems) },
    ];
    const rows = await runCases(cases);
    await cold(subjectItems);
    const coldStoreKeys = (db.prepare("SELECT count(*) AS n FROM fieldseal_keys WHERE purpose = 'data'").get() as { n: number }).n;
    return { rows, coldKmsCalls, coldStoreKeys };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints the subjects benchmark. */
export async function printSubjectsBench(): Promise<void> {
  const { rows, coldKmsCalls, coldStoreKeys } = await runSubjectsBench();
  printRows(`Data subjects: ${VALUES} values owned by ${VALUES} subjects vs one scope (target: warm ≥ 0.67x ops/s, i.e. ≤ 1.5x the time)`, rows);
  console.log(`KMS calls during a cold decryptMany of ${VALUES} subjects' values: ${coldKmsCalls} (${coldStoreKeys} data keys in the store; subject keys are unwrapped under the root key, locally)`);
}
