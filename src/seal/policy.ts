/**
 * Purpose-based access: which purposes (the `purpose` of the enclosing `withAccess`) see a
 * field's value in clear, and what every other caller gets instead: the field's mask, null,
 * or an AccessDeniedError. The Sealer applies it in every call that opens a value
 * (`decrypt`, `decryptDeterministic`, `decryptMany`, `detokenize`), so both ORM adapters
 * follow it too. Without a policy nothing changes and nothing is checked.
 *
 * A policy decides what a read returns; it is not a key boundary: code that holds the key
 * provider and store can build a Sealer without one. Keys separate tenants and subjects;
 * a policy separates the uses of one service's data.
 *
 * @module
 */
import { AccessDeniedError, ConfigurationError } from '../errors.js';
import type { AccessContext } from './audit-events.js';
import { compileMask, type FieldMask, type MaskFunction } from './policy-masks.js';

export type { FieldMask, MaskName } from './policy-masks.js';

/**
 * What a caller whose purpose may not see a field gets:
 * - `'deny'` (default): the read fails with AccessDeniedError (through an adapter, the query);
 * - `'null'`: null instead of the value (the value is not opened);
 * - `{ mask }`: the value is opened and shown masked (a string), e.g. `{ mask: 'email' }`.
 */
export type OtherwiseRule = 'deny' | 'null' | { readonly mask: FieldMask };

/** The rule of one field: the purposes that see it in clear, and what the others get. */
export interface FieldAccessRule {
  /** Purposes that see the value in clear (may be empty: nobody does). */
  readonly purposes: readonly string[];
  /** What other purposes get (default `'deny'`). */
  readonly otherwise?: OtherwiseRule;
}

/**
 * What a read of a field with a rule gets when it runs outside any `withAccess`:
 * - `'deny'` (default, fail closed): AccessDeniedError, whatever the field's `otherwise`;
 * - `'otherwise'`: the field's `otherwise` (its mask, null, or a denial);
 * - `'clear'`: the value in clear, as without a policy (for code that cannot set a purpose yet).
 */
export type OutsideAccess = 'deny' | 'otherwise' | 'clear';

/** The `policy` option of `createSealer`. */
export interface AccessPolicy {
  /** Rules by `Model.field` (the `model` and `field` of the values' context); fields not named are read as without a policy. */
  readonly fields: Readonly<Record<string, FieldAccessRule>>;
  /**
   * Every purpose the service uses. When given, a rule naming another purpose is refused at
   * `createSealer`, and a read of a field with a rule under another purpose fails with
   * AccessDeniedError (`reason: 'undeclared-purpose'`) instead of being masked: a typo in a
   * purpose is found by the first read, not by an auditor.
   */
  readonly purposes?: readonly string[];
  /** Reads outside any `withAccess` (default `'deny'`). */
  readonly outsideAccess?: OutsideAccess;
}

/** What a caller gets instead of a value: null, or the value masked. */
export type Withholding = { readonly kind: 'null' } | { readonly kind: 'mask'; readonly mask: MaskFunction };

/** A field's rule, compiled. */
interface CompiledRule {
  readonly model: string;
  readonly field: string;
  readonly purposes: ReadonlySet<string>;
  /** undefined: deny. */
  readonly otherwise: Withholding | undefined;
}

const NULL_VALUE: Withholding = Object.freeze({ kind: 'null' });
const POLICY_KEYS: ReadonlySet<string> = new Set(['fields', 'purposes', 'outsideAccess']);
const RULE_KEYS: ReadonlySet<string> = new Set(['purposes', 'otherwise']);
const FIELD_NAME = /^[^.\s\u0000]+\.[^.\s\u0000]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A checked, compiled {@link AccessPolicy}: the Sealer asks it what each read may return. */
export class CompiledPolicy {
  /** Rules by model, then field (two map look-ups per value, no string building). */
  readonly #rules = new Map<string, Map<string, CompiledRule>>();
  readonly #declared: ReadonlySet<string> | undefined;
  readonly #outside: OutsideAccess;

