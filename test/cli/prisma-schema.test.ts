/**
 * The `fieldseal` command's Prisma schema reader against Prisma itself: the schema is
 * given to `prisma generate` with the fieldseal generator, and what the reader makes of
 * the same text (models, table and column names, primary keys, annotations, provider)
 * must equal what the generator emitted from Prisma's DMMF.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fieldsFromDmmf } from '../../src/adapters/prisma/generator/emit.js';
import { parsePrismaSchema, readPrismaSchema } from '../../src/cli/prisma-schema.js';
import { ConfigurationError } from '../../src/errors.js';

const root = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'fieldseal-schema-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `prisma generate` with only the fieldseal generator on `schema` (a file or folder); returns the emitted fields and data model. */
function generated(schema: string, output: string): { fields: unknown; datamodel: { provider?: string; models: unknown[] } } {
  execFileSync(process.execPath, [join(root, 'node_modules/prisma/build/index.js'), 'generate', '--schema', schema], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: join(root, 'prisma/offline-schema-engine'),
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
      PRISMA_GENERATE_NO_HINTS: '1',
    },
  });
  return emittedBy(output);
}

/** The fields and data model of a generated module. */
function emittedBy(module: string): { fields: unknown; datamodel: { provider?: string; models: unknown[] } } {
  const text = readFileSync(module, 'utf8');
  const fields = /export const fields = ([\s\S]*?) as const satisfies FieldsConfig;/.exec(text)?.[1];
  const datamodel = /export const datamodel = (.*) as const satisfies DatamodelInput;/.exec(text)?.[1];
  return { fields: JSON.parse(fields ?? 'null') as unknown, datamodel: JSON.parse(datamodel ?? 'null') as { provider?: string; models: unknown[] } };
}

const generator = (output: string): string => `generator fieldseal {
  provider = "node --import tsx ${join(root, 'src/adapters/prisma/generator/bin.ts')}"
  output   = "${output}"
}
`;

/** The reader's result in the generator's emitted form. */
function asEmitted(texts: readonly string[]): { fields: unknown; datamodel: { provider?: string; models: unknown[] } } {
  const { provider, dmmf } = parsePrismaSchema(texts);
  return {
    fields: fieldsFromDmmf(dmmf),
    datamodel: {
      ...(provider !== undefined ? { provider } : {}),
      models: dmmf.datamodel.models.map((m) => ({
        name: m.name,
        ...(m.dbName ? { dbName: m.dbName } : {}),
        ...(m.schema ? { schema: m.schema } : {}),
        ...(m.primaryKey ? { primaryKey: m.primaryKey } : {}),
        fields: m.fields.map((f) => ({
          name: f.name,
          kind: f.kind,
          type: f.type,
          isList: f.isList === true,
          ...(f.dbName ? { dbName: f.dbName } : {}),
          ...(f.isId ? { isId: true } : {}),
          ...(f.kind === 'object' && f.relationName ? { relationName: f.relationName } : {}),
          ...(f.kind === 'object' && f.relationFromFields && f.relationFromFields.length > 0 ? { relationFromFields: [...f.relationFromFields], relationToFields: [...(f.relationToFields ?? [])] } : {}),
        })),
      })),
    },
  };
}

const TRICKY = `// A schema with what the reader must get right. "//" in a string is not a comment.
datasource db {
  provider = "postgresql" // a trailing comment
}

enum Role {
  ADMIN
  USER
}

/// An account; this line documents the model, not a field.
model Account {
  key       Int      @id @default(autoincrement()) @map("account_key")
  /// The address.
  /// @fieldseal.encrypt(row: key, migrating: true)
  email     String   @map(name: "e_mail") @db.Text
  /// @fieldseal.blindIndex(of: email, normalize: email, bits: 64, unique: true)
  emailIdx  String?  @unique @map("e_mail_idx")
  role      Role     @default(USER)
  url       String   @default("https://example.com/a//b") // /// not documentation
  // @fieldseal.encrypt (a plain comment: not an annotation)
  notes     String?
  /// @fieldseal.encrypt(mode: deterministic, type: Int, scope: vault, unique: true)
  pin       String?  @map("pin_code")
  tags      String[]
  geo       Unsupported("point")?
  posts     Post[]

  @@map("accounts")
  @@index([emailIdx])
  @@unique([pin])
}

model Post {
  accountKey Int
  slug       String
  account    Account @relation(fields: [accountKey], references: [key])
  /// @fieldseal.encrypt(type: Json)
  body       String?

  @@id([accountKey, slug])
  @@map(name: "posts")
}
`;

