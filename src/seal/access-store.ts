/**
 * The asynchronous context that carries who acts and why (`withAccess` in
 * fieldseal/privacy sets it; the Sealer reads it into audit events). One store per
 * process: it is kept on a global symbol, so that the ESM and the CommonJS builds of
 * fieldseal loaded side by side (an application importing one, a dependency requiring the
 * other) still share it.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AccessContext } from './audit-events.js';

const KEY = Symbol.for('fieldseal.access-context');

/** The process's access store. */
export const accessStorage: AsyncLocalStorage<AccessContext> = ((globalThis as Record<symbol, unknown>)[KEY] ??= new AsyncLocalStorage<AccessContext>()) as AsyncLocalStorage<AccessContext>;

/** The actor and purpose of the enclosing `withAccess`, or undefined outside any. */
export function currentAccess(): AccessContext | undefined {
  return accessStorage.getStore();
}
