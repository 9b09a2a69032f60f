/**
 * A batch of column values through the Sealer's batch calls (`decryptMany`, `encryptMany`,
 * `encryptDeterministicMany`, `blindIndexMany`), with a result per value: the batch calls
 * are all or nothing, so when one fails the values are taken one by one to tell which row
 * failed and why.
 *
 * @module
 */
import type { FieldContext } from '../format/context.js';
import type { Sealable } from '../format/value-codec.js';
import type { BlindIndexable, BlindIndexOptions, Sealer, TokenContext } from '../seal/sealer.js';

/** The result for one value of a batch. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

async function perValue<I, T>(items: readonly I[], many: (items: readonly I[]) => Promise<T[]>, one: (item: I) => Promise<T>): Promise<Outcome<T>[]> {
  if (items.length === 0) return [];
  try {
    return (await many(items)).map((value) => ({ ok: true, value }));
  } catch {
    const out: Outcome<T>[] = [];
    for (const item of items) {
      try {
        out.push({ ok: true, value: await one(item) });
      } catch (error) {
        out.push({ ok: false, error });
      }
    }
    return out;
  }
}

/**
 * The values of a batch call, or what `fail` throws for the first value that fails on its
 * own: the batch call's results as they are when it succeeds (no outcome per value).
 */
async function allOrFirstFailure<I, T>(
  items: readonly I[],
  many: (items: readonly I[]) => Promise<T[]>,
  one: (item: I) => Promise<T>,
  fail: (index: number, error: unknown) => Error,
): Promise<T[]> {
  if (items.length === 0) return [];
  try {
    return await many(items);
  } catch {
    const out: T[] = [];
    for (const [index, item] of items.entries()) {
      try {
        out.push(await one(item));
      } catch (error) {
        throw fail(index, error);
      }
    }
    return out;
  }
}

/** {@link openValues} for a job that stops at the first value that does not open: `fail` names it. */
export function openAll(sealer: Sealer, items: readonly { readonly text: string; readonly ctx: TokenContext }[], fail: (index: number, error: unknown) => Error): Promise<Sealable[]> {
  return allOrFirstFailure(
    items,
    (all) => sealer.decryptMany(all),
    (item) => sealer.decrypt(item.text, item.ctx),
    fail,
  );
}

/** {@link sealValues} (randomized) for a job that stops at the first value that does not seal: `fail` names it. */
export function sealAllRandomized(sealer: Sealer, items: readonly { readonly value: Sealable; readonly ctx: FieldContext }[], fail: (index: number, error: unknown) => Error): Promise<string[]> {
  return allOrFirstFailure(
    items,
    (all) => sealer.encryptMany(all),
    (item) => sealer.encrypt(item.value, item.ctx),
    fail,
  );
}

/** Opens sealed texts, each in its context. */
export function openValues(sealer: Sealer, items: readonly { readonly text: string; readonly ctx: TokenContext }[]): Promise<Outcome<Sealable>[]> {
  return perValue(
    items,
    (all) => sealer.decryptMany(all),
    (item) => sealer.decrypt(item.text, item.ctx),
  );
}

/**
 * Seals values under the current primary key: randomized under the data key of each
 * value's scope or subject (the batch groups them), deterministic under the scope's lookup key.
 */
export function sealValues(sealer: Sealer, mode: 'randomized' | 'deterministic', items: readonly { readonly value: Sealable; readonly ctx: TokenContext }[]): Promise<Outcome<string>[]> {
  if (mode === 'deterministic') {
    return perValue(
      items,
      (all) => sealer.encryptDeterministicMany(all),
      (item) => sealer.encryptDeterministic(item.value, item.ctx),
    );
  }
  return perValue(
    items,
    (all) => sealer.encryptMany(all as readonly { readonly value: Sealable; readonly ctx: FieldContext }[]),
    (item) => sealer.encrypt(item.value, item.ctx),
  );
}

/** Blind indexes of values. */
export function blindIndexValues(sealer: Sealer, items: readonly { readonly value: BlindIndexable; readonly options: BlindIndexOptions }[]): Promise<Outcome<string>[]> {
  return perValue(
    items,
    (all) => sealer.blindIndexMany(all),
    (item) => sealer.blindIndex(item.value, item.options),
  );
}

/** Whether an opened or parsed value can have a blind index (JSON cannot). */
export function isBlindIndexable(value: Sealable): value is BlindIndexable {
  return typeof value !== 'object' || value instanceof Date || value instanceof Uint8Array;
}

/** The values of a batch's outcomes, or what `fail` throws for the first failure. */
export function valuesOf<T>(outcomes: readonly Outcome<T>[], fail: (index: number, error: unknown) => Error): T[] {
  return outcomes.map((outcome, index) => {
    if (!outcome.ok) throw fail(index, outcome.error);
    return outcome.value;
  });
}
