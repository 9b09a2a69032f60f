/**
 * The row source contract suite: what the rotation jobs rely on from a table they page
 * through and write. fieldseal runs it for its SQL row sources on PostgreSQL, MariaDB and
 * SQLite; run it for yours the same way.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import type { RowKey, RowSource, RowWrite, SourceRow, StoredValue } from '../rotation/row-source.js';
import { findLeak, renderError } from './leak-check.js';
import { rejection } from './rejection.js';
import { testsOnFreshSubjects, type ContractTestApi } from './test-api.js';

/** A table the contract asks for: primary key `id`, nullable text columns. */
export interface RowTableSpec {
  /**
   * The primary key `id`: a 64-bit signed integer, a text column (up to 64 characters), or
   * `composite`: an integer `id` and an integer `part`, both in the primary key.
   */
  readonly key: 'integer' | 'text' | 'composite';
  /** Nullable text columns (holding at least 2000 characters), in this order. */
  readonly columns: readonly string[];
  /** One of `columns` that gets a unique index (it need hold only 255 characters). */
  readonly unique?: string;
  /** A nullable integer column besides the text ones. */
  readonly integerColumn?: string;
  /** The rows to insert; keys are `bigint` for an integer key, `string` for a text key. */
  readonly rows: readonly SourceRow[];
}

/** A table made for one test. */
export interface RowSourceTable {
  /** The table's name, as the source's errors name it. */
  readonly name: string;
  /** A row source over the table, keyed by `id`. */
  readonly source: RowSource;
  /** Every row with every text column of the spec, read outside the source. */
  rows(): Promise<SourceRow[]>;
  /** An application write outside the source (on a connection of its own): sets columns of row `key`. */
  update(key: RowKey, values: Readonly<Record<string, StoredValue>>): Promise<void>;
  /** Deletes row `key` outside the source. */
  remove(key: RowKey): Promise<void>;
}

/** What the contract runs against; `setup` makes a fresh one for every test. */
export interface RowSourceUnderTest {
  /** Creates a new table (a new name every time) and a row source over it. */
  createTable(spec: RowTableSpec): Promise<RowSourceTable>;
  /** A row source like the tables' sources, over any table name and key column (for the configuration errors). */
  sourceOver(table: string, keyColumn: string): RowSource;
  /** Releases what `setup` made. */
  dispose?(): Promise<void> | void;
}

/** Options of {@link runRowSourceContract}. */
export interface RowSourceContractOptions {
  /** Your test framework's `describe` and `it`. */
  readonly test: Pick<ContractTestApi, 'describe' | 'it'>;
  /** Per-test timeout in milliseconds (default 60 000). */
  readonly timeoutMs?: number;
}

/**
 * Declares the contract tests for one row source.
 *
 * Checks: `check` passes for text columns and names `table.column` for a missing or
 * non-text one, refuses a missing table, a composite key and a key column that is not the
 * primary key; keyset pages over integer keys (with gaps, negative, beyond 2^53, up to
 * 2^63-1: exact, and of one type) and text keys, with `after` and `until`; `bounds`; NULL,
 * empty text, case and trailing spaces read back exactly; conditional writes (a row changed
 * since it was read, even only in case or trailing spaces, or deleted, is not written and
 * its key not returned; NULL to a value and a value to NULL; NULL is not empty text; a
 * write of the value already stored counts as written); a batch of 1,200 rows mixing
 * fresh and stale rows and two column sets; a failing batch writes nothing and its error
 * names the table but no value; bad pages and writes refused; application writes racing
 * a job are never lost.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { runRowSourceContract } from 'fieldseal/testing';
 * runRowSourceContract('my source', async () => ({ createTable, sourceOver }), { test: { describe, it } });
 * ```
 */
