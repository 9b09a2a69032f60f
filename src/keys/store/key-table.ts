/**
 * The logic of a key store over records held in memory, written once: the memory store
 * keeps one table for its life; the file store loads one from the file for each call and,
 * for a write, saves it back. Every operation enforces the invariants the SQL stores get
 * from their indexes and transactions: unique ids, one primary per (scope, purpose), a
 * rotation all or nothing. Arguments must have passed the checks of record-rules.ts.
 *
 * @module
 */
import { KeyStoreError } from '../../errors.js';
import { idConflict, primaryConflict, versionConflict } from './conflicts.js';
import type { DemoteCurrentPrimary, KeyListPage, KeyPurpose, KeyRecord, KeyRecordChange, NewKeyRecord } from './key-store.js';
import { primarySlot } from './record-row.js';
import { applyChange, scopeHasPrefix } from './record-rules.js';

/**
 * How a table keeps a record (`E`): the memory store keeps SQL rows, the file store the
 * entries of its file. Entries are parsed on every read, so a damaged one fails the reads
 * of its own record only.
 */
export interface KeyEntryCodec<E> {
  /** The entry of a valid record. */
  encode(record: KeyRecord): E;
  /** The record of an entry, checking every rule; a `KeyStoreError` naming the key otherwise. */
  parse(entry: E, source: string): KeyRecord;
  /**
   * The entry's id, scope and purpose as stored (unchecked), and the primary slot it claims
   * (`purpose:scope`) or null: what indexing and filtering look at, as a SQL index would.
   */
  peek(entry: E): { readonly id: unknown; readonly scope: unknown; readonly purpose: unknown; readonly slot: string | null };
}

/** Records in id order with a unique index on their primary slot, and the store operations on them. */
export class KeyTable<E> {
  readonly #codec: KeyEntryCodec<E>;
  readonly #source: string;
  readonly #entries = new Map<string, E>();
  /** primary slot -> id: the UNIQUE index. */
  readonly #slots = new Map<string, string>();
  /** Every id, ascending: the primary key's order, for paging. */
  readonly #ids: string[] = [];

  /** An empty table; `source` is the store's description, for errors. */
  constructor(codec: KeyEntryCodec<E>, source: string) {
    this.#codec = codec;
    this.#source = source;
  }

