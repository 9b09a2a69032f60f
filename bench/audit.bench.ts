/**
 * The cost of auditing: decrypt of 1,000 values with an audit sink against the same Sealer
 * without one (the baseline; target ≤ 1.1x the time). Two shapes: one `decryptMany` of
 * 1,000 values (one event), and 1,000 `decrypt` calls (1,000 events), each inside
 * `withAccess`, with a callback sink and with JSON lines into a stream that discards them.
 * Run: `npm run bench -- --only audit` (or `npx tsx bench/audit.bench.ts`).
 */
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createSealer, generateKek, localKeyProvider, memoryKeyStore, type Sealer } from '../src/index.js';
import { callbackAuditSink, jsonLinesAuditSink, withAccess, type AuditEvent, type AuditSink } from '../src/privacy/index.js';
import { printRows, runCases, type BenchCase, type BenchRow } from './harness.js';

const VALUES = 1000;
const ctx = { model: 'User', field: 'email' };
const access = { actor: 'agent-17', purpose: 'support-ticket' };

/** Runs the audit benchmark. */
export async function runAuditBench(): Promise<BenchRow[]> {
  const kek = generateKek();
  const store = memoryKeyStore();
  const make = (sink?: AuditSink): Promise<Sealer> => createSealer({ provider: localKeyProvider({ keys: { main: kek } }), store, ...(sink === undefined ? {} : { audit: { sink } }) });
  let last: AuditEvent | undefined;
  const off = await make();
  const callback = await make(callbackAuditSink((event) => void (last = event)));
  const discard = new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
  const jsonLines = await make(jsonLinesAuditSink(discard));

  const texts = await off.encryptMany(Array.from({ length: VALUES }, (_, i) => ({ value: `person${i}@example.com`, ctx })));
  const items = texts.map((text) => ({ text, ctx }));
  for (const sealer of [off, callback, jsonLines]) {
    if ((await sealer.decryptMany(items)).length !== VALUES) throw new Error('round trip failed');
  }

  const many = (sealer: Sealer) => () => withAccess(access, () => sealer.decryptMany(items));
  const oneByOne = (sealer: Sealer) => () =>
    withAccess(access, async () => {
      for (const text of texts) await sealer.decrypt(text, ctx);
    });
  const cases: BenchCase[] = [
    { group: `decryptMany of ${VALUES} (1 event)`, name: 'no audit', fn: many(off), baseline: true },
    { group: `decryptMany of ${VALUES} (1 event)`, name: 'callback sink', fn: many(callback) },
    { group: `decryptMany of ${VALUES} (1 event)`, name: 'JSON lines sink', fn: many(jsonLines) },
    { group: `${VALUES} × decrypt (${VALUES} events)`, name: 'no audit', fn: oneByOne(off), baseline: true },
    { group: `${VALUES} × decrypt (${VALUES} events)`, name: 'callback sink', fn: oneByOne(callback) },
    { group: `${VALUES} × decrypt (${VALUES} events)`, name: 'JSON lines sink', fn: oneByOne(jsonLines) },
  ];
  const rows = await runCases(cases);
  if (last === undefined || JSON.stringify(last).includes('@example.com')) throw new Error('the callback sink saw no event, or a value');
  return rows;
}

/** Prints the audit benchmark. */
export async function printAuditBench(): Promise<void> {
  printRows(`Audit: decrypt of ${VALUES} values with an audit sink vs without (target ≥ 0.91x ops/s, i.e. ≤ 1.1x the time)`, await runAuditBench());
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await printAuditBench();
}
