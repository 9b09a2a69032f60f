/**
 * AES-SIV (src/crypto/aes-siv.ts, RFC 5297) against every case of Wycheproof
 * aes_siv_cmac_test.json and test/vectors/rfc5297.json, cross-checked against
 * @noble/ciphers `aessiv` with random inputs, and refusing every single-bit flip.
 */
import { aessiv } from '@noble/ciphers/aes.js';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { inspect } from 'node:util';
import { AesBlockCipher } from '../../src/crypto/aes-block.js';
import { AesSiv } from '../../src/crypto/aes-siv.js';
import { Cmac } from '../../src/crypto/cmac.js';
import { DecryptionError, InvalidInputError } from '../../src/errors.js';
import { hex, loadVectors } from '../support/vectors.js';

interface DaeadCase {
  tcId: number;
  key: string;
  aad: string;
  msg: string;
  ct: string;
  result: string;
}
interface Rfc5297Case {
  tcId: number;
  key: string;
  ad: string[];
  nonce: string | null;
  plaintext: string;
  output: string;
  s2vComponents: string[];
}

function flipFirstBit(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  if (out.length > 0) out[0] = (out[0] as number) ^ 1;
  return out;
}

function rejects(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch (e) {
    return e instanceof DecryptionError || e instanceof InvalidInputError;
  }
}

describe('AES-SIV: vectors', () => {
  it('Wycheproof aes_siv_cmac_test.json: every case (ct = SIV‖C, one AD component)', () => {
    const file = loadVectors<{ numberOfTests: number; testGroups: { tests: DaeadCase[] }[] }>('wycheproof/aes_siv_cmac_test.json');
    let executed = 0;
    for (const group of file.testGroups) {
      for (const t of group.tests) {
        executed++;
        const siv = new AesSiv(hex(t.key));
        const ad = [hex(t.aad)];
        if (t.result === 'valid') {
          expect(siv.encrypt(hex(t.msg), ad).toString('hex'), `tcId ${t.tcId}`).toBe(t.ct);
          expect(siv.decrypt(hex(t.ct), ad).toString('hex'), `tcId ${t.tcId}`).toBe(t.msg);
          // The precomputed associated-data path gives the same bytes.
          expect(siv.encrypt(hex(t.msg), siv.associatedData(ad)).toString('hex')).toBe(t.ct);
          // So do the batch paths (four values: large enough to batch), beside a value that fails.
          const sealed = siv.encryptMany(Array.from({ length: 4 }, () => ({ input: hex(t.msg), ad })));
          for (const one of sealed) expect(one.toString('hex'), `tcId ${t.tcId}`).toBe(t.ct);
          const good = { input: hex(t.ct), ad };
          const opened = siv.decryptMany([good, good, { input: flipFirstBit(hex(t.ct)), ad }, good]);
          expect(opened.map((o) => o?.toString('hex')), `tcId ${t.tcId}`).toEqual([t.msg, t.msg, undefined, t.msg]);
        } else {
          expect(t.result).toBe('invalid');
          expect(rejects(() => siv.decrypt(hex(t.ct), ad)), `tcId ${t.tcId}`).toBe(true);
          expect(siv.decryptMany(Array.from({ length: 4 }, () => ({ input: hex(t.ct), ad }))), `tcId ${t.tcId}`).toEqual([undefined, undefined, undefined, undefined]);
        }
      }
    }
    expect(executed).toBe(file.numberOfTests);
  });

  it('RFC 5297 Appendix A (and the miscreant supplements): every case, nonce as the last AD component', () => {
    const file = loadVectors<{ numberOfTests: number; tests: Rfc5297Case[] }>('rfc5297.json');
    let executed = 0;
    for (const t of file.tests) {
      executed++;
      const siv = new AesSiv(hex(t.key));
      const ad = t.s2vComponents.slice(0, -1).map(hex);
      expect(ad.length).toBe(t.ad.length + (t.nonce === null ? 0 : 1));
      expect(siv.encrypt(hex(t.plaintext), ad).toString('hex'), `tcId ${t.tcId}`).toBe(t.output);
      expect(siv.decrypt(hex(t.output), ad).toString('hex'), `tcId ${t.tcId}`).toBe(t.plaintext);
      const four = <T>(x: T): T[] => [x, x, x, x];
      expect(siv.encryptMany(four({ input: hex(t.plaintext), ad })).map((o) => o.toString('hex')), `tcId ${t.tcId}`).toEqual(four(t.output));
      expect(siv.decryptMany(four({ input: hex(t.output), ad })).map((o) => o?.toString('hex')), `tcId ${t.tcId}`).toEqual(four(t.plaintext));
    }
    expect(executed).toBe(file.numberOfTests);
  });
});

