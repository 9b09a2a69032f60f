/** The fieldseal generator: annotation parsing, validation, and a real `prisma generate` run. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFieldAnnotation } from '../../src/adapters/prisma/generator/annotations.js';
import { fieldsFromDmmf } from '../../src/adapters/prisma/generator/emit.js';

const root = resolve(import.meta.dirname, '..', '..');

describe('annotations', () => {
  it('parses every annotation form', () => {
    expect(parseFieldAnnotation('U', 'f', '@fieldseal.encrypt')).toEqual({ mode: 'randomized' });
    expect(parseFieldAnnotation('U', 'f', 'Some doc.\n@fieldseal.encrypt(mode: deterministic, type: Int)')).toEqual({ mode: 'deterministic', type: 'Int' });
    expect(parseFieldAnnotation('U', 'f', '@fieldseal.encrypt(row: id, migrating: true)')).toEqual({ mode: 'randomized', row: 'id', migrating: true });
    expect(parseFieldAnnotation('U', 'f', '@fieldseal.blindIndex(of: email, normalize: email, bits: 64)')).toEqual({ mode: 'blindIndex', of: 'email', normalize: 'email', bits: 64 });
    expect(parseFieldAnnotation('U', 'f', '@fieldseal.fpe(preset: card, keepLast: 4)')).toEqual({ mode: 'fpe', preset: 'card', options: { keepLast: 4 } });
    expect(parseFieldAnnotation('U', 'f', '@fieldseal.fpe(preset: card, keepFirst: 6, keepLast: 4, luhn: valid, scope: vault)')).toEqual({
      mode: 'fpe',
      preset: 'card',
      options: { keepFirst: 6, keepLast: 4, luhn: 'valid' },
      scope: 'vault',
    });
    expect(parseFieldAnnotation('U', 'f', '@fieldseal.fpe(preset: alphanumeric, letterCase: lower)')).toEqual({ mode: 'fpe', preset: 'alphanumeric', options: { letterCase: 'lower' } });
    expect(parseFieldAnnotation('U', 'f', 'no annotation here')).toBeUndefined();
  });

  it.each([
    ['@fieldseal.encrypt(mode: fancy)', /mode must be/],
    ['@fieldseal.encrypt(type: Text)', /type must be one of/],
    ['@fieldseal.encrypt(colour: red)', /unknown argument 'colour'/],
    ['@fieldseal.hash', /unknown annotation/],
    ['@fieldseal.blindIndex(normalize: email)', /needs of:/],
    ['@fieldseal.blindIndex(of: email, normalize: soundex)', /normalize must be/],
    ['@fieldseal.fpe', /needs preset/],
    ['@fieldseal.encrypt(mode: deterministic, row: id)', /randomized fields only/],
    ['@fieldseal.encrypt\n@fieldseal.encrypt', /more than one/],
    ['@fieldseal.encrypt(mode deterministic)', /cannot parse/],
    ['@fieldseal.fpe(preset: card, radix: 10)', /unknown argument 'radix'/],
  ])('rejects %s naming model and field', (doc, message) => {
    expect(() => parseFieldAnnotation('User', 'email', doc)).toThrow(message);
    expect(() => parseFieldAnnotation('User', 'email', doc)).toThrow(/User\.email/);
  });

  it('validates annotations against the data model', () => {
    const model = (doc: string, type = 'String') => ({
      datamodel: { models: [{ name: 'User', fields: [{ name: 'id', kind: 'scalar', type: 'String' }, { name: 'age', kind: 'scalar', type, documentation: doc }] }] },
    });
    expect(() => fieldsFromDmmf(model('@fieldseal.encrypt', 'Int'))).toThrow(/User\.age: is a Int column/);
    expect(() => fieldsFromDmmf(model('@fieldseal.blindIndex(of: nope)'))).toThrow(/User\.age: blind index source 'nope'/);
    expect(() => fieldsFromDmmf(model('@fieldseal.encrypt(row: missing)'))).toThrow(/User\.age: row column 'missing'/);
    expect(fieldsFromDmmf(model('@fieldseal.encrypt(type: Int)'))).toEqual({ User: { age: { mode: 'randomized', type: 'Int' } } });
    // FPE options are checked against their preset when prisma generate runs.
    expect(() => fieldsFromDmmf(model('@fieldseal.fpe(preset: phone, luhn: valid)'))).toThrow(/User\.age: fpe option 'luhn' does not apply to preset phone/);
    expect(() => fieldsFromDmmf(model('@fieldseal.fpe(preset: card, keepLast: four)'))).toThrow(/User\.age: fpe option keepLast must be a non-negative integer/);
  });
});

describe('prisma generate with the fieldseal generator', () => {
  const generate = (body: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'fieldseal-gen-'));
    const schema = join(dir, 'schema.prisma');
    writeFileSync(
      schema,
      `datasource db {\n  provider = "sqlite"\n}\n\ngenerator fieldseal {\n  provider = "node --import tsx ${join(root, 'src/adapters/prisma/generator/bin.ts')}"\n  output   = "./out/fieldseal.ts"\n}\n\n${body}\n`,
    );
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/prisma/build/index.js'), 'generate', '--schema', schema], {
        cwd: root,
        stdio: 'pipe',
        env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: join(root, 'prisma/offline-schema-engine'), CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      });
      return { ok: true as const, text: readFileSync(join(dir, 'out/fieldseal.ts'), 'utf8') };
    } catch (error) {
      const e = error as { stderr?: Buffer; stdout?: Buffer };
      return { ok: false as const, text: `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}` };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('emits a typed config module', () => {
    const out = generate('model User {\n  id String @id\n  /// @fieldseal.encrypt(row: id)\n  email String\n  /// @fieldseal.blindIndex(of: email, normalize: email)\n  emailIndex String? @unique\n}');
    expect(out.ok, out.text).toBe(true);
    expect(out.text).toContain('"emailIndex"');
    expect(out.text).toContain('satisfies FieldsConfig');
    expect(out.text).toContain("from \"fieldseal/prisma\"");
  });

  it('fails prisma generate on an invalid annotation, naming model and field', () => {
    const out = generate('model Customer {\n  id String @id\n  /// @fieldseal.encrypt(mode: sometimes)\n  phone String\n}');
    expect(out.ok).toBe(false);
    expect(out.text).toContain('Customer.phone');
    expect(out.text).toContain('mode must be randomized or deterministic');
  });
});