  /**
   * A table of stored entries. What no single record can be blamed for fails the whole
   * table with a `KeyStoreError`: an entry without a text id, two entries with one id, two
   * primaries of one (scope, purpose).
   */
  static load<E>(codec: KeyEntryCodec<E>, source: string, entries: Iterable<E>): KeyTable<E> {
    const table = new KeyTable(codec, source);
    const damaged = (why: string) => new KeyStoreError(`${source}: ${why}; it was edited or damaged outside fieldseal`);
    for (const entry of entries) {
      const { id, slot } = codec.peek(entry);
      if (typeof id !== 'string') throw damaged('a stored record has no id');
      if (table.#entries.has(id)) throw damaged(`two stored records have the id ${describeId(id)}`);
      const holder = slot === null ? undefined : table.#slots.get(slot);
      if (holder !== undefined) throw damaged(`keys ${describeId(holder)} and ${describeId(id)} are both primary for one scope and purpose`);
      table.#entries.set(id, entry);
      if (slot !== null) table.#slots.set(slot, id);
      table.#ids.push(id);
    }
    table.#ids.sort(compareIds);
    return table;
  }

  /** Every entry, in id order: what a store saves. */
  entries(): E[] {
    return this.#ids.map((id) => this.#entries.get(id) as E);
  }

  /** The stored entry of `id`, unparsed. */
  entry(id: string): E | undefined {
    return this.#entries.get(id);
  }

  get(id: string): KeyRecord | undefined {
    const entry = this.#entries.get(id);
    return entry === undefined ? undefined : this.#codec.parse(entry, this.#source);
  }

  getMany(ids: readonly string[]): KeyRecord[] {
    return [...new Set(ids)].flatMap((id) => this.get(id) ?? []);
  }

  primary(scope: string, purpose: KeyPurpose): KeyRecord | undefined {
    const id = this.#slots.get(primarySlot(purpose, scope));
    return id === undefined ? undefined : this.get(id);
  }

  /** See `KeyStore.insert`. All checks come before any change: a conflict changes nothing. */
  insert(fields: NewKeyRecord, demote: DemoteCurrentPrimary | undefined, now: string): KeyRecord {
    if (this.#entries.has(fields.id)) throw idConflict(fields.id);
    const record: KeyRecord = { ...fields, createdAt: now, updatedAt: now, version: 1 };
    const holder = record.primary ? this.#slots.get(primarySlot(record.purpose, record.scope)) : undefined;
    let demoted: { before: KeyRecord; after: KeyRecord } | undefined;
    if (demote !== undefined) {
      const before = holder === demote.id ? this.get(holder) : undefined;
      if (before === undefined || before.version !== demote.version) throw versionConflict(demote.id);
      demoted = { before, after: { ...before, primary: false, state: 'decrypt-only', updatedAt: now, version: before.version + 1 } };
    } else if (holder !== undefined) {
      throw primaryConflict(record.id);
    }
    if (demoted !== undefined) this.#write(demoted.after, demoted.before);
    this.#write(record);
    return record;
  }

  /** See `KeyStore.compareAndSet`. */
  compareAndSet(id: string, expectedVersion: number, change: KeyRecordChange, now: string): KeyRecord | undefined {
    const current = this.get(id);
    if (current === undefined || current.version !== expectedVersion) return undefined;
    const next = applyChange(current, change, now);
    const holder = next.primary ? this.#slots.get(primarySlot(next.purpose, next.scope)) : undefined;
    if (holder !== undefined && holder !== id) throw primaryConflict(id);
    this.#write(next, current);
    return next;
  }

  /** See `KeyStore.list`. */
  list(page: KeyListPage): KeyRecord[] {
    const out: KeyRecord[] = [];
    const start = page.after === undefined ? 0 : firstAfter(this.#ids, page.after);
    for (let i = start; i < this.#ids.length && out.length < page.limit; i++) {
      const entry = this.#entries.get(this.#ids[i] as string) as E;
      // Filter on the stored fields, then parse, as a SQL WHERE clause would: a damaged
      // record of another scope does not fail this page.
      const { scope, purpose } = this.#codec.peek(entry);
      if (
        (page.scope === undefined || scope === page.scope) &&
        (page.scopePrefix === undefined || scopeHasPrefix(scope, page.scopePrefix)) &&
        (page.purpose === undefined || purpose === page.purpose)
      ) {
        out.push(this.#codec.parse(entry, this.#source));
      }
    }
    return out;
  }

  /**
   * Overwrites the entry of `id`, bypassing every check, as a hand edit would; the slot
   * index follows the new entry unless another record holds that slot (as a unique index
   * would refuse the edit). For tests of damaged records.
   */
  replace(id: string, entry: E): void {
    const before = this.#entries.get(id);
    if (before === undefined) throw new Error(`no record ${id} in this table`);
    const was = this.#codec.peek(before).slot;
    if (was !== null && this.#slots.get(was) === id) this.#slots.delete(was);
    const slot = this.#codec.peek(entry).slot;
    if (slot !== null && !this.#slots.has(slot)) this.#slots.set(slot, id);
    this.#entries.set(id, entry);
  }

  #write(record: KeyRecord, before?: KeyRecord): void {
    if (before?.primary) this.#slots.delete(primarySlot(before.purpose, before.scope));
    if (record.primary) this.#slots.set(primarySlot(record.purpose, record.scope), record.id);
    if (!this.#entries.has(record.id)) this.#ids.splice(firstAfter(this.#ids, record.id), 0, record.id);
    this.#entries.set(record.id, this.#codec.encode(record));
  }
}

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Index of the first id greater than `id` in ascending `ids`. */
function firstAfter(ids: readonly string[], id: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ids[mid] as string) <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** An id for a message: itself when short and printable, a placeholder otherwise (a hand edit can put anything there). */
function describeId(id: string): string {
  return /^[\x20-\x7e]{1,16}$/.test(id) ? JSON.stringify(id) : '(unreadable id)';
}
