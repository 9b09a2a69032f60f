/**
 * The file of the file key store, format version 2:
 *
 * ```json
 * {
 *   "format": "fieldseal-keys",
 *   "version": 2,
 *   "keys": [
 *     {"id":"0a1b2c3d","scope":"default","purpose":"data","parent":"4e5f6a7b","wrapped":"…","state":"active","primary":true,"version":1,"createdAt":"…","updatedAt":"…"}
 *   ]
 * }
 * ```
 *
 * One line per record, in id order, with the fields of `KeyRecord`. Records are checked
 * when read, one by one, so a hand-edited record fails the reads of that record only, and
 * is written back as it is.
 *
 * @module
 */
import { KeyStoreError } from '../errors.js';
import { KeyTable, type KeyEntryCodec } from './store/key-table.js';
import { parseKeyEntry, primarySlot, recordToEntry, type KeyEntry } from './store/record-row.js';
import { isKeyPurpose } from './store/record-rules.js';

/** The `format` of a key file. */
export const KEY_FILE_FORMAT = 'fieldseal-keys';
/** The `version` this release reads and writes. */
export const KEY_FILE_VERSION = 2;

/** Records kept as the entries of a key file. */
const entryCodec: KeyEntryCodec<KeyEntry> = {
  encode: recordToEntry,
  parse: parseKeyEntry,
  peek: (entry) => ({
    id: entry.id,
    scope: entry.scope,
    purpose: entry.purpose,
    slot: entry.primary === true && isKeyPurpose(entry.purpose) && typeof entry.scope === 'string' ? primarySlot(entry.purpose, entry.scope) : null,
  }),
};

/** An empty table of key file entries. */
export const emptyKeyFileTable = (source: string): KeyTable<KeyEntry> => new KeyTable(entryCodec, source);

/**
 * The records of a key file's content. A file that is not a key file of this version
 * throws a `KeyStoreError` (`source` names the store); so does one from the pre-release
 * format 1, saying how to start afresh.
 */
export function parseKeyFile(bytes: Uint8Array, source: string): KeyTable<KeyEntry> {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new KeyStoreError(`${source}: the key file is not valid JSON; it was edited or damaged outside fieldseal`);
  }
  const { format, version, keys } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (format !== KEY_FILE_FORMAT || !Array.isArray(keys)) throw new KeyStoreError(`${source}: not a fieldseal key file`);
  if (version === 1) {
    throw new KeyStoreError(
      `${source}: this key file is from an earlier pre-release of fieldseal (format version 1), which this version does not read. ` +
        'No published version wrote that format, so there is nothing to migrate: to start afresh, move the file aside; fieldseal then creates a new one ' +
        'with new keys on its next write (values sealed under the old keys stay unreadable)',
    );
  }
  if (version !== KEY_FILE_VERSION) {
    const which = Number.isSafeInteger(version) ? `format version ${String(version)}` : 'no valid format version';
    throw new KeyStoreError(`${source}: the key file has ${which}; this version of fieldseal reads version ${KEY_FILE_VERSION}`);
  }
  for (const [i, entry] of keys.entries()) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new KeyStoreError(`${source}: entry #${i} of the key file is not a record; it was edited or damaged outside fieldseal`);
    }
  }
  return KeyTable.load(entryCodec, source, keys as KeyEntry[]);
}

/** The content of a key file holding `table`'s records. */
export function keyFileBytes(table: KeyTable<KeyEntry>): Buffer {
  const lines = table.entries().map((entry) => `    ${JSON.stringify(entry)}`);
  const keys = lines.length === 0 ? '[]' : `[\n${lines.join(',\n')}\n  ]`;
  return Buffer.from(`{\n  "format": "${KEY_FILE_FORMAT}",\n  "version": ${KEY_FILE_VERSION},\n  "keys": ${keys}\n}\n`, 'utf8');
}
