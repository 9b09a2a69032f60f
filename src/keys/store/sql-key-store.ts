/**
 * The key store logic shared by PostgreSQL, MySQL/MariaDB and SQLite: each operation is
 * one statement, or one short transaction, over a {@link SqlConnection}; the dialect
 * (sql-dialect.ts) spells it. Reads are plain statements; every write runs in a
 * transaction, so a write abandoned at its time limit is rolled back by the database and
 * can never land later.
 *
 * @module
 */
import { MAX_PAGE_SIZE, type InsertKeyOptions, type KeyListPage, type KeyPurpose, type KeyRecord, type KeyRecordChange, type KeyStore, type NewKeyRecord } from './key-store.js';
import { idConflict, primaryConflict, versionConflict } from './conflicts.js';
import { driverErrorKind } from './driver-errors.js';
import { nowIso, parseKeyRow, primarySlot, recordToRow } from './record-row.js';
import { applyChange, checkChange, checkDemote, checkKeyId, checkNewRecord, checkPage, checkPurpose, checkScope, checkVersion, scopePrefixBounds } from './record-rules.js';
import type { SqlCallOptions, SqlConnection, SqlResult, SqlScript, SqlStatement, SqlValue } from './sql-connection.js';
import type { SqlDialect } from './sql-dialect.js';
import { withinTimeLimit } from './store-call.js';

/** Binds a parameter and returns its placeholder. */
type Bind = (value: SqlValue) => string;

