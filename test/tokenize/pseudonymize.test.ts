/** Keyed pseudonyms (src/tokenize/pseudonymize.ts, ip.ts, bucket.ts, pseudonymize-record.ts). */
import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { bucketNumber } from '../../src/tokenize/bucket.js';
import { formatIp, parseIp, truncateIp } from '../../src/tokenize/ip.js';
import { FIRST_NAMES, LAST_NAMES } from '../../src/tokenize/name-lists.js';
import { pseudonymize } from '../../src/tokenize/pseudonymize.js';
import { pseudonymizeRecord } from '../../src/tokenize/pseudonymize-record.js';

const k1 = Buffer.alloc(32, 1);
const k2 = Buffer.alloc(32, 2);
/** Any well-formed text, including other scripts, combining marks and emoji. */
const textArb = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== '');
const localArb = fc.stringMatching(/^[a-z0-9._+-]{1,20}$/);
const emailArb = fc.tuple(localArb, fc.constantFrom('example.com', 'example.org', 'bücher.example', '例え.jp')).map(([l, d]) => `${l}@${d}`);

describe('pseudonymize.email', () => {
  it('is stable per key, keeps the domain, and differs across keys and domains', () => {
    fc.assert(
      fc.property(emailArb, (email) => {
        const p = pseudonymize.email(k1, email);
        expect(pseudonymize.email(k1, email)).toBe(p);
        expect(p.endsWith(`@${email.split('@')[1]}`)).toBe(true);
        expect(p).toMatch(/^[a-z2-7]{16}@/);
        expect(pseudonymize.email(k2, email)).not.toBe(p);
        expect(pseudonymize.email(k1, email, { domain: 'analytics' })).not.toBe(p);
      }),
    );
  });

  it('normalizes case, width and surrounding space (NFKC), like the email blind index', () => {
    expect(pseudonymize.email(k1, '  Alice@Example.COM ')).toBe(pseudonymize.email(k1, 'alice@example.com'));
    expect(pseudonymize.email(k1, 'ａｌｉｃｅ@example.com')).toBe(pseudonymize.email(k1, 'alice@example.com'));
  });

  it('equal local parts at different domains do not match', () => {
    const a = pseudonymize.email(k1, 'alice@example.com').split('@')[0];
    const b = pseudonymize.email(k1, 'alice@example.org').split('@')[0];
    expect(a).not.toBe(b);
  });

  it('replaces or pseudonymizes the domain on request', () => {
    expect(pseudonymize.email(k1, 'alice@corp.example', { emailDomain: { replace: 'example.net' } })).toMatch(/@example\.net$/);
    const p = pseudonymize.email(k1, 'alice@corp.example', { emailDomain: 'pseudonymize' });
    expect(p).toMatch(/^[a-z2-7]{16}@[a-z2-7]{12}\.invalid$/);
    expect(pseudonymize.email(k1, 'bob@corp.example', { emailDomain: 'pseudonymize' }).split('@')[1]).toBe(p.split('@')[1]);
  });

  it('is not an unkeyed hash of the address', () => {
    const p = pseudonymize.email(k1, 'alice@example.com').split('@')[0] as string;
    const unkeyed = createHash('sha256').update('alice@example.com').digest('hex');
    expect(unkeyed.includes(p)).toBe(false);
    expect(createHmac('sha256', k1).update('alice@example.com').digest('hex').includes(p)).toBe(false);
  });

  it('refuses what is not an address, or a short key', () => {
    for (const bad of ['alice', '@example.com', 'alice@', 'al ice@example.com', 'a\ud800@example.com']) {
      expect(() => pseudonymize.email(k1, bad)).toThrow(InvalidInputError);
    }
    expect(() => pseudonymize.email(Buffer.alloc(8), 'a@example.com')).toThrow(InvalidInputError);
  });
});

