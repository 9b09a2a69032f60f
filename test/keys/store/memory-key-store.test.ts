/** The key store contract on the in-memory store. */
import { describe, it } from 'vitest';
import { corruptMemoryRow, memoryKeyStore } from '../../../src/keys/store/memory-key-store.js';
import { runKeyStoreContract } from '../../../src/testing/key-store-contract.js';

runKeyStoreContract(
  'memory',
  () => {
    const store = memoryKeyStore();
    return { store, corrupt: (id, column, value) => corruptMemoryRow(store, id, column, value) };
  },
  { test: { describe, it } },
);
