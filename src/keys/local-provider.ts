/**
 * The `local` key provider: named 32-byte KEKs given as base64 or hex strings, for
 * development, tests and self-managed deployments. Data keys are wrapped with AES-256-GCM
 * (random 96-bit nonce: a KEK wraps few keys, far below SP 800-38D's 2^32 bound), the
 * KEK name, key id and scope bound as associated data.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { gcmOpen, gcmSeal } from '../crypto/aes-gcm.js';
import { ConfigurationError, DecryptionError, ProviderError } from '../errors.js';
import type { KeyProvider, WrapContext, WrappedKey } from './provider.js';

const NONCE_BYTES = 12;
const PREFIX = 'local:';
/** The shell command that prints a new KEK as {@link generateKek} does: the package's `fieldseal` CLI. */
const GENERATE_KEK_COMMAND = 'npx fieldseal keys generate-kek';

/** Options of {@link localKeyProvider}. */
export interface LocalKeyProviderOptions {
  /** KEKs by name: 32 bytes each, as base64 / base64url / hex strings or bytes. */
  readonly keys: Readonly<Record<string, string | Uint8Array>>;
  /** The KEK that wraps new root keys (default: the only one, or an error if several). */
  readonly primary?: string;
}

/**
 * Creates a local key provider.
 *
 * @example
 * ```ts
 * const provider = localKeyProvider({ keys: { main: process.env.FIELDSEAL_KEK! } });
 * ```
 */
export function localKeyProvider(options: LocalKeyProviderOptions): KeyProvider {
  const names = Object.keys(options.keys);
  if (names.length === 0) throw new ConfigurationError('localKeyProvider needs at least one key');
  const keys = new Map<string, Uint8Array>();
  for (const name of names) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new ConfigurationError(`local KEK name '${name}' must be 1-64 of A-Z a-z 0-9 _ . -`);
    keys.set(name, parseKeyMaterial(options.keys[name] as string | Uint8Array, name));
  }
  const primary = options.primary ?? (names.length === 1 ? names[0] : undefined);
  if (primary === undefined || !keys.has(primary)) {
    throw new ConfigurationError('localKeyProvider: name the primary KEK (option `primary`) among the keys given');
  }

  const kekFor = (kekRef: string): { name: string; key: Uint8Array } => {
    const name = kekRef.startsWith(PREFIX) ? kekRef.slice(PREFIX.length) : '';
    const key = keys.get(name);
    if (key === undefined) throw new ProviderError('local', `no KEK named '${kekRef}'`);
    return { name, key };
  };

  const provider: KeyProvider = {
    name: 'local',
    primaryKekRef: PREFIX + primary,
    canUnwrap: (kekRef) => kekRef.startsWith(PREFIX) && keys.has(kekRef.slice(PREFIX.length)),
    async wrap(plaintext, context, callOptions) {
      const kekRef = callOptions?.kekRef ?? provider.primaryKekRef;
      const { name, key } = kekFor(kekRef);
      const nonce = randomBytes(NONCE_BYTES);
      const sealed = gcmSeal(key, nonce, plaintext, wrapAad(name, context));
      return { kekRef, ciphertext: Buffer.concat([nonce, sealed]) };
    },
    async unwrap(wrapped: WrappedKey, context) {
      const { name, key } = kekFor(wrapped.kekRef);
      const bytes = wrapped.ciphertext;
      try {
        return gcmOpen(key, bytes.subarray(0, NONCE_BYTES), bytes.subarray(NONCE_BYTES), wrapAad(name, context));
      } catch (error) {
        if (error instanceof DecryptionError) {
          throw new ProviderError('local', `cannot unwrap key ${context.keyId}: wrong KEK or context`);
        }
        throw error;
      }
    },
  };
  Object.defineProperty(provider, Symbol.for('nodejs.util.inspect.custom'), {
    value: () => `KeyProvider(local, primary=${provider.primaryKekRef}, keys=[${names.join(', ')}])`,
  });
  Object.defineProperty(provider, 'toJSON', { value: () => ({ provider: 'local', primaryKekRef: provider.primaryKekRef }) });
  return provider;
}

/**
 * A local key provider from environment variables: `FIELDSEAL_KEK` (the primary KEK,
 * named `main`) and optionally `FIELDSEAL_KEK_<NAME>` for older KEKs kept to unwrap.
 */
export function localKeyProviderFromEnv(env: NodeJS.ProcessEnv = process.env, variable = 'FIELDSEAL_KEK'): KeyProvider {
  const main = env[variable];
  if (main === undefined || main === '') {
    throw new ConfigurationError(`${variable} is not set: generate one with \`${GENERATE_KEK_COMMAND}\` or generateKek() from 'fieldseal'`);
  }
  const keys: Record<string, string> = { main };
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(`${variable}_`) && value) keys[name.slice(variable.length + 1).toLowerCase()] = value;
  }
  return localKeyProvider({ keys, primary: 'main' });
}

/** Generates a new random 32-byte KEK as base64, for {@link localKeyProvider}. */
export function generateKek(): string {
  return randomBytes(32).toString('base64');
}

function wrapAad(kekName: string, context: WrapContext): Buffer {
  return Buffer.from(`fieldseal/dek-wrap/v1\0${kekName}\0${context.keyId}\0${context.scope}`, 'utf8');
}

function parseKeyMaterial(value: string | Uint8Array, name: string): Uint8Array {
  let bytes: Uint8Array;
  if (typeof value !== 'string') bytes = Uint8Array.from(value);
  else if (/^[0-9a-fA-F]{64}$/.test(value)) bytes = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) bytes = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
  else throw new ConfigurationError(`local KEK '${name}' must be 32 bytes as 64 hex or 44 base64 characters`);
  if (bytes.length !== 32) throw new ConfigurationError(`local KEK '${name}' must be 32 bytes`);
  return bytes;
}
