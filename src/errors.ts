/**
 * Typed errors. Every error fieldseal throws is a {@link FieldsealError} with a stable
 * `code` that callers can switch on. Messages name models, fields, key ids and
 * providers, never plaintext, ciphertext bodies or key bytes: errors end up in logs.
 *
 * @module
 */

/** Stable machine-readable error codes. Adding a code is a minor change; renaming one is breaking. */
export type FieldsealErrorCode =
  | 'DECRYPTION_FAILED'
  | 'FORMAT_INVALID'
  | 'KEY_NOT_FOUND'
  | 'KEY_DESTROYED'
  | 'CONFIGURATION_INVALID'
  | 'INPUT_INVALID'
  | 'PROVIDER_FAILED'
  | 'PROVIDER_UNAVAILABLE'
  | 'QUERY_UNSUPPORTED'
  | 'PLAINTEXT_REJECTED'
  | 'KEY_STORE_FAILED'
  | 'KEY_WIPED'
  | 'KEY_USAGE_LIMIT'
  | 'KEY_CONFLICT'
  | 'ROW_SOURCE_FAILED'
  | 'AUDIT_FAILED'
  | 'INVENTORY_FAILED'
  | 'LOOKUP_INTEGRITY'
  | 'SUBJECT_NOT_FOUND'
  | 'ERASURE_INCOMPLETE'
  | 'ACCESS_DENIED';

/** Base class of every error fieldseal throws. */
export class FieldsealError extends Error {
  /** A stable code for programmatic handling. */
  readonly code: FieldsealErrorCode;

  constructor(code: FieldsealErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Authentication failed: wrong key, wrong context (model, field, row), or tampered bytes. */
export class DecryptionError extends FieldsealError {
  constructor(message = 'decryption failed: the value was tampered with, or belongs to another field, row or key') {
    super('DECRYPTION_FAILED', message);
  }
}

/** The text is not a well-formed fieldseal value (wrong prefix, bad encoding, truncated, unknown version). */
export class FormatError extends FieldsealError {
  constructor(message: string) {
    super('FORMAT_INVALID', message);
  }
}

/** The data key named by a value, or needed for an operation, is not in the key store. */
export class KeyNotFoundError extends FieldsealError {
  /** The missing key id, or the scope that has no primary key. */
  readonly keyId: string;
  constructor(keyId: string, message = `data key ${keyId} not found`) {
    super('KEY_NOT_FOUND', message);
    this.keyId = keyId;
  }
}

/** The data key was destroyed (crypto-shredded): values under it cannot be recovered, by design. */
export class KeyDestroyedError extends FieldsealError {
  /** The destroyed key's id. */
  readonly keyId: string;
  constructor(keyId: string) {
    super('KEY_DESTROYED', `data key ${keyId} was destroyed; values sealed under it are unrecoverable`);
    this.keyId = keyId;
  }
}

/**
 * A data key object was used after it was wiped from memory. Operations hold a lease on
 * the keys they use, so this signals a bug (a key used outside its lease); it is thrown
 * instead of computing with zeroed key bytes.
 */
export class KeyWipedError extends FieldsealError {
  /** The wiped key's id. */
  readonly keyId: string;
  constructor(keyId: string) {
    super('KEY_WIPED', `data key ${keyId} was wiped from memory and cannot be used; fetch it from the keyring again`);
    this.keyId = keyId;
  }
}

/** A data key has sealed as many values as `maxEncryptionsPerKey` allows; rotate the scope's data key. */
export class KeyUsageLimitError extends FieldsealError {
  /** The exhausted key's id. */
  readonly keyId: string;
  /** The configured limit. */
  readonly limit: number;
  constructor(keyId: string, limit: number) {
    super('KEY_USAGE_LIMIT', `data key ${keyId} has sealed its limit of ${limit} values in this process; rotate the scope's data key (rotateDataKey)`);
    this.keyId = keyId;
    this.limit = limit;
  }
}

/** The library was set up wrongly (missing key, bad option); raised at configuration time where possible. */
export class ConfigurationError extends FieldsealError {
  constructor(message: string) {
    super('CONFIGURATION_INVALID', message);
  }
}

/** A value or argument cannot be processed (unsupported type, out of domain, wrong alphabet). */
export class InvalidInputError extends FieldsealError {
  constructor(message: string) {
    super('INPUT_INVALID', message);
  }
}

/** Strict mode found plaintext where a sealed value was required. */
export class PlaintextRejectedError extends FieldsealError {
  constructor(message: string) {
    super('PLAINTEXT_REJECTED', message);
  }
}

/** A key provider (KMS) refused or failed an operation. `provider` names which one. */
export class ProviderError extends FieldsealError {
  /** The provider's id, for example `local`, `aws-kms`, `gcp-kms`. */
  readonly provider: string;
  /** Whether retrying may succeed (throttling, timeouts) as opposed to a permanent refusal. */
  readonly retryable: boolean;
  constructor(
    provider: string,
    message: string,
    options: { retryable?: boolean; cause?: unknown; code?: 'PROVIDER_FAILED' | 'PROVIDER_UNAVAILABLE' } = {},
  ) {
    super(options.code ?? 'PROVIDER_FAILED', `${provider}: ${message}`, { cause: options.cause });
    this.provider = provider;
    this.retryable = options.retryable ?? false;
  }
}

/** A key store could not read or write its records. */
export class KeyStoreError extends FieldsealError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KEY_STORE_FAILED', message, options);
  }
}

/**
 * Why a key store refused a write that was well formed:
 * - `id`: a record with that id exists;
 * - `primary`: the (scope, purpose) already has a primary record;
 * - `version`: the record to demote is not (or no longer) that scope's primary at the expected version;
 * - `state`: the change would break a record invariant given what is stored (a destroyed
 *   record is final; a primary record must be active).
 */
