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
 * fails `prisma generate` with a message naming the model and field.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { emitConfigModule, type GeneratorDmmf } from './emit.js';

interface Request {
  readonly id: number;
  readonly method: string;
  readonly params: {
    readonly generator?: { readonly output?: { readonly value?: string | null } | null; readonly config?: Record<string, unknown> };
    readonly dmmf?: GeneratorDmmf;
  };
}

function respond(message: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
}

function handle(request: Request): void {
  switch (request.method) {
    case 'getManifest':
      respond({ id: request.id, result: { manifest: { prettyName: 'fieldseal config', defaultOutput: './generated/fieldseal.ts' } } });
      return;
    case 'generate': {
      const output = request.params.generator?.output?.value;
      if (!output) throw new Error('fieldseal: the generator needs an output path');
      const file = output.endsWith('.ts') ? output : join(output, 'fieldseal.ts');
      const importFrom = request.params.generator?.config?.importFrom;
      const text = emitConfigModule(request.params.dmmf!, typeof importFrom === 'string' ? importFrom : undefined);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      respond({ id: request.id, result: null });
      return;
    }
    default:
      respond({ id: request.id, error: { code: -32601, message: `Method not found: ${request.method}` } });
  }
}

createInterface({ input: process.stdin, crlfDelay: Infinity }).on('line', (line) => {
  if (line.trim() === '') return;
  const request = JSON.parse(line) as Request;
  try {
    handle(request);
  } catch (error) {
    const err = error as Error;
    respond({ id: request.id, error: { code: -32000, message: err.message, data: { stack: err.stack } } });
  }
});