describe('AES-SIV: cross-check and tampering', () => {
  const keyArb = fc.constantFrom(32, 48, 64).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
  const bytes = (max: number) => fc.uint8Array({ maxLength: max });

  it('matches @noble/ciphers aessiv for random keys, associated data and messages', () => {
    fc.assert(
      fc.property(keyArb, fc.array(bytes(70), { maxLength: 3 }), bytes(200), (key, ad, msg) => {
        const ours = new AesSiv(key).encrypt(msg, ad);
        const theirs = aessiv(key, ...ad).encrypt(msg);
        expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(theirs).toString('hex'));
        expect(Buffer.from(new AesSiv(key).decrypt(theirs, ad)).toString('hex')).toBe(Buffer.from(msg).toString('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects any single-bit flip of SIV‖C, and any change to the associated data', () => {
    fc.assert(
      fc.property(keyArb, bytes(40), bytes(80), fc.nat(), (key, ad, msg, where) => {
        const siv = new AesSiv(key);
        const sealed = siv.encrypt(msg, [ad]);
        const bit = where % (sealed.length * 8);
        const tampered = Buffer.from(sealed);
        tampered[bit >> 3] = (tampered[bit >> 3] as number) ^ (1 << (bit & 7));
        expect(() => siv.decrypt(tampered, [ad])).toThrow(DecryptionError);
        expect(() => siv.decrypt(sealed, [Buffer.concat([ad, Buffer.from([0])])])).toThrow(DecryptionError);
        expect(() => siv.decrypt(sealed, [ad, new Uint8Array(0)])).toThrow(DecryptionError);
      }),
      { numRuns: 300 },
    );
  });

  it('batches (encryptMany/decryptMany) give exactly the one-value results, item by item, tampered items failing alone', () => {
    // Lengths cross the 16-byte S2V branch and the 256-byte batch cap; associated data is
    // precomputed or given as 0–3 components; some items are tampered or truncated.
    const item = fc.record({
      msg: fc.oneof(bytes(40), fc.uint8Array({ minLength: 240, maxLength: 300 })),
      ad: fc.array(bytes(40), { maxLength: 3 }),
      precompute: fc.boolean(),
      tamper: fc.option(fc.nat(), { nil: undefined }),
      truncate: fc.boolean(),
    });
    fc.assert(
      fc.property(keyArb, fc.array(item, { maxLength: 12 }), (key, items) => {
        const siv = new AesSiv(key);
        const ads = items.map((i) => (i.precompute ? siv.associatedData(i.ad) : i.ad));
        const sealed = siv.encryptMany(items.map((i, n) => ({ input: i.msg, ad: ads[n]! })));
        // With room for a header before each value: the same bytes after it.
        const withPrefix = siv.encryptMany(
          items.map((i, n) => ({ input: i.msg, ad: ads[n]! })),
          5,
        );
        withPrefix.forEach((v, n) => expect(v.subarray(5).equals(sealed[n]!)).toBe(true));
        const inputs = items.map((i, n) => {
          expect(sealed[n]!.toString('hex')).toBe(Buffer.from(aessiv(key, ...i.ad).encrypt(i.msg)).toString('hex'));
          const ct = Buffer.from(sealed[n]!);
          if (i.tamper !== undefined) {
            const bit = i.tamper % (ct.length * 8);
            ct[bit >> 3] = (ct[bit >> 3] as number) ^ (1 << (bit & 7));
          }
          return i.truncate ? ct.subarray(0, ct.length % 16) : ct;
        });
        const opened = siv.decryptMany(inputs.map((input, n) => ({ input, ad: ads[n]! })));
        const skipped = siv.decryptMany(
          inputs.map((input, n) => ({ input, ad: ads[n]! })),
          3,
        );
        opened.forEach((o, n) => expect(skipped[n]?.toString('hex')).toBe(o?.subarray(3).toString('hex')));
        // The same inputs as ranges of one buffer (with a byte of junk around each).
        const starts: number[] = [];
        const packed = Buffer.concat(
          inputs.flatMap((input) => {
            starts.push(starts.length === 0 ? 1 : starts.at(-1)! + inputs[starts.length - 1]!.length + 1);
            return [Buffer.from([0xa5]), input];
          }),
        );
        const ranged = siv.decryptMany(inputs.map((input, n) => ({ input: packed, start: starts[n]!, length: input.length, ad: ads[n]! })));
        opened.forEach((o, n) => expect(ranged[n]?.toString('hex')).toBe(o?.toString('hex')));
        items.forEach((i, n) => {
          const bad = i.tamper !== undefined || (i.truncate && inputs[n]!.length !== sealed[n]!.length);
          if (bad) {
            expect(opened[n]).toBeUndefined();
            expect(() => siv.decrypt(inputs[n]!, i.ad)).toThrow(DecryptionError);
          } else expect(opened[n]?.toString('hex')).toBe(Buffer.from(i.msg).toString('hex'));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('decryptPacked with associatedDataStates (one component per value, packed) opens exactly what decrypt opens, against @noble/ciphers', () => {
    // Components of 0–70 bytes (empty, partial and whole blocks), 0–12 values (below and
    // above the batch threshold), some tampered; each component in its own zeroed blocks.
    const item = fc.record({ msg: fc.oneof(bytes(40), fc.uint8Array({ minLength: 240, maxLength: 300 })), component: bytes(70), tamper: fc.option(fc.nat(), { nil: undefined }) });
    fc.assert(
      fc.property(keyArb, fc.array(item, { maxLength: 12 }), (key, items) => {
        const siv = new AesSiv(key);
        const sealed = items.map((i) => Buffer.from(aessiv(key, i.component).encrypt(i.msg)));
        items.forEach((i, n) => {
          if (i.tamper === undefined) return;
          const bit = i.tamper % (sealed[n]!.length * 8);
          sealed[n]![bit >> 3] = (sealed[n]![bit >> 3] as number) ^ (1 << (bit & 7));
        });
        const adStarts: number[] = [];
        let total = 0;
        for (const i of items) {
          adStarts.push(total);
          total += Math.max(1, Math.ceil(i.component.length / 16)) * 16;
        }
        const components = Buffer.alloc(total);
        items.forEach((i, n) => components.set(i.component, adStarts[n]!));
        const states = siv.associatedDataStates(components, adStarts, items.map((i) => i.component.length));
        items.forEach((i, n) => expect(states.subarray(16 * n, 16 * n + 16).equals(siv.associatedData([i.component]).d)).toBe(true));
        // The values end to end after two bytes of junk.
        const data = Buffer.concat([Buffer.from([1, 2]), ...sealed]);
        const starts = sealed.map((_, n) => 2 + sealed.slice(0, n).reduce((a, b) => a + b.length, 0));
        const opened = siv.decryptPacked(data, starts, sealed.map((v) => v.length), states);
        items.forEach((i, n) => {
          if (i.tamper !== undefined) expect(opened.buffers[n]).toBeUndefined();
          else expect(opened.buffers[n]?.subarray(opened.starts[n], opened.ends[n]).toString('hex')).toBe(Buffer.from(i.msg).toString('hex'));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('leaves no keystream, CBC-MAC chain or S2V input behind once a value is opened or sealed', () => {
    // Keystream XOR the stored ciphertext is the plaintext, and S2V's input holds the
    // plaintext: both are wiped like the plaintext, and so are the CMAC chain values.
    const outputs: Buffer[] = [];
    const macInputs: Buffer[] = [];
    const macMany = Cmac.prototype.macPaddedMany;
    const macSpy = vi.spyOn(Cmac.prototype, 'macPaddedMany').mockImplementation(function (this: Cmac, data: Buffer, starts: readonly number[], lengths: readonly number[]) {
      macInputs.push(data);
      return macMany.call(this, data, starts, lengths);
    });
    const encrypt = AesBlockCipher.prototype.encrypt;
    const spy = vi.spyOn(AesBlockCipher.prototype, 'encrypt').mockImplementation(function (this: AesBlockCipher, blocks: Uint8Array) {
      const out = encrypt.call(this, blocks);
      outputs.push(out);
      return out;
    });
    try {
      fc.assert(
        fc.property(keyArb, fc.array(bytes(100), { minLength: 1, maxLength: 8 }), (key, msgs) => {
          const siv = new AesSiv(key);
          const ad = siv.associatedData([Buffer.from('context')]);
          outputs.length = 0;
          macInputs.length = 0;
          const sealed = msgs.map((m) => siv.encrypt(m, ad));
          const many = siv.encryptMany(msgs.map((m) => ({ input: m, ad })));
          sealed.forEach((v, n) => expect(siv.decrypt(v, ad).equals(Buffer.from(msgs[n]!))).toBe(true));
          siv.decryptMany(many.map((v) => ({ input: v, ad })));
          const nonEmpty = msgs.some((m) => m.length > 0);
          if (nonEmpty) expect(outputs.length).toBeGreaterThan(0);
          for (const out of outputs) expect(out.every((b) => b === 0)).toBe(true);
          // The batches' S2V inputs (the associated data here is a precomputed state, so
          // every batched CMAC input is one).
          for (const data of macInputs) expect(data.every((b) => b === 0)).toBe(true);
        }),
        { numRuns: 100 },
      );
    } finally {
      spy.mockRestore();
      macSpy.mockRestore();
    }
  });

  it('rejects truncated input and wrong key sizes with typed errors', () => {
    const siv = new AesSiv(new Uint8Array(32));
    expect(() => siv.decrypt(new Uint8Array(15), [])).toThrow(DecryptionError);
    for (const n of [0, 16, 31, 33, 65]) expect(() => new AesSiv(new Uint8Array(n))).toThrow(InvalidInputError);
  });

  it('redacts itself and its CMAC and block ciphers in inspect and JSON output', () => {
    const key = Buffer.alloc(64, 0xab);
    const objects = [new AesSiv(key), new Cmac(key.subarray(0, 32)), new AesBlockCipher(key.subarray(0, 32))];
    for (const o of objects) {
      for (const shown of [inspect(o, { showHidden: true, depth: 5 }), JSON.stringify(o)]) {
        expect(shown).toMatch(/^"?\[(AesSiv|Cmac|AesBlockCipher)\]"?$/);
        expect(shown).not.toContain('abab');
      }
    }
  });
});
