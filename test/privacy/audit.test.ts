/**
 * Audit events of the Sealer: one per decrypt call (a batch: one with a count), per
 * detokenize, key operation and recorded export; actor and purpose from withAccess, nested
 * and concurrent; never a value.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { DecryptionError, fpeFormats, generateKek, InvalidInputError, localKeyProvider, type Sealer } from '../../src/index.js';
import { callbackAuditSink, currentAccess, recordExport, withAccess, type AuditEvent } from '../../src/privacy/index.js';
import { keyIdOfText } from '../../src/seal/auditor.js';
import { testSealer } from '../support/sealer.js';

const email = { model: 'User', field: 'email' };
const phone = { model: 'User', field: 'phone' };
const PLAINTEXTS = ['alice@example.com', 'bob.secret@example.org', '+44 20 7946 0018', 'Carol Example', '4111111111111111'];

async function audited(): Promise<{ sealer: Sealer; events: AuditEvent[] }> {
  const events: AuditEvent[] = [];
  const sealer = await testSealer({ audit: { sink: callbackAuditSink((event) => void events.push(event)) } });
  return { sealer, events };
}

/** Every serialized event, checked for every plaintext and every sealed text of the test. */
function expectNoValues(events: readonly AuditEvent[], texts: readonly string[]): void {
  const serialized = JSON.stringify(events);
  for (const secret of [...PLAINTEXTS, ...texts]) expect(serialized).not.toContain(secret);
  // Not even a piece of a sealed text's body.
  for (const text of texts) expect(serialized).not.toContain(text.slice(12, 28));
}

const keyOf = (text: string): string => (keyIdOfText(text) as number).toString(16).padStart(8, '0');