export type KeyConflictReason = 'id' | 'primary' | 'version' | 'state';

/** A key store refused a write because of what it already holds; re-read and decide again. */
export class KeyConflictError extends FieldsealError {
  /** What conflicted. */
  readonly reason: KeyConflictReason;
  /** The id of the record the write was about (the new record, or the one to change or demote). */
  readonly keyId: string;
  constructor(reason: KeyConflictReason, keyId: string, message: string) {
    super('KEY_CONFLICT', message);
    this.reason = reason;
    this.keyId = keyId;
  }
}

/**
 * A row source (a table the rotation jobs page through and write) failed: the database
 * refused a statement, went away or took too long, or a row holds what a protected column
 * cannot (a number, bytes). The message names the table, and the column and primary key
 * where one is concerned; never a stored value.
 */
export class RowSourceError extends FieldsealError {
  /** The source's description, e.g. `postgres:public.users`. */
  readonly source: string;
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super('ROW_SOURCE_FAILED', `${source}: ${message}`, options);
    this.source = source;
  }
}

/** A query on a protected field cannot be answered correctly on ciphertext. */
export class UnsupportedQueryError extends FieldsealError {
  /** Model, field and operator that were refused. */
  readonly model: string;
  readonly field: string;
  readonly operator: string;
  constructor(model: string, field: string, operator: string, why: string) {
    super('QUERY_UNSUPPORTED', `${model}.${field}: '${operator}' cannot be answered on a protected field (${why})`);
    this.model = model;
    this.field = field;
    this.operator = operator;
  }
}

/**
 * A read was refused because its audit event could not be recorded: the sink threw,
 * rejected, or did not answer in time, under `onSinkError: 'fail-read'`. No plaintext was
 * returned. The sink's own error is the `cause`.
 */
export class AuditError extends FieldsealError {
  /** The operation whose event was lost, e.g. `decrypt`. */
  readonly operation: string;
  constructor(operation: string, message: string, options?: { cause?: unknown }) {
    super('AUDIT_FAILED', `${operation} refused: ${message}`, options);
    this.operation = operation;
  }
}

/**
 * A row found by a lookup on a protected field holds another value than the one looked up:
 * its blind index (or lookup token) was changed or copied from another row in the database.
 * The adapter opens the field of every row such a lookup returns and fails closed rather
 * than hand back another customer's row. Names model and field, never a value.
 */
export class LookupIntegrityError extends FieldsealError {
  /** The model and the protected field whose opened value did not match the lookup. */
  readonly model: string;
  readonly field: string;
  constructor(model: string, field: string) {
    super('LOOKUP_INTEGRITY', `${model}.${field}: a row found by a lookup on this field holds another value (its lookup token was changed or copied from another row); the values are not shown`);
    this.model = model;
    this.field = field;
  }
}

/**
 * A data inventory could not read the database's catalog or sample a table: the database
 * refused a statement, went away or took too long. The message names the database and the
 * table; never a stored value.
 */
export class InventoryError extends FieldsealError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVENTORY_FAILED', message, options);
  }
}

/** No key and no row of the data subject was found: nothing to erase or export (the id may be wrong). */
export class SubjectNotFoundError extends FieldsealError {
  constructor(message: string) {
    super('SUBJECT_NOT_FOUND', message);
  }
}

/**
 * An erasure stopped part of the way (a database that went away, a row the application kept
 * changing): `receipt` says exactly what was done, with `complete: false`. Run it again to
 * finish; what is done is not undone.
 */
export class ErasureIncompleteError extends FieldsealError {
  /** What the erasure did before it stopped (no personal data). */
  readonly receipt: unknown;

  constructor(message: string, receipt: unknown, options?: { cause?: unknown }) {
    super('ERASURE_INCOMPLETE', message, options);
    this.receipt = receipt;
  }
}

/**
 * Why an access policy refused a read:
 * - `purpose`: the purpose of the enclosing `withAccess` may not see the field in clear,
 *   and the field's policy says `otherwise: 'deny'`;
 * - `no-access`: the read ran outside any `withAccess` and the field has a policy (the
 *   policy's `outsideAccess` is `'deny'`, the default);
 * - `undeclared-purpose`: the purpose is not one of the policy's declared `purposes` (a
 *   typo, or a purpose nobody reviewed).
 */
export type AccessDeniedReason = 'purpose' | 'no-access' | 'undeclared-purpose';

/**
 * A purpose-based access policy refused to open a value (`createSealer({ policy })`). No
 * value was opened for the caller. Names model, field and purpose, never a value.
 */
export class AccessDeniedError extends FieldsealError {
  /** The model and field whose value was refused. */
  readonly model: string;
  readonly field: string;
  /** The purpose of the enclosing `withAccess`, or null outside any. */
  readonly purpose: string | null;
  readonly reason: AccessDeniedReason;
  constructor(model: string, field: string, purpose: string | null, reason: AccessDeniedReason, message?: string) {
    super('ACCESS_DENIED', message ?? accessDeniedMessage(model, field, purpose, reason));
    this.model = model;
    this.field = field;
    this.purpose = purpose;
    this.reason = reason;
  }
}

function accessDeniedMessage(model: string, field: string, purpose: string | null, reason: AccessDeniedReason): string {
  if (reason === 'no-access') return `${model}.${field}: read outside withAccess, and this field's access policy needs a purpose`;
  if (reason === 'undeclared-purpose') return `${model}.${field}: purpose '${String(purpose)}' is not declared in the access policy`;
  return `${model}.${field}: purpose '${String(purpose)}' may not read this field`;
}
