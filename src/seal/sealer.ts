/**
 * The Sealer: typed values + field context → sealed text and back, deterministic tokens
 * and blind indexes for lookups, and the key lifecycle calls users make from code.
 *
 * @module
 */
import { AccessDeniedError, ConfigurationError, DecryptionError, FormatError, InvalidInputError } from '../errors.js';
import { checkContext, encodeRow, rowText, type FieldContext } from '../format/context.js';
import {
  Algorithm,
  ciphertextLength,
  DEFAULT_MAX_TEXT_LENGTH,
  decodeTexts,
  isSealedText,
  keyIdFromString,
  parseText,
  toText,
  type Envelope,
  type SealMode,
} from '../format/envelope.js';
import { decodeValue, decodeValueAt, encodeValue, type Sealable } from '../format/value-codec.js';
import type { DataKey } from '../keys/data-key.js';
import type { KeyCacheOptions } from '../keys/key-cache.js';
import { checkScopeName, DEFAULT_SCOPE, isLookupKeyScopeOf, lookupKeyScope, recordScope } from '../keys/key-scope.js';
import { Keyring, type KeyringStats } from '../keys/keyring.js';
import { HmacSha256Key } from '../crypto/hmac-sha256-key.js';
import type { KeyListPage, KeyRecord, KeyStore } from '../keys/store/key-store.js';
import type { ProviderCallPolicy } from '../keys/provider-call.js';
import type { KeyProvider } from '../keys/provider.js';
import { BLIND_INDEX_DEFAULT_BITS, blindIndexInput, blindIndexValue, checkBlindIndexBits, type BlindIndexable, type BlindIndexInput } from '../tokenize/blind-index.js';
import type { Normalizer } from '../tokenize/normalize.js';
import { DeterministicField, deterministicField, tokenDomain } from './deterministic-field.js';
import { fieldCipher } from './field-ciphers.js';
import type { AuditOptions, AuditStats } from './audit-events.js';
import { Auditor, describeReads, type AuditDetails } from './auditor.js';
import { currentAccess } from './access-store.js';
import { CompiledPolicy, type AccessPolicy, type Withholding } from './policy.js';
import { markWithheld, registerUnpolicedOpener } from './policy-results.js';
import { randomizedField, type PlaintextToSeal, type RandomizedField } from './randomized-field.js';
import { fpeTokenizer, fpeTweak, makePseudonymizer, type FpeOptions, type Pseudonymizer } from './tokens.js';

declare const sealedType: unique symbol;
/**
 * A sealed string that remembers, at the type level only, what type it opens to. Any
 * string is accepted where a `Sealed` is expected (values read from a database are plain
 * strings); `decrypt` of a `Sealed<T>` is typed `T`.
 */
export type Sealed<T extends Sealable = Sealable> = string & { readonly [sealedType]?: T };

/** Widens literal types: `encrypt('a')` gives `Sealed<string>`, not `Sealed<'a'>`. */
export type Widen<T> = T extends string ? string : T extends number ? number : T extends bigint ? bigint : T extends boolean ? boolean : T;

/** Context of deterministic tokens and blind indexes: a field, or a shared token `domain`. */
export interface TokenContext extends FieldContext {
  /**
   * A token domain shared by several fields on purpose (to join on them). Without it the
   * domain is model + field, so one field's tokens never match another's.
   */
  readonly domain?: string;
  /**
   * Which of the scope's lookup keys makes the token: 1 (default) is the scope's original
   * lookup key; a reindex migration writes a shadow column under version 2, 3, ... (each
   * version its own key, created on first use), so that the old and the new column stay
   * consistent side by side while the job backfills the new one. The context otherwise
   * stays the logical field's. Deterministic texts carry their key id, so `decrypt` opens
   * any version of the scope without being told.
   */
  readonly lookupVersion?: number;
}

/** Options of {@link Sealer.blindIndex}. */
export interface BlindIndexOptions extends TokenContext {
  /** Normalizer applied to string values before hashing (default none). */
  readonly normalize?: Normalizer;
  /** Keep only this many bits (16..256, default 256): fewer bits, more false positives, less leakage. */
  readonly bits?: number;
}

/** Options of {@link createSealer}. */
export interface SealerOptions {
  /** The KEK provider (local, AWS KMS, GCP KMS, your own); further providers may be listed to unwrap keys under old KEKs. */
  readonly provider: KeyProvider | readonly KeyProvider[];
  /**
   * Where wrapped keys are kept, shared by every process of the service: `sqliteKeyStore`,
   * `postgresKeyStore`, `mysqlKeyStore` (tables in your database), `fileKeyStore` (one
   * machine) or `memoryKeyStore` (tests).
   */
  readonly store: KeyStore;
  /** Create the store's table if it is missing, during `createSealer` (default true; set false when your migrations do it). */
  readonly migrate?: boolean;
  /**
   * How long a process may act on what it read about its cached keys before checking them
   * against the store again (default 5 s): within it, every process sees another's
   * rotation, destroy or shred (docs/key-management.md).
   */
  readonly maxStalenessMs?: number;
  /** Limits of the unwrapped-key cache. */
  readonly cache?: KeyCacheOptions;
  /**
   * The most randomized values one data key may seal in this process, counted per key
   * across every call (default unlimited). Past it, sealing in the scope fails with
   * KeyUsageLimitError until `rotateDataKey`; docs/key-management.md says what it bounds.
   */
  readonly maxEncryptionsPerKey?: number;
  /** Retries, backoff and deadline of provider calls. */
  readonly providerCalls?: ProviderCallPolicy;
  /** Scope used when a context names none (default `default`). */
  readonly defaultScope?: string;
  /** Create a scope's first data and lookup keys on first use (default true). */
  readonly autoCreateKeys?: boolean;
  /**
   * Longest sealed text, in characters (default 1 Mi, about 768 KiB of plaintext): `decrypt`
   * refuses longer texts before any work, and `encrypt` refuses values whose sealed text
   * would be longer, so nothing is sealed that could not be opened.
   */
  readonly maxTextLength?: number;
  /** Load (or create) the root key and the default scope's keys during `createSealer`, so that misconfiguration fails at start-up (default true). */
  readonly warm?: boolean;
  /**
   * Audit events for every decrypt call (one per batch), detokenize and key operation,
   * with the actor and purpose of the enclosing `withAccess` and never a value; sinks and
   * `withAccess` are in `fieldseal/privacy`. Default: no auditing.
   */
  readonly audit?: AuditOptions;
  /**
   * Purpose-based access (docs/privacy.md): per `Model.field`, the purposes of `withAccess`
   * that see the value in clear, and what other callers get (the field's mask, null, or
   * AccessDeniedError), in every call that opens a value. Default: no policy, every read
   * opens.
   */
  readonly policy?: AccessPolicy;
}

