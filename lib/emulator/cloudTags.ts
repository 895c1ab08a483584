import { Subscription } from 'rxjs';
import type { DeviceIdentity } from '../identity';
import { ALINK_CODES, DeviceInfoDeleteParams, DeviceInfoUpdateParams } from '../protocol';
import { answerAlink } from './answerAlink';
import type { CloudSide } from './CloudSide';
import { anyDeviceTopics } from './anyDeviceTopics';

/** The tags of each device, as the platform keeps them (`QueryDeviceProp` reads them). */
export interface CloudTags {
  /** The tags of a device, by key; empty for a device without any. A copy. */
  queryDeviceProp(device: DeviceIdentity): Readonly<Record<string, string>>;
  readonly subscription: Subscription;
}

const keyOf = ({ productKey, deviceName }: DeviceIdentity) => `${productKey}/${deviceName}`;

/**
 * Answers `thing.deviceinfo.update` and `…delete`, keeping each device's tags. An update
 * with an empty key, or an empty list, is answered 460 and changes nothing.
 */
export function cloudTags(cloud: CloudSide): CloudTags {
  const tags = new Map<string, Map<string, string>>();
  const of = (device: DeviceIdentity) => {
    let own = tags.get(keyOf(device));
    if (own === undefined) tags.set(keyOf(device), (own = new Map()));
    return own;
  };
  const invalid = { code: ALINK_CODES.invalidParameter, message: 'request parameter error' };
  const subscription = new Subscription();
  subscription.add(
    answerAlink(cloud, anyDeviceTopics.deviceInfoUpdate, DeviceInfoUpdateParams, (params, _, message) => {
      if (params.length === 0 || params.some(({ attrKey }) => attrKey === '')) return invalid;
      const own = of(message);
      for (const { attrKey, attrValue } of params) own.set(attrKey, attrValue);
      return {};
    }),
  );
  subscription.add(
    answerAlink(cloud, anyDeviceTopics.deviceInfoDelete, DeviceInfoDeleteParams, (params, _, message) => {
      if (params.length === 0) return invalid;
      const own = of(message);
      for (const { attrKey } of params) own.delete(attrKey);
      return {};
    }),
  );
  return {
    queryDeviceProp: (device) => Object.fromEntries(tags.get(keyOf(device)) ?? []),
    subscription,
  };
}
