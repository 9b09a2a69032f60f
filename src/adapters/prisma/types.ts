/**
 * The logical types of protected fields, for Prisma clients extended through
 * {@link FieldsealClient}. Prisma's generated types describe the columns: a field stored as
 * ciphertext in a `String` column is a `string` there even when the application reads and
 * writes a number, a Date or JSON, its blind index column is the only unique key Prisma
 * knows, and results list the lookup columns.
 *
 * Every operation of a client extended with Prisma's `$extends` is typed from one table, the
 * client's type map (`args` and `payload` per model and operation). {@link FieldsealClient}
 * builds the same client type from a rewritten table, using the `fieldseal` generator's
 * description of the schema ({@link ModelsTypeInfo}):
 *
 * - protected fields take their logical type in create / update data, in filters (equality
 *   only, and only where the adapter can answer it) and in results (select / include too);
 * - a field whose blind index column is `@unique` is one more unique `where` key;
 * - lookup columns (blind indexes, shadow columns) are left out of results unless selected (`select`) or
 *   un-omitted (`omit: { column: false }`), as the runtime does, and are never write data.
 *
 * Types only: nothing here exists at runtime.
 *
 * @module
 */
import type * as runtime from '@prisma/client/runtime/client';
import type { LogicalType } from './config.js';

/** What the application may write into a protected field of each logical type. */
export interface LogicalInputTypes {
  String: string;
  Int: number;
  BigInt: bigint | number;
  Float: number;
  Decimal: runtime.Decimal | runtime.DecimalJsLike | number | string;
  Boolean: boolean;
  DateTime: Date | string;
  Json: runtime.InputJsonValue;
  Bytes: Uint8Array;
}

/** What the application reads from a protected field of each logical type. */
export interface LogicalOutputTypes {
  String: string;
  Int: number;
  BigInt: bigint;
  Float: number;
  Decimal: runtime.Decimal;
  Boolean: boolean;
  DateTime: Date;
  Json: runtime.JsonValue;
  Bytes: Uint8Array;
}

/** One protected field as the types see it (lookup columns are listed apart). */
export interface FieldTypeInfo {
  /** The logical type. */
  readonly type: LogicalType;
  /** Whether an equality filter on it can be answered (deterministic, FPE, or a randomized field with a blind index). */
  readonly search: boolean;
}

/** One model of the schema, as the `fieldseal` generator describes it. */
export interface ModelTypeInfo {
  /** Protected fields other than lookup columns. */
  readonly fields: { readonly [field: string]: FieldTypeInfo };
  /** Lookup columns (blind indexes, and shadow columns of a lookup key replacement), each with the field it belongs to. */
  readonly lookups: { readonly [column: string]: string };
  /** Fields accepted as a unique `where` key through a `@unique` lookup column (a union of names; `never` when none). */
  readonly unique: string;
  /** Relation fields, each with its related model. */
  readonly relations: { readonly [field: string]: string };
}

/** Every model of a schema by name (the `FieldsealModels` interface the generator emits). */
export type ModelsTypeInfo = { readonly [model: string]: ModelTypeInfo };

type In<F> = F extends { readonly type: infer T extends LogicalType } ? LogicalInputTypes[T] : never;
type Out<F> = F extends { readonly type: infer T extends LogicalType } ? LogicalOutputTypes[T] : never;

/** Where a walk through an operation's arguments is. */
type Position = 'data' | 'filter' | 'select' | 'other';

/** Keys that lead to arguments of the same model, and the position they lead to. */
interface StructuralKeys {
  where: 'filter';
  cursor: 'filter';
  connect: 'filter';
  set: 'filter';
  disconnect: 'filter';
  delete: 'filter';
  deleteMany: 'filter';
  some: 'filter';
  every: 'filter';
  none: 'filter';
  is: 'filter';
  isNot: 'filter';
  AND: 'filter';
  OR: 'filter';
  NOT: 'filter';
  data: 'data';
  create: 'data';
  update: 'data';
  select: 'select';
  include: 'select';
  _count: 'select';
  connectOrCreate: 'other';
  upsert: 'other';
  updateMany: 'other';
  createMany: 'other';
}

