/** Sealers on the embedded default (local KEK, memory store) for tests. */
import { createSealer, localKeyProvider, memoryKeyStore, type Sealer, type SealerOptions } from '../../src/index.js';

/** A fixed test KEK (never use fixed keys outside tests). */
export const TEST_KEK = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex').toString('base64');

export async function testSealer(options: Partial<SealerOptions> = {}): Promise<Sealer> {
  return createSealer({ provider: localKeyProvider({ keys: { main: TEST_KEK } }), store: memoryKeyStore(), ...options });
}
