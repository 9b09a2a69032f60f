/**
 * `npm run bench`: every benchmark, side by side in one process each, printing Markdown
 * tables with ratios. Pass `--quick` for a short run, `--only core|tokenize|prisma|typeorm|keys|rotation|audit|policy|subjects` for
 * one part. Record results in bench/RESULTS.md.
 */
import { cpus, totalmem } from 'node:os';
import { printAuditBench } from './audit.bench.js';
import { printCoreBench } from './core.bench.js';
import { printKeysBench } from './keys.bench.js';
import { printPolicyBench } from './policy.bench.js';
import { printRotationBench } from './rotation.bench.js';
import { printSubjectsBench } from './subjects.bench.js';
import { formatPrismaBench, runPrismaBench } from './prisma.bench.js';
import { printTokenizeBench } from './tokenize.bench.js';
import { formatTypeormBench, runTypeormBench } from './typeorm.bench.js';

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const want = (part: string) => only === undefined || only === part;

console.log(`# fieldseal benchmarks — ${new Date().toISOString()}`);
console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`);
if (want('core')) await printCoreBench();
if (want('tokenize')) await printTokenizeBench();
if (want('keys')) await printKeysBench();
if (want('rotation')) await printRotationBench();
if (want('audit')) await printAuditBench();
if (want('policy')) await printPolicyBench();
if (want('subjects')) await printSubjectsBench();
if (want('prisma')) {
  console.log('\n### Prisma adapter: plain Prisma vs fieldseal (same database, same process)\n');
  console.log(formatPrismaBench(await runPrismaBench()));
}
if (want('typeorm')) {
  console.log('\n### TypeORM adapter: plain TypeORM vs fieldseal vs typeorm-encrypted (same database, same process)\n');
  console.log(formatTypeormBench(await runTypeormBench()));
}
