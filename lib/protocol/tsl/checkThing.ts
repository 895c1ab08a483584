import type { DeviceIdentity } from '../../identity/deviceNamespace';
import { preview } from '../lenient';
import { propertyEntry } from '../thingPayloads';
import { checkFields, checkValue, normalizeValue, type TslViolation } from './checkValue';
import { fieldsOf, specOf, type ThingModel, type ThingTypes } from './ThingModel';
import { checkedType } from './TslType';

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

const notDefined = (path: string, what: string, identifier: string): TslViolation => ({
  path,
  rule: 'undefined',
  message: `at ${path === '' ? '(root)' : path}: ${what} ${identifier} is not defined by the thing model`,
});

function notAnObject(u: unknown, path: string): TslViolation[] {
  return [
    {
      path,
      rule: 'type',
      message: `at ${path === '' ? '(root)' : path}: expected an object, got ${preview(u)}`,
    },
  ];
}

/**
 * The rules a property post breaks: identifiers the thing model does not define, values that break their
 * specs. A value may come with its time, `{ value, time }`.
 */
export function checkPropertyPost<M extends ThingTypes>(
  model: ThingModel<M>,
  params: unknown,
  path = '',
): TslViolation[] {
  if (!isRecord(params)) return notAnObject(params, path);
  return Object.entries(params).flatMap(([identifier, raw]) => {
    const spec = specOf(model.properties, identifier);
    const at = join(path, identifier);
    if (spec === undefined) return [notDefined(at, 'property', identifier)];
    return checkValue(spec.type.dataType, propertyEntry(raw).value, at);
  });
}

/** The rules a property set breaks: undefined or read-only properties, values that break their specs. */
export function checkPropertySet<M extends ThingTypes>(
  model: ThingModel<M>,
  params: unknown,
  path = '',
): TslViolation[] {
  if (!isRecord(params)) return notAnObject(params, path);
  return Object.entries(params).flatMap(([identifier, value]): TslViolation[] => {
    const spec = specOf(model.properties, identifier);
    const at = join(path, identifier);
    if (spec === undefined) return [notDefined(at, 'property', identifier)];
    if (spec.accessMode !== 'rw')
      return [{ path: at, rule: 'readOnly', message: `at ${at}: property ${identifier} is read-only` }];
    return checkValue(spec.type.dataType, value, at);
  });
}

/** The rules an event's output breaks, or that the thing model has no such event. */
export function checkEventPost<M extends ThingTypes>(
  model: ThingModel<M>,
  identifier: string,
  output: unknown,
  path = '',
): TslViolation[] {
  const spec = specOf(model.events, identifier);
  if (spec === undefined) return [notDefined(path, 'event', identifier)];
  return checkFields(fieldsOf(spec.output), output, path, 'set of output values');
}

/** How a pack or history post finds the thing model of each part's product: `undefined` checks none. */
export type ModelOf = (productKey: string) => ThingModel | undefined;

/** An event's output values (or a property's value) and, maybe, its time (UTC ms). */
export interface TimedValue {
  readonly value: unknown;
  readonly time?: number | undefined;
}

/** One device's part of a pack post, as the checks read it (`PackPostParams`, decoded, fits). */
export interface PackPartValues {
  readonly properties?: Readonly<Record<string, unknown>> | undefined;
  readonly events?: Readonly<Record<string, TimedValue | undefined>> | undefined;
}

/** A pack post's params as `checkPackPost` reads them. */
export interface PackPostValues extends PackPartValues {
  readonly subDevices?: readonly (PackPartValues & { readonly identity: DeviceIdentity })[] | undefined;
}

/** One device's part of a history post, as `checkHistoryPost` reads it (`HistoryPostParams` fits). */
export interface HistoryPartValues {
  readonly identity: DeviceIdentity;
  readonly properties?: readonly Readonly<Record<string, unknown>>[] | undefined;
  readonly events?: readonly Readonly<Record<string, TimedValue | undefined>>[] | undefined;
}

function checkPackPart(model: ThingModel, part: PackPartValues, path: string): TslViolation[] {
  const properties =
    part.properties === undefined ? [] : checkPropertyPost(model, part.properties, join(path, 'properties'));
  const events = Object.entries(part.events ?? {}).flatMap(([identifier, event]) =>
    event === undefined
      ? []
      : checkEventPost(model, identifier, event.value, join(join(path, 'events'), identifier)),
  );
  return [...properties, ...events];
}

