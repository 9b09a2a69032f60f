/**
 * The cost of an access policy: decrypt of 1,000 values under a policy that lets the
 * purpose see the field, against the same reads without a policy (the baseline; target
 * ≤ 1.1x the time), and, for reference, under a policy that masks the field for the
 * purpose (the values are opened, then masked). Two shapes: one `decryptMany` of 1,000
 * values, and 1,000 `decrypt` calls, each inside `withAccess`, without an audit sink.
 * Run: `npm run bench -- --only policy` (or `npx tsx bench/policy.bench.ts`).
 */
import { pathToFileURL } from 'node:url';
import { createSealer, generateKek, localKeyProvider, memoryKeyStore, type Sealer } from '../src/index.js';
import { withAccess, type AccessPolicy } from '../src/privacy/index.js';
import { printRows, runCases, type BenchCase, type BenchRow } from './harness.js';

const VALUES = 1000;
const ctx = { model: 'User', field: 'email' };
const access = { actor: 'agent-17', purpose: 'support' };
const purposes = ['support', 'billing', 'kyc', 'analytics'];

/** Runs the policy benchmark. */
export async function runPolicyBench(): Promise<BenchRow[]> {
  const kek = generateKek();
  const store = memoryKeyStore();
  const make = (policy?: AccessPolicy): Promise<Sealer> => createSealer({ provider: localKeyProvider({ keys: { main: kek } }), store, ...(policy === undefined ? {} : { policy }) });
  const writer = await make();
  // The baseline is a Sealer that did not seal the values either: only the policy differs.
  const off = await make();
  const allowing = await make({ purposes, fields: { 'User.email': { purposes: ['support', 'billing'], otherwise: { mask: 'email' } }, 'User.ssn': { purposes: ['kyc'] } } });
  const masking = await make({ purposes, fields: { 'User.email': { purposes: ['billing'], otherwise: { mask: 'email' } } } });

  const texts = await writer.encryptMany(Array.from({ length: VALUES }, (_, i) => ({ value: `person${i}@example.com`, ctx })));
  const items = texts.map((text) => ({ text, ctx }));
  const check = async (sealer: Sealer, first: string) => {
    const values = await withAccess(access, () => sealer.decryptMany(items));
    if (values.length !== VALUES || values[0] !== first) throw new Error('round trip failed');
  };
  await check(off, 'person0@example.com');
  await check(allowing, 'person0@example.com');
  await check(masking, 'p***@example.com');

  const many = (sealer: Sealer) => () => withAccess(access, () => sealer.decryptMany(items));
  const oneByOne = (sealer: Sealer) => () =>
    withAccess(access, async () => {
      for (const text of texts) await sealer.decrypt(text, ctx);
    });
  const cases: BenchCase[] = [
    { group: `decryptMany of ${VALUES}`, name: 'no policy', fn: many(off), baseline: true },
    { group: `decryptMany of ${VALUES}`, name: 'policy, purpose allowed', fn: many(allowing) },
    { group: `${VALUES} × decrypt`, name: 'no policy', fn: oneByOne(off), baseline: true },
    { group: `${VALUES} × decrypt`, name: 'policy, purpose allowed', fn: oneByOne(allowing) },
  ];
  // Masking allocates (grapheme segmentation per value): measured in rounds of its own, so
  // that its garbage is not collected during the rounds of the cases compared above.
  const masked: BenchCase[] = [
    { group: `decryptMany of ${VALUES}, masked`, name: 'no policy', fn: many(off), baseline: true },
    { group: `decryptMany of ${VALUES}, masked`, name: 'policy, masked (email)', fn: many(masking) },
  ];
  return [...(await runCases(cases)), ...(await runCases(masked))];
}

/** Prints the policy benchmark. */
export async function printPolicyBench(): Promise<void> {
  printRows(`Access policy: decrypt of ${VALUES} values under a policy allowing the purpose vs no policy (target ≥ 0.91x ops/s, i.e. ≤ 1.1x the time)`, await runPolicyBench());
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await printPolicyBench();
}
