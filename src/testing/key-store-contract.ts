/**
 * The key store contract suite: the behaviour every shared key store must have for
 * fieldseal's key hierarchy to be safe on top of it. fieldseal runs it for its memory,
 * file, SQLite, PostgreSQL and MySQL/MariaDB stores (and over Prisma); run it for yours the
 * same way.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { InvalidInputError, KeyConflictError, KeyStoreError, type KeyConflictReason } from '../errors.js';
import type { KeyListPage, KeyPurpose, KeyRecord, KeyStore, NewKeyRecord } from '../keys/store/key-store.js';
import type { KeyColumn } from '../keys/store/record-row.js';
import { findLeak } from './leak-check.js';
import { testsOnFreshSubjects, type ContractTestApi } from './test-api.js';
import { rejection } from './rejection.js';

/** What one contract test runs against; `setup` makes a fresh one for every test. */
export interface KeyStoreUnderTest {
  /** A migrated, empty store. */
  readonly store: KeyStore;
  /**
   * Overwrites one column of the stored row of key `id`, as a hand edit would (for a SQL
   * store: `UPDATE table SET column = value WHERE id = ...` on a raw connection).
   */
  corrupt(id: string, column: KeyColumn, value: string | number | null): Promise<void> | void;
  /** A store like `store` whose database refuses every call (e.g. a table that does not exist). Omit for stores without a database. */
  readonly failing?: KeyStore;
  /** Releases what `setup` made for this test. */
  dispose?(): Promise<void> | void;
}

/** Options of {@link runKeyStoreContract}. */
export interface KeyStoreContractOptions {
  /** Your test framework's `describe` and `it`. */
  readonly test: Pick<ContractTestApi, 'describe' | 'it'>;
  /** Per-test timeout in milliseconds (default 30 000). */
  readonly timeoutMs?: number;
}

/**
 * Declares the contract tests for one key store.
 *
 * Checks: insert and exact read back (`get`, `getMany` beyond 1000 ids, `primary`); scopes
 * kept apart exactly (case, trailing space, Unicode forms); `list` paging in id order with
 * filters, and by scope prefix (exactly, around the bounds of its range); id and
 * second-primary conflicts; rotation (insert + demote) and a stale rotation
 * writing nothing; `compareAndSet` success, stale and unknown; destroyed is final; records
 * and changes that break an invariant refused; 50 concurrent first-key inserts of one
 * scope making exactly one primary; a damaged row failing reads with a `KeyStoreError`
 * naming the key; no wrapped bytes in any error; `migrate()` idempotent and safe to race.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { runKeyStoreContract } from 'fieldseal/testing';
 * runKeyStoreContract('my store', async () => ({ store, corrupt }), { test: { describe, it } });
 * ```
 */
