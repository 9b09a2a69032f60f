/**
 * Rewrites `where` filters (and `cursor`, relation filters, `connect` targets) so that
 * conditions on protected fields compare ciphertext tokens: deterministic and FPE fields
 * against their own column, randomized fields against their blind index column. Anything
 * that cannot be answered exactly on tokens is refused with UnsupportedQueryError.
 *
 * @module
 */
import { Decimal } from './decimal.js';
import type { ProtectedField } from './config.js';
import { indexLookup, indexLookupNow, lookupTokens } from './field-access.js';
import { blindIndexForm, deterministicForm, lookupCheck, type CanonicalForm, type LookupCheck } from './lookup-checks.js';
import { isPlainObject, modelInfo, refuse, type ModelInfo, type Runtime } from './runtime.js';

const LOGICAL = new Set(['AND', 'OR', 'NOT']);
const FIELD_OPERATORS = new Set(['equals', 'in', 'notIn', 'not', 'mode']);
const CASE_FOLDING = new Set(['lowercase', 'email', 'fold']);

/** A value compared by equality (as opposed to a filter object). */
export function isScalarValue(value: unknown): boolean {
  return !isPlainObject(value) || Decimal.isDecimal(value);
}

/**
 * Rewrites a filter on `model`. `unique` marks a WhereUniqueInput (findUnique, update,
 * delete, upsert, connect, cursor...): its protected unique fields become the single token
 * the column holds for the value. Lookup tokens do not change when data keys rotate, so
 * that one token matches rows written under every data key.
 *
 * `checks`, when given, receives a {@link LookupCheck} for every condition on a protected
 * field that each matching row must satisfy (top level and `AND`; not under `OR`, `NOT` or
 * relation filters), so that the rows returned can be verified against the lookup.
 */
export async function rewriteWhere(rt: Runtime, modelName: string, where: unknown, unique = false, checks?: LookupCheck[]): Promise<unknown> {
  if (!isPlainObject(where)) return where;
  const model = modelInfo(rt, modelName);
  if (!model.reachesProtected) return where;
  if (model.fields.size > 0) checkOneKeyPerColumn(model, where);
  const out: Record<string, unknown> = {};
  const extra: Record<string, unknown>[] = [];
  const jobs: Promise<void>[] = [];
  for (const key in where) {
    const value = where[key];
    if (value === undefined) continue;
    if (LOGICAL.has(key)) {
      // Every row matches each AND condition; OR and NOT conditions tell nothing about one row.
      const inner = key === 'AND' ? checks : undefined;
      jobs.push(
        (Array.isArray(value) ? Promise.all(value.map((w) => rewriteWhere(rt, modelName, w, false, inner))) : rewriteWhere(rt, modelName, value, false, inner)).then((v) => {
          out[key] = v;
        }),
      );
      continue;
    }
    const relation = model.shape.relations.get(key);
    if (relation) {
      jobs.push(
        rewriteRelationFilter(rt, relation.model, relation.isList, value).then((v) => {
          out[key] = v;
        }),
      );
      continue;
    }
    const field = model.fields.get(key);
    if (field) {
      jobs.push(rewriteFieldFilter(rt, field, value, unique, out, extra, checks));
      continue;
    }
    if (!model.shape.scalars.has(key) && isPlainObject(value) && model.fields.size > 0) {
      // A compound unique (`a_b: { a, b }`): its protected parts are equality values.
      jobs.push(
        rewriteCompound(rt, model, value, checks).then((v) => {
          out[key] = v;
        }),
      );
      continue;
    }
    out[key] = value;
  }
  // One job (a single lookup, the common case) is awaited as is: Promise.all adds promise hops.
  if (jobs.length === 1) await jobs[0];
  else if (jobs.length > 1) await Promise.all(jobs);
  if (extra.length > 0) {
    const existing = out.AND;
    out.AND = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), ...extra];
  }
  return out;
}

async function rewriteRelationFilter(rt: Runtime, target: string, isList: boolean, value: unknown): Promise<unknown> {
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  const wrappers = isList ? ['some', 'every', 'none'] : ['is', 'isNot'];
  if (keys.length > 0 && keys.every((k) => wrappers.includes(k))) {
    const out: Record<string, unknown> = {};
    await Promise.all(keys.map(async (k) => (out[k] = await rewriteWhere(rt, target, value[k]))));
    return out;
  }
  // To-one shorthand: the relation filter is the related model's where directly.
  return rewriteWhere(rt, target, value);
}