describe('the Prisma schema reader', () => {
  it('reads the repository test schemas as Prisma does (against the modules `node prisma/generate.mjs` emitted)', () => {
    for (const provider of ['sqlite', 'postgresql', 'mysql']) {
      const text = readFileSync(join(root, 'prisma/schema', provider, 'schema.prisma'), 'utf8');
      expect(asEmitted([text]), provider).toEqual(emittedBy(join(root, 'prisma/generated', provider, 'fieldseal.ts')));
    }
  });

  it('reads table and column names, compound keys, enums, lists, comments and documentation as Prisma does', () => {
    const file = join(work, 'tricky.prisma');
    const output = join(work, 'tricky.ts');
    writeFileSync(file, `${TRICKY}\n${generator(output)}`);
    const emitted = generated(file, output);
    expect(asEmitted([TRICKY])).toEqual(emitted);
    // Spot checks of what the comparison covers.
    expect(emitted.datamodel.provider).toBe('postgresql');
    expect(emitted.fields).toEqual({
      Account: {
        email: { mode: 'randomized', migrating: true, row: 'key' },
        emailIdx: { mode: 'blindIndex', of: 'email', normalize: 'email', bits: 64 },
        pin: { mode: 'deterministic', type: 'Int', scope: 'vault' },
      },
      Post: { body: { mode: 'randomized', type: 'Json' } },
    });
  }, 180_000);

  it('reads a multi-file schema folder as Prisma does', () => {
    const dir = join(work, 'multi');
    mkdirSync(join(dir, 'models'), { recursive: true });
    const output = join(work, 'multi.ts');
    const [head, models] = TRICKY.split('enum Role') as [string, string];
    writeFileSync(join(dir, 'schema.prisma'), `${head}\n${generator(output)}`);
    writeFileSync(join(dir, 'models', 'account.prisma'), `enum Role${models}`);
    expect(asEmitted([readFileSync(join(dir, 'schema.prisma'), 'utf8'), readFileSync(join(dir, 'models', 'account.prisma'), 'utf8')])).toEqual(generated(dir, output));
    expect(readPrismaSchema(dir).dmmf.datamodel.models.map((m) => m.name)).toEqual(['Account', 'Post']);
  }, 180_000);

  it('reads unique indexes, which unique: true annotations need', () => {
    const schema = (attribute: string, model = '') => `model M {\n  id Int @id\n  /// @fieldseal.encrypt(mode: deterministic, unique: true)\n  code String?${attribute}\n${model}}\n`;
    expect(fieldsFromDmmf(parsePrismaSchema([schema(' @unique')]).dmmf)).toEqual({ M: { code: { mode: 'deterministic' } } });
    expect(fieldsFromDmmf(parsePrismaSchema([schema('', '  @@unique(fields: [code], name: "m_code")\n')]).dmmf)).toEqual({ M: { code: { mode: 'deterministic' } } });
    expect(() => fieldsFromDmmf(parsePrismaSchema([schema('', '  @@unique([code, id])\n')]).dmmf)).toThrow(/M\.code: unique: true, but the column has no unique index/);
  });

  it('names the path it cannot read', () => {
    expect(() => readPrismaSchema(join(work, 'missing.prisma'))).toThrow(ConfigurationError);
    expect(() => readPrismaSchema(join(work, 'missing.prisma'))).toThrow(/no Prisma schema at .*missing\.prisma/);
    mkdirSync(join(work, 'empty'));
    expect(() => readPrismaSchema(join(work, 'empty'))).toThrow(/no \.prisma file under/);
  });
});
