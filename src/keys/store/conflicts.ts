/**
 * The conflicts every key store reports, worded once: messages name the key id and what
 * conflicted, never the scope (it may name a data subject) or key material.
 *
 * @module
 */
import { KeyConflictError } from '../../errors.js';

/** The conflict for an id that exists. */
export const idConflict = (id: string): KeyConflictError => new KeyConflictError('id', id, `key ${id} already exists`);

/** The conflict for a second primary in one (scope, purpose). */
export const primaryConflict = (id: string): KeyConflictError =>
  new KeyConflictError('primary', id, `key ${id} cannot be primary: its scope already has a primary key for that purpose`);

/** The conflict for a rotation whose record to demote moved on. */
export const versionConflict = (id: string): KeyConflictError =>
  new KeyConflictError('version', id, `key ${id} is not, or no longer, its scope's primary at the expected version; nothing was written`);
