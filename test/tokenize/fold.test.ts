/** The `fold` normalizer: accents and case folded away, as a blind index of names needs. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize, NORMALIZER_NAMES } from '../../src/tokenize/normalize.js';
import { blindIndexInput } from '../../src/tokenize/blind-index.js';

const fold = (value: string): string => normalize(value, 'fold');

/** Latin letters, spaces and a few accents: the names `fold` is for. */
const BASE = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ -'.split('');
/** Combining accents (all nonspacing marks): acute, grave, circumflex, tilde, diaeresis, ring, cedilla, caron, ogonek. */
const MARKS = ['\u0301', '\u0300', '\u0302', '\u0303', '\u0308', '\u030a', '\u0327', '\u030c', '\u0328'];

/** A base string, and the same string with accents added to its letters, composed (NFC) or not. */
const accented = fc
  .array(fc.tuple(fc.constantFrom(...BASE), fc.array(fc.constantFrom(...MARKS), { maxLength: 2 })), { maxLength: 24 })
  .chain((parts) =>
    fc.tuple(
      fc.constant(parts.map(([c]) => c).join('')),
      fc.boolean().map((nfc) => {
        const text = parts.map(([c, marks]) => (/[a-z]/i.test(c) ? c + marks.join('') : c)).join('');
        return nfc ? text.normalize('NFC') : text;
      }),
    ),
  );

describe("normalize(value, 'fold')", () => {
  it('finds names whatever their accents, case and surrounding white space', () => {
    expect(fold(' François')).toBe('francois');
    expect(fold('Francois')).toBe('francois');
    expect(fold('ZOË Ångström-Ñúñez ')).toBe('zoe angstrom-nunez');
    expect(fold('Dvořák')).toBe(fold('DVORAK'));
    expect(fold('Crème Brûlée')).toBe('creme brulee');
    // Compatibility forms: ligatures, full-width letters, a no-break space.
    expect(fold('ﬁnance')).toBe('finance');
    expect(fold('ＡＢＣ')).toBe('abc');
    expect(fold('\u00a0İstanbul\u00a0')).toBe('istanbul');
    // Spacing marks are letters of their script, and stay.
    expect(fold('हिंदी')).toBe('हिंदी'.normalize('NFKD').replace(/\p{Mn}/gu, ''));
    expect(fold('')).toBe('');
  });

  it('is a named normalizer, and blind indexes of accent variants are equal', () => {
    expect(NORMALIZER_NAMES).toContain('fold');
    expect(blindIndexInput(' Jürgen ', 'fold')).toEqual(blindIndexInput('JURGEN', 'fold'));
    expect(blindIndexInput('Jürgen', 'lowercase')).not.toEqual(blindIndexInput('jurgen', 'lowercase'));
  });

  it('property: accents added to a name, composed or not, fold to the folded name', () => {
    fc.assert(
      fc.property(accented, ([base, withAccents]) => {
        expect(fold(withAccents)).toBe(fold(base));
        expect(fold(base)).toBe(base.trim().toLowerCase());
      }),
      { numRuns: 500 },
    );
  });

  it('property: folding is a fixed point, ignores case of ASCII and white space around, and leaves no nonspacing mark', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (value) => {
        const once = fold(value);
        expect(fold(once)).toBe(once);
        expect(/\p{Mn}/u.test(once)).toBe(false);
        expect(once).toBe(once.trim());
        expect(fold(`  ${value}\t`)).toBe(once);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (value) => {
        const once = fold(value);
        expect(fold(once)).toBe(once);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (ascii) => {
        expect(fold(ascii.toUpperCase())).toBe(fold(ascii.toLowerCase()));
      }),
    );
  });
});

describe('fold is named wherever a built-in normalizer is', () => {
  it('in annotations, the typed Prisma config and rotation job columns', async () => {
    const { parseFieldAnnotation } = await import('../../src/adapters/prisma/generator/annotations.js');
    const { resolveFields } = await import('../../src/adapters/prisma/config.js');
    const { indexDatamodel } = await import('../../src/adapters/prisma/datamodel.js');
    const { checkColumns } = await import('../../src/rotation/columns.js');
    expect(parseFieldAnnotation('User', 'nameIndex', '@fieldseal.blindIndex(of: name, normalize: fold)')).toEqual({ mode: 'blindIndex', of: 'name', normalize: 'fold' });
    expect(() => parseFieldAnnotation('User', 'nameIndex', '@fieldseal.blindIndex(of: name, normalize: folded)')).toThrow(/User\.nameIndex: normalize must be one of .*fold/);
    const models = indexDatamodel({
      models: [
        {
          name: 'User',
          fields: [
            { name: 'name', kind: 'scalar', type: 'String' },
            { name: 'nameIndex', kind: 'scalar', type: 'String' },
          ],
        },
      ],
    });
    expect(resolveFields({ User: { name: {}, nameIndex: { mode: 'blindIndex', of: 'name', normalize: 'fold' } } }, models).get('User')?.fields.get('nameIndex')?.normalize).toBe('fold');
    const column = { column: 'name', model: 'User', field: 'name', mode: 'randomized' as const, blindIndex: { column: 'name_bidx', normalize: 'fold' as const } };
    expect(() => checkColumns([column], 'id')).not.toThrow();
    expect(() => checkColumns([{ ...column, blindIndex: { column: 'name_bidx', normalize: 'folded' as never } }], 'id')).toThrow(/unknown normalizer 'folded'/);
  });
});