/** Sealer counters. */
export interface SealerStats extends KeyringStats {
  readonly encryptions: number;
  readonly decryptions: number;
  /** Decryptions that failed (tampering, wrong context, unknown or destroyed key, bad format). */
  readonly decryptionFailures: number;
  /** Audit counters, when the Sealer audits: events recorded, dropped, reads refused. */
  readonly audit?: AuditStats;
}

/**
 * Creates a {@link Sealer}: creates the store's table when missing and (by default) loads
 * the root key and the default scope's data and lookup keys. Its cost does not grow with
 * the number of scopes or subjects in the store.
 */
export async function createSealer(options: SealerOptions): Promise<Sealer> {
  if (options === null || typeof options !== 'object') throw new ConfigurationError('createSealer needs { provider, store }');
  const sealer = new Sealer(options);
  if (options.migrate ?? true) await options.store.migrate();
  if (options.warm ?? true) {
    (await sealer.keyring.leaseDataKey(sealer.defaultScope)).release();
    (await sealer.keyring.leaseLookupKey(sealer.defaultScope)).release();
  }
  return sealer;
}

/** Seals and opens field values. Create with {@link createSealer}. */
export class Sealer {
  /** The keyring (key lifecycle, stats). */
  readonly keyring: Keyring;
  /** Scope used when a context names none. */
  readonly defaultScope: string;
  readonly #maxTextLength: number;
  /** The largest plaintext (in bytes) whose sealed text fits in `maxTextLength`. */
  readonly #maxPlaintextBytes: number;
  #encryptions = 0;
  #decryptions = 0;
  #decryptionFailures = 0;
  /** Emits the audit events (undefined without the `audit` option). */
  readonly auditor: Auditor | undefined;
  /** The access policy (undefined without the `policy` option: reads are not checked). */
  readonly #policy: CompiledPolicy | undefined;

  /** Prefer {@link createSealer}, which also checks the configuration by loading a key. */
  constructor(options: SealerOptions) {
    this.keyring = new Keyring({
      provider: options.provider,
      store: options.store,
      cache: options.cache,
      providerCalls: options.providerCalls,
      autoCreate: options.autoCreateKeys,
      maxEncryptionsPerKey: options.maxEncryptionsPerKey,
      maxStalenessMs: options.maxStalenessMs,
    });
    this.defaultScope = options.defaultScope ?? DEFAULT_SCOPE;
    checkScopeName(this.defaultScope);
    this.#maxTextLength = options.maxTextLength ?? DEFAULT_MAX_TEXT_LENGTH;
    if (!Number.isInteger(this.#maxTextLength) || this.#maxTextLength < ciphertextLength(0)) {
      throw new ConfigurationError(`maxTextLength must be an integer of at least ${ciphertextLength(0)}`);
    }
    this.#maxPlaintextBytes = largestPlaintext(this.#maxTextLength);
    this.auditor = options.audit === undefined ? undefined : new Auditor(options.audit);
    this.#policy = options.policy === undefined ? undefined : new CompiledPolicy(options.policy);
    // The Prisma lookup check compares values the caller may only see masked (never returned).
    if (this.#policy !== undefined) registerUnpolicedOpener(this, (items) => this.#decryptMany(items));
  }

  /**
   * Runs `operation`, then records its audit event before returning its result (under
   * `onSinkError: 'fail-read'` a read whose event is lost returns no plaintext); a failed
   * operation is recorded as such and its error rethrown.
   */
  #audited<R>(details: (result: R | undefined) => AuditDetails, operation: () => Promise<R>): Promise<R> {
    return this.auditor === undefined ? operation() : this.auditor.track(operation(), details);
  }

  /**
   * Throws DecryptionError unless `key` may have sealed a value of `algorithm` in `ctx`:
   * randomized values under the data key of the context's scope (or subject), deterministic
   * ones under the scope's lookup key.
   */
  #checkKeyFits(key: DataKey, algorithm: number, ctx: TokenContext): void {
    const scope = ctx.scope ?? this.defaultScope;
    const fits = algorithm === Algorithm.aesSiv ? key.purpose === 'lookup' && isLookupKeyScopeOf(key.scope, scope) : key.purpose === 'data' && key.scope === (ctx.subject === undefined ? scope : recordScope(scope, ctx.subject));
    if (!fits) throw new DecryptionError('decryption failed: the value belongs to another key scope or subject');
  }