async function rewriteCompound(rt: Runtime, model: ModelInfo, value: Record<string, unknown>, checks: LookupCheck[] | undefined): Promise<unknown> {
  const out: Record<string, unknown> = {};
  const extra: Record<string, unknown>[] = [];
  await Promise.all(
    Object.entries(value).map(async ([k, v]) => {
      const field = model.fields.get(k);
      if (field) await rewriteFieldFilter(rt, field, v, true, out, extra, checks);
      else out[k] = v;
    }),
  );
  if (extra.length > 0) refuse(model.fields.get(Object.keys(value)[0]!)!, 'compound unique', 'a compound unique needs single values');
  return out;
}

/**
 * How a field is looked up: which column, the stored tokens equal to a value, and how the
 * rows found are checked. Made once per field (a lookup per request would allocate its
 * closures on every query).
 */
interface Lookup {
  readonly column: string;
  /** The one stored token equal to a value, when there is one (not for a migrating deterministic column). */
  readonly token: ((value: unknown) => Promise<string | Uint8Array>) | undefined;
  /** The token at once when the Sealer can compute it without waiting, else `undefined` (blind index lookups only). */
  readonly tokenNow: ((value: unknown) => string | undefined) | undefined;
  tokens(value: unknown): Promise<Array<string | Uint8Array>>;
  readonly caseFolding: boolean;
  /** The field the rows found are checked on, and its canonical form (absent for FPE, whose tokens are type-checked when made). */
  readonly checked: ProtectedField;
  readonly form: CanonicalForm | undefined;
  /** Whether the checked field is selected for the check (blind index lookups). */
  readonly select: boolean;
}

/** The check of rows found by `lookup` for `values`; computing it validates each value's type (InvalidInputError naming the field). */
function checkOf(lookup: Lookup, values: readonly unknown[]): LookupCheck | undefined {
  return lookup.form === undefined ? undefined : lookupCheck(lookup.checked, lookup.form, lookup.select, values);
}

/**
 * The column a where key on `field` compares: a lookup column's own (blind index, shadow),
 * else the one lookups on the field go through (its blind index, or for a deterministic or
 * FPE field its own column or a shadow of a higher lookup key version).
 */
function lookupColumn(field: ProtectedField): string | undefined {
  if (field.mode === 'blindIndex' || field.shadowOf !== undefined) return field.field;
  return field.lookupVia?.field;
}

/**
 * Refuses a where that names a randomized field and its blind index column side by side
 * (`{ email, emailIndex }`): both compare the same column, and one of the two values would
 * silently win.
 */
function checkOneKeyPerColumn(model: ModelInfo, where: Record<string, unknown>): void {
  let seen: Map<string, ProtectedField> | undefined;
  for (const key in where) {
    const field = model.fields.get(key);
    if (field === undefined || where[key] === undefined) continue;
    const column = lookupColumn(field);
    if (column === undefined) continue;
    const other = (seen ??= new Map()).get(column);
    if (other !== undefined) {
      const [source, index] = other.field === column ? [field, other] : [other, field];
      refuse(source, 'where', `names both ${model.name}.${source.field} and its lookup column ${model.name}.${index.field}; name one of them`);
    }
    seen.set(column, field);
  }
}

/** Each field's lookup, or why the field cannot be looked up. */
const lookups = new WeakMap<ProtectedField, Lookup | string>();

function lookupFor(rt: Runtime, field: ProtectedField, operator: string): Lookup {
  let lookup = lookups.get(field);
  if (lookup === undefined) {
    lookup = buildLookup(rt, field);
    lookups.set(field, lookup);
  }
  return typeof lookup === 'string' ? refuse(field, operator, lookup) : lookup;
}

