/**
 * The ORM adapters' shallow copy of query arguments.
 *
 * @module
 */

/**
 * A shallow copy of a plain record, to add keys to. Not `{ ...record }`: in V8 (Node 20), a
 * spread copy that then gets a key its source lacks (`out.omit = …`, `{ ...args, omit }`)
 * gets a hidden class of its own every time, so the rewritten arguments of every query had
 * a new one, and every read of them, ours and Prisma's, missed its inline caches
 * (bench/RESULTS.md). Object.assign copies share one hidden class per shape. A record with
 * an own `__proto__` key (as JSON.parse makes) is spread instead: Object.assign would set
 * the copy's prototype from it.
 */
export function copyRecord<T extends object>(record: T): T {
  return Object.hasOwn(record, '__proto__') ? { ...record } : Object.assign({}, record);
}
