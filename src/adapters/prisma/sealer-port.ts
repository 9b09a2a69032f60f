/**
 * The slice of the Sealer the Prisma adapter uses. Declared structurally so that the
 * adapter depends only on the public seal API (and tests can wrap a Sealer to count calls).
 *
 * @module
 */
import type { BlindIndexOptions, BlindIndexable, FieldContext, FpeOptions, Sealable, TokenContext } from '../../index.js';

/** A row key bound into a ciphertext's associated data. */
export type RowKey = string | number | bigint;

/** What the adapter needs from a Sealer; a `Sealer` satisfies it. */
export interface FieldSealer {
  encrypt(value: Sealable, ctx: FieldContext): Promise<string>;
  decrypt(text: string, ctx: TokenContext): Promise<Sealable>;
  /** Opens many values at once (all or nothing); results are read through it. */
  decryptMany(items: readonly { readonly text: string; readonly ctx: TokenContext }[]): Promise<Sealable[]>;
  encryptDeterministic(value: Sealable, ctx: TokenContext): Promise<string>;
  /** Seals many values at once (all or nothing); writes are sealed through it. */
  encryptMany(items: readonly { readonly value: Sealable; readonly ctx: FieldContext }[]): Promise<string[]>;
  /** Deterministic seals of many values at once (all or nothing). */
  encryptDeterministicMany(items: readonly { readonly value: Sealable; readonly ctx: TokenContext }[]): Promise<string[]>;
  blindIndex(value: BlindIndexable, options: BlindIndexOptions): Promise<string>;
  /** Blind indexes of many values at once. */
  blindIndexMany(items: readonly { readonly value: BlindIndexable; readonly options: BlindIndexOptions }[]): Promise<string[]>;
  isSealed(text: unknown): boolean;
  /**
   * {@link blindIndex} at once when no waiting is needed, else `undefined` (Sealer.blindIndexNow).
   * Optional: without it, every lookup awaits blindIndex.
   */
  blindIndexNow?(value: BlindIndexable, options: BlindIndexOptions): string | undefined;
  /**
   * {@link decryptMany} at once when no waiting is needed, else `undefined`, having opened
   * nothing (Sealer.decryptManyNow). Optional: without it, every result awaits decryptMany.
   */
  decryptManyNow?(items: readonly { readonly text: string; readonly ctx: TokenContext }[]): Sealable[] | undefined;
  /** Format-preserving tokenization (FF1), needed only by `fpe` fields. */
  fpe?(value: string, options: FpeOptions): Promise<string>;
  /** Reverses {@link fpe}. */
  detokenize?(token: string, options: FpeOptions): Promise<string>;
}