describe('pseudonymize.name', () => {
  it('draws a stable name from the lists (200+ each) for any script', () => {
    expect(FIRST_NAMES.length).toBeGreaterThanOrEqual(200);
    expect(LAST_NAMES.length).toBeGreaterThanOrEqual(200);
    fc.assert(
      fc.property(textArb, (name) => {
        const p = pseudonymize.name(k1, name);
        expect(pseudonymize.name(k1, name)).toBe(p);
        const [first, ...rest] = p.split(' ');
        expect(FIRST_NAMES).toContain(first);
        expect(LAST_NAMES).toContain(rest.join(' '));
        expect(FIRST_NAMES).toContain(pseudonymize.name(k1, name, { part: 'first' }));
        expect(LAST_NAMES).toContain(pseudonymize.name(k1, name, { part: 'last' }));
      }),
    );
    expect(pseudonymize.name(k1, ' José   Müller ')).toBe(pseudonymize.name(k1, 'josé müller'));
    expect(pseudonymize.name(k1, 'Jose\u0301 Müller')).toBe(pseudonymize.name(k1, 'José Müller'));
    expect(() => pseudonymize.name(k1, '   ')).toThrow(InvalidInputError);
  });

  it('spreads over the lists and depends on key and domain', () => {
    const names = Array.from({ length: 2000 }, (_, i) => `person ${i}`);
    const out = new Set(names.map((n) => pseudonymize.name(k1, n)));
    expect(out.size).toBeGreaterThan(1900);
    const differentKey = names.filter((n) => pseudonymize.name(k1, n) !== pseudonymize.name(k2, n)).length;
    const differentDomain = names.filter((n) => pseudonymize.name(k1, n) !== pseudonymize.name(k1, n, { domain: 'support' })).length;
    expect(differentKey).toBeGreaterThan(1950);
    expect(differentDomain).toBeGreaterThan(1950);
  });
});

describe('pseudonymize.id', () => {
  it('is stable, shaped as asked, and distinct across keys and domains', () => {
    fc.assert(
      fc.property(fc.oneof(textArb, fc.integer(), fc.bigInt()), (id) => {
        const p = pseudonymize.id(k1, id);
        expect(p).toMatch(/^[a-z2-7]{20}$/);
        expect(pseudonymize.id(k1, id)).toBe(p);
        expect(pseudonymize.id(k2, id)).not.toBe(p);
        expect(pseudonymize.id(k1, id, { domain: 'x' })).not.toBe(p);
        expect(pseudonymize.id(k1, id, { encoding: 'hex', length: 32 })).toMatch(/^[0-9a-f]{32}$/);
        expect(pseudonymize.id(k1, id, { encoding: 'digits', length: 12, prefix: 'c_' })).toMatch(/^c_\d{12}$/);
      }),
    );
    expect(() => pseudonymize.id(k1, Number.NaN)).toThrow(InvalidInputError);
    expect(() => pseudonymize.id(k1, 'x', { length: 4 })).toThrow(InvalidInputError);
  });
});