/**
 * The rules a pack post breaks: the gateway's own part (`ownProductKey`) and each sub-device's, against their
 * products' thing models; a part whose product has none is not checked. Paths start at the params:
 * `properties.temp`, `subDevices[0].events.alarm.level`.
 */
export function checkPackPost(
  params: PackPostValues,
  ownProductKey: string,
  modelOf: ModelOf,
): TslViolation[] {
  const own = modelOf(ownProductKey);
  return [
    ...(own === undefined ? [] : checkPackPart(own, params, '')),
    ...(params.subDevices ?? []).flatMap((part, index) => {
      const model = modelOf(part.identity.productKey);
      return model === undefined ? [] : checkPackPart(model, part, `subDevices[${index}]`);
    }),
  ];
}

/**
 * The rules a history post breaks: each snapshot of properties and each occurrence of an event, against
 * the thing model of its part's product. Paths start at the params: `[0].properties[2].temp`.
 */
export function checkHistoryPost(params: readonly HistoryPartValues[], modelOf: ModelOf): TslViolation[] {
  return params.flatMap((part, index) => {
    const model = modelOf(part.identity.productKey);
    if (model === undefined) return [];
    const properties = (part.properties ?? []).flatMap((snapshot, at) =>
      checkPropertyPost(model, snapshot, `[${index}].properties[${at}]`),
    );
    const events = (part.events ?? []).flatMap((occurrences, at) =>
      Object.entries(occurrences).flatMap(([identifier, event]) =>
        event === undefined
          ? []
          : checkEventPost(model, identifier, event.value, `[${index}].events[${at}].${identifier}`),
      ),
    );
    return [...properties, ...events];
  });
}

/** A batch post's params as `checkBatchPost` reads them (`BatchPostParams`, decoded, fits). */
export interface BatchPostValues {
  readonly properties?: Readonly<Record<string, readonly TimedValue[] | undefined>> | undefined;
  readonly events?: Readonly<Record<string, readonly TimedValue[] | undefined>> | undefined;
}

/**
 * The rules a batch post breaks: each value of each property and each occurrence of each event, against the
 * thing model. Paths start at the params: `properties.temp[1]`, `events.fault[0].code`.
 */
export function checkBatchPost(model: ThingModel, params: BatchPostValues): TslViolation[] {
  const properties = Object.entries(params.properties ?? {}).flatMap(([identifier, values = []]) => {
    const spec = specOf(model.properties, identifier);
    const at = join('properties', identifier);
    if (spec === undefined) return [notDefined(at, 'property', identifier)];
    return values.flatMap(({ value }, index) => checkValue(spec.type.dataType, value, `${at}[${index}]`));
  });
  const events = Object.entries(params.events ?? {}).flatMap(([identifier, occurrences = []]) =>
    occurrences.flatMap(({ value }, index) =>
      checkEventPost(model, identifier, value, `${join('events', identifier)}[${index}]`),
    ),
  );
  return [...properties, ...events];
}

/** The rules a service's input (or output) breaks, or that the thing model has no such service. */
export function checkServiceParams<M extends ThingTypes>(
  model: ThingModel<M>,
  identifier: string,
  which: 'input' | 'output',
  params: unknown,
  path = '',
): TslViolation[] {
  const spec = specOf(model.services, identifier);
  if (spec === undefined) return [notDefined(path, 'service', identifier)];
  return checkFields(fieldsOf(spec[which]), params, path, `set of ${which} values`);
}

/** A property post as it goes on the wire: dates given as numbers become strings. */
export function normalizePropertyPost<M extends ThingTypes>(
  model: ThingModel<M>,
  params: Readonly<Record<string, unknown>>,
) {
  return Object.fromEntries(
    Object.entries(params).map(([identifier, raw]) => {
      const spec = specOf(model.properties, identifier);
      if (spec === undefined) return [identifier, raw];
      const entry = propertyEntry(raw);
      const value = normalizeValue(spec.type.dataType, entry.value);
      return [identifier, raw === entry.value ? value : { ...entry, value }];
    }),
  );
}

/** The codec of a property set's params under a thing model (undefined and read-only properties refused). */
export function propertySetType<M extends ThingTypes>(model: ThingModel<M>) {
  return checkedType<Readonly<Record<string, unknown>>>('PropertySet', (u, path) =>
    checkPropertySet(model, u, path),
  );
}

/** The codec of a service's input params under a thing model. */
export function serviceInputType<M extends ThingTypes>(model: ThingModel<M>, identifier: string) {
  return checkedType<Readonly<Record<string, unknown>>>(`${identifier} input`, (u, path) =>
    checkServiceParams(model, identifier, 'input', u, path),
  );
}
