/**
 * Coherence between two real processes of one service on one SQL key store (a SQLite file
 * in WAL mode, and a PostgreSQL table): this test process (A) and a child process (B,
 * fixtures/coherence-peer.mts), both with `maxStalenessMs` = 300. What one does to the keys
 * (rotate, shred, create the first key of a scope) the other follows within that bound; a
 * store that stops answering makes B fail with a KeyStoreError within the store's
 * `timeoutMs` instead of acting on what may be stale, and B recovers once it answers.
 *
 * How time is judged. Both processes stamp with `Date.now()` on one machine. A's change is
 * committed before A's call resolves, and A stamps `changedAt` after that; B stamps `start`
 * before it picks a key. So B acting on the old state in a call whose `start` is later than
 * `changedAt + maxStalenessMs` is a breach whatever the scheduling: a late or descheduled
 * process only makes the check more lenient. SLACK_MS covers the rounding of the two
 * processes' millisecond readings. Things that must *happen* get generous deadlines (and
 * the tests never assert that they happened fast), so a loaded 2-core machine slows them
 * down without failing them. Time limits are asserted in one place only, the outage: a
 * call must end within the store's `timeoutMs` plus HANG_SLACK_MS, i.e. it never hangs.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSealer, generateKek, KeyStoreError, localKeyProvider, postgresKeyStore, sqliteKeyStore, type KeyRecord, type KeyStore, type NewKeyRecord, type Sealer } from '../../src/index.js';
import { unavailableReason } from '../support/databases.js';
import { startPeer, type Peer } from './fixtures/coherence-peers.mjs';
import { keyIdOfText, PEER_MODEL, type PeerAnswer, type PeerConfig } from './fixtures/coherence-protocol.mjs';
import { startPausingProxy } from './fixtures/coherence-tcp-pause.mjs';
import { postgresUrl, privateSchema, randomName, sqliteFile, tempDir } from './store/support.js';

/** Both processes' `maxStalenessMs`. */
const BOUND_MS = 300;
/** Rounding of the two processes' millisecond clocks (see the header). */
const SLACK_MS = 20;
/** How long B's store calls may take in the outage tests. */
const STORE_TIMEOUT_MS = 1500;
/** Scheduling on a loaded machine, on top of STORE_TIMEOUT_MS, before a call counts as hung. */
const HANG_SLACK_MS = 3000;
/** Deadline for anything that must happen (never asserted to happen fast). */
const DEADLINE_MS = 30_000;
/** After a change, B keeps being sampled until this long past it: well beyond the bound. */
const WATCH_MS = 3 * BOUND_MS;

/** A's view of one shared store, and how B reaches it. */
interface SharedStore {
  /** A's store, with inserts that can be held (see {@link HeldInserts}). */
  readonly store: KeyStore & HeldInserts;
  /** B's configuration for the same table (`timeoutMs` is set per test). */
  peerConfig(timeoutMs: number): PeerConfig;
  close(): Promise<void>;
}

/** Holds A's next insert of a record in one record scope until `resume()`. */
interface HeldInserts {
  holdNextInsert(recordScope: string): { readonly held: Promise<void>; resume(): void };
}

interface Backend {
  readonly name: string;
  readonly unavailable?: string;
  open(): Promise<SharedStore>;
}

const sqlite: Backend = {
  name: 'SQLite (one file, WAL)',
  async open() {
    const temp = tempDir();
    const db = sqliteFile(temp.dir, { timeout: 1000 });
    const table = randomName('keys');
    return {
      store: holdingInserts(sqliteKeyStore({ database: db, table, timeoutMs: 10_000 })),
      peerConfig: (timeoutMs) => ({ backend: 'sqlite', file: db.name, table, busyTimeoutMs: 100, timeoutMs, maxStalenessMs: BOUND_MS }),
      async close() {
        db.close();
        temp.remove();
      },
    };
  },
};