/** A key store over `connection`, speaking `dialect`; `timeoutMs` bounds every call. */
export function sqlKeyStore(connection: SqlConnection, dialect: SqlDialect, timeoutMs: number): KeyStore {
  const { table, columns, description } = dialect;

  const statement = (returnsRows: boolean, build: (bind: Bind) => string): SqlStatement => {
    const params: SqlValue[] = [];
    const sql = build((value) => {
      params.push(value);
      return dialect.placeholder(params.length);
    });
    return { sql, params, returnsRows };
  };
  const select = (where: (bind: Bind) => string, tail = ''): SqlStatement =>
    statement(true, (bind) => `SELECT ${columns} FROM ${table} WHERE ${where(bind)}${tail}`);
  const time = (bind: Bind, iso: string): string => dialect.timeSql(bind(dialect.timeValue(iso)));
  const records = (result: SqlResult): KeyRecord[] => result.rows.map((row) => parseKeyRow(row, description));
  const call = <T>(operation: string, body: (options: SqlCallOptions) => Promise<T>, scrub?: readonly string[]): Promise<T> =>
    withinTimeLimit({ source: description, operation, timeoutMs, scrub }, body);
  /** A write transaction: the dialect's server-side time limits first, then `script`. */
  const write = <T>(options: SqlCallOptions, script: () => SqlScript<T>): Promise<T> =>
    connection.transaction(function* () {
      for (const limit of dialect.timeLimits(options.timeoutMs)) yield limit;
      return yield* script();
    }, options);

  const insertStatement = (record: KeyRecord): SqlStatement => {
    const row = recordToRow(record);
    return statement(
      false,
      (bind) =>
        `INSERT INTO ${table} (id, scope, purpose, parent, wrapped, state, primary_slot, version, created_at, updated_at) VALUES (${[
          bind(row.id),
          bind(row.scope),
          bind(row.purpose),
          bind(row.parent),
          bind(row.wrapped),
          bind(row.state),
          bind(row.primary_slot),
          bind(row.version),
          time(bind, row.created_at),
          time(bind, row.updated_at),
        ].join(', ')})`,
    );
  };

  return {
    description,

    async migrate() {
      return call('migrate', (options) =>
        write(options, function* () {
          for (const lock of dialect.migrationLock) yield lock;
          for (const sql of dialect.schemaSql) yield { sql, params: [], returnsRows: false };
        }),
      );
    },

    async get(id) {
      checkKeyId(id);
      return call(`get of key ${id}`, async (options) => records(await connection.query(select((bind) => `id = ${bind(id)}`), options))[0]);
    },

    async getMany(ids) {
      ids.forEach((id) => checkKeyId(id));
      const unique = [...new Set(ids)];
      return call(`getMany of ${unique.length} keys`, async (options) => {
        const found: KeyRecord[] = [];
        for (let i = 0; i < unique.length; i += MAX_PAGE_SIZE) {
          const chunk = unique.slice(i, i + MAX_PAGE_SIZE);
          found.push(...records(await connection.query(select((bind) => `id IN (${chunk.map(bind).join(', ')})`), options)));
        }
        return found;
      });
    },

    async primary(scope: string, purpose: KeyPurpose) {
      checkScope(scope);
      checkPurpose(purpose);
      const slot = primarySlot(purpose, scope);
      return call('primary lookup', async (options) => records(await connection.query(select((bind) => `primary_slot = ${bind(slot)}`), options))[0], [slot]);
    },

    async insert(input: NewKeyRecord, options: InsertKeyOptions = {}) {
      const fields = checkNewRecord(input);
      const demote = checkDemote(fields, options);
      const now = nowIso();
      const record: KeyRecord = { ...fields, createdAt: now, updatedAt: now, version: 1 };
      const slot = primarySlot(record.purpose, record.scope);
      const scrub = [record.wrapped, record.scope, record.parent, slot];
      return call(
        `insert of key ${record.id}`,
        async (callOptions) => {
          try {
            return await write(callOptions, function* () {
              if (demote !== undefined) {
                const demoted = yield statement(
                  false,
                  (bind) =>
                    `UPDATE ${table} SET primary_slot = NULL, state = 'decrypt-only', version = version + 1, updated_at = ${time(bind, now)} WHERE id = ${bind(demote.id)} AND version = ${bind(demote.version)} AND primary_slot = ${bind(slot)}`,
                );
                if (demoted.affected !== 1) throw versionConflict(demote.id);
              }
              yield insertStatement(record);
              return record;
            });
          } catch (error) {
            if (driverErrorKind(error) !== 'unique') throw error;
            // Rows are never deleted: if the id is there now, it was there when the insert failed.
            const existing = await connection.query(statement(true, (bind) => `SELECT id FROM ${table} WHERE id = ${bind(record.id)}`), callOptions);
            throw existing.rows.length > 0 ? idConflict(record.id) : primaryConflict(record.id);
          }
        },
        scrub,
      );
    },

    async compareAndSet(id: string, expectedVersion: number, change: KeyRecordChange) {
      checkKeyId(id);
      checkVersion(expectedVersion);
      checkChange(id, change);
      const now = nowIso();
      const scrub = [change.wrapped, change.parent].filter((text): text is string => text !== undefined);
      return call(
        `compareAndSet of key ${id}`,
        async (options) => {
          try {
            return await write(options, function* () {
              const found = records(yield select((bind) => `id = ${bind(id)}`))[0];
              if (found === undefined || found.version !== expectedVersion) return undefined;
              const next = applyChange(found, change, now);
              const row = recordToRow(next);
              // The version condition makes the read-check-write safe without a row lock:
              // any change in between bumped the version, and this update then matches nothing.
              const updated = yield statement(
                false,
                (bind) =>
                  `UPDATE ${table} SET state = ${bind(row.state)}, primary_slot = ${bind(row.primary_slot)}, parent = ${bind(row.parent)}, wrapped = ${bind(row.wrapped)}, version = ${bind(row.version)}, updated_at = ${time(bind, now)} WHERE id = ${bind(id)} AND version = ${bind(expectedVersion)}`,
              );
              return updated.affected === 1 ? next : undefined;
            });
          } catch (error) {
            if (driverErrorKind(error) === 'unique') throw primaryConflict(id);
            throw error;
          }
        },
        scrub,
      );
    },

    async list(page: KeyListPage) {
      checkPage(page);
      const { scope, scopePrefix, purpose, after, limit } = page;
      return call(
        'list',
        async (options) =>
          records(
            await connection.query(
              select((bind) => {
                const where = ['1 = 1'];
                if (scope !== undefined) where.push(dialect.scopeEquals(bind, scope));
                if (scopePrefix !== undefined) where.push(dialect.scopeStartsWith(bind, scopePrefix));
                if (purpose !== undefined) where.push(`purpose = ${bind(purpose)}`);
                if (after !== undefined) where.push(`id > ${bind(after)}`);
                return where.join(' AND ');
              }, ` ORDER BY id LIMIT ${limit}`),
              options,
            ),
          ),
        // Longest first: the prefix without its last character is part of the other two.
        [scope, scopePrefix, scopePrefix === undefined ? undefined : scopePrefixBounds(scopePrefix).below, scopePrefix?.slice(0, -1)].filter(
          (text): text is string => text !== undefined,
        ),
      );
    },
  };
}