describe('audit events', () => {
  it('decrypt: one event with actor, purpose, model, field, key id, count 1 and outcome; no event without audit', async () => {
    const { sealer, events } = await audited();
    const text = await sealer.encrypt(PLAINTEXTS[0] as string, email);
    expect(events).toEqual([]); // encrypt is not audited
    const value = await withAccess({ actor: 'agent-17', purpose: 'support-ticket' }, () => sealer.decrypt(text, email));
    expect(value).toBe(PLAINTEXTS[0]);
    expect(events).toHaveLength(1);
    const [event] = events as [AuditEvent];
    expect(event).toEqual({
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      actor: 'agent-17',
      purpose: 'support-ticket',
      operation: 'decrypt',
      model: 'User',
      field: 'email',
      keyId: keyOf(text),
      count: 1,
      outcome: 'success',
    });
    const [record] = await sealer.listKeys({ scope: 'default', purpose: 'data' });
    expect(event.keyId).toBe(record?.id);
    expect(sealer.stats().audit).toEqual({ recorded: 1, dropped: 0, failedReads: 0, pending: 0 });
    expectNoValues(events, [text]);

    const plain = await testSealer();
    expect(plain.auditor).toBeUndefined();
    expect(plain.stats().audit).toBeUndefined();
  });

  it('outside withAccess: actor and purpose are null', async () => {
    const { sealer, events } = await audited();
    await sealer.decrypt(await sealer.encrypt('x', email), email);
    expect(events[0]).toMatchObject({ actor: null, purpose: null, operation: 'decrypt' });
  });

  it('decryptDeterministic, and a failed decrypt (wrong field): outcome failure with the error code, the error rethrown', async () => {
    const { sealer, events } = await audited();
    const det = await sealer.encryptDeterministic(PLAINTEXTS[1] as string, email);
    const text = await sealer.encrypt(PLAINTEXTS[1] as string, email);
    await withAccess({ actor: 'a', purpose: 'p' }, async () => {
      expect(await sealer.decryptDeterministic(det, email)).toBe(PLAINTEXTS[1]);
      await expect(sealer.decrypt(text, phone)).rejects.toBeInstanceOf(DecryptionError);
      await expect(sealer.decrypt('not sealed', email)).rejects.toMatchObject({ code: 'FORMAT_INVALID' });
    });
    expect(events.map((e) => [e.operation, e.field, e.keyId, e.outcome, e.error])).toEqual([
      ['decrypt', 'email', keyOf(det), 'success', undefined],
      ['decrypt', 'phone', keyOf(text), 'failure', 'DECRYPTION_FAILED'],
      ['decrypt', 'email', null, 'failure', 'FORMAT_INVALID'],
    ]);
    expect(keyOf(det)).not.toBe(keyOf(text)); // the lookup key, not the data key
    expectNoValues(events, [det, text]);
  });

  it('decryptMany: one event per call with the count, for a batch and for a small one', async () => {
    const { sealer, events } = await audited();
    const texts = await sealer.encryptMany(PLAINTEXTS.map((value) => ({ value, ctx: email })));
    await withAccess({ actor: 'job:export', purpose: 'dsar' }, async () => {
      expect(await sealer.decryptMany(texts.map((text) => ({ text, ctx: email })))).toEqual(PLAINTEXTS);
      expect(await sealer.decryptMany(texts.slice(0, 2).map((text) => ({ text, ctx: email })))).toEqual(PLAINTEXTS.slice(0, 2));
      expect(await sealer.decryptMany([])).toEqual([]);
    });
    expect(events.map((e) => [e.operation, e.model, e.field, e.keyId, e.count, e.outcome, e.actor])).toEqual([
      ['decrypt', 'User', 'email', keyOf(texts[0] as string), 5, 'success', 'job:export'],
      ['decrypt', 'User', 'email', keyOf(texts[0] as string), 2, 'success', 'job:export'],
      ['decrypt', null, null, null, 0, 'success', 'job:export'],
    ]);
    expectNoValues(events, texts);
  });

  it('decryptMany over several fields and keys: model, field and keyId null, with fields and keyIds; a failing batch is one failure event', async () => {
    const { sealer, events } = await audited();
    const a = await sealer.encryptMany(PLAINTEXTS.slice(0, 3).map((value) => ({ value, ctx: email })));
    await sealer.rotateDataKey();
    const b = await sealer.encryptMany(PLAINTEXTS.slice(3).map((value) => ({ value, ctx: phone })));
    events.length = 0;
    const items = [...a.map((text) => ({ text, ctx: email })), ...b.map((text) => ({ text, ctx: phone }))];
    expect(await sealer.decryptMany(items)).toEqual(PLAINTEXTS);
    expect(events[0]).toMatchObject({
      model: null,
      field: null,
      keyId: null,
      count: 5,
      keyIds: [keyOf(a[0] as string), keyOf(b[0] as string)],
      fields: [
        { model: 'User', field: 'email', count: 3 },
        { model: 'User', field: 'phone', count: 2 },
      ],
    });
    await expect(sealer.decryptMany([...items, { text: a[0] as string, ctx: phone }])).rejects.toBeInstanceOf(DecryptionError);
    expect(events[1]).toMatchObject({ operation: 'decrypt', count: 6, outcome: 'failure', error: 'DECRYPTION_FAILED' });
    expectNoValues(events, [...a, ...b]);
  });

  it('detokenize is audited; fpe (tokenizing) is not', async () => {
    const { sealer, events } = await audited();
    const options = { model: 'Card', field: 'pan', format: fpeFormats.card() };
    const token = await sealer.fpe(PLAINTEXTS[4] as string, options);
    expect(events).toEqual([]);
    expect(await withAccess({ actor: 'billing-svc', purpose: 'chargeback' }, () => sealer.detokenize(token, options))).toBe(PLAINTEXTS[4]);
    expect(events).toEqual([expect.objectContaining({ operation: 'detokenize', model: 'Card', field: 'pan', count: 1, outcome: 'success', actor: 'billing-svc', keyId: null })]);
    expectNoValues(events, [token]);
  });

  it('key operations: rotate, destroy, shred (subject and scope), rewrap, each with its keys or count', async () => {
    const { sealer, events } = await audited();
    await withAccess({ actor: 'ops', purpose: 'key-rotation' }, async () => {
      const old = (await sealer.listKeys({ scope: 'default', purpose: 'data' }))[0]?.id as string;
      const rotated = await sealer.rotateDataKey();
      await sealer.destroyDataKey(old);
      await sealer.encrypt('x', { ...email, subject: 'customer-1' });
      const subjectRotated = await sealer.rotateDataKey({ subject: 'customer-1' });
      await sealer.encrypt('x', { ...email, scope: 'tenant-b' });
      expect(await sealer.shred({ subject: 'customer-1' })).toBe(2);
      const scopeKeys = await sealer.shred('tenant-b');
      const { rewrapped } = await sealer.rewrapDataKeys(localKeyProvider({ keys: { v2: generateKek() } }));
      await expect(sealer.destroyDataKey('ffffffff')).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
      expect(events.map((e) => ({ ...e, time: undefined }))).toEqual([
        { time: undefined, actor: 'ops', purpose: 'key-rotation', operation: 'rotate-data-key', model: null, field: null, keyId: rotated.id, count: 1, outcome: 'success', scope: 'default' },
        { time: undefined, actor: 'ops', purpose: 'key-rotation', operation: 'destroy-data-key', model: null, field: null, keyId: old, count: 1, outcome: 'success' },
        {
          time: undefined,
          actor: 'ops',
          purpose: 'key-rotation',
          operation: 'rotate-data-key',
          model: null,
          field: null,
          keyId: subjectRotated.id,
          count: 1,
          outcome: 'success',
          scope: 'default',
          subject: 'customer-1',
        },
        { time: undefined, actor: 'ops', purpose: 'key-rotation', operation: 'shred', model: null, field: null, keyId: null, count: 2, outcome: 'success', scope: 'default', subject: 'customer-1' },
        { time: undefined, actor: 'ops', purpose: 'key-rotation', operation: 'shred', model: null, field: null, keyId: null, count: scopeKeys, outcome: 'success', scope: 'tenant-b' },
        { time: undefined, actor: 'ops', purpose: 'key-rotation', operation: 'rewrap', model: null, field: null, keyId: null, count: rewrapped, outcome: 'success' },
        { time: undefined, actor: 'ops', purpose: 'key-rotation', operation: 'destroy-data-key', model: null, field: null, keyId: 'ffffffff', count: 1, outcome: 'failure', error: 'KEY_NOT_FOUND' },
      ]);
      expect(scopeKeys).toBeGreaterThanOrEqual(1);
    });
  });

  it('recordExport: an export event with the access context; nothing without audit; a bad count refused', async () => {
    const { sealer, events } = await audited();
    await withAccess({ actor: 'dpo', purpose: 'subject-access-request' }, () => recordExport(sealer, { model: 'User', field: 'email', count: 3 }));
    await recordExport(sealer, { count: 10, failed: true });
    expect(events.map((e) => [e.operation, e.actor, e.purpose, e.model, e.field, e.count, e.outcome])).toEqual([
      ['export', 'dpo', 'subject-access-request', 'User', 'email', 3, 'success'],
      ['export', null, null, null, null, 10, 'failure'],
    ]);
    await recordExport(await testSealer(), { count: 1 });
    await expect(recordExport(sealer, { count: -1 })).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('withAccess', () => {
  it('nested contexts: the inner one applies inside, the outer one again after it', async () => {
    const { sealer, events } = await audited();
    const text = await sealer.encrypt('x', email);
    await withAccess({ actor: 'svc-support', purpose: 'ticket' }, async () => {
      await sealer.decrypt(text, email);
      await withAccess({ actor: 'alice', purpose: 'escalation' }, async () => {
        await sleep(1);
        await sealer.decrypt(text, email);
        expect(currentAccess()).toEqual({ actor: 'alice', purpose: 'escalation' });
      });
      await sealer.decrypt(text, email);
    });
    expect(currentAccess()).toBeUndefined();
    expect(events.map((e) => `${e.actor}/${e.purpose}`)).toEqual(['svc-support/ticket', 'alice/escalation', 'svc-support/ticket']);
  });

  it('concurrent contexts do not bleed into each other', async () => {
    const { sealer, events } = await audited();
    const texts = await sealer.encryptMany(Array.from({ length: 40 }, (_, i) => ({ value: `v${i}`, ctx: email })));
    const actors = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    // Interleaved: every request awaits timers of different lengths between its decrypts.
    await Promise.all(
      actors.map((actor, i) =>
        withAccess({ actor, purpose: `purpose-${i}` }, async () => {
          await sleep(i % 7);
          await sealer.decrypt(texts[i] as string, email);
          await sleep((i * 3) % 5);
          await sealer.decryptMany(texts.slice(0, 4).map((text) => ({ text, ctx: email })));
          setImmediate(() => void sealer.decrypt(texts[i] as string, email));
          await sleep(10);
        }),
      ),
    );
    expect(events).toHaveLength(120);
    for (const event of events) expect(event.purpose).toBe(`purpose-${(event.actor as string).slice(5)}`);
    for (const actor of actors) expect(events.filter((e) => e.actor === actor)).toHaveLength(3);
  });

  it('refuses an empty, long or control-character actor or purpose, and returns what fn returns', () => {
    expect(withAccess({ actor: 'a', purpose: 'b' }, () => 42)).toBe(42);
    for (const bad of [{ actor: '', purpose: 'p' }, { actor: 'a', purpose: 'x'.repeat(257) }, { actor: 'a\nb', purpose: 'p' }, { actor: 'a', purpose: 7 }, null]) {
      expect(() => withAccess(bad as never, () => 1)).toThrow(InvalidInputError);
    }
  });
});