const postgresUnavailable = await unavailableReason('postgresql');
const postgres: Backend = {
  name: 'PostgreSQL',
  unavailable: postgresUnavailable,
  async open() {
    const db = await privateSchema('coherence', 4);
    const table = randomName('keys');
    return {
      store: holdingInserts(postgresKeyStore({ client: db.pool, schema: db.schema, table, timeoutMs: 10_000 })),
      peerConfig: (timeoutMs) => ({ backend: 'postgres', url: postgresUrl, schema: db.schema, table, timeoutMs, maxStalenessMs: BOUND_MS }),
      close: () => db.drop(),
    };
  },
};

for (const backend of [sqlite, postgres]) {
  describe.skipIf(backend.unavailable !== undefined)(backend.unavailable ?? `two processes on one ${backend.name} key store`, () => {
    let shared: SharedStore;
    let kek: string;
    let a: Sealer;
    let b: Peer | undefined;

    beforeEach(async () => {
      shared = await backend.open();
      kek = generateKek();
      a = await createSealer({ provider: localKeyProvider({ keys: { main: kek } }), store: shared.store, maxStalenessMs: BOUND_MS });
    });
    afterEach(async () => {
      await b?.stop();
      b = undefined;
      await shared.close();
    });

    const startB = async (): Promise<Peer> => {
      b = await startPeer(shared.peerConfig(10_000), kek);
      return b;
    };

    it('after A rotates a scope’s data key, B seals under the new primary, and never under the old one past maxStalenessMs', async () => {
      const peer = await startB();
      const scope = 'rotation';
      const ctx = { ...PEER_MODEL, scope };
      const oldId = keyIdOfText(await a.encrypt('by A', ctx));
      expect(succeeded(await peer.request({ op: 'encrypt', scope, value: 'by B' })).keyId).toBe(oldId);

      const newId = (await a.rotateDataKey({ scope })).id;
      const rotatedAt = Date.now();
      const seals = await watch(rotatedAt, async () => [await peer.request({ op: 'encrypt', scope, value: 'by B' })], (answer) => answer.keyId === newId);

      for (const seal of seals) expect([oldId, newId]).toContain(succeeded(seal).keyId);
      expect(seals.some((seal) => seal.keyId === newId)).toBe(true);
      const firstNew = seals.findIndex((seal) => seal.keyId === newId);
      expect(timeline(seals.slice(firstNew).filter((seal) => seal.keyId === oldId), rotatedAt)).toEqual([]);
      expect(timeline(seals.filter((seal) => seal.keyId === oldId && seal.start > rotatedAt + BOUND_MS + SLACK_MS), rotatedAt)).toEqual([]);
      expect(seals.some((seal) => seal.start > rotatedAt + BOUND_MS + SLACK_MS)).toBe(true);
      // Whatever key B chose, A opens what B sealed.
      for (const seal of seals) expect(await a.decrypt(seal.result as string, ctx)).toBe('by B');
    }, 120_000);

    it('after A shreds a subject, B can neither open its values nor seal under its destroyed key past maxStalenessMs', async () => {
      const peer = await startB();
      const scope = 'erasure';
      const subject = 'alice';
      const ctx = { ...PEER_MODEL, scope, subject };
      const byA = await a.encrypt('by A', ctx);
      const destroyedId = keyIdOfText(byA);
      expect(succeeded(await peer.request({ op: 'decrypt', scope, subject, text: byA })).result).toBe('by A');
      const byB = succeeded(await peer.request({ op: 'encrypt', scope, subject, value: 'by B' }));
      expect(byB.keyId).toBe(destroyedId);

      expect(await a.shred({ scope, subject })).toBe(1);
      const shreddedAt = Date.now();
      const answers = await watch(
        shreddedAt,
        async () => [
          await peer.request({ op: 'decrypt', scope, subject, text: byA }),
          await peer.request({ op: 'decrypt', scope, subject, text: byB.result as string }),
          await peer.request({ op: 'encrypt', scope, subject, value: 'by B, later' }),
        ],
        (answer) => answer.error !== undefined,
      );
      const late = (answer: PeerAnswer) => answer.start > shreddedAt + BOUND_MS + SLACK_MS;
      const opens = answers.filter((_, i) => i % 3 !== 2);
      const seals = answers.filter((_, i) => i % 3 === 2);

      for (const open of opens) if (open.error !== undefined) expect(open.error.code).toBe('KEY_DESTROYED');
      expect(opens.some((open) => open.error !== undefined)).toBe(true);
      const firstRefusal = opens.findIndex((open) => open.error !== undefined);
      expect(timeline(opens.slice(firstRefusal).filter((open) => open.error === undefined), shreddedAt)).toEqual([]);
      expect(timeline(opens.filter((open) => late(open) && open.error === undefined), shreddedAt)).toEqual([]);
      expect(answers.some(late)).toBe(true);

      // B may make the subject a new data key; never may it seal under the destroyed one past the bound.
      for (const seal of seals) succeeded(seal);
      expect(timeline(seals.filter((seal) => late(seal) && seal.keyId === destroyedId), shreddedAt)).toEqual([]);
      const renewed = seals.filter((seal) => seal.keyId !== destroyedId);
      expect(renewed.length).toBeGreaterThan(0);
      for (const seal of renewed) expect(await a.decrypt(seal.result as string, ctx)).toBe('by B, later');
      await expect(a.decrypt(byA, ctx)).rejects.toMatchObject({ code: 'KEY_DESTROYED' });
    }, 120_000);

    it('A and B creating the first key of a scope together: one primary, and both seal under it (B inserts second)', async () => {
      const peer = await startB();
      const scope = 'first-key-b-second';
      await peer.request({ op: 'pauseInserts', recordScope: scope });
      const sealByB = peer.request({ op: 'encrypt', scope, value: 'by B' });
      await peer.nextEvent('insert-paused'); // B found no primary and is about to insert one
      const byA = await a.encrypt('by A', { ...PEER_MODEL, scope }); // A finds none either, and inserts first
      await peer.request({ op: 'resumeInserts' });
      const winner = keyIdOfText(byA);
      expect(succeeded(await sealByB).keyId).toBe(winner);
      await expectOnlyPrimary(shared.store, scope, winner);
    }, 120_000);

    it('A and B creating the first key of a scope together: one primary, and both seal under it (A inserts second)', async () => {
      const peer = await startB();
      const scope = 'first-key-a-second';
      const hold = shared.store.holdNextInsert(scope);
      const sealByA = a.encrypt('by A', { ...PEER_MODEL, scope });
      await hold.held; // A found no primary and is about to insert one
      const byB = succeeded(await peer.request({ op: 'encrypt', scope, value: 'by B' })); // B finds none either, and inserts first
      hold.resume();
      const winner = byB.keyId as string;
      expect(keyIdOfText(await sealByA)).toBe(winner);
      await expectOnlyPrimary(shared.store, scope, winner);
    }, 120_000);

    it('A and B sealing in 16 new scopes at once: one primary per scope, and both seal under it', async () => {
      const peer = await startB();
      const scopes = Array.from({ length: 16 }, (_, i) => `together-${i}`);
      const [byB, byA] = await Promise.all([
        Promise.all(scopes.map((scope) => peer.request({ op: 'encrypt', scope, value: 'by B' }))),
        Promise.all(scopes.map((scope) => a.encrypt('by A', { ...PEER_MODEL, scope }))),
      ]);
      for (const [i, scope] of scopes.entries()) {
        const winner = keyIdOfText(byA[i] as string);
        expect(succeeded(byB[i] as PeerAnswer).keyId, scope).toBe(winner);
        await expectOnlyPrimary(shared.store, scope, winner);
      }
    }, 120_000);
  });
}

