#!/usr/bin/env node
/**
 * The `fieldseal` Prisma generator process. Prisma runs it for
 *
 * ```prisma
 * generator fieldseal {
 *   provider = "fieldseal-prisma"           // the package's bin
 *   output   = "../src/generated/fieldseal.ts"
 *   importFrom = "fieldseal/prisma"          // optional
 * }
 * ```
 *
 * and talks to it with JSON-RPC: requests arrive as JSON lines on stdin, responses go
 * out as JSON lines on stderr (Prisma's public generator protocol). An invalid annotation
 * fails `prisma generate` with a message naming the model and field. Run by hand
 * (`--help`, a terminal, other input) it prints its usage and exits (see cli.ts).
 *
 * @module
 */
import { runGenerator } from './cli.js';

void runGenerator({
  argv: process.argv.slice(2),
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  invokedByPrisma: process.env.PRISMA_GENERATOR_INVOCATION === 'true',
}).then((status) => {
  // Exit at once: a stdin that is still open (a terminal, a silent pipe) would keep the process alive.
  process.exit(status);
});