describe('pseudonymize.ip', () => {
  it('truncates IPv4 to /24 and IPv6 to /48 by default', () => {
    expect(pseudonymize.ip(k1, '203.0.113.77')).toBe('203.0.113.0');
    expect(pseudonymize.ip(k1, '2001:db8:abcd:12:1:2:3:4')).toBe('2001:db8:abcd::');
    expect(pseudonymize.ip(k1, '::ffff:192.0.2.128', { v6Bits: 120 })).toBe('::ffff:c000:200');
    expect(truncateIp('10.1.2.3', { v4Bits: 16 })).toBe('10.1.0.0');
    expect(truncateIp('2001:db8::1', { v6Bits: 0 })).toBe('::');
  });

  it('formats IPv6 canonically (RFC 5952) and round-trips parse/format', () => {
    expect(formatIp(parseIp('2001:0db8:0000:0000:0000:0000:0000:0001'))).toBe('2001:db8::1');
    expect(formatIp(parseIp('2001:db8:0:1:1:1:1:1'))).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatIp(parseIp('2001:0:0:1:0:0:0:1'))).toBe('2001:0:0:1::1');
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const bytes = parseIp(ip);
        expect(parseIp(formatIp(bytes))).toEqual(bytes);
        // The WHATWG URL parser is an independent IPv6 parser and serializer with the same compression rule.
        expect(formatIp(bytes)).toBe(new URL(`http://[${ip}]/`).hostname.slice(1, -1));
      }),
    );
  });

  it('keyed mode: same family, stable, distinct across keys', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (ip) => {
        const p = pseudonymize.ip(k1, ip, { mode: 'keyed' });
        expect(parseIp(p).length).toBe(parseIp(ip).length);
        expect(pseudonymize.ip(k1, ip, { mode: 'keyed' })).toBe(p);
        expect(pseudonymize.ip(k2, ip, { mode: 'keyed' })).not.toBe(p);
      }),
    );
    // Two spellings of one address give one pseudonym.
    expect(pseudonymize.ip(k1, '2001:DB8::1', { mode: 'keyed' })).toBe(pseudonymize.ip(k1, '2001:db8:0:0::1', { mode: 'keyed' }));
  });

  it('refuses non-addresses and zone ids', () => {
    for (const bad of ['', '1.2.3', '256.1.1.1', 'fe80::1%eth0', 'example.com']) expect(() => pseudonymize.ip(k1, bad)).toThrow(InvalidInputError);
  });
});

describe('pseudonymize.date', () => {
  it('shifts every date of one subject by the same non-zero keyed offset within ±N days', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 365 }), fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), (subject, max, date) => {
        const shifted = pseudonymize.date(k1, date, { mode: 'shift', subject, maxShiftDays: max }) as Date;
        const days = (shifted.getTime() - date.getTime()) / 86_400_000;
        expect(Number.isInteger(days)).toBe(true);
        expect(days).not.toBe(0);
        expect(Math.abs(days)).toBeLessThanOrEqual(max);
        const later = new Date(date.getTime() + 10 * 86_400_000);
        const shiftedLater = pseudonymize.date(k1, later, { mode: 'shift', subject, maxShiftDays: max }) as Date;
        expect(shiftedLater.getTime() - shifted.getTime()).toBe(10 * 86_400_000);
      }),
    );
  });

  it('keeps the input shape and generalizes to month or year', () => {
    const s = pseudonymize.date(k1, '2024-02-29', { mode: 'shift', subject: 'user-1' });
    expect(s).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(pseudonymize.date(k1, '2024-02-29T10:00:00Z', { mode: 'shift', subject: 'user-1' })).toMatch(/T10:00:00\.000Z$/);
    expect(pseudonymize.date(k1, '2024-02-29', { mode: 'generalize', to: 'month' })).toBe('2024-02');
    expect(pseudonymize.date(k1, new Date('2024-02-29T23:00:00Z'), { mode: 'generalize', to: 'year' })).toBe('2024');
    expect(() => pseudonymize.date(k1, '2023-02-29', { mode: 'generalize', to: 'year' })).toThrow(InvalidInputError);
    expect(() => pseudonymize.date(k1, new Date(Number.NaN), { mode: 'generalize', to: 'year' })).toThrow(InvalidInputError);
  });

  it('different subjects, keys or domains get independent shifts', () => {
    const d = '2024-06-01';
    const shifts = (key: Buffer, domain = '') =>
      Array.from({ length: 200 }, (_, i) => pseudonymize.date(key, d, { mode: 'shift', subject: `u${i}`, domain }) as string);
    const base = shifts(k1);
    expect(new Set(base).size).toBeGreaterThan(40);
    const k2s = shifts(k2);
    expect(base.filter((v, i) => v !== k2s[i]).length).toBeGreaterThan(150);
    const ds = shifts(k1, 'research');
    expect(base.filter((v, i) => v !== ds[i]).length).toBeGreaterThan(150);
  });
});

