/**
 * Every annotation option reaches the runtime: for each, the stored value shows the
 * option's effect and the value reads back exactly. The AnnotationOption model of the test
 * schemas has one column per option (mode, type, row and migrating are covered by the
 * crud and integrity suites).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DecryptionError } from '../../../src/errors.js';
import { extend, testFields, type Harness } from '../support/harness.js';

const MODEL = 'AnnotationOption';

/** Whether a digit string passes the Luhn check (ISO/IEC 7812-1 Annex B). */
function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

export function optionSuite(h: Harness): void {
  describe('annotation options reach the runtime', () => {
    /** Writes `data` into a new row; returns the row as stored and as read back. */
    const roundTrip = async (data: Record<string, string>) => {
      const id = randomUUID();
      await h.prisma.annotationOption.create({ data: { id, ...data } });
      const [stored] = await h.db.query(`SELECT * FROM ${h.db.quote(MODEL)} WHERE ${h.db.quote('id')} = ${h.db.param(1)}`, [id]);
      const read = await h.prisma.annotationOption.findUniqueOrThrow({ where: { id } });
      return { id, stored: stored as Record<string, string>, read: read as unknown as Record<string, string> };
    };

    describe('@fieldseal.fpe', () => {
      it('keepLast: 4 keeps the last four digits in the stored token', async () => {
        const card = '4111 1111 1111 1234';
        const { id, stored, read } = await roundTrip({ cardLast: card });
        expect(stored.cardLast).toMatch(/^\d{4} \d{4} \d{4} 1234$/);
        expect(stored.cardLast).not.toBe(card);
        expect(read.cardLast).toBe(card);
        expect((await h.prisma.annotationOption.findFirst({ where: { cardLast: card } }))?.id).toBe(id);
      });

      it('keepFirst: 6 keeps the first six digits (the BIN) in the stored token', async () => {
        const card = '4929 3812 3456 7890';
        const { stored, read } = await roundTrip({ cardFirst: card });
        expect(stored.cardFirst).toMatch(/^4929 38\d{2} \d{4} \d{4}$/);
        expect(stored.cardFirst).not.toBe(card);
        expect(read.cardFirst).toBe(card);
      });

      it('luhn: valid makes every stored token pass the Luhn check', async () => {
        const cards = ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '4012888888881881', '5105105105105100'];
        for (const card of cards) {
          const { stored, read } = await roundTrip({ cardLuhn: card });
          expect(stored.cardLuhn).toMatch(new RegExp(`^\\d{${card.length}}$`));
          expect(stored.cardLuhn).not.toBe(card);
          expect(luhnValid(stored.cardLuhn!), `${stored.cardLuhn} passes Luhn`).toBe(true);
          expect(read.cardLuhn).toBe(card);
        }
      });

      it('letterCase: lower tokenizes over 0-9a-z', async () => {
        const code = 'ab12cd34ef56';
        const { stored, read } = await roundTrip({ code });
        expect(stored.code).toMatch(/^[0-9a-z]{12}$/);
        expect(stored.code).not.toBe(code);
        expect(read.code).toBe(code);
      });

      it('preset: ssn keeps the AAA-GG-SSSS layout', async () => {
        const ssn = '078-05-1120';
        const { stored, read } = await roundTrip({ ssn });
        expect(stored.ssn).toMatch(/^\d{3}-\d{2}-\d{4}$/);
        expect(stored.ssn).not.toBe(ssn);
        expect(read.ssn).toBe(ssn);
      });

      it('preset: phone with keepLast: 4 keeps the punctuation and the last four digits', async () => {
        const phone = '+1 (555) 010-9999';
        const { stored, read } = await roundTrip({ phone });
        expect(stored.phone).toMatch(/^\+\d \(\d{3}\) \d{3}-9999$/);
        expect(stored.phone).not.toBe(phone);
        expect(read.phone).toBe(phone);
      });

      it('scope: vault tokenizes under the vault scope key', async () => {
        const account = '0012345678';
        const { stored, read } = await roundTrip({ account });
        const format = { kind: 'numeric' } as const;
        expect(stored.account).toBe(await h.sealer.fpe(account, { model: MODEL, field: 'account', scope: 'vault', format }));
        expect(stored.account).not.toBe(await h.sealer.fpe(account, { model: MODEL, field: 'account', format }));
        expect(read.account).toBe(account);
      });
    });

    describe('@fieldseal.encrypt', () => {
      it('domain: two deterministic fields with one domain store equal tokens for equal values', async () => {
        const { id, stored, read } = await roundTrip({ refA: 'REF-2024-0001', refB: 'REF-2024-0001' });
        expect(stored.refA).toMatch(/^fs1:/);
        expect(stored.refA).toBe(stored.refB);
        expect(read).toMatchObject({ refA: 'REF-2024-0001', refB: 'REF-2024-0001' });
        expect((await h.prisma.annotationOption.findFirst({ where: { refB: 'REF-2024-0001' } }))?.id).toBe(id);
      });

      it('scope: vault seals under the vault scope key', async () => {
        const { stored, read } = await roundTrip({ vaulted: 'kept in the vault' });
        expect(await h.sealer.decrypt(stored.vaulted!, { model: MODEL, field: 'vaulted', scope: 'vault' })).toBe('kept in the vault');
        await expect(h.sealer.decrypt(stored.vaulted!, { model: MODEL, field: 'vaulted' })).rejects.toBeInstanceOf(DecryptionError);
        expect(read.vaulted).toBe('kept in the vault');
      });
    });

    describe('@fieldseal.blindIndex', () => {
      it('normalize: digits finds a value written with other punctuation', async () => {
        const { id, read } = await roundTrip({ mobile: '(555) 010-9999' });
        expect((await h.prisma.annotationOption.findFirst({ where: { mobile: '555.010.9999' } }))?.id).toBe(id);
        expect(await h.prisma.annotationOption.findFirst({ where: { mobile: '555.010.9998' } })).toBeNull();
        expect(read.mobile).toBe('(555) 010-9999');
      });

      it('normalize: fold finds a name written with other accents, case and spaces', async () => {
        const fields = testFields(h.sealer);
        const prisma = extend(h.base, h.sealer, { ...fields, User: { ...fields.User, nameIndex: { mode: 'blindIndex', of: 'name', normalize: 'fold' } } });
        const id = randomUUID();
        await prisma.user.create({ data: { id, email: 'fold@example.com', name: 'François Dvořák' } });
        expect((await prisma.user.findFirst({ where: { name: ' francois DVORAK' } }))?.id).toBe(id);
        expect((await prisma.user.findFirst({ where: { name: { equals: 'FRANÇOIS dvořák', mode: 'insensitive' } } as never }))?.name).toBe('François Dvořák');
        expect(await prisma.user.findMany({ where: { name: { in: ['Francois Dvorak', 'nobody'] } }, select: { id: true } })).toEqual([{ id }]);
        expect(await prisma.user.findFirst({ where: { name: 'Francoise Dvorak' } })).toBeNull();
      });

      it('domain: two indexes with one domain store equal tokens for equal values', async () => {
        const { stored, read } = await roundTrip({ mobile: '555 010 7777', fax: '555-010-7777' });
        expect(stored.mobileIndex).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(stored.mobileIndex).toBe(stored.faxIndex);
        expect(read).toMatchObject({ mobile: '555 010 7777', fax: '555-010-7777' });
      });

      it('bits: 64 stores a 64-bit index; scope: vault computes it under the vault scope key', async () => {
        const { id, stored, read } = await roundTrip({ pin: '8-4-2-1' });
        expect(stored.pinIndex).toMatch(/^[A-Za-z0-9_-]{11}$/);
        expect(stored.pinIndex).toBe(await h.sealer.blindIndex('8-4-2-1', { model: MODEL, field: 'pin', scope: 'vault', bits: 64 }));
        expect(stored.pinIndex).not.toBe(await h.sealer.blindIndex('8-4-2-1', { model: MODEL, field: 'pin', bits: 64 }));
        expect((await h.prisma.annotationOption.findFirst({ where: { pin: '8-4-2-1' } }))?.id).toBe(id);
        expect(read.pin).toBe('8-4-2-1');
      });
    });
  });
}
