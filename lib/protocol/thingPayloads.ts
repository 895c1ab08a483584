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
    return typeof time === 'number' ? { value: raw['value'], time } : { value: raw['value'] };
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