export function runKeyStoreContract(name: string, setup: () => Promise<KeyStoreUnderTest> | KeyStoreUnderTest, options: KeyStoreContractOptions): void {
  const { describe, it } = options.test;
  const timeout = options.timeoutMs ?? 30_000;
  const test = testsOnFreshSubjects(it, setup, timeout);

  describe(`KeyStore contract: ${name}`, () => {
    test('inserts a record and reads it back exactly; migrate() is idempotent and safe to race', async ({ store }) => {
      const input = newRecord({ scope: 'tenant-a', primary: true });
      const record = await store.insert(input);
      assert.deepEqual(pick(record, input), input);
      assert.equal(record.version, 1);
      assert.match(record.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      assert.equal(record.updatedAt, record.createdAt);
      assert.deepEqual(await store.get(record.id), record);
      assert.equal(await store.get(otherId(record.id)), undefined);
      assert.deepEqual(await store.primary('tenant-a', 'data'), record);
      assert.equal(await store.primary('tenant-a', 'lookup'), undefined);
      assert.equal(await store.primary('tenant-b', 'data'), undefined);
      await Promise.all([store.migrate(), store.migrate(), store.migrate()]);
      assert.deepEqual(await store.get(record.id), record, 'migrate() changed a stored record');
    });

    test('getMany returns the records that exist, for any number of ids', async ({ store }) => {
      const records = await Promise.all([0, 1, 2].map(() => store.insert(newRecord())));
      const [a, b, c] = records as [KeyRecord, KeyRecord, KeyRecord];
      assert.deepEqual(sortById(await store.getMany([a.id, otherId(a.id), b.id, a.id])), sortById([a, b]));
      assert.deepEqual(await store.getMany([]), []);
      const many = Array.from({ length: 1500 }, () => randomId());
      many[0] = a.id;
      many[1200] = b.id;
      many[1499] = c.id;
      assert.deepEqual(sortById(await store.getMany(many)), sortById(records));
    });

    test('keeps scopes apart exactly: case, trailing spaces, Unicode forms, 255 characters', async ({ store }) => {
      const scopes = ['tenant', 'Tenant', 'tenant ', 'tenänt', 'te\u0301nant', 'tén', 'te\u0301n', '\u{1D4AF}'.repeat(255)];
      const inserted = [];
      for (const scope of scopes) inserted.push(await store.insert(newRecord({ scope, primary: true })));
      for (const [i, scope] of scopes.entries()) {
        assert.equal((await store.primary(scope, 'data'))?.id, inserted[i]?.id, `primary of scope #${i}`);
        assert.deepEqual(
          (await store.list({ scope, limit: 10 })).map((r) => r.id),
          [inserted[i]?.id],
          `list of scope #${i}`,
        );
        assert.equal((await store.get(inserted[i]?.id as string))?.scope, scope, `scope #${i} read back`);
      }
      await expectInvalid(store.insert(newRecord({ scope: '\u{1D4AF}'.repeat(256) })));
    });

    test('lists in id order, page by page, with scope and purpose filters', async ({ store }) => {
      const records: KeyRecord[] = [];
      for (let i = 0; i < 23; i++) {
        records.push(await store.insert(newRecord({ scope: i % 2 === 0 ? 'list-a' : 'list-b', purpose: i % 3 === 0 ? 'lookup' : 'data' })));
      }
      const filters: Array<{ scope?: string; purpose?: KeyPurpose }> = [{}, { scope: 'list-a' }, { purpose: 'data' }, { scope: 'list-b', purpose: 'lookup' }];
      for (const filter of filters) {
        const expected = records
          .filter((r) => (filter.scope === undefined || r.scope === filter.scope) && (filter.purpose === undefined || r.purpose === filter.purpose))
          .map((r) => r.id)
          .sort();
        const seen: string[] = [];
        let pages = 0;
        for (let after: string | undefined; ; pages++) {
          const page = await store.list({ ...filter, after, limit: 4 });
          assert.ok(page.length <= 4, 'a page is longer than its limit');
          seen.push(...page.map((r) => r.id));
          if (page.length < 4) break;
          after = page[page.length - 1]?.id;
        }
        assert.deepEqual(seen, expected, `paging with ${JSON.stringify(filter)}`);
        assert.equal(pages, Math.floor(expected.length / 4), `pages with ${JSON.stringify(filter)}`);
      }
      assert.deepEqual(await store.list({ after: 'ffffffff', limit: 10 }), []);
      const full = await store.list({ limit: 1000 });
      assert.deepEqual(full, sortById(records));
      for (const limit of [0, 1001, 2.5]) await expectInvalid(store.list({ limit }));
      await expectInvalid(store.list({ limit: 10, after: 'nope' }));
    });

    test('lists the scopes that start with a prefix, exactly, page by page, with the other filters', async ({ store }) => {
      // Around the bounds of the range `t#` <= scope < `t$`: a character below space after the
      // prefix or after the bound (MySQL pads with spaces when comparing), characters above
      // the BMP and at its top, and a character whose UTF-16LE bytes start with `#`.
      const scopes = ['t', 't#a', 't#b', 't2', 'u#a', 't#', 't"z', 't$', 'T#a', 't#\u0001x', 't$\u0001', 't#\u{1F600}', 't#\uFFFF', 't\u0123', 't\u0001#', 'v~', 'v~\u0080', 'v\u007f', 'v}', '\u{1F600}#a', '\u{1F600}$', '\u{1F600}'];
      const records: KeyRecord[] = [];
      for (const scope of scopes) {
        for (const purpose of ['data', 'lookup', 'data'] as const) records.push(await store.insert(newRecord({ scope, purpose })));
      }
      const filters: Array<{ scopePrefix: string; scope?: string; purpose?: KeyPurpose }> = [
        { scopePrefix: 't#' },
        { scopePrefix: 't#', purpose: 'lookup' },
        { scopePrefix: 't#', scope: 't#a' },
        { scopePrefix: 't#', scope: 't2' },
        { scopePrefix: '\u{1F600}#' },
        { scopePrefix: 'v~' },
        { scopePrefix: 'u#a' },
      ];
      for (const filter of filters) {
        const expected = records
          .filter((r) => r.scope.startsWith(filter.scopePrefix) && (filter.scope === undefined || r.scope === filter.scope) && (filter.purpose === undefined || r.purpose === filter.purpose))
          .map((r) => r.id)
          .sort();
        for (const limit of [2, 1000]) {
          assert.deepEqual(
            (await listAll(store, { ...filter, limit })).map((r) => r.id),
            expected,
            `${JSON.stringify(filter)}, pages of ${limit}`,
          );
        }
      }
      assert.equal((await listAll(store, { scopePrefix: 't#', limit: 1000 })).length, 18, 'the t# records');
      for (const scopePrefix of ['', 't#\u00e9', 't ', 't#\u0001', 't#\u007f', '\uD800#', 'x'.repeat(256)]) {
        await expectInvalid(store.list({ scopePrefix, limit: 10 }));
      }
    });

    test('refuses a second record with an existing id', async ({ store }) => {
      const first = await store.insert(newRecord({ scope: 'one' }));
      const error = await rejection(store.insert(newRecord({ id: first.id, scope: 'two', primary: true })));
      expectConflict(error, 'id', first.id);
      assert.deepEqual(await store.get(first.id), first);
      assert.equal(await store.primary('two', 'data'), undefined);
    });

    test('refuses a second primary for one scope and purpose', async ({ store }) => {
      const first = await store.insert(newRecord({ scope: 's', primary: true }));
      const second = newRecord({ scope: 's', primary: true });
      expectConflict(await rejection(store.insert(second)), 'primary', second.id);
      assert.equal(await store.get(second.id), undefined);
      assert.deepEqual(await store.primary('s', 'data'), first);
      await store.insert(newRecord({ scope: 's' }));
      await store.insert(newRecord({ scope: 's', purpose: 'lookup', primary: true }));
      await store.insert(newRecord({ scope: 's2', primary: true }));
      await store.insert(newRecord({ scope: 's', purpose: 'root', parent: 'local:main', primary: true }));
    });

    test('rotates: insert with demote makes the new record primary and the old one decrypt-only', async ({ store }) => {
      const old = await store.insert(newRecord({ scope: 'r', primary: true }));
      const next = await store.insert(newRecord({ scope: 'r', primary: true }), { demote: { id: old.id, version: old.version } });
      assert.equal(next.primary, true);
      const demoted = await store.get(old.id);
      assert.ok(demoted !== undefined);
      assert.deepEqual({ primary: demoted.primary, state: demoted.state, version: demoted.version, wrapped: demoted.wrapped }, {
        primary: false,
        state: 'decrypt-only',
        version: 2,
        wrapped: old.wrapped,
      });
      assert.ok(demoted.updatedAt >= old.updatedAt);
      assert.deepEqual(await store.primary('r', 'data'), next);
      const third = await store.insert(newRecord({ scope: 'r', primary: true }), { demote: { id: next.id, version: 1 } });
      assert.equal((await store.primary('r', 'data'))?.id, third.id);
      assert.equal((await store.list({ scope: 'r', limit: 10 })).filter((r) => r.primary).length, 1);
    });

    test('refuses a rotation whose record to demote moved on, and writes nothing', async ({ store }) => {
      const current = await store.insert(newRecord({ scope: 'r', primary: true }));
      const moved = await store.compareAndSet(current.id, 1, { parent: 'root-2' });
      assert.equal(moved?.version, 2);
      const bystander = await store.insert(newRecord({ scope: 'elsewhere', primary: true }));
      const notPrimary = await store.insert(newRecord({ scope: 'r' }));
      const demotions = [
        { id: current.id, version: 1 }, // stale version
        { id: notPrimary.id, version: 1 }, // not the primary
        { id: bystander.id, version: 1 }, // another scope's primary
        { id: otherId(current.id), version: 1 }, // no such record
      ];
      for (const demote of demotions) {
        const attempt = newRecord({ scope: 'r', primary: true });
        expectConflict(await rejection(store.insert(attempt, { demote })), 'version', demote.id);
        assert.equal(await store.get(attempt.id), undefined, 'the new record was written');
      }
      assert.deepEqual(await store.get(current.id), moved);
      assert.deepEqual(await store.get(notPrimary.id), notPrimary);
      assert.deepEqual(await store.get(bystander.id), bystander);
      assert.deepEqual(await store.primary('r', 'data'), moved);
    });

    test('compareAndSet applies a change at the expected version only', async ({ store }) => {
      const record = await store.insert(newRecord({ scope: 'c' }));
      const wrapped = randomWrapped();
      const changed = await store.compareAndSet(record.id, 1, { wrapped, parent: 'root-9' });
      assert.ok(changed !== undefined);
      assert.deepEqual(
        { ...changed, updatedAt: record.updatedAt },
        { ...record, wrapped, parent: 'root-9', version: 2 },
      );
      assert.ok(changed.updatedAt >= record.updatedAt);
      assert.deepEqual(await store.get(record.id), changed);
      assert.equal(await store.compareAndSet(record.id, 1, { state: 'decrypt-only' }), undefined, 'a stale version was applied');
      assert.equal(await store.compareAndSet(otherId(record.id), 1, { state: 'decrypt-only' }), undefined);
      assert.deepEqual(await store.get(record.id), changed);
      const promoted = await store.compareAndSet(record.id, 2, { primary: true });
      assert.equal(promoted?.primary, true);
      assert.deepEqual(await store.primary('c', 'data'), promoted);
      const retired = await store.compareAndSet(record.id, 3, { primary: false, state: 'decrypt-only' });
      assert.deepEqual({ primary: retired?.primary, state: retired?.state, version: retired?.version }, { primary: false, state: 'decrypt-only', version: 4 });
      assert.equal(await store.primary('c', 'data'), undefined);
    });

    test('a destroyed record is final and keeps no wrapped bytes', async ({ store }) => {
      const record = await store.insert(newRecord({ scope: 'd' }));
      const destroyed = await store.compareAndSet(record.id, 1, { state: 'destroyed' });
      assert.deepEqual({ state: destroyed?.state, wrapped: destroyed?.wrapped, version: destroyed?.version }, { state: 'destroyed', wrapped: '', version: 2 });
      for (const change of [{ state: 'active', wrapped: randomWrapped() }, { state: 'decrypt-only', wrapped: randomWrapped() }, { parent: 'x' }, {}] as const) {
        expectConflict(await rejection(store.compareAndSet(record.id, 2, change)), 'state', record.id);
      }
      assert.deepEqual(await store.get(record.id), destroyed);
    });

    test('refuses records and changes that break an invariant', async ({ store }) => {
      const refused: NewKeyRecord[] = [
        newRecord({ primary: true, state: 'decrypt-only' }),
        newRecord({ primary: true, state: 'destroyed', wrapped: '' }),
        newRecord({ state: 'destroyed' }),
        newRecord({ wrapped: '' }),
        newRecord({ wrapped: 'not base64!' }),
        newRecord({ scope: '' }),
        newRecord({ scope: 'lone \uD800 surrogate' }),
        newRecord({ parent: '' }),
        newRecord({ purpose: 'master' as KeyPurpose }),
        newRecord({ state: 'paused' as KeyRecord['state'] }),
      ];
      for (const record of refused) {
        await expectInvalid(store.insert(record));
        assert.equal(await store.get(record.id), undefined);
      }
      for (const id of ['ABCDEF12', '123', '0123456789']) await expectInvalid(store.insert(newRecord({ id })));
      const current = await store.insert(newRecord({ scope: 'i', primary: true }));
      await expectInvalid(store.insert(newRecord({ scope: 'i' }), { demote: { id: current.id, version: 1 } }));
      const other = await store.insert(newRecord({ scope: 'i' }));
      for (const change of [{ primary: true, state: 'decrypt-only' }, { state: 'destroyed', wrapped: randomWrapped() }, { wrapped: '' }, { parent: '' }] as const) {
        await expectInvalid(store.compareAndSet(other.id, 1, change));
      }
      await expectInvalid(store.compareAndSet(other.id, 0, {}));
      const retired = await store.compareAndSet(other.id, 1, { state: 'decrypt-only' });
      expectConflict(await rejection(store.compareAndSet(other.id, 2, { primary: true })), 'state', other.id);
      expectConflict(await rejection(store.compareAndSet(current.id, 1, { state: 'destroyed' })), 'state', current.id);
      expectConflict(await rejection(store.compareAndSet(current.id, 1, { state: 'decrypt-only' })), 'state', current.id);
      expectConflict(await rejection(store.compareAndSet(other.id, 2, { primary: true, state: 'active' })), 'primary', other.id);
      assert.deepEqual(await store.get(other.id), retired);
      assert.deepEqual(await store.get(current.id), current);
    });

    test('50 concurrent first-key inserts of one scope: exactly one becomes primary', async ({ store }) => {
      const attempts = Array.from({ length: 50 }, () => newRecord({ scope: 'race', primary: true }));
      const outcomes = await Promise.allSettled(attempts.map((record) => store.insert(record)));
      const winners = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      assert.equal(winners.length, 1, `${winners.length} inserts succeeded`);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expectConflict(outcome.reason, 'primary');
      }
      assert.deepEqual(await store.primary('race', 'data'), winners[0]);
      assert.deepEqual(await store.list({ scope: 'race', limit: 100 }), winners);
    });

    test('a row edited by hand fails reads with a KeyStoreError naming the key, not its bytes', async (subject) => {
      const { store } = subject;
      const damages: Array<{ column: KeyColumn; value: string | number | null; primary?: boolean }> = [
        { column: 'state', value: 'paused' },
        { column: 'purpose', value: 'master' },
        { column: 'wrapped', value: 'not base64!' },
        { column: 'version', value: 0 },
        { column: 'scope', value: '' },
        { column: 'parent', value: '' },
        { column: 'primary_slot', value: 'data:another-scope' },
        { column: 'primary_slot', value: null, primary: true }, // harmless: no longer primary
        { column: 'state', value: 'decrypt-only', primary: true }, // primary but not active
        { column: 'state', value: 'destroyed' }, // destroyed but with bytes
        { column: 'wrapped', value: '' }, // active without bytes
      ];
      for (const [i, damage] of damages.entries()) {
        const scope = `damaged-${i}`;
        const record = await store.insert(newRecord({ scope, primary: damage.primary ?? false }));
        await subject.corrupt(record.id, damage.column, damage.value);
        if (damage.value === null) {
          assert.equal((await store.get(record.id))?.primary, false, 'a row without primary_slot is not primary');
          continue;
        }
        const reads: Array<() => Promise<unknown>> = [() => store.get(record.id), () => store.getMany([record.id]), () => store.compareAndSet(record.id, 1, { parent: 'p' })];
        if (damage.column !== 'scope') reads.push(() => store.list({ scope, limit: 10 }));
        if (damage.primary) reads.push(() => store.primary(scope, 'data'));
        for (const read of reads) {
          const error = await rejection(read());
          assert.ok(error instanceof KeyStoreError, `${damage.column}=${JSON.stringify(damage.value)}: expected a KeyStoreError, got ${String(error)}`);
          assert.ok(error.message.includes(record.id), `the error does not name key ${record.id}: ${error.message}`);
          assert.equal(findLeak(error, [{ label: 'the wrapped key', bytes: Buffer.from(record.wrapped, 'base64') }]), undefined, error.message);
        }
      }
      const renamed = await store.insert(newRecord({ scope: 'damaged-id' }));
      await subject.corrupt(renamed.id, 'id', 'XYZ');
      const error = await rejection(store.list({ scope: 'damaged-id', limit: 10 }));
      assert.ok(error instanceof KeyStoreError && error.message.includes('"XYZ"'), `expected a KeyStoreError naming "XYZ", got ${String(error)}`);
    });

    test('keeps wrapped bytes out of every error', async (subject) => {
      const { store } = subject;
      const secret = randomBytes(40);
      const wrapped = secret.toString('base64');
      const current = await store.insert(newRecord({ scope: 'leak', primary: true, wrapped }));
      const errors: unknown[] = [
        await rejection(store.insert(newRecord({ id: current.id, scope: 'leak-2', wrapped }))),
        await rejection(store.insert(newRecord({ scope: 'leak', primary: true, wrapped }))),
        await rejection(store.insert(newRecord({ scope: 'leak', primary: true, wrapped }), { demote: { id: current.id, version: 9 } })),
        await rejection(store.insert(newRecord({ scope: 'leak', wrapped: `${wrapped}!` }))),
        await rejection(store.insert(newRecord({ scope: 'leak', state: 'destroyed', wrapped }))),
        await rejection(store.compareAndSet(current.id, 1, { state: 'destroyed', wrapped })),
        await rejection(store.compareAndSet(current.id, 1, { wrapped: `${wrapped}!` })),
      ];
      const damaged = await store.insert(newRecord({ scope: 'leak-3', wrapped }));
      await subject.corrupt(damaged.id, 'wrapped', `${wrapped.slice(0, -4)}!${wrapped.slice(-4)}`);
      errors.push(await rejection(store.get(damaged.id)));
      if (subject.failing !== undefined) {
        errors.push(await rejection(subject.failing.insert(newRecord({ wrapped }))));
        errors.push(await rejection(subject.failing.compareAndSet(current.id, 1, { wrapped })));
      }
      for (const error of errors) {
        assert.ok(error instanceof KeyConflictError || error instanceof InvalidInputError || error instanceof KeyStoreError, `unexpected ${String(error)}`);
        const leak = findLeak(error, [{ label: 'the wrapped key', bytes: secret }]);
        assert.equal(leak, undefined, `${leak} appears in an error: ${(error as Error).message}`);
      }
    });

    test('reports a failing database as a KeyStoreError', async ({ failing }) => {
      if (failing === undefined) return; // a store without a database cannot fail this way
      const record = newRecord();
      const calls: Array<() => Promise<unknown>> = [
        () => failing.get(record.id),
        () => failing.getMany([record.id]),
        () => failing.primary('default', 'data'),
        () => failing.list({ limit: 10 }),
        () => failing.insert(record),
        () => failing.insert(newRecord({ primary: true }), { demote: { id: record.id, version: 1 } }),
        () => failing.compareAndSet(record.id, 1, { state: 'decrypt-only' }),
      ];
      for (const call of calls) {
        const error = await rejection(call());
        assert.ok(error instanceof KeyStoreError, `expected a KeyStoreError, got ${String(error)}`);
        assert.ok(error.message.startsWith(failing.description), `the error does not name the store: ${error.message}`);
      }
    });
  });
}

