/**
 * prisma-field-encryption's annotation and key scenarios (src/dmmf.test.ts,
 * src/encryption.test.ts and their README's "Hashing options" and "Key management", of
 * github.com/47ng/prisma-field-encryption, MIT licence), rewritten for fieldseal on the
 * ported PfeUser model. Scenarios:
 *
 * 28. strict mode (`@encrypted?mode=strict`): clear text in the column fails the read
 *     (fieldseal's default)
 * 29. readonly mode (`@encrypted?mode=readonly`, to take encryption off a field): the
 *     `decrypt` job writes the values back as clear text
 * 30. hashing options (algorithm, encodings, salt): the hash is a keyed HMAC, so it is
 *     neither a plain digest of the value nor the same under another key
 * 31. parsing annotations: `@encrypted` alone, unknown modes and junk, a hash without its
 *     source field, a unique index on the encrypted column
 * 32. configuring the key: none given, from the environment, malformed
 * 33. key rotation: a new current key, the old one kept for decryption until the data is
 *     re-encrypted, then destroyed
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, createSealer, generateKek, localKeyProvider, localKeyProviderFromEnv, memoryKeyStore, PlaintextRejectedError, ProviderError } from '../../../src/index.js';
import { AnnotationError, checkUniqueIndex, parseFieldAnnotation } from '../../../src/adapters/prisma/generator/annotations.js';
import { DECRYPT_CONFIRMATION, runDecrypt, runReencrypt, runStatus } from '../../../src/rotation/index.js';
import { testFields, type Harness } from '../support/harness.js';
import { columnOf } from './migrations.js';
import { BLIND_INDEX, SEALED, modelSource, pfeClient, sealerWith, storedRow } from './support.js';

export function keyAndAnnotationScenarios(h: Harness): void {
  const q = (name: string) => h.db.quote(name);

  describe('prisma-field-encryption annotation and key scenarios', () => {
    it('28. strict mode: clear text in a protected column fails the read with PlaintextRejectedError', async () => {
      const prisma = pfeClient(h);
      await prisma.pfeUser.create({ data: { email: 'sealed@example.com', name: 'Sealed' } });
      await h.db.query(`INSERT INTO ${q('PfeUser')} (${q('email')}, ${q('name')}) VALUES (${h.db.param(1)}, ${h.db.param(2)})`, ['clear@example.com', 'Clear Text']);
      await expect(prisma.pfeUser.findUnique({ where: { email: 'clear@example.com' } })).rejects.toBeInstanceOf(PlaintextRejectedError);
      await expect(prisma.pfeUser.findMany()).rejects.toMatchObject({ code: 'PLAINTEXT_REJECTED' });
      // Reads that do not select the field are answered.
      expect(await prisma.pfeUser.findMany({ select: { email: true }, orderBy: { email: 'asc' } })).toEqual([{ email: 'clear@example.com' }, { email: 'sealed@example.com' }]);
      expect((await prisma.pfeUser.findUnique({ where: { email: 'sealed@example.com' } }))?.name).toBe('Sealed');
    });

    it('29. readonly mode, to take encryption off a field: the decrypt job writes the clear text back', async () => {
      const prisma = pfeClient(h);
      await prisma.pfeUser.create({ data: { email: 'bond@mi6.gov.uk', name: 'James Bond', posts: { create: { title: 'Report', content: 'All clear' } } } });
      const users = modelSource(h, 'PfeUser');
      const report = await runDecrypt({ sealer: h.sealer, ...users, confirm: DECRYPT_CONFIRMATION });
      expect(columnOf(report, 'name').changed).toBe(1);
      expect(report.notes).toEqual([expect.stringContaining('nameHash')]);
      expect((await storedRow(h, 'PfeUser', 'email', 'bond@mi6.gov.uk')).name).toBe('James Bond');
      // With PfeUser's annotations removed, the application reads the clear text; posts stay sealed.
      const unprotected = pfeClient(h, h.sealer, Object.fromEntries(Object.entries(testFields(h.sealer)).filter(([model]) => model !== 'PfeUser')));
      const user = await unprotected.pfeUser.findUniqueOrThrow({ where: { email: 'bond@mi6.gov.uk' }, include: { posts: true } });
      expect([user.name, user.posts[0]?.content]).toEqual(['James Bond', 'All clear']);
      expect((await h.rows('PfePost'))[0]?.content).toMatch(SEALED);
    });

    it('30. hashing options: the hash is keyed (no plain digest of the value, another key gives another hash)', async () => {
      await pfeClient(h).pfeUser.create({ data: { email: 'bond@mi6.gov.uk', name: 'James Bond' } });
      const stored = String((await storedRow(h, 'PfeUser', 'email', 'bond@mi6.gov.uk')).nameHash);
      expect(stored).toMatch(BLIND_INDEX);
      for (const input of ['James Bond', 'james bond']) {
        for (const algorithm of ['sha256', 'sha512']) {
          for (const encoding of ['hex', 'base64', 'base64url'] as const) expect(stored).not.toBe(createHash(algorithm).update(input).digest(encoding));
        }
      }
      const other = pfeClient(h, await sealerWith({}));
      await other.pfeUser.create({ data: { email: 'double@spectre.org', name: 'James Bond' } });
      expect((await storedRow(h, 'PfeUser', 'email', 'double@spectre.org')).nameHash).not.toBe(stored);
      // Each key finds its own row only.
      expect((await other.pfeUser.findMany({ where: { name: 'James Bond' }, select: { email: true } })).map((u) => u.email)).toEqual(['double@spectre.org']);
      expect((await pfeClient(h).pfeUser.findUnique({ where: { name: 'james bond' }, select: { email: true } }))?.email).toBe('bond@mi6.gov.uk');
    });

    it('31. parsing annotations: encrypt alone, a hash with options; unknown modes, junk, a hash without its field and a unique encrypted column refused', () => {
      expect(parseFieldAnnotation('PfeUser', 'name', '@fieldseal.encrypt')).toEqual({ mode: 'randomized' });
      expect(parseFieldAnnotation('PfeUser', 'name', 'The name, sealed')).toBeUndefined();
      expect(parseFieldAnnotation('PfeUser', 'nameHash', '@fieldseal.blindIndex(of: name, normalize: fold, bits: 128)')).toEqual({ mode: 'blindIndex', of: 'name', normalize: 'fold', bits: 128 });
      const refused: Array<[string, RegExp]> = [
        ['@fieldseal.encrypt(mode: strict)', /PfeUser\.name: mode must be randomized or deterministic, not 'strict'/],
        ['@fieldseal.encrypt(mode: readonly)', /not 'readonly'/],
        ['@fieldseal.encrypt(with: junk)', /unknown argument 'with'/],
        ['@fieldseal.blindIndex', /needs of: <field>/],
        ['@fieldseal.blindIndex(of: name, normalize: diacritics)', /normalize must be one of/],
      ];
      for (const [annotation, message] of refused) {
        expect(() => parseFieldAnnotation('PfeUser', 'name', annotation)).toThrow(AnnotationError);
        expect(() => parseFieldAnnotation('PfeUser', 'name', annotation)).toThrow(message);
      }
      // Their schema's `name String? @unique /// @encrypted`: the unique index belongs on the hash.
      expect(() => checkUniqueIndex('PfeUser', 'name', '@fieldseal.encrypt', true)).toThrow(/PfeUser\.name: has a unique index, but randomized ciphertexts are all distinct/);
      expect(() => checkUniqueIndex('PfeUser', 'nameHash', '@fieldseal.blindIndex(of: name, unique: true)', true)).not.toThrow();
    });

    it('32. configuring the key: none given or malformed is a ConfigurationError; one from the environment seals and opens', async () => {
      expect(() => localKeyProviderFromEnv({})).toThrow(ConfigurationError);
      expect(() => localKeyProviderFromEnv({})).toThrow(/FIELDSEAL_KEK is not set/);
      expect(() => localKeyProvider({ keys: { main: 'k1.aesgcm256.DbQoar8ZLuUsOHZNyrnjlskInHDYlzF3q6y1KGM7DUM=' } })).toThrow(ConfigurationError);
      const store = memoryKeyStore();
      const env = { FIELDSEAL_KEK: generateKek() };
      const prisma = pfeClient(h, await createSealer({ provider: localKeyProviderFromEnv(env), store }));
      await prisma.pfeUser.create({ data: { email: 'bond@mi6.gov.uk', name: 'James Bond' } });
      // Another process with the same key and key store reads it.
      const again = pfeClient(h, await createSealer({ provider: localKeyProviderFromEnv(env), store }));
      expect((await again.pfeUser.findUnique({ where: { name: 'James Bond' } }))?.email).toBe('bond@mi6.gov.uk');
      // A different key cannot open the key store's keys.
      await expect(createSealer({ provider: localKeyProvider({ keys: { main: generateKek() } }), store })).rejects.toBeInstanceOf(ProviderError);
      await expect(createSealer({ provider: localKeyProvider({ keys: { main: generateKek() } }), store })).rejects.toMatchObject({ code: 'PROVIDER_FAILED', message: expect.stringContaining('wrong KEK') });
    });

    it('33. key rotation: old values open under the decrypt-only key, new ones use the new key; reencrypt, then destroy the old key', async () => {
      const sealer = await sealerWith({});
      const prisma = pfeClient(h, sealer);
      await prisma.pfeUser.create({ data: { email: 'before@mi6.gov.uk', name: 'Before Rotation', posts: { create: { title: 'Old', content: 'Old content' } } } });
      const users = modelSource(h, 'PfeUser', testFields(sealer));
      const [oldKey] = columnOf(await runStatus({ sealer, ...users }), 'name').keys.map((k) => k.keyId);
      await sealer.rotateDataKey();
      await prisma.pfeUser.create({ data: { email: 'after@mi6.gov.uk', name: 'After Rotation' } });
      const status = columnOf(await runStatus({ sealer, ...users }), 'name');
      expect([status.sealed, status.notCurrent, status.keys.length]).toEqual([2, 1, 2]);
      expect((await prisma.pfeUser.findUnique({ where: { name: 'before rotation' } }))?.email).toBe('before@mi6.gov.uk');

      expect(columnOf(await runReencrypt({ sealer, ...users }), 'name').changed).toBe(1);
      expect(columnOf(await runReencrypt({ sealer, ...modelSource(h, 'PfePost', testFields(sealer)) }), 'content').changed).toBe(1);
      expect(columnOf(await runStatus({ sealer, ...users }), 'name').keys.map((k) => k.keyId)).not.toContain(oldKey);
      await sealer.destroyDataKey(oldKey ?? expect.fail('no key id'));
      expect((await prisma.pfeUser.findMany({ orderBy: { id: 'asc' }, include: { posts: true } })).map((u) => [u.name, u.posts.map((p) => p.content)])).toEqual([
        ['Before Rotation', ['Old content']],
        ['After Rotation', []],
      ]);
    });
  });
}