describe.skipIf(postgresUnavailable !== undefined)(postgresUnavailable ?? 'a PostgreSQL key store that stops answering', () => {
  let shared: SharedStore;
  let a: Sealer;
  let kek: string;
  let peer: Peer | undefined;
  beforeEach(async () => {
    shared = await postgres.open();
    kek = generateKek();
    a = await createSealer({ provider: localKeyProvider({ keys: { main: kek } }), store: shared.store, maxStalenessMs: BOUND_MS });
  });
  afterEach(async () => {
    await peer?.stop();
    peer = undefined;
    await shared.close();
  });

  it('makes B fail with KeyStoreError within timeoutMs once maxStalenessMs has passed, never hang, and recover when it answers again', async () => {
    const server = new URL(postgresUrl);
    const proxy = await startPausingProxy(server.hostname, Number(server.port || 5432));
    try {
      const config = shared.peerConfig(STORE_TIMEOUT_MS);
      const throughProxy = new URL(postgresUrl);
      throughProxy.hostname = '127.0.0.1';
      throughProxy.port = String(proxy.port);
      const b = await startPeer({ ...config, url: throughProxy.toString() } as PeerConfig, kek);
      peer = b;
      const scope = 'outage';
      const before = succeeded(await b.request({ op: 'encrypt', scope, value: 'before' }));

      proxy.pause();
      const downAt = Date.now();
      const answers = await watch(
        downAt,
        async () => [await b.request({ op: 'encrypt', scope, value: 'during' }), await b.request({ op: 'decrypt', scope, text: before.result as string })],
        (answer) => answer.error !== undefined,
        (seen) => seen.filter((answer) => answer.error !== undefined).length >= 4,
      );
      expectOutage(answers, downAt);

      proxy.resume();
      const after = await firstSuccess(() => b.request({ op: 'encrypt', scope, value: 'after' }));
      expect(after.keyId).toBe(before.keyId);
      expect(succeeded(await b.request({ op: 'decrypt', scope, text: before.result as string })).result).toBe('before');
      succeeded(await b.request({ op: 'encrypt', scope, subject: 'new-subject', value: 'after' }));
      expect(await a.decrypt(after.result as string, { ...PEER_MODEL, scope })).toBe('after');
    } finally {
      proxy.resume();
      await peer?.stop();
      peer = undefined;
      await proxy.close();
    }
  }, 180_000);
});