  /** Refuses a plaintext whose sealed text `decrypt` would refuse as too long. */
  #checkSize(bytes: Uint8Array): void {
    if (bytes.length > this.#maxPlaintextBytes) {
      throw new InvalidInputError(`value of ${bytes.length} bytes is too long to seal: its sealed text would exceed maxTextLength (${this.#maxTextLength} characters)`);
    }
  }

  /**
   * Seals a value with randomized encryption (nonce-based AES-SIV for short values,
   * key-committing AES-256-GCM for long ones; docs/format.md), bound to model, field and
   * (when given) row. Equal values give different texts. The type is kept: `decrypt`
   * returns a string, number, bigint, boolean, Date, Uint8Array/Buffer or JSON value.
   */
  async encrypt<T extends Sealable>(value: T, ctx: FieldContext): Promise<Sealed<Widen<T>>> {
    checkContext(ctx);
    const { type, bytes } = encodeValue(value);
    try {
      this.#checkSize(bytes);
      const scope = ctx.scope ?? this.defaultScope;
      const key = this.keyring.leaseDataKeySync(scope, ctx.subject) ?? (await this.keyring.leaseDataKey(scope, ctx.subject));
      try {
        this.keyring.countSeals(key, 1);
        const envelope = randomizedField(key, ctx.model, ctx.field).seal(type, bytes, encodeRow(ctx.row));
        this.#encryptions++;
        return toText(envelope) as Sealed<Widen<T>>;
      } finally {
        key.release();
      }
    } finally {
      wipeEncoding(bytes, value);
    }
  }

  /**
   * Opens a sealed value (randomized or deterministic) with the context it was sealed in.
   * Throws FormatError (not a sealed value), KeyNotFoundError / KeyDestroyedError, or
   * DecryptionError (tampered, or sealed for another model, field, row or domain).
   */
  decrypt<T extends Sealable = Sealable>(text: Sealed<T> | string, ctx: TokenContext): Promise<T> {
    if (this.#policy !== undefined) return this.#decryptPoliced<T>(this.#policy, text, ctx);
    return this.auditor === undefined ? this.#decrypt<T>(text, ctx) : this.auditor.trackRead(this.#decrypt<T>(text, ctx), text, ctx);
  }

  /** {@link decrypt} under the policy: the clear value, the field's mask or null, or AccessDeniedError (nothing opened). */
  #decryptPoliced<T extends Sealable>(policy: CompiledPolicy, text: string, ctx: TokenContext): Promise<T> {
    let shown: Withholding | undefined;
    try {
      shown = policy.decide(ctx?.model, ctx?.field, currentAccess());
    } catch (denied) {
      return this.#audited(() => describeReads('decrypt', [{ text, ctx }]), () => Promise.reject(denied));
    }
    if (shown === undefined) return this.auditor === undefined ? this.#decrypt<T>(text, ctx) : this.auditor.trackRead(this.#decrypt<T>(text, ctx), text, ctx);
    const withholding = shown;
    let done: AuditDetails | undefined;
    return this.#audited(
      () => done ?? describeReads('decrypt', [{ text, ctx }]),
      async () => {
        const value = withholding.kind === 'null' ? null : withholding.mask(await this.#decrypt(text, ctx));
        done = { ...describeReads('decrypt', [{ text, ctx }]), ...(withholding.kind === 'null' ? { withheld: 1 } : { masked: 1 }) };
        return value as T;
      },
    );
  }

  async #decrypt<T extends Sealable = Sealable>(text: Sealed<T> | string, ctx: TokenContext): Promise<T> {
    return this.#open<T>(text, ctx);
  }

  /**
   * Opens one value: at once when its key is cached, so that the few values of a lookup
   * cost no promise each; otherwise a promise that loads the key first.
   */
  #open<T extends Sealable>(text: string, ctx: TokenContext): T | Promise<T> {
    let envelope: Envelope;
    try {
      checkContext(ctx);
      envelope = parseText(text, this.#maxTextLength);
      const key = this.keyring.leaseKeySync(envelope.keyId);
      if (key !== undefined) return this.#openWith<T>(key, envelope, ctx);
    } catch (error) {
      this.#decryptionFailures++;
      throw error;
    }
    return this.#openLoading<T>(envelope, ctx);
  }

  async #openLoading<T extends Sealable>(envelope: Envelope, ctx: TokenContext): Promise<T> {
    try {
      return this.#openWith<T>(await this.keyring.leaseKey(envelope.keyId), envelope, ctx);
    } catch (error) {
      this.#decryptionFailures++;
      throw error;
    }
  }

  /** Opens a parsed envelope under its leased key, which it releases. */
  #openWith<T extends Sealable>(key: DataKey, envelope: Envelope, ctx: TokenContext): T {
    let plaintext: Buffer;
    try {
      this.#checkKeyFits(key, envelope.algorithm, ctx);
      if (envelope.algorithm !== Algorithm.aesSiv) {
        plaintext = randomizedField(key, ctx.model, ctx.field).open(envelope.algorithm, envelope.header, envelope.valueType, envelope.body, encodeRow(ctx.row));
      } else {
        plaintext = deterministicField(key, ctx).open(envelope.header, envelope.valueType, envelope.body);
      }
    } finally {
      key.release();
    }
    let value: T;
    try {
      value = decodeValue(envelope.valueType, plaintext) as T;
    } finally {
      // The value holds a copy: the plaintext bytes are not left in the buffer pool.
      plaintext.fill(0);
    }
    this.#decryptions++;
    return value;
  }

  /**
   * Seals many values with randomized encryption, each with its own context: what
   * {@link encrypt} gives for each (fresh randomness per value), computed together, so
   * that the AES work of a field's short values runs in a few native calls. Refuses (and
   * returns nothing) on the first value `encrypt` would refuse.
   */
  async encryptMany<T extends Sealable>(items: readonly { readonly value: T; readonly ctx: FieldContext }[]): Promise<Sealed<Widen<T>>[]> {
    return (await this.#sealMany(items, false)) as Sealed<Widen<T>>[];
  }

  /** {@link encryptDeterministic} of many values, computed together as in {@link encryptMany}. */
  async encryptDeterministicMany<T extends Sealable>(items: readonly { readonly value: T; readonly ctx: TokenContext }[]): Promise<Sealed<Widen<T>>[]> {
    return (await this.#sealMany(items, true)) as Sealed<Widen<T>>[];
  }

  async #sealMany(items: readonly { readonly value: Sealable; readonly ctx: TokenContext }[], deterministic: boolean): Promise<string[]> {
    if (items.length < BATCH_MIN) {
      const texts: string[] = [];
      for (const { value, ctx } of items) texts.push(deterministic ? await this.encryptDeterministic(value, ctx) : await this.encrypt(value, ctx));
      return texts;
    }
    const texts = new Array<string>(items.length);
    for (let start = 0; start < items.length; start += BATCH_CHUNK) {
      const end = Math.min(items.length, start + BATCH_CHUNK);
      const groups = new Map<RandomizedField | DeterministicField, { key: DataKey; indexes: number[] }>();
      const plaintexts = new Array<PlaintextToSeal>(end - start);
      // Keys stay leased until the chunk is sealed: later values may await other scopes' keys.
      const held: DataKey[] = [];
      try {
        let scope: string | undefined;
        let key: DataKey | undefined;
        for (let i = start; i < end; i++) {
          const { value, ctx } = items[i] as (typeof items)[number];
          checkContext(ctx);
          const { type, bytes } = encodeValue(value);
          try {
            this.#checkSize(bytes);
          } catch (error) {
            wipeEncoding(bytes, value);
            throw error;
          }
          const valueScope = ctx.scope ?? this.defaultScope;
          // Deterministic values use the scope's lookup key; randomized ones the data key of the scope or subject.
          const subject = deterministic ? undefined : ctx.subject;
          const keyScope = deterministic ? lookupKeyScope(valueScope, ctx.lookupVersion) : recordScope(valueScope, subject);
          if (key === undefined || keyScope !== scope) {
            scope = keyScope;
            key = deterministic
              ? (this.keyring.leaseLookupKeySync(valueScope, ctx.lookupVersion) ?? (await this.keyring.leaseLookupKey(valueScope, ctx.lookupVersion)))
              : (this.keyring.leaseDataKeySync(valueScope, subject) ?? (await this.keyring.leaseDataKey(valueScope, subject)));
            held.push(key);
          }
          const field = deterministic ? deterministicField(key, ctx) : randomizedField(key, ctx.model, ctx.field);
          const group = groups.get(field);
          if (group === undefined) groups.set(field, { key, indexes: [i] });
          else group.indexes.push(i);
          plaintexts[i - start] = { valueType: type, plaintext: bytes, row: encodeRow(deterministic ? undefined : ctx.row) }; // the row is never bound in deterministic mode
        }
        // Checked for the whole chunk before any value is sealed: a batch past the limit seals nothing.
        if (!deterministic) for (const { key: groupKey, indexes } of groups.values()) this.keyring.countSeals(groupKey, indexes.length);
        for (const [field, { indexes }] of groups) {
          const sealed = field.sealMany(indexes.map((i) => plaintexts[i - start] as PlaintextToSeal));
          this.#encryptions += indexes.length;
          for (let j = 0; j < indexes.length; j++) texts[indexes[j] as number] = toText(sealed[j] as Buffer);
        }
      } finally {
        for (const key of held) key.release();
        for (let i = start; i < end; i++) {
          const encoded = plaintexts[i - start];
          if (encoded !== undefined) wipeEncoding(encoded.plaintext, (items[i] as (typeof items)[number]).value);
        }
      }
    }
    return texts;
  }

  /**
   * Opens many sealed values, each with its own context: the results (and errors) of
   * calling {@link decrypt} on each, computed together. The AES work of all short values
   * of one field runs in a few native calls instead of two or three per value, which is
   * what makes reading a thousand rows cheap (bench/). All or nothing: if any value fails,
   * this throws the error `decrypt` would throw for the first failing value in input
   * order, and returns no plaintext.
   */
  decryptMany<T extends Sealable = Sealable>(items: readonly { readonly text: Sealed<T> | string; readonly ctx: TokenContext }[]): Promise<T[]> {
    if (this.#policy !== undefined && Array.isArray(items)) return this.#decryptManyPoliced<T>(this.#policy, items);
    return this.auditor === undefined ? this.#decryptMany<T>(items) : this.#audited(() => describeReads('decrypt', items), () => this.#decryptMany<T>(items));
  }

  /**
   * {@link decryptMany} under the policy, per value: clear values, masks and nulls side by
   * side (the masked and null indexes recorded for the adapters), or AccessDeniedError for
   * the first refused value before anything is opened.
   */
  #decryptManyPoliced<T extends Sealable>(policy: CompiledPolicy, items: readonly { readonly text: string; readonly ctx: TokenContext }[]): Promise<T[]> {
    const access = currentAccess();
    let shown: (Withholding | undefined)[] | undefined;
    try {
      for (let i = 0; i < items.length; i++) {
        const ctx = (items[i] as (typeof items)[number])?.ctx;
        const withholding = policy.decide(ctx?.model, ctx?.field, access);
        if (withholding !== undefined) (shown ??= new Array<Withholding | undefined>(items.length))[i] = withholding;
      }
    } catch (denied) {
      return this.#audited(() => describeReads('decrypt', items), () => Promise.reject(denied));
    }
    if (shown === undefined) return this.auditor === undefined ? this.#decryptMany<T>(items) : this.#audited(() => describeReads('decrypt', items), () => this.#decryptMany<T>(items));
    const withholdings = shown;
    let done: AuditDetails | undefined;
    return this.#audited(
      () => done ?? describeReads('decrypt', items),
      async () => {
        const opening: (typeof items)[number][] = [];
        for (let i = 0; i < items.length; i++) if (withholdings[i]?.kind !== 'null') opening.push(items[i] as (typeof items)[number]);
        const opened = opening.length === 0 ? [] : await this.#decryptMany<T>(opening);
        const values = new Array<unknown>(items.length);
        const withheld = new Set<number>();
        let masked = 0;
        for (let i = 0, j = 0; i < items.length; i++) {
          const withholding = withholdings[i];
          if (withholding === undefined) values[i] = opened[j++];
          else if (withholding.kind === 'null') values[i] = null;
          else values[i] = withholding.mask(opened[j++] as Sealable);
          if (withholding !== undefined) withheld.add(i);
          if (withholding?.kind === 'mask') masked++;
        }
        markWithheld(values, withheld);
        done = { ...describeReads('decrypt', items), masked, withheld: withheld.size - masked };
        return values as T[];
      },
    );
  }

  #decryptMany<T extends Sealable = Sealable>(items: readonly { readonly text: Sealed<T> | string; readonly ctx: TokenContext }[]): Promise<T[]> {
    if (!(items.length < BATCH_MIN)) return this.#decryptBatch<T>(items);
    // A few values open faster one by one: a batch's setup costs more than it saves. With
    // their keys cached (every read but the first) that is one resolved promise, no async frame.
    let now: T[] | undefined;
    try {
      now = this.#openAllNow<T>(items);
    } catch (error) {
      return Promise.reject(error);
    }
    return now !== undefined ? Promise.resolve(now) : this.#openOneByOne<T>(items);
  }

  /**
   * {@link decryptMany} at once, for hot paths that would otherwise await a resolved promise
   * (the ORM adapters' single-record reads): the values of a few items (fewer than a batch)
   * whose keys are all cached, under no access policy and no audit sink. Otherwise
   * `undefined`, having opened nothing: call decryptMany. Throws what decryptMany rejects with.
   */
  decryptManyNow<T extends Sealable = Sealable>(items: readonly { readonly text: Sealed<T> | string; readonly ctx: TokenContext }[]): T[] | undefined {
    if (this.#policy !== undefined || this.auditor !== undefined || !Array.isArray(items) || !(items.length < BATCH_MIN)) return undefined;
    return this.#openAllNow<T>(items);
  }

  /**
   * Opens every item at once when every item parses and its key is cached; otherwise
   * `undefined`, having opened nothing (the one-by-one path then opens them, reporting
   * any error in input order as decryptMany does). Every key is leased before the first
   * value is opened, so that no value is opened twice.
   */
  #openAllNow<T extends Sealable>(items: readonly { readonly text: string; readonly ctx: TokenContext }[]): T[] | undefined {
    const n = items.length;
    const envelopes = new Array<Envelope>(n);
    const keys = new Array<DataKey>(n);
    let leased = 0;
    let ready = true;
    try {
      for (; leased < n; leased++) {
        const { text, ctx } = items[leased] as (typeof items)[number];
        checkContext(ctx);
        const envelope = parseText(text, this.#maxTextLength);
        const key = this.keyring.leaseKeySync(envelope.keyId);
        if (key === undefined) {
          ready = false;
          break;
        }
        envelopes[leased] = envelope;
        keys[leased] = key;
      }
    } catch {
      ready = false;
    }
    if (!ready) {
      for (let i = 0; i < leased; i++) (keys[i] as DataKey).release();
      return undefined;
    }
    const values = new Array<T>(n);
    let i = 0;
    try {
      // #openWith releases its key, whatever happens.
      for (; i < n; i++) values[i] = this.#openWith<T>(keys[i] as DataKey, envelopes[i] as Envelope, (items[i] as (typeof items)[number]).ctx);
    } catch (error) {
      this.#decryptionFailures++;
      for (let j = i + 1; j < n; j++) (keys[j] as DataKey).release();
      throw error;
    }
    return values;
  }

  /** A few values one by one, each key loaded when it is not cached. */
  async #openOneByOne<T extends Sealable>(items: readonly { readonly text: string; readonly ctx: TokenContext }[]): Promise<T[]> {
    const values = new Array<T>(items.length);
    for (let i = 0; i < items.length; i++) {
      const { text, ctx } = items[i] as (typeof items)[number];
      const value = this.#open<T>(text, ctx);
      values[i] = value instanceof Promise ? await value : value;
    }
    return values;
  }

  async #decryptBatch<T extends Sealable = Sealable>(items: readonly { readonly text: Sealed<T> | string; readonly ctx: TokenContext }[]): Promise<T[]> {
    const values = new Array<T>(items.length);
    const failures: BatchFailures = { count: 0, first: items.length, error: undefined };
    // Chunks keep the set of live per-value objects small: a whole batch alive at once made
    // every young-generation GC copy it, which measured slower than the AES work saved.
    for (let start = 0; start < items.length; start += BATCH_CHUNK) {
      await this.#decryptChunk(items, start, Math.min(items.length, start + BATCH_CHUNK), values, failures);
    }
    this.#decryptions += items.length - failures.count;
    if (failures.first < items.length) {
      this.#decryptionFailures += failures.count;
      throw failures.error;
    }
    return values;
  }

  async #decryptChunk(items: readonly { readonly text: string; readonly ctx: TokenContext }[], start: number, end: number, values: unknown[], failures: BatchFailures): Promise<void> {
    const fail = (i: number, error: unknown) => {
      failures.count++;
      if (i < failures.first) [failures.first, failures.error] = [i, error];
    };
    // The chunk's envelopes decoded into one buffer (no buffer or view per value).
    const texts = new Array<unknown>(end - start);
    for (let i = start; i < end; i++) texts[i - start] = (items[i] as (typeof items)[number]).text;
    // Keys by id for this chunk: nearly every value names the same one or two keys. Each is
    // leased until the chunk is opened: loading the missing ones awaits.
    const keys = new Map<number, DataKey | { error: unknown }>();
    try {
      await this.#openChunk(items, start, end, values, fail, texts, keys);
    } finally {
      for (const key of keys.values()) if (!('error' in key)) key.release();
    }
  }

  async #openChunk(
    items: readonly { readonly text: string; readonly ctx: TokenContext }[],
    start: number,
    end: number,
    values: unknown[],
    fail: (i: number, error: unknown) => void,
    texts: unknown[],
    keys: Map<number, DataKey | { error: unknown }>,
  ): Promise<void> {
    const { data, starts, lengths } = decodeTexts(texts, this.#maxTextLength);
    const missing = new Set<number>();
    const refused = new Uint8Array(end - start);
    for (let i = start; i < end; i++) {
      const at = starts[i - start] as number;
      try {
        checkContext((items[i] as (typeof items)[number]).ctx);
        if (at === -1) {
          parseText(texts[i - start], this.#maxTextLength); // throws the FormatError decrypt would
          throw new FormatError('sealed value is not canonical base64url or is truncated');
        }
      } catch (error) {
        refused[i - start] = 1;
        fail(i, error);
        continue;
      }
      const keyId = data.readUInt32BE(at + 1);
      if (!keys.has(keyId) && !missing.has(keyId)) {
        const key = this.keyring.leaseKeySync(keyId);
        if (key === undefined) missing.add(keyId);
        else keys.set(keyId, key);
      }
    }
    await Promise.all(
      [...missing].map(async (id) => {
        try {
          keys.set(id, await this.keyring.leaseKey(id));
        } catch (error) {
          keys.set(id, { error });
        }
      }),
    );
    const groups = new Map<RandomizedField | DeterministicField, number[]>();
    for (let i = start; i < end; i++) {
      const at = starts[i - start] as number;
      if (refused[i - start] === 1) continue;
      const ctx = (items[i] as (typeof items)[number]).ctx;
      const key = keys.get(data.readUInt32BE(at + 1)) as DataKey | { error: unknown };
      if ('error' in key) {
        fail(i, key.error);
        continue;
      }
      try {
        this.#checkKeyFits(key, (data[at] as number) >>> 4, ctx);
      } catch (error) {
        fail(i, error);
        continue;
      }
      const field = (data[at] as number) >>> 4 !== Algorithm.aesSiv ? randomizedField(key, ctx.model, ctx.field) : deterministicField(key, ctx);
      const group = groups.get(field);
      if (group === undefined) groups.set(field, [i]);
      else group.push(i);
    }
    for (const [field, indexes] of groups) {
      // The group's envelopes as ranges of the chunk's buffer (no object per value).
      const m = indexes.length;
      const groupStarts = new Array<number>(m);
      const groupLengths = new Array<number>(m);
      for (let j = 0; j < m; j++) {
        groupStarts[j] = starts[(indexes[j] as number) - start] as number;
        groupLengths[j] = lengths[(indexes[j] as number) - start] as number;
      }
      const opened =
        field instanceof DeterministicField
          ? field.openMany(data, groupStarts, groupLengths)
          : field.openMany(data, groupStarts, groupLengths, indexes.map((i) => rowOf((items[i] as (typeof items)[number]).ctx)));
      for (let j = 0; j < m; j++) {
        const i = indexes[j] as number;
        const plaintext = opened.buffers[j];
        if (plaintext === undefined) {
          fail(i, new DecryptionError());
          continue;
        }
        try {
          values[i] = decodeValueAt((data[groupStarts[j] as number] as number) & 0x0f, plaintext, opened.starts[j] as number, opened.ends[j] as number);
        } catch (error) {
          fail(i, error);
        }
      }
      // The values hold copies: the plaintext bytes are not left in the buffer pool.
      for (let j = 0; j < m; j++) opened.buffers[j]?.fill(0, opened.starts[j], opened.ends[j]);
    }
  }

  /**
   * Seals a value deterministically (AES-SIV): equal values in the same field (or token
   * domain) give equal texts under the scope's lookup key, so the column can be queried by
   * equality, and the text survives data key rotations. Leaks equality and length. The row
   * is not bound, nor the subject: deterministic values stay readable after a subject's
   * shred (docs/key-management.md).
   */
  async encryptDeterministic<T extends Sealable>(value: T, ctx: TokenContext): Promise<Sealed<Widen<T>>> {
    checkContext(ctx);
    const { type, bytes } = encodeValue(value);
    try {
      this.#checkSize(bytes);
      const scope = ctx.scope ?? this.defaultScope;
      const key = this.keyring.leaseLookupKeySync(scope, ctx.lookupVersion) ?? (await this.keyring.leaseLookupKey(scope, ctx.lookupVersion));
      try {
        const text = toText(deterministicField(key, ctx).seal(type, bytes)) as Sealed<Widen<T>>;
        this.#encryptions++;
        return text;
      } finally {
        key.release();
      }
    } finally {
      wipeEncoding(bytes, value);
    }
  }

  /** Opens a deterministic value; the same as {@link decrypt} with the token context. */
  async decryptDeterministic<T extends Sealable = Sealable>(text: Sealed<T> | string, ctx: TokenContext): Promise<T> {
    return this.decrypt<T>(text, ctx);
  }

  /**
   * The deterministic text of `value` under every lookup key of the scope that can still
   * open values, primary first: one text unless the scope's lookup keys were migrated.
   * Query with `IN (candidates)`.
   */
  async deterministicCandidates(value: Sealable, ctx: TokenContext): Promise<string[]> {
    checkContext(ctx);
    const { type, bytes } = encodeValue(value);
    try {
      return await this.#withLookupKeys(ctx, (key) => toText(deterministicField(key, ctx).seal(type, bytes)));
    } finally {
      wipeEncoding(bytes, value);
    }
  }

  /** `compute` under every lookup candidate key of the context's scope and lookup version, primary first, each leased meanwhile. */
  async #withLookupKeys<R>(ctx: { readonly scope?: string; readonly lookupVersion?: number }, compute: (key: DataKey) => R): Promise<R[]> {
    const keys = await this.keyring.leaseLookupKeys(ctx.scope ?? this.defaultScope, ctx.lookupVersion);
    try {
      return keys.map(compute);
    } finally {
      for (const key of keys) key.release();
    }
  }

  /**
   * `compute` under the lookup key of the context's scope and lookup version, leased
   * meanwhile. With the key cached (every lookup but the first) there is no async frame: one
   * resolved promise. Errors, thrown or not, come as a rejected promise.
   */
  #withLookupKey<R>(ctx: { readonly scope?: string; readonly lookupVersion?: number }, compute: (key: DataKey) => R): Promise<R> {
    const name = ctx.scope ?? this.defaultScope;
    try {
      const key = this.keyring.leaseLookupKeySync(name, ctx.lookupVersion);
      if (key !== undefined) return Promise.resolve(computeUnder(key, compute));
    } catch (error) {
      return Promise.reject(error);
    }
    return this.keyring.leaseLookupKey(name, ctx.lookupVersion).then((key) => computeUnder(key, compute));
  }

  /**
   * A keyed blind index (HMAC-SHA256 under a per-field subkey) of a value, after the
   * normalizer, truncated to `bits`. Store it in its own column beside a randomized field.
   */
  blindIndex(value: BlindIndexable, options: BlindIndexOptions): Promise<string> {
    let prepared: { input: BlindIndexInput; bits: number };
    try {
      prepared = prepareBlindIndex(value, options);
    } catch (error) {
      return Promise.reject(error);
    }
    const { input, bits } = prepared;
    return this.#withLookupKey(options, (key) => blindIndexValue(blindIndexKey(key, options), input, bits));
  }

  /**
   * {@link blindIndex} at once when the scope's lookup key is cached (every call but the
   * first), else `undefined`: for hot paths that would otherwise await a resolved promise
   * (the ORM adapters' lookups). Throws what blindIndex rejects with.
   */
  blindIndexNow(value: BlindIndexable, options: BlindIndexOptions): string | undefined {
    const { input, bits } = prepareBlindIndex(value, options);
    const key = this.keyring.leaseLookupKeySync(options.scope ?? this.defaultScope, options.lookupVersion);
    return key === undefined ? undefined : computeUnder(key, (k) => blindIndexValue(blindIndexKey(k, options), input, bits));
  }

  /** {@link blindIndex} of many values, each with its options, with one key look-up per run of equal scopes. */
  async blindIndexMany(items: readonly { readonly value: BlindIndexable; readonly options: BlindIndexOptions }[]): Promise<string[]> {
    const out = new Array<string>(items.length);
    let scope: string | undefined;
    let key: DataKey | undefined;
    try {
      for (let i = 0; i < items.length; i++) {
        const { value, options } = items[i] as (typeof items)[number];
        const { input, bits } = prepareBlindIndex(value, options);
        const valueScope = options.scope ?? this.defaultScope;
        const keyScope = lookupKeyScope(valueScope, options.lookupVersion);
        if (key === undefined || keyScope !== scope) {
          // The index is computed before the next await, so one lease at a time is enough.
          key?.release();
          key = undefined;
          scope = keyScope;
          key = this.keyring.leaseLookupKeySync(valueScope, options.lookupVersion) ?? (await this.keyring.leaseLookupKey(valueScope, options.lookupVersion));
        }
        out[i] = blindIndexValue(blindIndexKey(key, options), input, bits);
      }
    } finally {
      key?.release();
    }
    return out;
  }

  /** The blind index of `value` under every live lookup key of the scope, primary first: one index unless the scope's lookup keys were migrated. */
  async blindIndexCandidates(value: BlindIndexable, options: BlindIndexOptions): Promise<string[]> {
    const { input, bits } = prepareBlindIndex(value, options);
    return this.#withLookupKeys(options, (key) => blindIndexValue(blindIndexKey(key, options), input, bits));
  }

  /**
   * A format-preserving token (FF1, NIST SP 800-38G) of `value`: same length and alphabet,
   * reversible with the key, equal values give equal tokens in the same field. The tweak is
   * the field (or token domain) and, when given, the row.
   */
  async fpe(value: string, options: FpeOptions): Promise<string> {
    checkContext(options);
    return this.#withTokenKey(options, (key) => fpeTokenizer(key, options).tokenize(value, fpeTweak(options)));
  }

  /** Reverses {@link fpe}. Pass `keyId` only for tokens made under an older lookup key of the scope. */
  async detokenize(token: string, options: FpeOptions): Promise<string> {
    if (this.#policy !== undefined) return this.#detokenizePoliced(this.#policy, token, options);
    return this.#audited(() => ({ operation: 'detokenize', model: options?.model, field: options?.field, keyId: options?.keyId, count: 1 }), async () => {
      checkContext(options);
      return this.#withTokenKey(options, (key) => fpeTokenizer(key, options).detokenize(token, fpeTweak(options)));
    });
  }

  /** {@link detokenize} under the policy: the plaintext, the field's mask or null, or AccessDeniedError (nothing reversed). */
  #detokenizePoliced(policy: CompiledPolicy, token: string, options: FpeOptions): Promise<string> {
    let shown: Withholding | undefined;
    let denied: unknown;
    try {
      shown = policy.decide(options?.model, options?.field, currentAccess());
    } catch (error) {
      denied = error;
    }
    let withheld: { masked: number } | { withheld: number } | undefined;
    return this.#audited(
      () => ({ operation: 'detokenize', model: options?.model, field: options?.field, keyId: options?.keyId, count: 1, ...withheld }),
      async () => {
        if (denied !== undefined) throw denied;
        checkContext(options);
        if (shown?.kind === 'null') {
          withheld = { withheld: 1 };
          return null as unknown as string;
        }
        const clear = await this.#withTokenKey(options, (key) => fpeTokenizer(key, options).detokenize(token, fpeTweak(options)));
        if (shown === undefined) return clear;
        withheld = { masked: 1 };
        return shown.mask(clear);
      },
    );
  }

  /** The token of `value` under every live lookup key of the scope, primary first, with each key's id: one token unless the scope's lookup keys were migrated. */
  async fpeCandidates(value: string, options: Omit<FpeOptions, 'keyId'>): Promise<{ keyId: string; token: string }[]> {
    checkContext(options);
    return this.#withLookupKeys(options, (key) => ({ keyId: key.id, token: fpeTokenizer(key, options).tokenize(value, fpeTweak(options)) }));
  }

  /**
   * Keyed pseudonym helpers (email, name, id, ip, date, whole records) under a key derived
   * from the scope's lookup key for `domain` (e.g. a recipient or an export). The same
   * input, key and domain give the same pseudonym, across data key rotations; other domains
   * or scopes do not link.
   */
  async pseudonymizer(options: { readonly domain?: string; readonly scope?: string; readonly keyId?: string } = {}): Promise<Pseudonymizer> {
    const domain = options.domain ?? '';
    if (typeof domain !== 'string' || domain.includes('\0') || !domain.isWellFormed()) throw new InvalidInputError('pseudonym domain must be a well-formed string without NUL');
    // The pseudonymizer keeps its own derived subkey, so the lookup key's lease ends here.
    if (options.keyId === undefined) return this.#withLookupKey(options, (key) => makePseudonymizer(key, domain));
    const key = await this.keyring.leaseKey(keyIdFromString(options.keyId));
    try {
      if (key.purpose !== 'lookup' || key.scope !== (options.scope ?? this.defaultScope)) throw new InvalidInputError(`key ${options.keyId} is not a lookup key of this scope`);
      return makePseudonymizer(key, domain);
    } finally {
      key.release();
    }
  }

  /** `compute` under the FPE key: the scope's primary, or the key named by `keyId`; leased meanwhile. */
  async #withTokenKey<R>(options: FpeOptions, compute: (key: DataKey) => R): Promise<R> {
    if (options.keyId === undefined) return this.#withLookupKey(options, compute);
    const key = await this.keyring.leaseKey(keyIdFromString(options.keyId));
    try {
      if (key.purpose !== 'lookup' || key.scope !== lookupKeyScope(options.scope ?? this.defaultScope, options.lookupVersion)) throw new InvalidInputError(`key ${options.keyId} is not a lookup key of this scope`);
      return compute(key);
    } finally {
      key.release();
    }
  }

  /**
   * Throws unless the current access context (`withAccess`) sees the clear value of
   * `model.field` under the access policy: `AccessDeniedError` when the policy denies it, or
   * when it would return a mask or null instead. Without a policy it never throws. Jobs that
   * write opened values back (the rotation jobs) call it first, so that a mask is never
   * sealed over a value.
   */
  checkClearAccess(model: string, field: string): void {
    if (this.#policy === undefined) return;
    const withholding = this.#policy.decide(model, field, currentAccess());
    if (withholding !== undefined) {
      const access = currentAccess();
      throw new AccessDeniedError(model, field, access?.purpose ?? null, access === undefined ? 'no-access' : 'purpose');
    }
  }

  /** Whether `text` is a well-formed fieldseal value (prefix, canonical encoding, known algorithm). Does not authenticate it. */
  isSealed(text: unknown): text is Sealed {
    return isSealedText(text);
  }

  /** Exact text length of a sealed value of `plaintextBytes` bytes, for sizing columns. */
  ciphertextLength(plaintextBytes: number, mode: SealMode = 'randomized'): number {
    return ciphertextLength(plaintextBytes, mode);
  }

  /** Counters: cache hits/misses, provider calls, encryptions per key, decryptions and failures. */
  stats(): SealerStats {
    return {
      ...this.keyring.stats(),
      encryptions: this.#encryptions,
      decryptions: this.#decryptions,
      decryptionFailures: this.#decryptionFailures,
      ...(this.auditor === undefined ? {} : { audit: this.auditor.stats() }),
    };
  }

  /** One page of key records in id order (wrapped keys only), filtered by scope and purpose: `after` is the last id of the previous page. */
  async listKeys(page: Partial<KeyListPage> = {}): Promise<KeyRecord[]> {
    return this.keyring.listKeys(page);
  }

  /**
   * New primary data key for a scope (or a subject within it); the old one stays able to
   * decrypt. Lookup tokens (deterministic, blind index, FPE, pseudonyms) do not change.
   */
  async rotateDataKey(options: { readonly scope?: string; readonly subject?: string } = {}): Promise<KeyRecord> {
    const scope = options.scope ?? this.defaultScope;
    return this.#audited((key) => ({ operation: 'rotate-data-key', keyId: key?.id, count: 1, scope, subject: options.subject }), () => this.keyring.rotateDataKey(scope, options.subject));
  }

  /** Re-wraps the root keys under a new KEK (a kekRef of the current provider, or a new provider): one KMS call per root key. No value changes. */
  async rewrapDataKeys(to: string | KeyProvider): Promise<{ rewrapped: number }> {
    return this.#audited((done) => ({ operation: 'rewrap', count: done?.rewrapped ?? 0 }), () => this.keyring.rewrap(to));
  }

  /**
   * Destroys one data or lookup key: values sealed under it become unrecoverable. An unknown
   * id (or a root key's) is a KeyNotFoundError. A scope's active primary is refused unless
   * `allowPrimary` is set (rotate first; to erase a whole scope or subject, use {@link shred}).
   */
  async destroyDataKey(id: string, options: { readonly allowPrimary?: boolean } = {}): Promise<void> {
    await this.#audited(() => ({ operation: 'destroy-data-key', keyId: typeof id === 'string' ? id : null, count: 1 }), () => this.keyring.destroy([id], options));
  }

  /**
   * Erasure by crypto-shredding. `{ subject }` (in the default scope, or `{ scope, subject }`)
   * destroys that data subject's data keys: its randomized values can never be opened again,
   * while the scope's lookup keys stay. A scope name alone destroys every key of the scope,
   * lookup keys included, and the data keys of every subject within it (a tenant). Returns
   * how many keys were destroyed. Other processes stop using them within `maxStalenessMs`.
   */
  async shred(target: string | { readonly scope?: string; readonly subject?: string }): Promise<number> {
    const { scope, subject } = typeof target === 'string' ? { scope: target, subject: undefined } : { scope: target.scope ?? this.defaultScope, subject: target.subject };
    if (subject === undefined && scope === this.defaultScope) throw new ConfigurationError('refusing to shred the default scope; destroy its keys one by one if you mean it');
    return this.#audited((destroyed) => ({ operation: 'shred', count: destroyed ?? 0, scope, subject }), () => this.keyring.shred(scope, subject));
  }

  toJSON(): { sealer: string } {
    return { sealer: 'fieldseal' };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Sealer(defaultScope=${this.defaultScope}, provider=${this.keyring.provider.name})`;
  }
}

/** Values {@link Sealer.decryptMany} and the batch encrypt calls process together; large enough to amortise the AES calls, small enough to keep few objects alive. */
const BATCH_CHUNK = 256;

/** The row a value's associated data binds, as text ({@link rowText}), or undefined. */
function rowOf(ctx: FieldContext): string | undefined {
  return ctx.row === undefined ? undefined : rowText(ctx.row);
}

/** Batches smaller than this run as one-value calls. */
const BATCH_MIN = 4;

/** The largest plaintext length whose randomized or deterministic sealed text is at most `maxTextLength` characters. */
function largestPlaintext(maxTextLength: number): number {
  let low = 0;
  let high = maxTextLength;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (Math.max(ciphertextLength(mid, 'randomized'), ciphertextLength(mid, 'deterministic')) <= maxTextLength) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** How a batch failed so far: failures counted, and the first failing value's index and error. */
interface BatchFailures {
  count: number;
  first: number;
  error: unknown;
}

export type { BlindIndexable };

/** `compute(key)`, then the key's lease released. */
function computeUnder<R>(key: DataKey, compute: (key: DataKey) => R): R {
  try {
    return compute(key);
  } finally {
    key.release();
  }
}

function blindIndexKey(key: DataKey, ctx: TokenContext): HmacSha256Key {
  return ctx.domain !== undefined ? fieldCipher(key, 'bidx-domain', '', ctx.domain, domainIndexKey) : fieldCipher(key, 'bidx-field', ctx.model, ctx.field, fieldIndexKey);
}

/** A token domain's blind index key: `domain` is fieldCipher's field part. */
function domainIndexKey(key: DataKey, _model: string, domain: string): HmacSha256Key {
  return indexKey(key, { model: '', field: '', domain });
}

function fieldIndexKey(key: DataKey, model: string, field: string): HmacSha256Key {
  return indexKey(key, { model, field });
}

/** The HMAC key of a field's (or domain's) blind indexes; the subkey bytes are wiped once its states are computed. */
function indexKey(key: DataKey, ctx: TokenContext): HmacSha256Key {
  const subkey = key.subkey('bidx', tokenDomain(ctx));
  try {
    return new HmacSha256Key(subkey);
  } finally {
    subkey.fill(0);
  }
}

/** Checks the context and bits, and encodes the value with its type tag (tokenize/blind-index.ts): `1` and `"1"` never share an index. */
function prepareBlindIndex(value: BlindIndexable, options: BlindIndexOptions): { input: BlindIndexInput; bits: number } {
  checkContext(options);
  const bits = options.bits ?? BLIND_INDEX_DEFAULT_BITS;
  if (bits !== BLIND_INDEX_DEFAULT_BITS) checkBlindIndexBits(bits);
  return { input: blindIndexInput(value, options.normalize), bits };
}

/**
 * Zeroes a value's encoding once it is sealed (or refused), as opening zeroes the plaintext it
 * decoded: otherwise a string's UTF-8 stays in Node's buffer pool until the slot is reused.
 * Buffer and Uint8Array values are encoded as themselves: the caller's bytes are left alone.
 */
function wipeEncoding(bytes: Uint8Array, value: unknown): void {
  if (bytes !== value) bytes.fill(0);
}
