/**
 * Builds key stores holding chosen keys, the way the keyring stores them, recomputed here
 * independently: a root key wrapped by the KEK provider (context: its id and scope `root`),
 * and data or lookup keys wrapped by the root key with AES-KWP under HKDF-SHA256(root,
 * salt "fieldseal/v1/bound-key-wrap", info = encodeParts(["fieldseal/v1/key", id, scope,
 * purpose, root id])). Golden tests use it to freeze that layout.
 */
import { BoundKeyWrap } from '../../src/crypto/bound-key-wrap.js';
import { encodeParts } from '../../src/format/context.js';
import { memoryKeyStore, type KeyProvider, type KeyStore } from '../../src/index.js';

/** A data or lookup key to put in the store, with its bytes. */
export interface ChosenKey {
  readonly id: string;
  readonly scope: string;
  readonly purpose: 'data' | 'lookup';
  readonly bytes: Buffer;
  readonly primary?: boolean;
}

/** The root key id the stores below use. */
export const ROOT_ID = '00000001';

/** A memory store holding a root key (`rootBytes`, wrapped by `provider`) and `keys` under it. */
export async function storeWithKeys(provider: KeyProvider, keys: readonly ChosenKey[], rootBytes = Buffer.alloc(32, 0x11)): Promise<KeyStore> {
  const store = memoryKeyStore();
  const wrappedRoot = await provider.wrap(rootBytes, { keyId: ROOT_ID, scope: 'root' });
  await store.insert({ id: ROOT_ID, scope: 'root', purpose: 'root', parent: wrappedRoot.kekRef, wrapped: Buffer.from(wrappedRoot.ciphertext).toString('base64'), state: 'active', primary: true });
  const wrap = new BoundKeyWrap(rootBytes);
  for (const key of keys) {
    const identity = encodeParts(['fieldseal/v1/key', key.id, key.scope, key.purpose, ROOT_ID]);
    await store.insert({
      id: key.id,
      scope: key.scope,
      purpose: key.purpose,
      parent: ROOT_ID,
      wrapped: wrap.wrap(key.bytes, identity).toString('base64'),
      state: 'active',
      primary: key.primary ?? true,
    });
  }
  return store;
}
