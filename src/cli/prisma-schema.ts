/**
 * A reader of Prisma schema files for the `fieldseal` command: the models (with their
 * `@@map`, `@@id`, `@@schema`), their fields (type, `@id`, `@map`, and the `///` comments
 * that carry fieldseal's annotations) and the datasource's provider, in the shape of the
 * generator's DMMF, so the command validates annotations with the generator's own code.
 *
 * Why not Prisma's own parser: Prisma 7 exposes none to applications at run time.
 * `getDMMF` lives in `@prisma/internals` (Prisma's internal package, with no stable API,
 * which applications do not install), and the `prisma` CLI bundles its schema engine as a
 * private WebAssembly file. This reader understands the parts of the language the jobs
 * need (blocks, field lines, `///` comments, the attributes above) and skips the rest;
 * it does not validate a schema (`prisma validate` does).
 *
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../errors.js';
import type { GeneratorDmmf } from '../adapters/prisma/generator/emit.js';
import type { DatamodelField, DatamodelModel } from '../adapters/prisma/datamodel.js';

/** A schema as read: the datasource's provider and the models, as in the generator's DMMF. */
export interface PrismaSchema {
  /** `postgresql`, `mysql`, `sqlite`, ... (undefined when no datasource names one). */
  readonly provider: string | undefined;
  readonly dmmf: GeneratorDmmf & { readonly datamodel: { readonly models: readonly SchemaModel[] } };
}

/** A model as read. */
export interface SchemaModel extends DatamodelModel {
  readonly fields: readonly (DatamodelField & { readonly documentation?: string; readonly isUnique?: boolean })[];
  /** `@@unique([...])` field lists (the generator checks `unique: true` annotations against them). */
  readonly uniqueFields?: readonly (readonly string[])[];
}

const SCALARS = new Set(['String', 'Boolean', 'Int', 'BigInt', 'Float', 'Decimal', 'DateTime', 'Json', 'Bytes']);

/**
 * Reads a schema file, or every `.prisma` file under a folder (a multi-file schema).
 * Throws ConfigurationError naming the file when it cannot be read.
 */
export function readPrismaSchema(path: string): PrismaSchema {
  let files: string[];
  try {
    files = statSync(path).isDirectory() ? prismaFilesUnder(path) : [path];
  } catch {
    throw new ConfigurationError(`prisma.schema: no Prisma schema at ${path}`);
  }
  if (files.length === 0) throw new ConfigurationError(`prisma.schema: no .prisma file under ${path}`);
  return parsePrismaSchema(files.map((file) => readFileSync(file, 'utf8')));
}

function prismaFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'migrations') out.push(...prismaFilesUnder(path));
    else if (entry.isFile() && entry.name.endsWith('.prisma')) out.push(path);
  }
  return out;
}

/** A block of the schema: `model X {`, `enum X {`, `datasource db {`, ... and its lines. */
interface Block {
  readonly keyword: string;
  readonly name: string;
  /** The lines between the braces, comments (but `///`) removed. */
  readonly lines: readonly string[];
}

/** Parses schema texts (the files of one schema). */
export function parsePrismaSchema(texts: readonly string[]): PrismaSchema {
  const blocks = texts.flatMap(blocksOf);
  const enums = new Set(blocks.filter((b) => b.keyword === 'enum').map((b) => b.name));
  const objects = new Set(blocks.filter((b) => b.keyword === 'model' || b.keyword === 'type' || b.keyword === 'view').map((b) => b.name));
  const datasource = blocks.find((b) => b.keyword === 'datasource');
  const provider = datasource?.lines.map((line) => /^provider\s*=\s*"([^"]*)"/.exec(line)?.[1]).find((p) => p !== undefined);
  const models = blocks.filter((b) => b.keyword === 'model').map((b) => modelOf(b, enums, objects));
  return { provider, dmmf: { datamodel: { models } } };
}

/** Splits a text into its top-level blocks. */
function blocksOf(text: string): Block[] {
  const blocks: Block[] = [];
  let open: { keyword: string; name: string; lines: string[] } | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = withoutComment(raw).trim();
    if (open === undefined) {
      const start = /^(model|enum|datasource|generator|type|view)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{\s*(\})?$/.exec(line);
      if (start !== null) {
        if (start[3] === undefined) open = { keyword: start[1] as string, name: start[2] as string, lines: [] };
        else blocks.push({ keyword: start[1] as string, name: start[2] as string, lines: [] });
      }
      continue;
    }
    if (line === '}') {
      blocks.push(open);
      open = undefined;
    } else if (line !== '') {
      open.lines.push(line);
    }
  }
  return blocks;
}

/** The line without a `//` comment (a `///` documentation comment is kept), strings respected. */
function withoutComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '/' && line[i + 1] === '/') {
      // `///` alone on its line is documentation; after a field it is a comment like any other.
      return line.slice(i, i + 3) === '///' && line.slice(0, i).trim() === '' ? line : line.slice(0, i);
    }
  }
  return line;
}

