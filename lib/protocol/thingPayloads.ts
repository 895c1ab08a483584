import * as t from 'io-ts';
import { NumberFromStringOrNumber } from './lenient';

/** The Alink methods of the thing model. */
export const thingMethods = {
  propertyPost: 'thing.event.property.post',
  eventPost: (identifier: string) => `thing.event.${identifier}.post`,
  propertySet: 'thing.service.property.set',
  service: (identifier: string) => `thing.service.${identifier}`,
  desiredGet: 'thing.property.desired.get',
  desiredDelete: 'thing.property.desired.delete',
  /** The device asks for its product's thing model (its TSL document). */
  dslTemplateGet: 'thing.dsltemplate.get',
  /** A gateway reports its own properties and events and those of its sub-devices in one message. */
  propertyPackPost: 'thing.event.property.pack.post',
  /** A device reports properties and events measured earlier, each with its time. */
  propertyHistoryPost: 'thing.event.property.history.post',
  /** A device reports several values of each property (and occurrences of each event) in one message. */
  propertyBatchPost: 'thing.event.property.batch.post',
} as const;

/** A property value as posted: the value alone, or with the time it was measured (UTC ms). */
export type PropertyValue<V> = V | { readonly value: V; readonly time?: number | undefined };

/** The params of a property post or set: `{"Power":"on"}` or `{"Power":{"value":"on","time":…}}`. */
export const PropertyParams = t.record(t.string, t.unknown, 'PropertyParams');
export type PropertyParams = t.TypeOf<typeof PropertyParams>;

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * One property of a post: its value and, when it came with one, the time. `{value, time?}` is read as the
 * timed form when it has no other key (a struct property with fields `value` and `time` alone is ambiguous:
 * with a TSL, the struct's own fields tell).
 */
export function propertyEntry(raw: unknown): { readonly value: unknown; readonly time?: number | undefined } {
  if (isRecord(raw) && 'value' in raw && Object.keys(raw).every((key) => key === 'value' || key === 'time')) {
    const time = raw['time'];
    // A time that is no finite number is none: JSON's 1e400 is Infinity.
    return typeof time === 'number' && Number.isFinite(time)
      ? { value: raw['value'], time }
      : { value: raw['value'] };
  }
  return { value: raw };
}

/** The params of an event post: the output values, and the time of the event (UTC ms). */
export const EventPostParams = t.intersection(
  [t.type({ value: t.record(t.string, t.unknown) }), t.partial({ time: NumberFromStringOrNumber })],
  'EventPostParams',
);
export type EventPostParams = t.TypeOf<typeof EventPostParams>;

/** The params of `thing.property.desired.get`: the identifiers asked for. */
export const DesiredGetParams = t.array(t.string, 'DesiredGetParams');

/** One desired value in the reply to `thing.property.desired.get`. */
export const DesiredValue = t.intersection(
  [t.type({ value: t.unknown }), t.partial({ version: NumberFromStringOrNumber })],
  'DesiredValue',
);
export type DesiredValue = t.TypeOf<typeof DesiredValue>;

/** The `data` of the reply to `thing.property.desired.get`: a property without a desired value is absent. */
export const DesiredValues = t.record(t.string, DesiredValue, 'DesiredValues');
export type DesiredValues = t.TypeOf<typeof DesiredValues>;

/** The params of `thing.property.desired.delete`: a version deletes only that version of the desired value. */
export const DesiredDeleteParams = t.record(
  t.string,
  t.partial({ version: NumberFromStringOrNumber }),
  'DesiredDeleteParams',
);
export type DesiredDeleteParams = t.TypeOf<typeof DesiredDeleteParams>;

/** Whose data a part of a pack or history post is: a device's product key and name. */
export const PartIdentity = t.type({ productKey: t.string, deviceName: t.string }, 'PartIdentity');

/**
 * The events of a pack post, by identifier: the output values and the time of each. (A pack carries one
 * occurrence of each event; a history post, a list of them.)
 */
export const PackEvents = t.record(t.string, EventPostParams, 'PackEvents');

/** Any value but none: `t.unknown` takes a missing key too. */
const Present = new t.Type<unknown>(
  'a value',
  (u): u is unknown => u !== undefined,
  (u, context) => (u === undefined ? t.failure(u, context, 'a value is required') : t.success(u)),
  t.identity,
);

/**
 * A property's value and, when it was measured earlier, the time (UTC ms). Exact: a key besides the two is
 * dropped, so that the value is never read as the whole object.
 */
const TimedProperty = t.exact(
  t.intersection([t.type({ value: Present }), t.partial({ time: NumberFromStringOrNumber })]),
  'TimedProperty',
);

/**
 * One device's part of a pack post: its properties, each `{value, time?}` (the platform's form: a value alone
 * is refused), and its events.
 */
export const PackPart = t.partial(
  { properties: t.record(t.string, TimedProperty, 'PackProperties'), events: PackEvents },
  'PackPart',
);
export type PackPart = t.TypeOf<typeof PackPart>;

/** The params of `thing.event.property.pack.post`: the gateway's own part, and a part per sub-device. */
export const PackPostParams = t.intersection(
  [
    PackPart,
    t.partial({ subDevices: t.array(t.intersection([t.type({ identity: PartIdentity }), PackPart])) }),
  ],
  'PackPostParams',
);
export type PackPostParams = t.TypeOf<typeof PackPostParams>;

/** A value with the time it was measured, which history requires (UTC ms). */
const Measured = t.type({ value: Present, time: NumberFromStringOrNumber }, 'Measured');
const MeasuredEvent = t.type(
  { value: t.record(t.string, t.unknown), time: NumberFromStringOrNumber },
  'MeasuredEvent',
);

/**
 * One device's part of `thing.event.property.history.post`: snapshots of properties and occurrences of
 * events, each identifier with its value and time.
 */
export const HistoryPart = t.intersection(
  [
    t.type({ identity: PartIdentity }),
    t.partial({
      properties: t.array(t.record(t.string, Measured)),
      events: t.array(t.record(t.string, MeasuredEvent)),
    }),
  ],
  'HistoryPart',
);
export type HistoryPart = t.TypeOf<typeof HistoryPart>;

/** The params of `thing.event.property.history.post`: a part per device (the device itself, or a sub-device). */
export const HistoryPostParams = t.array(HistoryPart, 'HistoryPostParams');
export type HistoryPostParams = t.TypeOf<typeof HistoryPostParams>;

/**
 * The params of `thing.event.property.batch.post`: several values of each property, and several occurrences
 * of each event, each with its time: `{"properties":{"temp":[{"value":21.5,"time":…},…]},"events":{…}}`.
 */
export const BatchPostParams = t.partial(
  {
    properties: t.record(t.string, t.array(TimedProperty)),
    events: t.record(t.string, t.array(EventPostParams)),
  },
  'BatchPostParams',
);
export type BatchPostParams = t.TypeOf<typeof BatchPostParams>;
