import fc from 'fast-check';
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import {
  DecryptionError,
  FieldsealError,
  FormatError,
  InvalidInputError,
  KeyDestroyedError,
  KeyNotFoundError,
  type Sealable,
} from '../../src/index.js';
import { SHORT_VALUE_MAX_BYTES } from '../../src/seal/randomized-field.js';
import { testSealer } from '../support/sealer.js';

const ctx = { model: 'User', field: 'email' };

/** Any value the sealer accepts, with its expected round-trip form. */
const sealable: fc.Arbitrary<Sealable> = fc.oneof(
  fc.string({ unit: 'binary' }).filter((s) => s.isWellFormed()),
  fc.string({ unit: 'grapheme' }),
  fc.double(),
  fc.bigInt(),
  fc.boolean(),
  fc.date({ noInvalidDate: true }),
  fc.uint8Array({ maxLength: 600 }),
  // JSON itself has no -0: compare against what JSON can carry.
  fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown).filter((v): v is Sealable => v !== null && typeof v === 'object'),
);

describe('Sealer randomized encryption', () => {
  it('round-trips every value type, keeping its type', async () => {
    const sealer = await testSealer();
    await fc.assert(
      fc.asyncProperty(sealable, async (value) => {
        const text = await sealer.encrypt(value, ctx);
        const back = await sealer.decrypt(text, ctx);
        if (value instanceof Uint8Array) {
          expect(back).toBeInstanceOf(Uint8Array);
          expect(Buffer.from(back as Uint8Array).equals(Buffer.from(value))).toBe(true);
        } else {
          expect(back).toStrictEqual(value);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('keeps a leading U+FEFF (byte order mark) of a string, one value or a batch, randomized or deterministic', async () => {
    const sealer = await testSealer();
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), fc.integer({ min: 1, max: 6 }), async (rest, count) => {
        const value = `\uFEFF${rest}`;
        expect(await sealer.decrypt(await sealer.encrypt(value, ctx), ctx)).toBe(value);
        const texts = await sealer.encryptMany(Array.from({ length: count }, (_, row) => ({ value, ctx: { ...ctx, row } })));
        expect(await sealer.decryptMany(texts.map((text, row) => ({ text, ctx: { ...ctx, row } })))).toEqual(texts.map(() => value));
        const token = await sealer.encryptDeterministic(value, ctx);
        expect(await sealer.decryptMany(Array.from({ length: count }, () => ({ text: token, ctx })))).toEqual(texts.map(() => value));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps Buffer and Uint8Array apart, and -0, NaN and Infinity exact', async () => {
    const sealer = await testSealer();
    expect(Buffer.isBuffer(await sealer.decrypt(await sealer.encrypt(Buffer.from('ab'), ctx), ctx))).toBe(true);
    expect(Buffer.isBuffer(await sealer.decrypt(await sealer.encrypt(new Uint8Array([1]), ctx), ctx))).toBe(false);
    expect(Object.is(await sealer.decrypt(await sealer.encrypt(-0, ctx), ctx), -0)).toBe(true);
    expect(await sealer.decrypt(await sealer.encrypt(Number.NaN, ctx), ctx)).toBeNaN();
    expect(await sealer.decrypt(await sealer.encrypt(Number.NEGATIVE_INFINITY, ctx), ctx)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('round-trips long values through committing AES-256-GCM and short ones through AES-SIV', async () => {
    const sealer = await testSealer();
    for (const size of [0, 1, 15, 16, 17, 127, 128, 129, 255, 256, 257, 4096, 100_000]) {
      const value = 'x'.repeat(size);
      const text = await sealer.encrypt(value, ctx);
      expect(text.length).toBe(sealer.ciphertextLength(size));
      expect(await sealer.decrypt(text, ctx)).toBe(value);
      const algorithm = Buffer.from(text.slice(4), 'base64url')[0]! >> 4;
      expect(algorithm).toBe(size <= SHORT_VALUE_MAX_BYTES ? 3 : 4);
    }
  });

  it('gives a different text each time for the same value', async () => {
    const sealer = await testSealer();
    const texts = new Set<string>();
    for (let i = 0; i < 200; i++) texts.add(await sealer.encrypt('same', ctx));
    for (let i = 0; i < 50; i++) texts.add(await sealer.encrypt('y'.repeat(300), ctx));
    expect(texts.size).toBe(250);
  });

  it('seals a 16-byte value in at most 80 characters', async () => {
    const sealer = await testSealer();
    const text = await sealer.encrypt('0123456789abcdef', ctx);
    expect(text.length).toBeLessThanOrEqual(80);
    expect(text.startsWith('fs1:')).toBe(true);
  });

  it('rejects any single-bit flip of the text, at any position', async () => {
    const sealer = await testSealer();
    for (const value of ['alice@example.com', 'z'.repeat(400)]) {
      const text = await sealer.encrypt(value, ctx);
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: text.length - 1 }), fc.integer({ min: 0, max: 6 }), async (pos, bit) => {
          const flipped = text.slice(0, pos) + String.fromCharCode(text.charCodeAt(pos) ^ (1 << bit)) + text.slice(pos + 1);
          fc.pre(flipped !== text);
          await expect(sealer.decrypt(flipped, ctx)).rejects.toBeInstanceOf(FieldsealError);
        }),
        { numRuns: 300 },
      );
    }
  });

  it('rejects any single-bit flip of the envelope bytes', async () => {
    const sealer = await testSealer();
    const text = await sealer.encrypt('4111111111111111', ctx);
    const bytes = Buffer.from(text.slice(4), 'base64url');
    for (let i = 0; i < bytes.length * 8; i++) {
      const copy = Buffer.from(bytes);
      copy[i >> 3] = copy[i >> 3]! ^ (1 << (i & 7));
      await expect(sealer.decrypt(`fs1:${copy.toString('base64url')}`, ctx)).rejects.toBeInstanceOf(FieldsealError);
    }
  });

  it('binds the value to model, field, row and scope', async () => {
    const sealer = await testSealer();
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.option(fc.string(), { nil: undefined }), async (model, field, row) => {
        const here = { model: 'User', field: 'email', row: 'r1' };
        fc.pre(model !== here.model || field !== here.field || row !== here.row);
        const text = await sealer.encrypt('secret', here);
        await expect(sealer.decrypt(text, { model, field, row })).rejects.toBeInstanceOf(DecryptionError);
      }),
      { numRuns: 100 },
    );
    const text = await sealer.encrypt('secret', { ...ctx, row: 42 });
    expect(await sealer.decrypt(text, { ...ctx, row: '42' })).toBe('secret');
    await expect(sealer.decrypt(text, ctx)).rejects.toBeInstanceOf(DecryptionError);
    const tenant = await sealer.encrypt('secret', { ...ctx, scope: 'tenant-a' });
    await expect(sealer.decrypt(tenant, ctx)).rejects.toBeInstanceOf(DecryptionError);
    await expect(sealer.decrypt(tenant, { ...ctx, scope: 'tenant-b' })).rejects.toBeInstanceOf(DecryptionError);
    expect(await sealer.decrypt(tenant, { ...ctx, scope: 'tenant-a' })).toBe('secret');
  });

  it('rejects bad input to decrypt with typed errors and leaves the keyring working', async () => {
    const sealer = await testSealer();
    const good = await sealer.encrypt('alice@example.com', ctx);
    const other = await testSealer(); // another key store: unknown key id
    const foreign = await other.encrypt('x', ctx);
    const cases: [unknown, new (...args: never[]) => FieldsealError][] = [
      [good.slice(0, 20), FormatError],
      [good.slice(0, -1), FieldsealError],
      ['', FormatError],
      [42, FormatError],
      [null, FormatError],
      [undefined, FormatError],
      [{ toString: () => good }, FormatError],
      ['alice@example.com', FormatError],
      ['fs1:hello world, not base64', FormatError],
      ['fs1:', FormatError],
      ['fs1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', FormatError],
      [`fs1:${'A'.repeat(10_000_000)}`, FieldsealError],
      ['x'.repeat(10_000_000), FormatError],
      [foreign, KeyNotFoundError],
      [`${good}=`, FormatError],
      [` ${good}`, FormatError],
    ];
    for (const [input, type] of cases) {
      await expect(sealer.decrypt(input as string, ctx)).rejects.toBeInstanceOf(type);
    }
    expect(await sealer.decrypt(good, ctx)).toBe('alice@example.com');
    expect(sealer.stats().decryptionFailures).toBe(cases.length);
  });

  it('seals nothing it could not open: maxTextLength (default 1 Mi characters) bounds both directions', async () => {
    const sealer = await testSealer();
    const fits = 'a'.repeat(700 * 1024);
    expect(await sealer.decrypt(await sealer.encrypt(fits, ctx), ctx)).toBe(fits);
    for (const tooLong of ['a'.repeat(800 * 1024), new Uint8Array(800 * 1024)]) {
      await expect(sealer.encrypt(tooLong, ctx)).rejects.toBeInstanceOf(InvalidInputError);
      await expect(sealer.encryptDeterministic(tooLong, ctx)).rejects.toBeInstanceOf(InvalidInputError);
      await expect(sealer.encryptMany(Array.from({ length: 5 }, () => ({ value: tooLong, ctx })))).rejects.toBeInstanceOf(InvalidInputError);
    }
    await expect(sealer.decrypt(`fs1:${'A'.repeat(1024 * 1024)}`, ctx)).rejects.toBeInstanceOf(FormatError);
    // The exact boundary: the largest value that fits seals and opens, one byte more is refused.
    const small = await testSealer({ maxTextLength: 200 });
    let largest = 0;
    while (small.ciphertextLength(largest + 1) <= 200 && small.ciphertextLength(largest + 1, 'deterministic') <= 200) largest++;
    const edge = new Uint8Array(largest).fill(7);
    expect(Buffer.from((await small.decrypt(await small.encrypt(edge, ctx), ctx)) as Uint8Array)).toEqual(Buffer.from(edge));
    await expect(small.encrypt(new Uint8Array(largest + 1), ctx)).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('rejects values it cannot encode losslessly', async () => {
    const sealer = await testSealer();
    for (const bad of [null, undefined, '\ud800', new Date(Number.NaN), Symbol('x'), () => 1, new Map(), { a: 1n }, new (class Money {})()]) {
      await expect(sealer.encrypt(bad as never, ctx)).rejects.toBeInstanceOf(InvalidInputError);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(sealer.encrypt(cyclic as never, ctx)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(sealer.encrypt('x', { model: '', field: 'f' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(sealer.encrypt('x', { model: 'm' } as never)).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('fails values under a destroyed key with KeyDestroyedError and keeps others working', async () => {
    const sealer = await testSealer();
    const tenant = { ...ctx, scope: 'subject-17' };
    const gone = await sealer.encrypt('erase me', tenant);
    const kept = await sealer.encrypt('keep me', ctx);
    expect(await sealer.shred('subject-17')).toBe(1);
    await expect(sealer.decrypt(gone, tenant)).rejects.toBeInstanceOf(KeyDestroyedError);
    expect(await sealer.decrypt(kept, ctx)).toBe('keep me');
  });

  it('never shows key bytes or plaintext in errors, JSON or inspect output', async () => {
    const sealer = await testSealer();
    const text = await sealer.encrypt('top-secret-value', ctx);
    const key = await sealer.keyring.leaseDataKey('default');
    key.release();
    for (const shown of [inspect(sealer, { depth: 10, showHidden: true }), JSON.stringify(sealer), inspect(key, { showHidden: true }), JSON.stringify(key), inspect(sealer.keyring)]) {
      expect(shown).not.toContain('top-secret-value');
      expect(shown).not.toMatch(/[0-9a-f]{64}/);
    }
    const error = await sealer.decrypt(text, { ...ctx, field: 'other' }).catch((e: unknown) => e);
    expect(String(error)).not.toContain('top-secret-value');
    expect(inspect(error)).not.toContain(text.slice(4));
  });
});

describe('Sealer: no plaintext encoding left behind by sealing', () => {
  it("zeroes a string's UTF-8 once sealed (one value, batches, deterministic, refused), and leaves a caller's bytes alone", async () => {
    const sealer = await testSealer();
    const encodings: { text: string; bytes: Buffer }[] = [];
    const from = Buffer.from.bind(Buffer) as (...args: unknown[]) => Buffer;
    const spy = vi.spyOn(Buffer, 'from').mockImplementation(((...args: unknown[]) => {
      const out = from(...args);
      if (typeof args[0] === 'string' && args[0].startsWith('secret-')) encodings.push({ text: args[0], bytes: out });
      return out;
    }) as typeof Buffer.from);
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.string({ minLength: 1, maxLength: 200 }), { minLength: 1, maxLength: 40 }), async (tails) => {
          encodings.length = 0;
          const values = tails.map((t) => `secret-${t}`);
          const items = values.map((value) => ({ value, ctx }));
          await sealer.encrypt(values[0]!, ctx);
          await sealer.encryptDeterministic(values[0]!, ctx);
          await sealer.deterministicCandidates(values[0]!, ctx);
          await sealer.encryptMany(items);
          await sealer.encryptDeterministicMany(items);
          await expect(sealer.encryptMany([...items, { value: `secret-${'x'.repeat(2 * 1024 * 1024)}`, ctx }])).rejects.toThrow(InvalidInputError);
          expect(encodings.length).toBeGreaterThanOrEqual(3 + 2 * values.length);
          for (const { bytes } of encodings) expect(bytes.every((b) => b === 0)).toBe(true);
        }),
        { numRuns: 40 },
      );
    } finally {
      spy.mockRestore();
    }
    const mine = Buffer.from('caller bytes');
    const text = await sealer.encrypt(mine, ctx);
    await sealer.encryptMany(Array.from({ length: 20 }, () => ({ value: mine, ctx })));
    expect(mine.toString()).toBe('caller bytes');
    expect(Buffer.from((await sealer.decrypt(text, ctx)) as Uint8Array).toString()).toBe('caller bytes');
  });
});

describe('Sealer deterministic encryption', () => {
  it('is equal-in equal-out within a field and distinct across fields', async () => {
    const sealer = await testSealer();
    await fc.assert(
      fc.asyncProperty(sealable, async (value) => {
        const a = await sealer.encryptDeterministic(value, ctx);
        expect(await sealer.encryptDeterministic(value, ctx)).toBe(a);
        expect(await sealer.encryptDeterministic(value, { ...ctx, field: 'ssn' })).not.toBe(a);
        const back = await sealer.decryptDeterministic(a, ctx);
        if (value instanceof Uint8Array) expect(Buffer.from(back as Uint8Array).equals(Buffer.from(value))).toBe(true);
        else expect(back).toStrictEqual(value);
      }),
      { numRuns: 200 },
    );
  });

  it('shares tokens across fields only through an explicit domain', async () => {
    const sealer = await testSealer();
    const a = await sealer.encryptDeterministic('4111', { model: 'User', field: 'card', domain: 'pan' });
    const b = await sealer.encryptDeterministic('4111', { model: 'Order', field: 'card', domain: 'pan' });
    expect(a).toBe(b);
    await expect(sealer.decrypt(a, { model: 'User', field: 'card' })).rejects.toBeInstanceOf(DecryptionError);
  });

  it('ignores the row (lookups must match across rows) and rejects tampering', async () => {
    const sealer = await testSealer();
    expect(await sealer.encryptDeterministic('v', { ...ctx, row: 1 })).toBe(await sealer.encryptDeterministic('v', { ...ctx, row: 2 }));
    const text = await sealer.encryptDeterministic('v', ctx);
    const bytes = Buffer.from(text.slice(4), 'base64url');
    for (let i = 0; i < bytes.length * 8; i++) {
      const copy = Buffer.from(bytes);
      copy[i >> 3] = copy[i >> 3]! ^ (1 << (i & 7));
      await expect(sealer.decrypt(`fs1:${copy.toString('base64url')}`, ctx)).rejects.toBeInstanceOf(FieldsealError);
    }
  });

  it('keeps its tokens through data key rotations: the one candidate is the token itself', async () => {
    const sealer = await testSealer();
    const before = await sealer.encryptDeterministic('123-45-6789', ctx);
    await sealer.rotateDataKey();
    const after = await sealer.encryptDeterministic('123-45-6789', ctx);
    expect(after).toBe(before);
    expect(await sealer.deterministicCandidates('123-45-6789', ctx)).toEqual([before]);
    expect(await sealer.decrypt(before, ctx)).toBe('123-45-6789');
  });
});

describe('Sealer blind index', () => {
  it('is stable under normalisation, keyed per field, and truncates', async () => {
    const sealer = await testSealer();
    const a = await sealer.blindIndex('Alice@Example.com ', { ...ctx, normalize: 'email' });
    expect(await sealer.blindIndex('alice@example.com', { ...ctx, normalize: 'email' })).toBe(a);
    expect(await sealer.blindIndex('alice@example.com', { ...ctx, field: 'backupEmail', normalize: 'email' })).not.toBe(a);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const short = await sealer.blindIndex('alice@example.com', { ...ctx, bits: 20 });
    expect(Buffer.from(short, 'base64url').length).toBe(3);
    expect(Buffer.from(short, 'base64url')[2]! & 0x0f).toBe(0);
    const other = await testSealer();
    expect(await other.blindIndex('alice@example.com', { ...ctx, normalize: 'email' })).not.toBe(a);
  });

  it('keeps its index through data key rotations: the one candidate is the index itself', async () => {
    const sealer = await testSealer();
    const old = await sealer.blindIndex('x', ctx);
    await sealer.rotateDataKey();
    expect(await sealer.blindIndexCandidates('x', ctx)).toEqual([old]);
    expect(await sealer.blindIndex('x', ctx)).toBe(old);
  });

  it('rejects bad options with typed errors', async () => {
    const sealer = await testSealer();
    await expect(sealer.blindIndex('x', { ...ctx, bits: 8 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(sealer.blindIndex('x', { ...ctx, bits: 300 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(sealer.blindIndex(null as never, ctx)).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('Sealer steady state', () => {
  it('makes no provider call per field once the key is loaded', async () => {
    const sealer = await testSealer();
    sealer.keyring.clearCache();
    const texts: string[] = [];
    for (let i = 0; i < 10_000; i++) texts.push(await sealer.encrypt(`user${i}@example.com`, ctx));
    for (const text of texts) await sealer.decrypt(text, ctx);
    const stats = sealer.stats();
    expect(stats.provider.unwrap).toBe(1); // the root key, once after clearCache (its creation needed none)
    expect(stats.provider.wrap).toBe(1); // the root key's creation
    expect(stats.encryptions).toBe(10_000);
    expect(stats.decryptions).toBe(10_000);
    expect(Object.values(stats.encryptionsByKey)).toEqual([10_000]);
  });
});
