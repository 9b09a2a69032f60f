#!/usr/bin/env node
// Generates the Prisma clients used by fieldseal's Prisma tests, benchmark and example,
// offline. Prisma's CLI wants to download its schema-engine binary before any command; it
// is never used by `generate`, so a stub is named instead. Each client is regenerated only
// when its schema or the installed Prisma version changed (a stamp file records both), so
// running this before every test run costs a few milliseconds.
//
// Usage: node prisma/generate.mjs [--force] [schema-dir ...]
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const args = process.argv.slice(2);
const force = args.includes('--force');
const named = args.filter((a) => !a.startsWith('--'));

const schemas = named.length > 0
  ? named.map((p) => resolve(p))
  : [
      ...readdirSync(join(here, 'schema')).map((d) => join(here, 'schema', d)),
      join(root, 'examples', 'prisma', 'schema.prisma'),
    ].filter((p) => existsSync(p));

const prismaVersion = JSON.parse(readFileSync(join(root, 'node_modules/prisma/package.json'), 'utf8')).version;
// The fieldseal generator's own sources change its output too.
const generatorDir = join(root, 'src/adapters/prisma/generator');
const generatorSources = existsSync(generatorDir)
  ? readdirSync(generatorDir).sort().map((f) => readFileSync(join(generatorDir, f), 'utf8')).join('\0')
  : '';

for (const schemaPath of schemas) {
  const file = schemaPath.endsWith('.prisma') ? schemaPath : join(schemaPath, 'schema.prisma');
  const text = readFileSync(file, 'utf8');
  const output = /output\s*=\s*"([^"]+)"/.exec(text)?.[1];
  if (!output) throw new Error(`${relative(root, file)}: the client generator has no output`);
  const outDir = resolve(dirname(file), output);
  const stampPath = join(outDir, '.fieldseal-stamp');
  const stamp = createHash('sha256').update(prismaVersion).update('\0').update(text).update('\0').update(generatorSources).digest('hex');
  if (!force && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp) continue;
  execFileSync(process.execPath, [join(root, 'node_modules/prisma/build/index.js'), 'generate', '--schema', file], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: join(here, 'offline-schema-engine'),
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
      PRISMA_GENERATE_NO_HINTS: '1',
    },
  });
  writeFileSync(stampPath, stamp);
}