describe('pseudonymize.number', () => {
  it('buckets by width or edges, half-open', () => {
    expect(bucketNumber(37, { width: 10 })).toBe('30-40');
    expect(bucketNumber(40, { width: 10 })).toBe('40-50');
    expect(bucketNumber(-1, { width: 10 })).toBe('-10-0');
    expect(pseudonymize.number(17, { edges: [18, 65] })).toBe('<18');
    expect(pseudonymize.number(18, { edges: [18, 65] })).toBe('18-65');
    expect(pseudonymize.number(70n, { edges: [18, 65] })).toBe('65+');
    expect(() => bucketNumber(Number.NaN, { width: 10 })).toThrow(InvalidInputError);
    expect(() => bucketNumber(1, { width: 0 })).toThrow(InvalidInputError);
    expect(() => bucketNumber(1, { edges: [5, 5] })).toThrow(InvalidInputError);
  });
});

describe('pseudonymizeRecord', () => {
  const record = {
    id: 'u-42',
    email: 'Alice@Example.com',
    name: 'Alice Liddell',
    ip: '198.51.100.23',
    birthday: '1990-05-17',
    visit: '2024-03-01',
    age: 34,
    phone: '+44 20 7946 0958',
    notes: 'likes tea',
    deletedAt: null,
    secret: 'x',
  };

  it('applies every rule, drops unlisted fields by default, and is stable', () => {
    const rules = {
      id: { kind: 'id', prefix: 'u_' },
      email: { kind: 'email' },
      name: { kind: 'name' },
      ip: { kind: 'ip' },
      birthday: { kind: 'date', mode: 'generalize', to: 'year' },
      visit: { kind: 'date', mode: 'shift', subjectField: 'id', maxShiftDays: 10 },
      age: { kind: 'number', width: 10 },
      phone: { kind: 'mask', keepLast: 4 },
      notes: 'redact',
      deletedAt: 'keep',
      secret: 'drop',
    } as const;
    const out = pseudonymizeRecord(k1, record, rules);
    expect(Object.keys(out).sort()).toEqual(['age', 'birthday', 'deletedAt', 'email', 'id', 'ip', 'name', 'notes', 'phone', 'visit']);
    expect(out.id).toBe(pseudonymize.id(k1, 'u-42', { prefix: 'u_' }));
    expect(out.email).toBe(pseudonymize.email(k1, 'alice@example.com'));
    expect(out.ip).toBe('198.51.100.0');
    expect(out.birthday).toBe('1990');
    expect(out.visit).toBe(pseudonymize.date(k1, '2024-03-01', { mode: 'shift', subject: 'u-42', maxShiftDays: 10 }));
    expect(out.age).toBe('30-40');
    expect(out.phone).toBe('************0958');
    expect(out.notes).toBe('[REDACTED]');
    expect(out.deletedAt).toBeNull();
    expect(pseudonymizeRecord(k1, record, rules)).toEqual(out);
    expect(pseudonymizeRecord(k1, record, rules, { domain: 'support' }).email).not.toBe(out.email);
    expect(pseudonymizeRecord(k1, record, { email: { kind: 'email' } }, { unlisted: 'keep' }).notes).toBe('likes tea');
    expect(pseudonymizeRecord(k1, record, { name: (v) => String(v).length })).toEqual({ name: 13 });
  });

  it('names the field, never the value, when a rule cannot apply', () => {
    try {
      pseudonymizeRecord(k1, { email: 'not-an-address', age: 'old' }, { email: { kind: 'email' } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidInputError);
      expect((e as Error).message).toContain("field 'email'");
      expect((e as Error).message).not.toContain('not-an-address');
    }
    expect(() => pseudonymizeRecord(k1, { age: 'old' }, { age: { kind: 'number', width: 5 } })).toThrow(/field 'age'/);
  });
});
