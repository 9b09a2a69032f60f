/**
 * The Sealer's keyed tokenization: FF1 format-preserving tokens and pseudonyms, with keys
 * derived per field (or per token / pseudonym domain) from the scope's lookup key. The
 * algorithms live in tokenize/ and take key bytes; this module only chooses the keys.
 *
 * @module
 */
import { fieldCipher } from './field-ciphers.js';
import { encodeParts } from '../format/context.js';
import type { DataKey } from '../keys/data-key.js';
import { FpeTokenizer, type FpeFormat } from '../tokenize/fpe.js';
import {
  pseudonymizeDate,
  pseudonymizeEmail,
  pseudonymizeId,
  pseudonymizeIp,
  pseudonymizeName,
  type DatePseudonymOptions,
  type EmailPseudonymOptions,
  type IdPseudonymOptions,
  type IpPseudonymOptions,
  type NamePseudonymOptions,
} from '../tokenize/pseudonymize.js';
import { pseudonymizeRecord, type PseudonymizedValue, type PseudonymizeRecordOptions, type PseudonymRule } from '../tokenize/pseudonymize-record.js';
import { tokenDomain } from './deterministic-field.js';
import type { TokenContext } from './sealer.js';

/** Options of `Sealer.fpe` / `detokenize`: where the token lives and its format. */
export interface FpeOptions extends TokenContext {
  /** The token format, e.g. `fpeFormats.card({ keep: { last: 4 }, luhn: 'valid' })`. */
  readonly format: FpeFormat;
  /**
   * The lookup key that made the token (8 hex digits). Data key rotations never change it;
   * a token has no room for a key id, so only after a migration of the scope's lookup key
   * record the id beside the token and pass it here. Default: the scope's lookup key.
   */
  readonly keyId?: string;
}

/** The FPE tokenizer of (key, token domain, format), memoised on the key. */
export function fpeTokenizer(key: DataKey, options: FpeOptions): FpeTokenizer {
  const formatId = JSON.stringify(options.format);
  const [kind, a, b] = options.domain !== undefined ? ['fpe-domain', '', options.domain] : ['fpe-field', options.model, options.field];
  return fieldCipher(key, `${kind}\0${formatId}`, a, b, () => new FpeTokenizer(key.subkey('fpe', tokenDomain(options)), options.format));
}

/** The FF1 tweak: the token domain, plus the row when one is bound (which defeats lookups across rows). */
export function fpeTweak(options: FpeOptions): Buffer {
  const parts = tokenDomain(options);
  return encodeParts(options.row === undefined ? parts : [...parts, String(options.row)]);
}

/** Keyed pseudonym helpers bound to one key; obtain with `Sealer.pseudonymizer`. */
export interface Pseudonymizer {
  /** The lookup key the pseudonym key was derived from (data key rotations do not change it). */
  readonly keyId: string;
  email(email: string, options?: EmailPseudonymOptions): string;
  name(name: string, options?: NamePseudonymOptions): string;
  id(id: string | number | bigint, options?: IdPseudonymOptions): string;
  ip(address: string, options?: IpPseudonymOptions): string;
  date(value: Date | string, options: DatePseudonymOptions): Date | string;
  record<T extends Record<string, unknown>>(record: T, rules: Readonly<Record<string, PseudonymRule>>, options?: PseudonymizeRecordOptions): Record<string, PseudonymizedValue>;
}

/** Builds a {@link Pseudonymizer} on the pseudonym subkey of `key` for `domain`. */
export function makePseudonymizer(key: DataKey, domain: string): Pseudonymizer {
  const subkey = fieldCipher(key, 'pseudonym', '', domain, () => key.subkey('pseudonym', ['pseudonym', domain]));
  return {
    keyId: key.id,
    email: (email, options) => pseudonymizeEmail(subkey, email, options),
    name: (name, options) => pseudonymizeName(subkey, name, options),
    id: (id, options) => pseudonymizeId(subkey, id, options),
    ip: (address, options) => pseudonymizeIp(subkey, address, options),
    date: (value, options) => pseudonymizeDate(subkey, value, options),
    record: (record, rules, options) => pseudonymizeRecord(subkey, record, rules, options),
  };
}