/** Values that are never argument objects to walk into. */
type Leaf = Date | Uint8Array | runtime.Decimal | runtime.DecimalJsLike | ((...args: never[]) => unknown);

/** Prisma's argument type `T` of model `M`, rewritten (walks unions and lists). */
type Args<T, M extends ModelTypeInfo, All extends ModelsTypeInfo, P extends Position> = T extends Leaf
  ? T
  : T extends readonly (infer E)[]
    ? Array<Args<E, M, All, P>>
    : T extends object
      ? { [K in keyof T]: ArgValue<K, T[K], M, All, P> } | ExtraUnique<T, M, All, P>
      : T;

/**
 * For a member of a unique where input (a filter object with a required key): the same
 * input keyed by a field whose `@unique` blind index the runtime looks up instead.
 */
type ExtraUnique<T, M extends ModelTypeInfo, All extends ModelsTypeInfo, P extends Position> = P extends 'filter'
  ? [M['unique']] extends [never]
    ? never
    : {} extends T
      ? never
      : 'AND' extends keyof T
        ? M['unique'] extends infer S extends string
          ? S extends unknown
            ? { [F in S]: In<M['fields'][F]> } & { [K in keyof T as K extends S ? never : K]?: ArgValue<K, T[K], M, All, P> }
            : never
          : never
        : never
  : never;

type ArgValue<K, V, M extends ModelTypeInfo, All extends ModelsTypeInfo, P extends Position> = K extends keyof M['fields']
  ? FieldValue<V, M['fields'][K], P>
  : K extends keyof M['lookups']
    ? LookupValue<V, M['fields'][M['lookups'][K] & keyof M['fields']], P>
    : K extends keyof M['relations']
      ? M['relations'][K] extends keyof All
        ? Args<V, All[M['relations'][K]], All, P>
        : V
      : K extends keyof StructuralKeys
        ? Args<V, M, All, StructuralKeys[K]>
        : V;

/** A protected field's value in arguments. */
type FieldValue<V, F, P extends Position> = P extends 'data'
  ? DataValue<V, In<F>>
  : P extends 'filter'
    ? F extends { readonly search: true }
      ? FilterValue<V, In<F>>
      : NullChecks<V>
    : V;

/** Write data: the column's type becomes the logical one (`{ set }` too). */
type DataValue<V, L> = V extends string | Uint8Array
  ? string extends V
    ? L
    : V extends Uint8Array
      ? L
      : V
  : V extends object
    ? 'set' extends keyof V
      ? { set?: L | (null extends V['set'] ? null : never) }
      : V
    : V;

/** An equality filter on the logical value (the adapter refuses every other operator). */
export interface LogicalFilter<L, N extends null = never> {
  equals?: L | N;
  in?: L[];
  notIn?: L[];
  not?: L | N | LogicalFilter<L, N>;
}

type FilterValue<V, L> = V extends string | Uint8Array
  ? string extends V
    ? L
    : V extends Uint8Array
      ? L
      : V
  : V extends object
    ? 'equals' extends keyof V
      ? LogicalFilter<L, null extends V[keyof V & 'equals'] ? null : never> & ('mode' extends keyof V ? { mode?: V[keyof V & 'mode'] } : unknown)
      : V
    : V;

/** A randomized field without a blind index: only null checks can be answered. */
type NullChecks<V> = V extends string | Uint8Array ? never : V extends object ? ('equals' extends keyof V ? { equals?: null; not?: null } : V) : V;

/** A lookup column: written by the adapter only; filtered with a plaintext value of the field it indexes. */
type LookupValue<V, Source, P extends Position> = P extends 'data' ? never : P extends 'filter' ? FilterValue<V, In<Source>> : V;

