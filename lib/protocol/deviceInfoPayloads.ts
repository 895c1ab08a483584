import * as t from 'io-ts';

/** Alink methods of device tags ("deviceinfo"). */
export const DEVICE_INFO_METHODS = {
  update: 'thing.deviceinfo.update',
  delete: 'thing.deviceinfo.delete',
} as const;

/** One tag as the platform writes it. */
export const DeviceTag = t.type({ attrKey: t.string, attrValue: t.string }, 'DeviceTag');
export type DeviceTag = t.TypeOf<typeof DeviceTag>;

/** The params of `thing.deviceinfo.update`: the tags to add or change. */
export const DeviceInfoUpdateParams = t.array(DeviceTag, 'DeviceInfoUpdateParams');
export type DeviceInfoUpdateParams = t.TypeOf<typeof DeviceInfoUpdateParams>;

/** The params of `thing.deviceinfo.delete`: the keys of the tags to remove. */
export const DeviceInfoDeleteParams = t.array(t.type({ attrKey: t.string }), 'DeviceInfoDeleteParams');
export type DeviceInfoDeleteParams = t.TypeOf<typeof DeviceInfoDeleteParams>;

/** `{ room: 'hall' }` as the params of an update: `[{ attrKey: 'room', attrValue: 'hall' }]`. */
export function deviceInfoUpdateParams(tags: Readonly<Record<string, string>>): DeviceInfoUpdateParams {
  return Object.entries(tags).map(([attrKey, attrValue]) => ({ attrKey, attrValue }));
}

/** `['room']` as the params of a delete: `[{ attrKey: 'room' }]`. */
export function deviceInfoDeleteParams(keys: readonly string[]): DeviceInfoDeleteParams {
  return keys.map((attrKey) => ({ attrKey }));
}
