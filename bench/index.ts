/**
 * `npm run bench`: every benchmark, side by side in one process each, printing Markdown
 * tables with ratios. Pass `--quick` for a short run. Record results in bench/RESULTS.md.
 */
import { cpus, totalmem } from 'node:os';
import { printCoreBench } from './core.bench.js';

console.log(`# fieldseal benchmarks — ${new Date().toISOString()}`);
console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`);
await printCoreBench();
