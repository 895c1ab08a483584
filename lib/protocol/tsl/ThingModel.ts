import type { Field } from './DataType';
import { TslType, type TslTypeOf } from './TslType';
import { tslTypes, type AnyTslType, type FieldValues, type TslFields } from './tslTypes';

export type AccessMode = 'r' | 'rw';
export type EventKind = 'info' | 'alert' | 'error';
export type CallType = 'sync' | 'async';

export interface PropertySpec<T extends AnyTslType = AnyTslType, Mode extends AccessMode = AccessMode> {
  readonly type: T;
  /** `rw`: the cloud may set it. */
  readonly accessMode: Mode;
  /** What the console calls it. */
  readonly name?: string | undefined;
}

export interface EventSpec<F extends TslFields = TslFields> {
  readonly kind: EventKind;
  readonly output: TslType<FieldValues<F>>;
  readonly name?: string | undefined;
}

export interface ServiceSpec<I extends TslFields = TslFields, O extends TslFields = TslFields> {
  /** `sync`: called over RRPC (`/ext/rrpc/…`), answered within 8 s; `async`: `thing/service/{id}` → `{id}_reply`. */
  readonly callType: CallType;
  readonly input: TslType<FieldValues<I>>;
  readonly output: TslType<FieldValues<O>>;
  readonly name?: string | undefined;
}

/** What a thing model says of the values it takes: the types a generated thing model gives a thing. */
export interface ThingTypes {
  /** Property identifier → value. */
  readonly properties: object;
  /** The identifiers of the properties the cloud may set. */
  readonly writable: PropertyKey;
  /** Event identifier → output values. */
  readonly events: object;
  /** Service identifier → `{ input, output }`. */
  readonly services: object;
}

/** The types of a thing without a generated model: any identifier, any value. */
export interface AnyThing extends ThingTypes {
  readonly properties: Readonly<Record<string, unknown>>;
  readonly writable: string;
  readonly events: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly services: Readonly<
    Record<string, { readonly input: Readonly<Record<string, unknown>>; readonly output: unknown }>
  >;
}

/**
 * A product's thing model: every property, event and service, with a codec for each value. From `parseTsl`
 * (identifiers and values known at run time only) or from a module the generator wrote (`thingModel`, typed).
 */
export interface ThingModel<M extends ThingTypes = AnyThing> {
  readonly _tag: 'ThingModel';
  readonly productKey?: string | undefined;
  readonly properties: Readonly<Record<string, PropertySpec>>;
  readonly events: Readonly<Record<string, EventSpec>>;
  readonly services: Readonly<Record<string, ServiceSpec>>;
  /** Types only, never set: what `M` is, for `createThing`. */
  readonly types?: M | undefined;
}

/** A thing model as the generator writes it. */
export interface ThingDefinition {
  readonly productKey?: string | undefined;
  readonly properties: Readonly<Record<string, PropertySpec>>;
  readonly events?: Readonly<Record<string, EventSpec>> | undefined;
  readonly services?: Readonly<Record<string, ServiceSpec>> | undefined;
}

/** The identifiers of the properties whose `accessMode` is `rw`. */
export type WritableOf<P> = {
  [K in keyof P]: P[K] extends { readonly accessMode: 'rw' } ? K : never;
}[keyof P];
/** Event identifier → its output values. */
export type EventValues<E> = {
  readonly [K in keyof E]: E[K] extends EventSpec<infer F> ? FieldValues<F> : never;
};
/** Service identifier → its input and output values. */
export type ServiceValues<S> = {
  readonly [K in keyof S]: S[K] extends ServiceSpec<infer I, infer O>
    ? { readonly input: FieldValues<I>; readonly output: FieldValues<O> }
    : never;
};

/** The types of a thing model's definition. */
export interface TypesOf<D extends ThingDefinition> extends ThingTypes {
  readonly properties: { readonly [K in keyof D['properties']]: TslTypeOf<D['properties'][K]['type']> };
  readonly writable: WritableOf<D['properties']>;
  readonly events: EventValues<NonNullable<D['events']>>;
  readonly services: ServiceValues<NonNullable<D['services']>>;
}

/** A typed thing model, as the generator writes it: `thingModel({ properties: { … }, events, services })`. */
export function thingModel<const D extends ThingDefinition>(definition: D): ThingModel<TypesOf<D>> {
  const { productKey, properties, events = {}, services = {} } = definition;
  return {
    _tag: 'ThingModel',
    ...(productKey === undefined ? {} : { productKey }),
    properties,
    events,
    services,
  };
}

/** A property of a thing model. */
export function property<T extends AnyTslType, const Mode extends AccessMode>(
  accessMode: Mode,
  type: T,
  name?: string,
): PropertySpec<T, Mode> {
  return { accessMode, type, ...(name === undefined ? {} : { name }) };
}

/** An event of a thing model and its output parameters. */
export function event<const F extends TslFields>(kind: EventKind, output: F, name?: string): EventSpec<F> {
  return { kind, output: tslTypes.struct(output), ...(name === undefined ? {} : { name }) };
}

/** A service of a thing model, its input and output parameters. */
export function service<const I extends TslFields, const O extends TslFields>(
  callType: CallType,
  input: I,
  output: O,
  name?: string,
): ServiceSpec<I, O> {
  return {
    callType,
    input: tslTypes.struct(input),
    output: tslTypes.struct(output),
    ...(name === undefined ? {} : { name }),
  };
}

/**
 * The entry of `identifier` in a table of a thing model (its properties, events or services), or
 * `undefined`: its own entries only, so that `toString` or `constructor` is not taken for one.
 */
export function specOf<S>(table: Readonly<Record<string, S>>, identifier: string): S | undefined {
  return Object.hasOwn(table, identifier) ? table[identifier] : undefined;
}

/** The fields of a struct type (of an event's output, a service's params). */
export function fieldsOf(type: AnyTslType): readonly Field[] {
  return type.dataType.type === 'struct' ? type.dataType.fields : [];
}
