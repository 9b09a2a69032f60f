/**
 * copyRecord (src/adapters/copy-record.ts): the adapter's shallow copy of query
 * arguments, made with Object.assign for V8's sake, must still copy like a spread.
 */
import { describe, expect, it } from 'vitest';
import { copyRecord } from '../../src/adapters/copy-record.js';

describe('copyRecord', () => {
  it('copies own enumerable keys, leaving the source alone', () => {
    const source = { where: { id: 1 }, select: { id: true } };
    const copy = copyRecord(source) as Record<string, unknown>;
    copy.omit = { email: true };
    expect(copy).toEqual({ where: { id: 1 }, select: { id: true }, omit: { email: true } });
    expect(source).toEqual({ where: { id: 1 }, select: { id: true } });
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });

  it('keeps an own __proto__ key (from JSON.parse) as data, never as the prototype', () => {
    const source = JSON.parse('{"where":{"id":1},"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const copy = copyRecord(source) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy.polluted).toBeUndefined();
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
  });
});