/** Every page of `page`'s filters, following `after` until a short page; checks each page's length. */
async function listAll(store: KeyStore, page: KeyListPage): Promise<KeyRecord[]> {
  const all: KeyRecord[] = [];
  for (let after: string | undefined; ; ) {
    const records = await store.list({ ...page, after });
    assert.ok(records.length <= page.limit, 'a page is longer than its limit');
    all.push(...records);
    if (records.length < page.limit) return all;
    after = records[records.length - 1]?.id;
  }
}

/** A valid new record with random id and bytes; `overrides` may break it on purpose. */
function newRecord(overrides: Partial<NewKeyRecord> = {}): NewKeyRecord {
  return { id: randomId(), scope: 'default', purpose: 'data', parent: '0a0b0c0d', wrapped: randomWrapped(), state: 'active', primary: false, ...overrides };
}

const randomId = (): string => randomBytes(4).toString('hex');
const randomWrapped = (): string => randomBytes(40).toString('base64');
const otherId = (id: string): string => ((Number.parseInt(id, 16) ^ 1) >>> 0).toString(16).padStart(8, '0');
const sortById = (records: readonly KeyRecord[]): KeyRecord[] => [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

function pick(record: KeyRecord, like: NewKeyRecord): NewKeyRecord {
  return Object.fromEntries(Object.keys(like).map((key) => [key, record[key as keyof KeyRecord]])) as unknown as NewKeyRecord;
}

async function expectInvalid(promise: Promise<unknown>): Promise<void> {
  const error = await rejection(promise);
  assert.ok(error instanceof InvalidInputError, `expected an InvalidInputError, got ${String(error)}`);
}

function expectConflict(error: unknown, reason: KeyConflictReason, keyId?: string): void {
  assert.ok(error instanceof KeyConflictError, `expected a KeyConflictError (${reason}), got ${String(error)}`);
  assert.equal(error.reason, reason, `conflict reason: ${error.message}`);
  if (keyId !== undefined) assert.equal(error.keyId, keyId);
}
