/**
 * Purpose-based access in the Sealer: per field, the purposes of withAccess that see the
 * clear value; other callers get the field's mask, null, or AccessDeniedError, in decrypt,
 * decryptDeterministic, decryptMany (per value) and detokenize; audit events say so;
 * nested and concurrent contexts; no policy is today's behaviour; bad policies refused.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { AccessDeniedError, ConfigurationError, DecryptionError, fpeFormats, type Sealer } from '../../src/index.js';
import { callbackAuditSink, withAccess, type AccessPolicy, type AuditEvent } from '../../src/privacy/index.js';
import { withheldIndexes } from '../../src/seal/policy-results.js';
import { testSealer } from '../support/sealer.js';

const email = { model: 'Customer', field: 'email' };
const ssn = { model: 'Customer', field: 'ssn' };
const phone = { model: 'Customer', field: 'phone' };
const note = { model: 'Customer', field: 'note' };
const name = { model: 'Customer', field: 'name' };
const pan = { model: 'Customer', field: 'pan', format: fpeFormats.card() };

const policy: AccessPolicy = {
  purposes: ['support', 'billing', 'kyc', 'analytics'],
  fields: {
    'Customer.email': { purposes: ['support', 'billing'], otherwise: { mask: 'email' } },
    'Customer.ssn': { purposes: ['kyc'], otherwise: 'deny' },
    'Customer.phone': { purposes: ['support'], otherwise: 'null' },
    'Customer.note': { purposes: [], otherwise: { mask: (value) => `${String(value).length} characters` } },
    'Customer.pan': { purposes: ['billing'], otherwise: { mask: 'card' } },
  },
};

const as = <R>(purpose: string, fn: () => R): R => withAccess({ actor: 'agent-7', purpose }, fn);

async function policed(extra: Partial<AccessPolicy> = {}): Promise<{ sealer: Sealer; events: AuditEvent[] }> {
  const events: AuditEvent[] = [];
  const sealer = await testSealer({ policy: { ...policy, ...extra }, audit: { sink: callbackAuditSink((event) => void events.push(event)) } });
  return { sealer, events };
}

async function denial(promise: Promise<unknown>): Promise<AccessDeniedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AccessDeniedError);
  return error as AccessDeniedError;
}

describe('purpose-based access: decrypt', () => {
  it('clear for an allowed purpose, the mask for another, audited as masked', async () => {
    const { sealer, events } = await policed();
    const text = await sealer.encrypt('alice@example.com', email);
    expect(await as('support', () => sealer.decrypt(text, email))).toBe('alice@example.com');
    expect(await as('billing', () => sealer.decrypt(text, email))).toBe('alice@example.com');
    expect(await as('analytics', () => sealer.decrypt(text, email))).toBe('a***@example.com');
    expect(events.map((e) => [e.purpose, e.outcome, e.masked])).toEqual([
      ['support', 'success', undefined],
      ['billing', 'success', undefined],
      ['analytics', 'success', 1],
    ]);
    expect(events[2]).toMatchObject({ operation: 'decrypt', model: 'Customer', field: 'email', count: 1, actor: 'agent-7' });
    expect(JSON.stringify(events)).not.toContain('alice@');
  });

  it('deny: AccessDeniedError naming model, field and purpose, never the value; audited as a failure', async () => {
    const { sealer, events } = await policed();
    const text = await sealer.encrypt('123-45-6789', ssn);
    expect(await as('kyc', () => sealer.decrypt(text, ssn))).toBe('123-45-6789');
    const before = sealer.stats().decryptions;
    const error = await denial(as('support', () => sealer.decrypt(text, ssn)));
    expect(error).toMatchObject({ code: 'ACCESS_DENIED', model: 'Customer', field: 'ssn', purpose: 'support', reason: 'purpose' });
    expect(error.message).toBe("Customer.ssn: purpose 'support' may not read this field");
    expect(error.message).not.toContain('123');
    expect(sealer.stats().decryptions).toBe(before); // nothing was opened
    expect(events.at(-1)).toMatchObject({ operation: 'decrypt', purpose: 'support', model: 'Customer', field: 'ssn', count: 1, outcome: 'failure', error: 'ACCESS_DENIED' });
  });

  it("null: the value is not opened and null comes back, audited as withheld", async () => {
    const { sealer, events } = await policed();
    const text = await sealer.encrypt('+44 20 7946 0018', phone);
    expect(await as('support', () => sealer.decrypt(text, phone))).toBe('+44 20 7946 0018');
    const before = sealer.stats().decryptions;
    expect(await as('billing', () => sealer.decrypt(text, phone))).toBeNull();
    expect(sealer.stats().decryptions).toBe(before);
    expect(events.at(-1)).toMatchObject({ purpose: 'billing', outcome: 'success', withheld: 1 });
    expect(events.at(-1)?.masked).toBeUndefined();
  });

  it('a masked read still authenticates the value: a tampered text fails, no mask of garbage', async () => {
    const { sealer } = await policed();
    const text = await sealer.encrypt('alice@example.com', email);
    const tampered = text.slice(0, -2) + (text.endsWith('A') ? 'BA' : 'AA');
    await expect(as('analytics', () => sealer.decrypt(tampered, email))).rejects.toBeInstanceOf(DecryptionError);
    await expect(as('analytics', () => sealer.decrypt(text, { ...email, row: 1 }))).rejects.toBeInstanceOf(DecryptionError);
  });

  it('decryptDeterministic follows the same rules', async () => {
    const { sealer } = await policed();
    const token = await sealer.encryptDeterministic('alice@example.com', email);
    const ssnToken = await sealer.encryptDeterministic('123-45-6789', ssn);
    expect(await as('support', () => sealer.decryptDeterministic(token, email))).toBe('alice@example.com');
    expect(await as('analytics', () => sealer.decryptDeterministic(token, email))).toBe('a***@example.com');
    await denial(as('analytics', () => sealer.decryptDeterministic(ssnToken, ssn)));
  });

  it('fields without a rule open for everyone, inside and outside withAccess', async () => {
    const { sealer } = await policed();
    const text = await sealer.encrypt('Alice Liddell', name);
    expect(await as('analytics', () => sealer.decrypt(text, name))).toBe('Alice Liddell');
    expect(await sealer.decrypt(text, name)).toBe('Alice Liddell');
  });

  it('masks: named, options, functions; a value the mask does not fit is redacted, never shown or failed', async () => {
    const sealer = await testSealer({
      policy: {
        fields: {
          'M.card': { purposes: [], otherwise: { mask: 'card' } },
          'M.phone': { purposes: [], otherwise: { mask: 'phone' } },
          'M.code': { purposes: [], otherwise: { mask: { keepLast: 2, char: '#' } } },
          'M.secret': { purposes: [], otherwise: { mask: 'redact' } },
          'M.email': { purposes: [], otherwise: { mask: 'email' } },
          'M.fn': { purposes: [], otherwise: { mask: () => { throw new Error('boom'); } } },
        },
        outsideAccess: 'otherwise',
      },
    });
    const open = async (value: string | number | Date, field: string) => sealer.decrypt(await sealer.encrypt(value, { model: 'M', field }), { model: 'M', field });
    expect(await open('4111 1111 1111 1111', 'card')).toBe('**** **** **** 1111');
    expect(await open('+44 20 7946 0018', 'phone')).toBe('+** ** **** 0018');
    expect(await open('ABCDEF', 'code')).toBe('####EF');
    expect(await open(123456, 'code')).toBe('####56');
    expect(await open('anything', 'secret')).toBe('[REDACTED]');
    expect(await open('not an address', 'email')).toBe('[REDACTED]');
    expect(await open(new Date(0), 'email')).toBe('[REDACTED]');
    expect(await open('x', 'fn')).toBe('[REDACTED]');
  });
});

describe('purpose-based access: decryptMany', () => {
  it('per value: clear, masked and null side by side; a batch is one event with masked and withheld counts', async () => {
    const { sealer, events } = await policed();
    const emails = ['alice@example.com', 'bob@example.org', 'carol@example.net', 'dave@example.com', 'erin@example.com'];
    const items: { text: string; ctx: typeof email }[] = [];
    for (const [i, value] of emails.entries()) {
      items.push({ text: await sealer.encrypt(value, email), ctx: email });
      items.push({ text: await sealer.encrypt(`+1 555 010${i}`, phone), ctx: phone });
      items.push({ text: await sealer.encrypt(`name ${i}`, name), ctx: name });
    }
    const clear = await as('support', () => sealer.decryptMany(items));
    expect(clear).toEqual(emails.flatMap((e, i) => [e, `+1 555 010${i}`, `name ${i}`]));
    expect(withheldIndexes(clear)).toBeUndefined();
    const billing = await as('billing', () => sealer.decryptMany(items));
    expect(billing).toEqual(emails.flatMap((e, i) => [e, null, `name ${i}`]));
    const analytics = await as('analytics', () => sealer.decryptMany(items));
    expect(analytics).toEqual(emails.flatMap((e, i) => [`${e[0]}***@${e.split('@')[1]}`, null, `name ${i}`]));
    expect([...(withheldIndexes(analytics) ?? [])]).toEqual(emails.flatMap((_, i) => [3 * i, 3 * i + 1]));
    expect(events.map((e) => [e.purpose, e.count, e.outcome, e.masked, e.withheld])).toEqual([
      ['support', 15, 'success', undefined, undefined],
      ['billing', 15, 'success', undefined, 5],
      ['analytics', 15, 'success', 5, 5],
    ]);
    // A small batch (opened value by value) follows the same rules.
    expect(await as('analytics', () => sealer.decryptMany(items.slice(0, 3)))).toEqual(['a***@example.com', null, 'name 0']);
    expect(JSON.stringify(events)).not.toContain('example');
  });

  it('a denied value fails the whole batch before anything is opened, audited as one failure', async () => {
    const { sealer, events } = await policed();
    const items = [
      { text: await sealer.encrypt('alice@example.com', email), ctx: email },
      ...(await Promise.all([1, 2, 3, 4].map(async (i) => ({ text: await sealer.encrypt(`12${i}-45-6789`, ssn), ctx: ssn })))),
    ];
    const before = sealer.stats().decryptions;
    const error = await denial(as('analytics', () => sealer.decryptMany(items)));
    expect(error).toMatchObject({ model: 'Customer', field: 'ssn', purpose: 'analytics' });
    expect(sealer.stats().decryptions).toBe(before);
    expect(events.at(-1)).toMatchObject({ outcome: 'failure', error: 'ACCESS_DENIED', count: 5 });
    expect((await as('kyc', () => sealer.decryptMany(items))).slice(1)).toEqual(['121-45-6789', '122-45-6789', '123-45-6789', '124-45-6789']);
  });

  it('a tampered value fails a partly masked batch as it fails an unpoliced one', async () => {
    const { sealer } = await policed();
    const items = await Promise.all(['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io', 'e@x.io'].map(async (v) => ({ text: await sealer.encrypt(v, email), ctx: email })));
    items[3] = { text: (items[4] as { text: string }).text, ctx: { ...email, row: 9 } as typeof email };
    await expect(as('analytics', () => sealer.decryptMany(items))).rejects.toBeInstanceOf(DecryptionError);
  });
});

describe('purpose-based access: detokenize', () => {
  it('clear, masked, null and denied FPE tokens', async () => {
    const events: AuditEvent[] = [];
    const sealer = await testSealer({
      policy: { fields: { 'Customer.pan': { purposes: ['billing'], otherwise: { mask: 'card' } }, 'Customer.acct': { purposes: ['billing'], otherwise: 'null' }, 'Customer.iban': { purposes: ['billing'] } } },
      audit: { sink: callbackAuditSink((event) => void events.push(event)) },
    });
    const token = await sealer.fpe('4111111111111111', pan);
    expect(await as('billing', () => sealer.detokenize(token, pan))).toBe('4111111111111111');
    expect(await as('support', () => sealer.detokenize(token, pan))).toBe('************1111');
    const acct = { ...pan, field: 'acct' };
    const iban = { ...pan, field: 'iban' };
    const acctToken = await sealer.fpe('4111111111111111', acct);
    expect(await as('support', () => sealer.detokenize(acctToken, acct))).toBeNull();
    const error = await denial(as('support', async () => sealer.detokenize(await sealer.fpe('4111111111111111', iban), iban)));
    expect(error).toMatchObject({ model: 'Customer', field: 'iban', reason: 'purpose' });
    expect(events.map((e) => [e.operation, e.purpose, e.outcome, e.masked, e.withheld, e.error])).toEqual([
      ['detokenize', 'billing', 'success', undefined, undefined, undefined],
      ['detokenize', 'support', 'success', 1, undefined, undefined],
      ['detokenize', 'support', 'success', undefined, 1, undefined],
      ['detokenize', 'support', 'failure', undefined, undefined, 'ACCESS_DENIED'],
    ]);
  });
});

describe('purpose-based access: contexts', () => {
  it('outside withAccess: denied by default (fail closed), or the field\'s otherwise, or clear, as configured', async () => {
    const { sealer } = await policed();
    const text = await sealer.encrypt('alice@example.com', email);
    const error = await denial(sealer.decrypt(text, email));
    expect(error).toMatchObject({ reason: 'no-access', purpose: null, model: 'Customer', field: 'email' });
    expect(error.message).toBe('Customer.email: read outside withAccess, and this field\'s access policy needs a purpose');
    const otherwise = (await policed({ outsideAccess: 'otherwise' })).sealer;
    expect(await otherwise.decrypt(await otherwise.encrypt('alice@example.com', email), email)).toBe('a***@example.com');
    const ssnText = await otherwise.encrypt('123-45-6789', ssn);
    expect(await denial(otherwise.decrypt(ssnText, ssn))).toMatchObject({ reason: 'no-access' });
    const clear = (await policed({ outsideAccess: 'clear' })).sealer;
    expect(await clear.decrypt(await clear.encrypt('123-45-6789', ssn), ssn)).toBe('123-45-6789');
  });

  it('an undeclared purpose is an AccessDeniedError at use, not a mask; without declared purposes any purpose is taken', async () => {
    const { sealer } = await policed();
    const text = await sealer.encrypt('alice@example.com', email);
    const error = await denial(as('suport', () => sealer.decrypt(text, email)));
    expect(error).toMatchObject({ reason: 'undeclared-purpose', purpose: 'suport' });
    expect(error.message).toBe("Customer.email: purpose 'suport' is not declared in the access policy");
    const open = await testSealer({ policy: { fields: policy.fields } });
    expect(await as('suport', async () => open.decrypt(await open.encrypt('alice@example.com', email), email))).toBe('a***@example.com');
  });

  it('nested withAccess: the inner purpose decides inside, the outer again after it', async () => {
    const { sealer } = await policed();
    const text = await sealer.encrypt('alice@example.com', email);
    const seen = await as('analytics', async () => {
      const before = await sealer.decrypt(text, email);
      const inner = await as('support', () => sealer.decrypt(text, email));
      const after = await sealer.decrypt(text, email);
      return [before, inner, after];
    });
    expect(seen).toEqual(['a***@example.com', 'alice@example.com', 'a***@example.com']);
  });

  it('concurrent contexts do not bleed into each other', async () => {
    const { sealer } = await policed();
    const text = await sealer.encrypt('alice@example.com', email);
    const runs = Array.from({ length: 40 }, (_, i) => {
      const purpose = i % 2 === 0 ? 'support' : 'analytics';
      return as(purpose, async () => {
        await sleep(i % 5);
        const one = await sealer.decrypt(text, email);
        await sleep((i * 3) % 4);
        const many = await sealer.decryptMany([{ text, ctx: email }, { text, ctx: email }, { text, ctx: email }, { text, ctx: email }]);
        return { purpose, values: [one, ...many] };
      });
    });
    for (const { purpose, values } of await Promise.all(runs)) {
      expect(new Set(values)).toEqual(new Set([purpose === 'support' ? 'alice@example.com' : 'a***@example.com']));
    }
  });

  it('a mask function sees the opened value and shows only what it returns', async () => {
    const { sealer } = await policed();
    const text = await sealer.encrypt('a private note', note);
    expect(await as('support', () => sealer.decrypt(text, note))).toBe('14 characters');
  });
});

describe('purpose-based access: no policy, bad policies', () => {
  it('without a policy every read opens, inside or outside withAccess, and nothing is recorded as withheld', async () => {
    const sealer = await testSealer();
    const text = await sealer.encrypt('123-45-6789', ssn);
    expect(await sealer.decrypt(text, ssn)).toBe('123-45-6789');
    expect(await as('analytics', () => sealer.decrypt(text, ssn))).toBe('123-45-6789');
    const many = await as('analytics', () => sealer.decryptMany([1, 2, 3, 4, 5].map(() => ({ text, ctx: ssn }))));
    expect(many).toEqual(Array(5).fill('123-45-6789'));
    expect(withheldIndexes(many)).toBeUndefined();
    const token = await sealer.fpe('4111111111111111', pan);
    expect(await sealer.detokenize(token, pan)).toBe('4111111111111111');
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', 'x', /policy must be/],
    ['an unknown option', { fields: {}, purpose: [] }, /unknown option 'purpose'/],
    ['fields not an object', { fields: [] }, /fields must be an object/],
    ['a field without a model', { fields: { email: { purposes: [] } } }, /'email' must be written 'Model.field'/],
    ['a field with two dots', { fields: { 'A.b.c': { purposes: [] } } }, /must be written 'Model.field'/],
    ['a field with a space', { fields: { 'A. b': { purposes: [] } } }, /must be written 'Model.field'/],
    ['a rule that is not an object', { fields: { 'A.b': 'deny' } }, /A\.b must be \{ purposes/],
    ['a rule without purposes', { fields: { 'A.b': { otherwise: 'deny' } } }, /A\.b purposes must be an array/],
    ['an empty purpose', { fields: { 'A.b': { purposes: [''] } } }, /non-empty string/],
    ['a misspelt rule option', { fields: { 'A.b': { purpose: ['x'] } } }, /unknown option 'purpose'/],
    ['an undeclared purpose', { purposes: ['support'], fields: { 'A.b': { purposes: ['suport'] } } }, /'suport' is not one of the declared purposes/],
    ['an unknown otherwise', { fields: { 'A.b': { purposes: [], otherwise: 'mask' } } }, /otherwise must be 'deny', 'null' or \{ mask \}/],
    ['an unknown mask', { fields: { 'A.b': { purposes: [], otherwise: { mask: 'ssn' } } } }, /unknown mask 'ssn'/],
    ['an unknown mask option', { fields: { 'A.b': { purposes: [], otherwise: { mask: { keep: 2 } } } } }, /unknown mask option 'keep'/],
    ['bad mask options', { fields: { 'A.b': { purposes: [], otherwise: { mask: { keepLast: -1 } } } } }, /invalid mask options/],
    ['a bad outsideAccess', { fields: {}, outsideAccess: 'allow' }, /outsideAccess must be/],
  ])('refuses %s at createSealer with ConfigurationError', async (_, bad, message) => {
    const error = await testSealer({ policy: bad as AccessPolicy }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(message);
  });
});
