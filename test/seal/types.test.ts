import { describe, expectTypeOf, it } from 'vitest';
import type { Sealable } from '../../src/index.js';
import { testSealer } from '../support/sealer.js';

const ctx = { model: 'User', field: 'email' };

describe('Sealer types', () => {
  it('decrypt of a sealed value is typed by what was sealed', async () => {
    const sealer = await testSealer();
    const email = await sealer.encrypt('alice@example.com', ctx);
    expectTypeOf(await sealer.decrypt(email, ctx)).toEqualTypeOf<string>();
    expectTypeOf(await sealer.decrypt(await sealer.encrypt(42, ctx), ctx)).toEqualTypeOf<number>();
    expectTypeOf(await sealer.decrypt(await sealer.encrypt(new Date(), ctx), ctx)).toEqualTypeOf<Date>();
    expectTypeOf(await sealer.decrypt(await sealer.encrypt(1n, ctx), ctx)).toEqualTypeOf<bigint>();
    // A plain string read from a database opens to the union, or to what the caller states.
    const fromDb: string = email;
    expectTypeOf(await sealer.decrypt(fromDb, ctx)).toEqualTypeOf<Sealable>();
    expectTypeOf(await sealer.decrypt<boolean>(fromDb, ctx)).toEqualTypeOf<boolean>();
  });
});
