/**
 * Column names that say what a column holds: `email`, `phone_number`, `dateOfBirth`,
 * `billing_address`, `last_name`, `iban`, `ip`... A name is split into lowercase words (at
 * `_`, `-`, spaces, digits and camelCase humps) and matched word by word, so that
 * `hostname`, `filename` or `table_name` are not taken for a person's name, nor
 * `ip_address` for a postal one.
 *
 * @module
 */
import type { PersonalDataKind } from './detectors.js';

/** The words of a column name: `dateOfBirth` → date, of, birth; `EMAIL_ADDR2` → email, addr. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((word) => word.length > 0);
}

const has = (words: readonly string[], ...any: string[]): boolean => any.some((w) => words.includes(w));
const pair = (words: readonly string[], first: string, second: string): boolean => words.some((w, i) => w === first && words[i + 1] === second);

/** Words before `name` that make it a person's name. */
const PERSON_NAME_QUALIFIERS = ['first', 'last', 'full', 'given', 'family', 'middle', 'maiden', 'sur', 'legal', 'display', 'contact', 'customer', 'person', 'patient', 'holder', 'card', 'account', 'billing', 'shipping', 'user', 'owner', 'nick', 'birth'];

/** Words of table names that hold people (singular; a trailing `s` is dropped before comparing). */
const PEOPLE_TABLE_WORDS = new Set(['user', 'customer', 'client', 'employee', 'staff', 'person', 'people', 'member', 'patient', 'contact', 'account', 'author', 'student', 'subscriber', 'applicant', 'candidate', 'guest', 'buyer', 'seller', 'owner', 'profile', 'lead', 'recipient', 'sender', 'driver', 'passenger', 'tenant', 'teacher', 'doctor', 'volunteer', 'donor', 'visitor']);

/**
 * The kind of personal data a column name suggests, or undefined. Rules, first match wins:
 * e-mail, IP address, card number, IBAN, SSN, other national ids, date of birth, phone,
 * postal address, a person's name (a bare `name` only in a table of people: `users`,
 * `customers`, `employees`...).
 */
export function kindFromName(name: string, table = ''): PersonalDataKind | undefined {
  const words = nameWords(name);
  const joined = words.join('');
  if (words.length === 0) return undefined;
  if (has(words, 'email', 'mail', 'emailaddress') || pair(words, 'e', 'mail')) return 'email';
  if (has(words, 'ip', 'ipv', 'ipaddr', 'ipaddress') || pair(words, 'remote', 'addr') || pair(words, 'remote', 'address') || joined === 'clientip') return 'ip-address';
  if (has(words, 'pan', 'ccnumber', 'creditcard', 'cardnumber') || pair(words, 'credit', 'card') || pair(words, 'cc', 'number') || pair(words, 'cc', 'num') || (has(words, 'card') && has(words, 'number', 'num', 'no'))) return 'card-number';
  if (has(words, 'iban') || pair(words, 'bank', 'account') || pair(words, 'account', 'number')) return 'iban';
  if (has(words, 'ssn') || pair(words, 'social', 'security')) return 'ssn';
  if (has(words, 'passport', 'nin', 'nino', 'tin') || pair(words, 'national', 'id') || pair(words, 'tax', 'id') || pair(words, 'driver', 'license') || pair(words, 'drivers', 'license') || pair(words, 'id', 'card')) return 'national-id';
  if (has(words, 'dob', 'birthday', 'birthdate', 'birth') || joined.includes('dateofbirth')) return 'date-of-birth';
  if (has(words, 'phone', 'telephone', 'tel', 'mobile', 'cell', 'cellphone', 'fax', 'msisdn', 'phonenumber')) return 'phone';
  if (has(words, 'address', 'addr', 'street', 'postcode', 'zip', 'zipcode', 'postal', 'city') && !has(words, 'mac', 'web', 'url', 'host')) return 'address';
  if (has(words, 'firstname', 'lastname', 'surname', 'fullname', 'givenname', 'familyname', 'forename', 'middlename', 'maidenname', 'nickname')) return 'name';
  // A bare `name` is a person's in a table of people, and a product's or a file's elsewhere.
  if (words.length === 1 && words[0] === 'name') return nameWords(table).some((w) => PEOPLE_TABLE_WORDS.has(w.replace(/s$/, ''))) ? 'name' : undefined;
  if (words.some((w, i) => w === 'name' && i > 0 && PERSON_NAME_QUALIFIERS.includes(words[i - 1] as string))) return 'name';
  return undefined;
}
