/**
 * Key ids: random u32s written as 8 lowercase hex digits. Every value's header carries its
 * key's id (Tink's 4-byte key id prefix), which keeps values short. Ids are drawn at random
 * and made unique by the key store (an insert with a taken id is a conflict and is retried
 * with another), so no process needs to coordinate with another to name a key.
 *
 * @module
 */
import { randomInt } from 'node:crypto';
import { keyIdToString } from '../format/envelope.js';

/** A fresh random key id; never `00000000`. */
export function newKeyId(): string {
  return keyIdToString(randomInt(1, 0x1_0000_0000 - 1) >>> 0);
}