describe('a SQLite key store (WAL) whose write lock another process holds', () => {
  let shared: SharedStore;
  let a: Sealer;
  let kek: string;
  let peer: Peer | undefined;
  beforeEach(async () => {
    shared = await sqlite.open();
    kek = generateKek();
    a = await createSealer({ provider: localKeyProvider({ keys: { main: kek } }), store: shared.store, maxStalenessMs: BOUND_MS });
  });
  afterEach(async () => {
    await peer?.stop();
    peer = undefined;
    await shared.close();
  });

  // In WAL mode readers never wait for a writer, and a connection cannot take SQLite's
  // exclusive locking mode while another process has the file open: what a lock held by A
  // stops is B's writes. So B keeps sealing and opening under the keys it has (its coherence
  // checks are reads, and pass), and fails to create a key with KeyStoreError in time.
  it('makes B fail to create keys with KeyStoreError within timeoutMs, never hang, keep using the keys it has, and recover when released', async () => {
    const config = shared.peerConfig(STORE_TIMEOUT_MS);
    const b = await startPeer(config, kek);
    peer = b;
    const scope = 'outage';
    const before = succeeded(await b.request({ op: 'encrypt', scope, value: 'before' }));

    const locker = new Database((config as { file: string }).file, { timeout: 1000 });
    let next = 0;
    try {
      locker.exec('BEGIN IMMEDIATE'); // in WAL mode the same as EXCLUSIVE: the write lock
      const lockedAt = Date.now();
      const answers = await watch(
        lockedAt,
        async () => [
          await b.request({ op: 'encrypt', scope, value: 'during' }),
          await b.request({ op: 'decrypt', scope, text: before.result as string }),
          await b.request({ op: 'encrypt', scope, subject: `subject-${next++}`, value: 'during' }),
        ],
        (answer) => answer.error !== undefined,
        (seen) => seen.filter((answer) => answer.error !== undefined).length >= 3,
      );
      const existing = answers.filter((_, i) => i % 3 !== 2);
      const creations = answers.filter((_, i) => i % 3 === 2);
      for (const answer of existing) succeeded(answer);
      expect(existing.some((answer) => answer.start > lockedAt + BOUND_MS + SLACK_MS)).toBe(true);
      for (const creation of creations) {
        expect(creation.error?.name).toBe(KeyStoreError.name);
        expect(creation.end - creation.start).toBeLessThanOrEqual(STORE_TIMEOUT_MS + HANG_SLACK_MS);
      }
    } finally {
      if (locker.inTransaction) locker.exec('ROLLBACK');
      locker.close();
    }
    const created = await firstSuccess(() => b.request({ op: 'encrypt', scope, subject: `subject-${next++}`, value: 'after' }));
    expect(await a.decrypt(created.result as string, { ...PEER_MODEL, scope, subject: `subject-${next - 1}` })).toBe('after');
  }, 180_000);
});