/** A string argument of an attribute: `@map("x")`, `@map(name: "x")`, `@@schema("x")`. */
function stringArgument(text: string, attribute: string): string | undefined {
  const at = new RegExp(`(?:^|\\s)${attribute.replace(/[@]/g, '\\@')}\\(\\s*(?:name\\s*:\\s*)?"((?:[^"\\\\]|\\\\.)*)"`).exec(text);
  return at === null ? undefined : (JSON.parse(`"${at[1] as string}"`) as string);
}

/** The text with string literals emptied, so attribute names inside them are not seen. */
function withoutStrings(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

function modelOf(block: Block, enums: ReadonlySet<string>, objects: ReadonlySet<string>): SchemaModel {
  const fields: (DatamodelField & { documentation?: string; isUnique?: boolean })[] = [];
  const uniqueFields: string[][] = [];
  let documentation: string[] = [];
  let dbName: string | undefined;
  let schema: string | undefined;
  let primaryKey: string[] | undefined;
  for (const line of block.lines) {
    if (line.startsWith('///')) {
      documentation.push(line.slice(3).trim());
      continue;
    }
    const bare = withoutStrings(line);
    if (line.startsWith('@@')) {
      if (/^@@map\(/.test(bare)) dbName = stringArgument(line, '@@map');
      else if (/^@@schema\(/.test(bare)) schema = stringArgument(line, '@@schema');
      else if (/^@@id\(/.test(bare)) primaryKey = fieldList(bare, '@@id');
      else if (/^@@unique\(/.test(bare)) uniqueFields.push(fieldList(bare, '@@unique'));
      documentation = [];
      continue;
    }
    const field = /^([A-Za-z_][A-Za-z0-9_]*)\s+(Unsupported\(\s*"(?:[^"\\]|\\.)*"\s*\)|[A-Za-z_][A-Za-z0-9_.]*)(\[\])?(\?)?(.*)$/.exec(line);
    if (field === null) {
      documentation = [];
      continue;
    }
    const [, name, type, list, , rest] = field as unknown as [string, string, string, string | undefined, string | undefined, string];
    // Prisma's DMMF leaves out fields of types it does not support.
    if (type.startsWith('Unsupported(')) {
      documentation = [];
      continue;
    }
    const attributes = withoutStrings(rest);
    const kind = SCALARS.has(type) ? 'scalar' : enums.has(type) ? 'enum' : objects.has(type) ? 'object' : 'scalar';
    const mapped = /(?:^|\s)@map\(/.test(attributes) ? stringArgument(rest, '@map') : undefined;
    fields.push({
      name,
      kind,
      type,
      isList: list !== undefined,
      ...(mapped !== undefined ? { dbName: mapped } : {}),
      ...(/(?:^|\s)@id(?![A-Za-z0-9_.])/.test(attributes) ? { isId: true } : {}),
      ...(/(?:^|\s)@unique(?![A-Za-z0-9_.])/.test(attributes) ? { isUnique: true } : {}),
      ...(kind === 'object' ? relationOf(rest, attributes, block.name, type) : {}),
      ...(documentation.length > 0 ? { documentation: documentation.join('\n') } : {}),
    });
    documentation = [];
  }
  return {
    name: block.name,
    fields,
    ...(dbName !== undefined ? { dbName } : {}),
    ...(schema !== undefined ? { schema } : {}),
    ...(primaryKey !== undefined ? { primaryKey: { fields: primaryKey } } : {}),
    ...(uniqueFields.length > 0 ? { uniqueFields } : {}),
  };
}

/** The field names of `@@id([a, b(sort: Desc)])` or `@@unique(fields: [a])`. */
function fieldList(bare: string, attribute: string): string[] {
  const list = new RegExp(`^${attribute}\\(\\s*(?:fields\\s*:\\s*)?\\[([^\\]]*)\\]`).exec(bare)?.[1] ?? '';
  return list
    .split(',')
    .map((name) => name.trim().replace(/\(.*$/, '').trim())
    .filter((name) => name !== '');
}

/**
 * A relation field's name and keys as Prisma's DMMF gives them: `@relation("Name")` (or
 * `name: "Name"`), else Prisma's default, the two model names in sorted order joined by
 * `To`; `fields: [...]` and `references: [...]` on the side that holds the foreign key.
 */
function relationOf(rest: string, bare: string, model: string, type: string): { relationName: string; relationFromFields?: string[]; relationToFields?: string[] } {
  const at = bare.search(/(?:^|\s)@relation\(/);
  const args = at < 0 ? '' : bare.slice(bare.indexOf('(', at) + 1);
  const named = at < 0 ? undefined : stringArgument(rest, '@relation');
  const relationName = named ?? [model, type].sort().join('To');
  const list = (key: string): string[] =>
    (new RegExp(`(?:^|[\\s,(])${key}\\s*:\\s*\\[([^\\]]*)\\]`).exec(args)?.[1] ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
  const from = list('fields');
  return from.length > 0 ? { relationName, relationFromFields: from, relationToFields: list('references') } : { relationName };
}