/** A result payload with logical field types (relations followed). */
type SealedPayload<Pl, All extends ModelsTypeInfo> = Pl extends { name: infer N extends keyof All; scalars: infer S; objects: infer O; composites: infer C }
  ? {
      name: Pl['name'];
      objects: { [K in keyof O]: SealedRelation<O[K], All> };
      scalars: { [K in keyof S]: K extends keyof All[N]['fields'] ? Out<All[N]['fields'][K]> | (null extends S[K] ? null : never) : S[K] };
      composites: C;
    }
  : Pl;

type SealedRelation<O, All extends ModelsTypeInfo> = O extends null ? null : O extends readonly (infer E)[] ? Array<SealedPayload<E, All>> : SealedPayload<O, All>;

/** The client's global `omit`, with every lookup column omitted unless the client's own option says otherwise. */
type SealedOmit<Options, All extends ModelsTypeInfo> = {
  [M in keyof All & string as Uncapitalize<M>]: Omit<{ [C in keyof All[M]['lookups']]: true }, keyof runtime.Types.Result.ExtractGlobalOmit<Options, Uncapitalize<M>>> &
    runtime.Types.Result.ExtractGlobalOmit<Options, Uncapitalize<M>>;
};

type SealedModel<T, M extends ModelTypeInfo, All extends ModelsTypeInfo> = {
  payload: SealedPayload<T[keyof T & 'payload'], All>;
  fields: T[keyof T & 'fields'];
  operations: {
    [O in keyof T[keyof T & 'operations']]: {
      args: Args<T[keyof T & 'operations'][O][keyof T[keyof T & 'operations'][O] & 'args'], M, All, 'other'>;
      result: T[keyof T & 'operations'][O][keyof T[keyof T & 'operations'][O] & 'result'];
    };
  };
};

/** A client's type map with logical field types. */
export type SealedTypeMap<TM extends runtime.Types.Extensions.TypeMapDef, All extends ModelsTypeInfo> = {
  globalOmitOptions: { omit: SealedOmit<TM['globalOmitOptions'], All> };
  meta: TM['meta'];
  model: { [M in keyof TM['model']]: M extends keyof All ? SealedModel<TM['model'][M], All[M], All> : TM['model'][M] };
  other: TM['other'];
};

/** The type-map callback of a client extended further: each later `$extends` keeps the logical types. */
export interface SealedTypeMapCb<Cb extends runtime.Types.Extensions.TypeMapCbDef, All extends ModelsTypeInfo>
  extends runtime.Types.Utils.Fn<{ extArgs: runtime.Types.Extensions.InternalArgs }, runtime.Types.Extensions.TypeMapDef> {
  returns: SealedTypeMap<TypeMapOf<Cb, this['params']['extArgs']>, All>;
}

/** The type map a client's callback gives for extension arguments `E`. */
type TypeMapOf<Cb extends runtime.Types.Extensions.TypeMapCbDef, E> = runtime.Types.Utils.Call<Cb, { extArgs: E }>;

/** The `$extends` of a Prisma client (a generated `PrismaClient` or an extended one). */
type ExtendsHookOf<C> = C extends { $extends: infer H } ? H : never;

/**
 * The type of Prisma client `C` extended with fieldseal, for the schema described by `All`
 * (the generator's `FieldsealModels`). `C` is a generated `PrismaClient`, with or without
 * other extensions applied before.
 */
export type FieldsealClient<C, All extends ModelsTypeInfo> =
  ExtendsHookOf<C> extends runtime.Types.Extensions.ExtendsHook<'extends', infer Cb, infer E, infer TM>
    ? runtime.Types.Extensions.DynamicClientExtensionThis<SealedTypeMap<TM, All>, SealedTypeMapCb<Cb, All>, E>
    : never;

/** What {@link FieldsealClient} accepts: anything with Prisma's `$extends`. */
export interface ExtendablePrismaClient {
  $extends: runtime.Types.Extensions.ExtendsHook<'extends', runtime.Types.Extensions.TypeMapCbDef, runtime.Types.Extensions.InternalArgs>;
}