/** The answer, after checking that the call succeeded (the peer's error is in the failure message). */
function succeeded(answer: PeerAnswer): PeerAnswer {
  expect(answer.error).toBeUndefined();
  return answer;
}

/**
 * Calls `round` (one or more requests to B) again and again from `changedAt` on, and returns
 * every answer, until an answer passes `seen`, `enough` holds, and a round has started
 * WATCH_MS after the change; or until DEADLINE_MS (the assertions then say what was missing).
 */
async function watch(
  changedAt: number,
  round: () => Promise<PeerAnswer[]>,
  seen: (answer: PeerAnswer) => boolean,
  enough: (answers: PeerAnswer[]) => boolean = () => true,
): Promise<PeerAnswer[]> {
  const answers: PeerAnswer[] = [];
  for (;;) {
    const startedAt = Date.now();
    answers.push(...(await round()));
    const done = answers.some(seen) && enough(answers) && startedAt > changedAt + WATCH_MS;
    if (done || Date.now() > changedAt + DEADLINE_MS) return answers;
  }
}

/** Answers as `<key id or error code> at +<ms after the change>`: readable failure messages. */
function timeline(answers: readonly PeerAnswer[], changedAt: number): string[] {
  return answers.map((answer) => `${answer.error?.code ?? answer.keyId} at +${answer.start - changedAt} ms`);
}

/** Calls `call` until it succeeds (DEADLINE_MS at most) and returns that answer. */
async function firstSuccess(call: () => Promise<PeerAnswer>): Promise<PeerAnswer> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const answer = await call();
    if (answer.error === undefined || Date.now() > deadline) return succeeded(answer);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** During an outage that began at `downAt`: only KeyStoreErrors, none later than the store's time limit, and no success past the bound. */
function expectOutage(answers: readonly PeerAnswer[], downAt: number): void {
  for (const answer of answers) {
    if (answer.error !== undefined) expect(answer.error.name).toBe(KeyStoreError.name);
    expect(answer.end - answer.start).toBeLessThanOrEqual(STORE_TIMEOUT_MS + HANG_SLACK_MS);
  }
  expect(timeline(answers.filter((answer) => answer.start > downAt + BOUND_MS + SLACK_MS && answer.error === undefined), downAt)).toEqual([]);
  expect(answers.filter((answer) => answer.start > downAt + BOUND_MS + SLACK_MS).length).toBeGreaterThan(0);
}

/** The scope has exactly one data key record, the primary, with id `id`. */
async function expectOnlyPrimary(store: KeyStore, scope: string, id: string): Promise<void> {
  const records = await store.list({ scope, purpose: 'data', limit: 10 });
  expect(records.map((record) => ({ id: record.id, primary: record.primary })), scope).toEqual([{ id, primary: true }]);
}

/** `store`, whose next insert into a named record scope can be held (see {@link HeldInserts}). */
function holdingInserts(store: KeyStore): KeyStore & HeldInserts {
  let hold: { recordScope: string; reached: () => void; released: Promise<void> } | undefined;
  return {
    description: store.description,
    migrate: () => store.migrate(),
    get: (id) => store.get(id),
    getMany: (ids) => store.getMany(ids),
    primary: (scope, purpose) => store.primary(scope, purpose),
    compareAndSet: (id, version, change) => store.compareAndSet(id, version, change),
    list: (page) => store.list(page),
    async insert(record: NewKeyRecord, options): Promise<KeyRecord> {
      const current = hold;
      if (current !== undefined && current.recordScope === record.scope) {
        hold = undefined;
        current.reached();
        await current.released;
      }
      return store.insert(record, options);
    },
    holdNextInsert(recordScope) {
      let reached: () => void = () => undefined;
      let resume: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (reached = resolve));
      const released = new Promise<void>((resolve) => (resume = resolve));
      hold = { recordScope, reached, released };
      return { held, resume };
    },
  };
}