export function runRowSourceContract(name: string, setup: () => Promise<RowSourceUnderTest> | RowSourceUnderTest, options: RowSourceContractOptions): void {
  const { describe, it } = options.test;
  const timeout = options.timeoutMs ?? 60_000;
  const test = testsOnFreshSubjects(it, setup, timeout);

  describe(`RowSource contract: ${name}`, () => {
    test('check() passes for text columns and names table.column when one is missing or not text; refuses a missing table, a composite key, a key that is not the primary key', async (subject) => {
      const t = await subject.createTable({ key: 'integer', columns: ['secret', 'other'], integerColumn: 'visits', rows: [row(1n, { secret: 'a', other: null })] });
      await t.source.check(['secret', 'other']);
      await t.source.check([]);
      await expectConfiguration(t.source.check(['secret', 'nope']), `${t.name}.nope`);
      await expectConfiguration(t.source.check(['visits']), `${t.name}.visits`);
      await expectConfiguration(t.source.page({ columns: ['nope'], limit: 10 }), `${t.name}.nope`);
      await expectConfiguration(t.source.write([{ key: 1n, expected: { secret: 'a' }, next: { nope: 'b' } }]), `${t.name}.nope`);
      await expectConfiguration(t.source.write([{ key: 1n, expected: { secret: 'a' }, next: { id: 'b' } }]), `${t.name}.id`);
      const missing = `fs_missing_${randomInt(1_000_000)}`;
      await expectConfiguration(subject.sourceOver(missing, 'id').check(['secret']), missing);
      await expectConfiguration(subject.sourceOver(t.name, 'secret').check([]), `${t.name}.secret`);
      await expectConfiguration(subject.sourceOver(t.name, 'nope').check([]), `${t.name}.nope`);
      const composite = await subject.createTable({ key: 'composite', columns: ['secret'], rows: [] });
      await expectConfiguration(subject.sourceOver(composite.name, 'id').check(['secret']), composite.name);
      assert.deepEqual(plain(await t.source.page({ columns: ['secret', 'other'], limit: 10 })), plain([row(1n, { secret: 'a', other: null })]));
    });

    test('pages over integer keys in key order, with gaps, after and until; keys are exact beyond 2^53 and of one type', async (subject) => {
      const keys = [-5n, 1n, 2n, 3n, 10n, 11n, 100n, 2n ** 31n, 2n ** 53n + 1n, 2n ** 63n - 1n];
      const rows = keys.map((key, i) => row(key, { secret: i % 3 === 0 ? null : `value ${i}` }));
      const t = await subject.createTable({ key: 'integer', columns: ['secret'], rows });
      const { source } = t;
      assert.equal(source.keyColumn, 'id');
      const all = await pageThrough(source, ['secret'], 3);
      assert.deepEqual(plain(all), plain(rows));
      const types = new Set([...all.map((r) => typeof r.key)]);
      assert.equal(types.size, 1, `keys of one type, got ${[...types].join(', ')}`);
      assert.ok(types.has('bigint') || types.has('string'), 'integer keys beyond 2^53 must be bigint (or decimal text), not number');
      const bounds = await source.bounds();
      assert.equal(String(bounds?.first), '-5');
      assert.equal(String(bounds?.last), String(2n ** 63n - 1n));
      assert.equal(typeof bounds?.first, [...types][0]);
      // A claimed range: after 2, until 100 (inclusive), in pages of 2.
      assert.deepEqual(plain(await pageThrough(source, ['secret'], 2, 2n, 100n)), plain(rows.filter((r) => (r.key as bigint) > 2n && (r.key as bigint) <= 100n)));
      assert.deepEqual(plain(await source.page({ columns: ['secret'], after: 3n, until: 9n, limit: 10 })), []);
      assert.deepEqual(plain(await source.page({ columns: ['secret'], after: 2n ** 63n - 1n, limit: 10 })), []);
      assert.deepEqual(plain(await source.page({ columns: ['secret'], after: 2n ** 53n, limit: 1 })), plain([rows[8] as SourceRow]));
      // Keys as read go back as they are, and as numbers or decimal text.
      assert.deepEqual(plain(await source.page({ columns: [], after: 10, until: '100', limit: 10 })), plain([row(11n, {}), row(100n, {})]));
    });

    test('pages over text keys in key order, with after and until', async (subject) => {
      const keys = ['k001', 'k002', 'k010', 'k011', 'k100', 'k200', 'k201'];
      const rows = keys.map((key, i) => row(key, { secret: `v${i}`, other: null }));
      const t = await subject.createTable({ key: 'text', columns: ['secret', 'other'], rows });
      assert.deepEqual(plain(await pageThrough(t.source, ['secret', 'other'], 2)), plain(rows));
      assert.deepEqual(plain(await pageThrough(t.source, ['other'], 10, 'k002', 'k100')), plain(rows.slice(2, 5).map((r) => row(r.key, { other: null }))));
      assert.deepEqual(plain(await t.source.page({ columns: ['secret'], after: 'k0', limit: 1 })), plain([row('k001', { secret: 'v0' })]));
      const bounds = await t.source.bounds();
      assert.deepEqual([bounds?.first, bounds?.last], ['k001', 'k201']);
      const empty = await subject.createTable({ key: 'text', columns: ['secret'], rows: [] });
      assert.equal(await empty.source.bounds(), undefined);
      assert.deepEqual(await empty.source.page({ columns: ['secret'], limit: 5 }), []);
    });

    test('reads NULL, empty text, case, trailing spaces and long Unicode text exactly', async (subject) => {
      const values: StoredValue[] = [null, '', 'Alice', 'alice', 'Alice ', ' Alice', 'ünïcödé 🎉', 'é'.repeat(2000), "quote ' and \\ and \"", 'fs1:AAAA.BBBB'];
      const rows = values.map((value, i) => row(BigInt(i + 1), { secret: value }));
      const t = await subject.createTable({ key: 'integer', columns: ['secret'], rows });
      assert.deepEqual(plain(await t.source.page({ columns: ['secret'], limit: 100 })), plain(rows));
      assert.deepEqual(plain(await t.rows()), plain(rows));
    });

    test('a page filter selects the rows whose column holds exactly the text (not another case, trailing space or NULL), with after, until and limit', async (subject) => {
      const owners: StoredValue[] = ['alice', 'bob', 'Alice', 'alice ', null, 'alice', 'ünï', 'alice', 'ÜNÏ', 'alice'];
      const rows = owners.map((owner, i) => row(BigInt(i + 1), { secret: `s${i + 1}`, other: owner }));
      const t = await subject.createTable({ key: 'integer', columns: ['secret', 'other'], rows });
      const where = { column: 'other', equals: 'alice' };
      const keys = async (page: Omit<Parameters<RowSource['page']>[0], 'columns'>): Promise<string[]> => (await t.source.page({ columns: ['secret'], ...page })).map((r) => String(r.key));
      assert.deepEqual(await keys({ where, limit: 100 }), ['1', '6', '8', '10']);
      assert.deepEqual(await keys({ where, limit: 2 }), ['1', '6']);
      assert.deepEqual(await keys({ where, after: 6n, until: 9n, limit: 10 }), ['8']);
      assert.deepEqual(await keys({ where: { column: 'other', equals: 'ünï' }, limit: 10 }), ['7']);
      assert.deepEqual(await keys({ where: { column: 'other', equals: 'nobody' }, limit: 10 }), []);
      assert.deepEqual(await keys({ where: { column: 'other', equals: '' }, limit: 10 }), []);
      await expectConfiguration(t.source.page({ columns: ['secret'], where: { column: 'nope', equals: 'x' }, limit: 10 }), `${t.name}.nope`);
    });

    test('writes only rows whose expected values still match; a changed (even in case or trailing spaces) or deleted row is not written nor its key returned', async (subject) => {
      const start = ['one', 'two', 'Alice', 'Bob', 'five', 'six'];
      const t = await subject.createTable({ key: 'integer', columns: ['secret'], rows: start.map((v, i) => row(BigInt(i + 1), { secret: v })) });
      const read = await t.source.page({ columns: ['secret'], limit: 10 });
      await t.update(2n, { secret: 'changed by the application' });
      await t.update(3n, { secret: 'ALICE' });
      await t.update(4n, { secret: 'Bob ' });
      await t.remove(5n);
      const written = await t.source.write(read.map((r) => ({ key: r.key, expected: r.values, next: { secret: `sealed:${r.values.secret}` } })));
      assert.deepEqual(written.map(String), ['1', '6']);
      assert.deepEqual(plain(await t.rows()), plain([row(1n, { secret: 'sealed:one' }), row(2n, { secret: 'changed by the application' }), row(3n, { secret: 'ALICE' }), row(4n, { secret: 'Bob ' }), row(6n, { secret: 'sealed:six' })]));
      // Written keys are the ones given, in order.
      const again = await t.source.page({ columns: ['secret'], limit: 10 });
      const back = await t.source.write([...again].reverse().map((r) => ({ key: r.key, expected: r.values, next: { secret: 'x' } })));
      assert.deepEqual(back, [...again].reverse().map((r) => r.key));
      assert.deepEqual(await t.source.write([]), []);
    });

    test('NULL to a value and a value to NULL; NULL is not empty text', async (subject) => {
      const t = await subject.createTable({
        key: 'text',
        columns: ['secret', 'secret_index'],
        rows: [row('a', { secret: null, secret_index: null }), row('b', { secret: 'x', secret_index: 'ix' }), row('c', { secret: '', secret_index: null }), row('d', { secret: null, secret_index: '' })],
      });
      const written = await t.source.write([
        { key: 'a', expected: { secret: null }, next: { secret: 'filled', secret_index: 'i1' } },
        { key: 'b', expected: { secret: 'x', secret_index: 'ix' }, next: { secret: null, secret_index: null } },
        { key: 'c', expected: { secret: null }, next: { secret: 'not written' } },
        { key: 'd', expected: { secret: null, secret_index: null }, next: { secret: 'not written' } },
      ]);
      assert.deepEqual(written, ['a', 'b']);
      assert.deepEqual(plain(await t.rows()), plain([row('a', { secret: 'filled', secret_index: 'i1' }), row('b', { secret: null, secret_index: null }), row('c', { secret: '', secret_index: null }), row('d', { secret: null, secret_index: '' })]));
    });

    test('a write of the values already stored counts as written', async (subject) => {
      const t = await subject.createTable({ key: 'integer', columns: ['secret', 'secret_index'], rows: [row(1n, { secret: 's', secret_index: 'i' }), row(2n, { secret: null, secret_index: null })] });
      const written = await t.source.write([
        { key: 1n, expected: { secret: 's' }, next: { secret: 's', secret_index: 'i' } },
        { key: 2n, expected: { secret: null }, next: { secret: null } },
      ]);
      assert.deepEqual(written.map(String), ['1', '2']);
      assert.deepEqual(plain(await t.rows()), plain([row(1n, { secret: 's', secret_index: 'i' }), row(2n, { secret: null, secret_index: null })]));
    });

    test('a batch of 1,200 rows mixes fresh and stale rows and two column sets in one call', async (subject) => {
      const rows = Array.from({ length: 1200 }, (_, i) => row(BigInt(3 * i + 7), { secret: i % 10 === 0 ? null : `plain ${i}`, secret_index: null }));
      const t = await subject.createTable({ key: 'integer', columns: ['secret', 'secret_index'], rows });
      const read = await pageThrough(t.source, ['secret'], 500);
      assert.equal(read.length, 1200);
      const stale = new Set([0, 1, 599, 600, 1000, 1199].map((i) => String(rows[i]?.key)));
      for (const key of stale) await t.update(BigInt(key), { secret: `app ${key}` });
      const writes: RowWrite[] = read.map((r, i) => ({
        key: r.key,
        expected: { secret: r.values.secret ?? null },
        next: i % 2 === 0 ? { secret: `sealed ${String(r.key)}`, secret_index: `index ${String(r.key)}` } : ({ secret: `sealed ${String(r.key)}` } as Record<string, StoredValue>),
      }));
      const written = await t.source.write(writes);
      assert.deepEqual(written.map(String), read.map((r) => String(r.key)).filter((k) => !stale.has(k)));
      const after = await t.rows();
      for (const [i, r] of after.entries()) {
        const key = String(r.key);
        const expected = stale.has(key)
          ? { secret: `app ${key}`, secret_index: null }
          : { secret: `sealed ${key}`, secret_index: i % 2 === 0 ? `index ${key}` : null };
        assert.deepEqual(r.values, expected, `row ${key}`);
      }
    });

    test('a batch that fails writes nothing; its error names the table and carries no value', async (subject) => {
      // Letters only, so no generic "looks like base64" scrubbing hides it: only the source's own care does.
      const token = Array.from({ length: 24 }, () => String.fromCharCode(97 + randomInt(26))).join('');
      const taken = `taken ${token} ${'long address line '.repeat(12)}`.slice(0, 250);
      const t = await subject.createTable({ key: 'integer', columns: ['secret', 'email'], unique: 'email', rows: [row(1n, { secret: 'a', email: taken }), row(2n, { secret: 'b', email: 'free' })] });
      const error = await rejection(
        t.source.write([
          { key: 1n, expected: { email: taken }, next: { secret: 'written?' } },
          { key: 2n, expected: { email: 'free' }, next: { email: taken } },
        ]),
      );
      assert.ok(error instanceof Error && typeof (error as { code?: unknown }).code === 'string', `a typed error, got ${String(error)}`);
      assert.ok(error.message.includes(t.name), `the error names the table: ${error.message}`);
      const rendered = renderError(error);
      assert.ok(!rendered.includes(token), `the error carries a stored value: ${rendered}`);
      assert.equal(findLeak(error, [{ label: 'the value', bytes: Buffer.from(taken) }]), undefined);
      assert.deepEqual(plain(await t.rows()), plain([row(1n, { secret: 'a', email: taken }), row(2n, { secret: 'b', email: 'free' })]));
    });

    test('refuses bad pages and writes before touching a row', async (subject) => {
      const t = await subject.createTable({ key: 'integer', columns: ['secret'], rows: [row(1n, { secret: 'a' }), row(2n, { secret: 'b' })] });
      for (const limit of [0, 10_001, 2.5, Number.NaN]) await expectInvalid(t.source.page({ columns: ['secret'], limit }));
      await expectInvalid(t.source.page({ columns: ['secret', 'secret'], limit: 5 }));
      await expectInvalid(t.source.page({ columns: ['secret'], after: 'abc', limit: 5 }));
      await expectInvalid(t.source.page({ columns: ['secret'], after: 1.5, limit: 5 }));
      await expectInvalid(
        t.source.write([
          { key: 1n, expected: { secret: 'a' }, next: { secret: 'x' } },
          { key: 1, expected: { secret: 'a' }, next: { secret: 'y' } },
        ]),
      );
      await expectInvalid(t.source.write([{ key: 2n, expected: { secret: 'b' }, next: {} }]));
      await expectInvalid(t.source.write([{ key: 2n, expected: { secret: 'b' }, next: { secret: 42 as unknown as string } }]));
      await expectInvalid(t.source.write([{ key: 'two', expected: { secret: 'b' }, next: { secret: 'x' } }]));
      assert.deepEqual(plain(await t.rows()), plain([row(1n, { secret: 'a' }), row(2n, { secret: 'b' })]));
    });

    test('application writes racing a job are never lost', async (subject) => {
      const count = 120;
      const rows = Array.from({ length: count }, (_, i) => row(BigInt(i + 1), { secret: `start ${i + 1}` }));
      const t = await subject.createTable({ key: 'integer', columns: ['secret'], rows });
      const last = new Map(rows.map((r) => [String(r.key), r.values.secret as string]));
      let running = true;
      let appWrites = 0;
      const application = (async () => {
        for (let n = 0; running; n++) {
          const key = BigInt(1 + randomInt(count));
          const value = `app ${String(key)} #${n}`;
          await t.update(key, { secret: value });
          last.set(String(key), value);
          appWrites++;
          if (n % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      let retries = 0;
      try {
        let after: RowKey | undefined;
        for (;;) {
          const page = await t.source.page({ columns: ['secret'], after, limit: 20 });
          if (page.length === 0) break;
          const until = (page[page.length - 1] as SourceRow).key;
          // Seal the page's rows; a row changed before its write is read again and retried
          // (one the application changes after the job wrote it is the application's).
          for (let todo = page; todo.length > 0; ) {
            // Give the application a turn between the read and the write (in-process drivers never yield on their own).
            await new Promise((resolve) => setImmediate(resolve));
            const written = new Set((await t.source.write(todo.map((r) => ({ key: r.key, expected: r.values, next: { secret: `sealed:${r.values.secret}` } })))).map(String));
            const retry = new Set(todo.filter((r) => !written.has(String(r.key))).map((r) => String(r.key)));
            if (retry.size > 0) retries++;
            todo = retry.size === 0 ? [] : (await t.source.page({ columns: ['secret'], after, until, limit: 20 })).filter((r) => retry.has(String(r.key)));
          }
          after = until;
        }
      } finally {
        running = false;
        await application;
      }
      assert.ok(appWrites > 0, 'the application wrote while the job ran');
      for (const r of await t.rows()) {
        const latest = last.get(String(r.key)) as string;
        assert.ok(r.values.secret === latest || r.values.secret === `sealed:${latest}`, `row ${String(r.key)}: an application write was lost (stored ${String(r.values.secret)}, last written ${latest}; ${retries} retried batches)`);
      }
    });
  });
}

function row(key: RowKey, values: Record<string, StoredValue>): SourceRow {
  return { key, values };
}

/** Rows with keys as text, for comparisons that hold whatever key type a source returns for integers. */
function plain(rows: readonly SourceRow[]): Array<{ key: string; values: Readonly<Record<string, StoredValue>> }> {
  return rows.map((r) => ({ key: String(r.key), values: { ...r.values } }));
}

/** Every row of `source` (or of the range `after < key <= until`), in pages of `limit`. */
async function pageThrough(source: RowSource, columns: readonly string[], limit: number, after?: RowKey, until?: RowKey): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for (let cursor = after; ; ) {
    const page = await source.page({ columns, after: cursor, until, limit });
    assert.ok(page.length <= limit, 'a page is at most `limit` rows');
    out.push(...page);
    if (page.length < limit) return out;
    cursor = (page[page.length - 1] as SourceRow).key;
  }
}

async function expectConfiguration(promise: Promise<unknown>, mention: string): Promise<void> {
  const error = await rejection(promise);
  assert.equal((error as { code?: unknown }).code, 'CONFIGURATION_INVALID', `expected a ConfigurationError, got ${String(error)}`);
  assert.ok((error as Error).message.includes(mention), `the error names ${mention}: ${(error as Error).message}`);
}

async function expectInvalid(promise: Promise<unknown>): Promise<void> {
  const error = await rejection(promise);
  assert.equal((error as { code?: unknown }).code, 'INPUT_INVALID', `expected an InvalidInputError, got ${String(error)}`);
}
