/**
 * TypeORM, loaded at run time as an optional peer dependency: importing `fieldseal/typeorm`
 * without `typeorm` installed fails with a ConfigurationError that says what to install.
 *
 * @module
 */
import type * as TypeOrm from 'typeorm';
import { requireOptionalPeer } from '../../optional-peer.js';

/** The subpath named in the "install typeorm" error. */
export const ENTRY = 'fieldseal/typeorm';

let loaded: typeof TypeOrm | undefined;

/** The `typeorm` module (the application's own instance: decorators and operators must be its). */
export function typeorm(): typeof TypeOrm {
  loaded ??= requireOptionalPeer<typeof TypeOrm>(ENTRY, 'typeorm');
  return loaded;
}