function buildLookup(rt: Runtime, field: ProtectedField): Lookup | string {
  const sealer = rt.sealer;
  switch (field.mode) {
    case 'deterministic':
    case 'fpe': {
      // A shadow column, or a field looked up through one (a lookup key replacement past its switch).
      if (field.shadowOf !== undefined) return shadowLookup(sealer, modelInfo(rt, field.model).fields.get(field.shadowOf)!, field);
      if (field.lookupVia !== undefined && field.lookupVia !== field) return shadowLookup(sealer, field, field.lookupVia);
      const tokens = (v: unknown) => lookupTokens(sealer, field, v);
      const single = field.mode === 'fpe' || !field.migrating;
      return {
        column: field.field,
        token: single ? (v) => tokens(v).then(first) : undefined,
        tokenNow: undefined,
        tokens,
        caseFolding: false,
        checked: field,
        form: field.mode === 'deterministic' ? deterministicForm(field) : undefined,
        select: false,
      };
    }
    case 'blindIndex': {
      // A filter on the index column names a plaintext value of the indexed field.
      const source = modelInfo(rt, field.model).fields.get(field.of!)!;
      return blindIndexLookup(sealer, source, field);
    }
    case 'randomized': {
      const index = field.lookupVia;
      if (!index) return 'randomized encryption hides equality; add a blind index (`@fieldseal.blindIndex(of: ...)`) or use mode: deterministic';
      if (field.migrating) return 'the column is migrating: legacy plaintext rows have no blind index yet; finish the backfill first';
      return blindIndexLookup(sealer, field, index);
    }
  }
}

function blindIndexLookup(sealer: Runtime['sealer'], source: ProtectedField, index: ProtectedField): Lookup {
  const token = (v: unknown) => indexLookup(sealer, index, v);
  return {
    column: index.field,
    token,
    tokenNow: sealer.blindIndexNow === undefined ? undefined : (v) => indexLookupNow(sealer, index, v),
    tokens: (v) => token(v).then((t) => [t]),
    caseFolding: typeof index.normalize === 'string' && CASE_FOLDING.has(index.normalize),
    checked: source,
    form: blindIndexForm(source, index),
    select: true,
  };
}

/**
 * Lookups of a deterministic or FPE field through its shadow column: the shadow's one token
 * (under its lookup key version). The value returned is the field's own column, not the
 * compared one, so the field is selected, opened and checked on every row found.
 */
function shadowLookup(sealer: Runtime['sealer'], logical: ProtectedField, shadow: ProtectedField): Lookup {
  const token = (v: unknown) => lookupTokens(sealer, shadow, v).then(first);
  return {
    column: shadow.field,
    token,
    tokenNow: undefined,
    tokens: (v) => token(v).then((t) => [t]),
    caseFolding: false,
    checked: logical,
    form: deterministicForm(logical),
    select: true,
  };
}

function first<T>(list: readonly T[]): T {
  return list[0] as T;
}

/**
 * A unique where holds one value per field, so it cannot also match the legacy plaintext
 * rows of a migrating deterministic column: refused rather than missing them (which would
 * make an upsert or connectOrCreate write a second row). findFirst and the other filters
 * match both forms.
 */
function checkUniqueLookup(field: ProtectedField): void {
  if (field.mode === 'deterministic' && field.migrating) {
    refuse(field, 'unique where', 'the column is migrating: a unique where matches one stored form, and legacy plaintext rows would be missed; use findFirst / updateMany / deleteMany, or finish the backfill first');
  }
}

/**
 * A unique where's condition on `field` equal to the scalar `value`: the column compared
 * and the one token it holds for the value, with the rows' check added to `checks`. What
 * {@link rewriteWhere} does for such a key, shared with the one-key lookup (unique-lookup.ts).
 */
export function uniqueEquality(rt: Runtime, field: ProtectedField, value: unknown, checks: LookupCheck[] | undefined): { readonly column: string; readonly token: string | Uint8Array | Promise<string | Uint8Array> } {
  const lookup = lookupFor(rt, field, 'equals');
  checkUniqueLookup(field);
  record(checks, checkOf(lookup, [value]));
  const now = lookup.tokenNow?.(value);
  if (now !== undefined) return { column: lookup.column, token: now };
  // Only a migrating deterministic column has no single token, and checkUniqueLookup refuses it.
  return { column: lookup.column, token: lookup.token !== undefined ? lookup.token(value) : lookup.tokens(value).then(first) };
}

/** Adds a check to the collector, when there is one (conditions under OR / NOT have none). */
function record(checks: LookupCheck[] | undefined, check: LookupCheck | undefined): void {
  if (checks !== undefined && check !== undefined) checks.push(check);
}

