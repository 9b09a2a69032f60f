/**
 * The inventory's value detectors and name hints: generated valid card numbers and IBANs
 * are detected, the same with a wrong check digit are not, nor random strings; examples
 * of each kind, and near misses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PREFIX } from '../../src/format/envelope.js';
import { IBAN_COUNTRY_LENGTHS, ibanRemainder } from '../../src/privacy/inventory/detectors.js';
import { detectInText, detectValue, isBirthDate, isCardNumber, isEmail, isIban, isIpAddress, isPhone, isSsn, kindFromName } from '../../src/privacy/index.js';
import { luhnSum, setLuhnDigit } from '../../src/tokenize/luhn.js';

const NOW = new Date('2026-06-01T00:00:00Z');

/** Card issuer prefixes and lengths the detector should know. */
const CARD_SHAPES: readonly { prefix: string; lengths: readonly number[] }[] = [
  { prefix: '4', lengths: [13, 16, 19] },
  { prefix: '51', lengths: [16] },
  { prefix: '55', lengths: [16] },
  { prefix: '2221', lengths: [16] },
  { prefix: '2720', lengths: [16] },
  { prefix: '34', lengths: [15] },
  { prefix: '37', lengths: [15] },
  { prefix: '6011', lengths: [16, 19] },
  { prefix: '65', lengths: [16] },
  { prefix: '3528', lengths: [16] },
  { prefix: '36', lengths: [14] },
  { prefix: '62', lengths: [16, 19] },
];

/** A valid card number: an issuer prefix, random digits, the Luhn check digit. */
const validCard = fc
  .constantFrom(...CARD_SHAPES)
  .chain(({ prefix, lengths }) => fc.constantFrom(...lengths).chain((length) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length - prefix.length, maxLength: length - prefix.length }).map((rest) => ({ prefix, rest }))))
  .map(({ prefix, rest }) => {
    const digits = [...Array.from(prefix, Number), ...rest];
    setLuhnDigit(digits, digits.length - 1, 0);
    return digits.join('');
  });

/** A valid IBAN: a known country, random upper-case alphanumerics, the mod-97 check digits. */
const validIban = fc
  .constantFrom(...Object.entries(IBAN_COUNTRY_LENGTHS))
  .chain(([country, length]) => fc.array(fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'), { minLength: length - 4, maxLength: length - 4 }).map((bban) => ({ country, bban: bban.join('') })))
  .map(({ country, bban }) => {
    const check = 98 - ibanRemainder(`${country}00${bban}`);
    return `${country}${String(check).padStart(2, '0')}${bban}`;
  });

const grouped = (text: string, size: number, separator: string): string => text.match(new RegExp(`.{1,${size}}`, 'g'))?.join(separator) ?? text;

describe('card numbers (Luhn)', () => {
  it('every generated valid card number is detected, bare or grouped by 4', () => {
    fc.assert(
      fc.property(validCard, (card) => {
        expect(luhnSum(Array.from(card, Number))).toBe(0);
        expect(isCardNumber(card)).toBe(true);
        expect(detectValue(card, NOW)).toBe('card-number');
        expect(isCardNumber(grouped(card, 4, ' '))).toBe(true);
        expect(isCardNumber(grouped(card, 4, '-'))).toBe(true);
        expect(detectInText(`paid with ${grouped(card, 4, ' ')} yesterday`)).toContain('card-number');
      }),
      { numRuns: 500 },
    );
  });

  it('the same number with any other last digit is not', () => {
    fc.assert(
      fc.property(validCard, fc.integer({ min: 1, max: 9 }), (card, delta) => {
        const wrong = card.slice(0, -1) + String((Number(card.at(-1)) + delta) % 10);
        expect(isCardNumber(wrong)).toBe(false);
        expect(detectValue(wrong, NOW)).not.toBe('card-number');
      }),
      { numRuns: 500 },
    );
  });

  it('random digit strings with a bad checksum, and random text, are not card numbers', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{13,19}$/), (digits) => {
        fc.pre(luhnSum(Array.from(digits, Number)) !== 0);
        expect(isCardNumber(digits)).toBe(false);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        fc.pre(!/^[0-9 -]+$/.test(text));
        expect(isCardNumber(text)).toBe(false);
      }),
    );
  });

  it('a Luhn-valid number without an issuer prefix, or of a wrong length, is not one', () => {
    expect(isCardNumber('0000000000000000')).toBe(false); // Luhn-valid, no issuer
    expect(isCardNumber('4111111111111111')).toBe(true);
    expect(isCardNumber('411111111111')).toBe(false); // 12 digits
    expect(isCardNumber('4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1')).toBe(false);
    expect(detectValue(4111111111111111n, NOW)).toBe('card-number');
  });
});