  /** Checks `policy`; throws ConfigurationError naming what is wrong (never a value). */
  constructor(policy: AccessPolicy) {
    if (!isRecord(policy)) throw new ConfigurationError('policy must be { fields, purposes?, outsideAccess? }');
    for (const key of Object.keys(policy)) if (!POLICY_KEYS.has(key)) throw new ConfigurationError(`policy: unknown option '${key}'`);
    this.#declared = policy.purposes === undefined ? undefined : new Set(purposeList(policy.purposes, 'policy purposes'));
    const outside = policy.outsideAccess ?? 'deny';
    if (outside !== 'deny' && outside !== 'otherwise' && outside !== 'clear') throw new ConfigurationError("policy outsideAccess must be 'deny', 'otherwise' or 'clear'");
    this.#outside = outside;
    if (!isRecord(policy.fields)) throw new ConfigurationError("policy fields must be an object of rules by 'Model.field'");
    for (const [name, rule] of Object.entries(policy.fields)) {
      if (!FIELD_NAME.test(name)) throw new ConfigurationError(`policy field '${name}' must be written 'Model.field'`);
      const dot = name.indexOf('.');
      const model = name.slice(0, dot);
      const field = name.slice(dot + 1);
      let fields = this.#rules.get(model);
      if (fields === undefined) this.#rules.set(model, (fields = new Map()));
      fields.set(field, this.#compileRule(model, field, rule));
    }
  }

  #compileRule(model: string, field: string, rule: unknown): CompiledRule {
    const where = `${model}.${field}`;
    if (!isRecord(rule)) throw new ConfigurationError(`policy ${where} must be { purposes, otherwise? }`);
    for (const key of Object.keys(rule)) if (!RULE_KEYS.has(key)) throw new ConfigurationError(`policy ${where}: unknown option '${key}'`);
    const purposes = purposeList(rule.purposes, `policy ${where} purposes`);
    if (this.#declared !== undefined) {
      for (const purpose of purposes) if (!this.#declared.has(purpose)) throw new ConfigurationError(`policy ${where}: purpose '${purpose}' is not one of the declared purposes`);
    }
    return { model, field, purposes: new Set(purposes), otherwise: compileOtherwise(rule.otherwise, where) };
  }

  /**
   * What a read of a value of `model`.`field` under `access` (the enclosing `withAccess`)
   * returns: undefined for the clear value (no rule, or a purpose the rule allows), else
   * null or a mask. Throws AccessDeniedError when the read is refused.
   */
  decide(model: unknown, field: unknown, access: AccessContext | undefined): Withholding | undefined {
    const rule = this.#rules.get(model as string)?.get(field as string);
    if (rule === undefined) return undefined;
    if (access === undefined) {
      if (this.#outside === 'clear') return undefined;
      if (this.#outside === 'deny' || rule.otherwise === undefined) throw new AccessDeniedError(rule.model, rule.field, null, 'no-access');
      return rule.otherwise;
    }
    const purpose = access.purpose;
    if (rule.purposes.has(purpose)) return undefined;
    if (this.#declared !== undefined && !this.#declared.has(purpose)) throw new AccessDeniedError(rule.model, rule.field, purpose, 'undeclared-purpose');
    if (rule.otherwise === undefined) throw new AccessDeniedError(rule.model, rule.field, purpose, 'purpose');
    return rule.otherwise;
  }
}

function compileOtherwise(otherwise: unknown, where: string): Withholding | undefined {
  if (otherwise === undefined || otherwise === 'deny') return undefined;
  if (otherwise === 'null') return NULL_VALUE;
  if (isRecord(otherwise) && 'mask' in otherwise) {
    for (const key of Object.keys(otherwise)) if (key !== 'mask') throw new ConfigurationError(`policy ${where} otherwise: unknown option '${key}'`);
    return Object.freeze({ kind: 'mask', mask: compileMask(otherwise.mask, where) });
  }
  throw new ConfigurationError(`policy ${where} otherwise must be 'deny', 'null' or { mask }`);
}

function purposeList(value: unknown, what: string): string[] {
  if (!Array.isArray(value)) throw new ConfigurationError(`${what} must be an array of purposes`);
  for (const purpose of value) {
    if (typeof purpose !== 'string' || purpose.length === 0 || purpose.length > 256 || CONTROL.test(purpose) || !purpose.isWellFormed()) {
      throw new ConfigurationError(`${what}: each purpose must be a non-empty string of at most 256 characters without control characters`);
    }
  }
  return value as string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