/** The values of an `in` / `notIn` list: refuses anything but a list of non-null values. */
function listOf(field: ProtectedField, operator: string, list: unknown): unknown[] {
  if (!Array.isArray(list)) refuse(field, operator, 'expects a list');
  for (const v of list as unknown[]) if (v === null) refuse(field, operator, 'null in a list');
  return list as unknown[];
}

async function tokensOfList(lookup: Lookup, list: readonly unknown[]): Promise<Array<string | Uint8Array>> {
  const all = await Promise.all(list.map((v) => lookup.tokens(v)));
  return all.flat();
}

/** Condition on `column` matching any of `tokens`. */
function anyOf(tokens: Array<string | Uint8Array>): unknown {
  return tokens.length === 1 ? tokens[0] : { in: tokens };
}

async function rewriteFieldFilter(
  rt: Runtime,
  field: ProtectedField,
  value: unknown,
  unique: boolean,
  out: Record<string, unknown>,
  extra: Record<string, unknown>[],
  checks?: LookupCheck[],
): Promise<void> {
  const source = field.mode === 'blindIndex' ? field.of! : (field.shadowOf ?? field.field);
  if (value === null) {
    out[source] = null;
    return;
  }
  if (isScalarValue(value)) {
    if (unique) {
      const equality = uniqueEquality(rt, field, value, checks);
      out[equality.column] = await equality.token;
      return;
    }
    const lookup = lookupFor(rt, field, 'equals');
    record(checks, checkOf(lookup, [value]));
    extra.push({ [lookup.column]: anyOf(lookup.token !== undefined ? [await lookup.token(value)] : await lookup.tokens(value)) });
    return;
  }
  const filter = value as Record<string, unknown>;
  for (const op of Object.keys(filter)) {
    if (!FIELD_OPERATORS.has(op)) refuse(field, op, 'only equality (equals, in, notIn, not) can be answered on ciphertext');
  }
  if (filter.mode !== undefined && filter.mode !== 'default') {
    const lookup = lookupFor(rt, field, 'mode: insensitive');
    if (!lookup.caseFolding) refuse(field, 'mode: insensitive', 'the lookup is case-sensitive; use a blind index with normalize: lowercase or email');
  }
  const conditions: Record<string, unknown>[] = [];
  if (filter.equals !== undefined) {
    if (filter.equals === null) conditions.push({ [source]: null });
    else {
      const lookup = lookupFor(rt, field, 'equals');
      record(checks, checkOf(lookup, [filter.equals]));
      conditions.push({ [lookup.column]: anyOf(await lookup.tokens(filter.equals)) });
    }
  }
  if (filter.in !== undefined) {
    const lookup = lookupFor(rt, field, 'in');
    const list = listOf(field, 'in', filter.in);
    record(checks, checkOf(lookup, list));
    conditions.push({ [lookup.column]: { in: await tokensOfList(lookup, list) } });
  }
  if (filter.notIn !== undefined) {
    const lookup = lookupFor(rt, field, 'notIn');
    const list = listOf(field, 'notIn', filter.notIn);
    checkOf(lookup, list);
    conditions.push({ [lookup.column]: { notIn: await tokensOfList(lookup, list) } });
  }
  if (filter.not !== undefined) {
    const not = filter.not;
    if (not === null) conditions.push({ [source]: { not: null } });
    else if (isScalarValue(not)) {
      const lookup = lookupFor(rt, field, 'not');
      checkOf(lookup, [not]);
      conditions.push({ [lookup.column]: { notIn: await lookup.tokens(not) } });
    } else {
      const inner: Record<string, unknown> = {};
      const innerExtra: Record<string, unknown>[] = [];
      await rewriteFieldFilter(rt, field, not, false, inner, innerExtra);
      conditions.push({ NOT: [...(Object.keys(inner).length > 0 ? [inner] : []), ...innerExtra] });
    }
  }
  if (unique && conditions.length === 1 && filter.equals !== undefined) {
    if (filter.equals !== null) checkUniqueLookup(field);
    const [column, cond] = Object.entries(conditions[0]!)[0]!;
    out[column] = cond;
    return;
  }
  extra.push(...conditions);
}