describe('IBANs (mod 97)', () => {
  it('every generated valid IBAN is detected, compact or in groups of four', () => {
    fc.assert(
      fc.property(validIban, (iban) => {
        expect(ibanRemainder(iban)).toBe(1);
        expect(isIban(iban)).toBe(true);
        expect(detectValue(iban, NOW)).toBe('iban');
        expect(isIban(grouped(iban, 4, ' '))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('the same IBAN with other check digits, or one character changed, is not', () => {
    fc.assert(
      fc.property(validIban, fc.integer({ min: 1, max: 96 }), (iban, delta) => {
        const check = (Number(iban.slice(2, 4)) + delta) % 97;
        const wrong = `${iban.slice(0, 2)}${String(check).padStart(2, '0')}${iban.slice(4)}`;
        fc.pre(ibanRemainder(wrong) !== 1);
        expect(isIban(wrong)).toBe(false);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(validIban, fc.nat(), fc.constantFrom(...'0123456789'), (iban, at, digit) => {
        const i = 2 + (at % (iban.length - 2));
        fc.pre(/[0-9]/.test(iban[i] as string) && iban[i] !== digit);
        const changed = iban.slice(0, i) + digit + iban.slice(i + 1);
        // ISO 7064 MOD 97-10 detects every single digit substitution.
        expect(isIban(changed)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('random upper-case strings with a known country are not IBANs unless the checksum holds', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(IBAN_COUNTRY_LENGTHS)), fc.stringMatching(/^[0-9]{2}[A-Z0-9]{11,30}$/), (country, rest) => {
        const candidate = country + rest;
        expect(isIban(candidate)).toBe(IBAN_COUNTRY_LENGTHS[country] === candidate.length && ibanRemainder(candidate) === 1);
      }),
      { numRuns: 1000 },
    );
    expect(isIban('GB82WEST12345698765432')).toBe(true);
    expect(isIban('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(isIban('gb82west12345698765432')).toBe(false);
    expect(isIban('XX82WEST12345698765432')).toBe(false);
  });
});

describe('other detectors', () => {
  it('e-mail addresses', () => {
    for (const good of ['alice@example.com', 'a.b+tag@sub.example.co.uk', "o'brien@example.ie"]) expect(isEmail(good)).toBe(true);
    for (const bad of ['alice@', '@example.com', 'alice@example', 'a..b@example.com', 'alice at example.com', 'alice@exa mple.com']) expect(isEmail(bad)).toBe(false);
    expect(detectInText('please write to bob@example.org about it')).toEqual(['email']);
  });

  it('phone numbers written as such; bare digit runs are not', () => {
    for (const good of ['+44 20 7946 0018', '+14155550123', '(555) 123-4567', '555-123-4567', '020 7946 0018', '+33 1 23 45 67 89']) expect(isPhone(good)).toBe(true);
    for (const bad of ['5551234567', '12345', '2024-01-31', '+0 123', '1.5', 'ORD-2024-0001']) expect(isPhone(bad)).toBe(false);
  });

  it('US SSNs: dashed or spaced, valid area, group and serial', () => {
    for (const good of ['123-45-6789', '123 45 6789', '899-99-0001']) expect(isSsn(good)).toBe(true);
    for (const bad of ['000-12-3456', '666-12-3456', '900-12-3456', '123-00-4567', '123-45-0000', '123456789', '123-45 6789']) expect(isSsn(bad)).toBe(false);
  });

  it('IP addresses, v4 and v6', () => {
    for (const good of ['192.0.2.1', '10.0.0.255', '2001:db8::1', '::1', 'fe80::1ff:fe23:4567:890a']) expect(isIpAddress(good)).toBe(true);
    for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '2001:db8:::1', 'localhost']) expect(isIpAddress(bad)).toBe(false);
    fc.assert(fc.property(fc.ipV4(), (ip) => isIpAddress(ip)));
    fc.assert(fc.property(fc.ipV6(), (ip) => isIpAddress(ip)));
  });

  it('dates of birth: a date only, in a common form, 10 to 120 years before now', () => {
    for (const good of ['1984-02-29', '31/12/1970', '12/31/1970', '01.06.2000', '1990/07/14']) expect(isBirthDate(good, NOW)).toBe(true);
    for (const bad of ['2025-01-01', '1890-01-01', '1983-02-29', '1984-13-01', '2020-01-01T10:00:00Z', '1984-2-3']) expect(isBirthDate(bad, NOW)).toBe(false);
    expect(detectValue(new Date('1984-02-29T00:00:00Z'), NOW)).toBe('date-of-birth');
    expect(detectValue(new Date('1984-02-29T13:45:00Z'), NOW)).toBeUndefined();
  });

  it('sealed texts and ordinary values are nothing', () => {
    for (const value of [`${PREFIX}AQAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, 'active', 'SKU-12345', '42', 'hello world', '', 12.5, true, null]) expect(detectValue(value, NOW)).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        const kind = detectValue(text, NOW);
        if (kind === 'card-number') expect(isCardNumber(text.trim())).toBe(true);
        if (kind === 'iban') expect(isIban(text.trim())).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('column name hints', () => {
  it('names that say what they hold', () => {
    const cases: [string, string | undefined][] = [
      ['email', 'email'],
      ['contactEmail', 'email'],
      ['EMAIL_ADDRESS', 'email'],
      ['e_mail', 'email'],
      ['phone_number', 'phone'],
      ['mobile', 'phone'],
      ['ssn', 'ssn'],
      ['social_security_number', 'ssn'],
      ['dob', 'date-of-birth'],
      ['dateOfBirth', 'date-of-birth'],
      ['birth_date', 'date-of-birth'],
      ['billing_address', 'address'],
      ['street', 'address'],
      ['postcode', 'address'],
      ['last_name', 'name'],
      ['firstName', 'name'],
      ['surname', 'name'],
      ['iban', 'iban'],
      ['bank_account', 'iban'],
      ['ip', 'ip-address'],
      ['last_login_ip', 'ip-address'],
      ['ip_address', 'ip-address'],
      ['card_number', 'card-number'],
      ['passport_no', 'national-id'],
      ['tax_id', 'national-id'],
      ['hostname', undefined],
      ['filename', undefined],
      ['table_name', undefined],
      ['product_name', undefined],
      ['shipping', undefined],
      ['status', undefined],
      ['created_at', undefined],
      ['mac_address', undefined],
      ['zipped', undefined],
      ['description', undefined],
    ];
    for (const [name, kind] of cases) expect([name, kindFromName(name)]).toEqual([name, kind]);
  });

  it('a bare name column is a person’s only in a table of people', () => {
    expect(kindFromName('name', 'customers')).toBe('name');
    expect(kindFromName('name', 'app_users')).toBe('name');
    expect(kindFromName('Name', 'Employee')).toBe('name');
    expect(kindFromName('name', 'products')).toBeUndefined();
    expect(kindFromName('name', 'feature_flags')).toBeUndefined();
  });
});
