import { deviceTopics } from '../identity';

/**
 * The device topics of any device, `+` for the product key and the device name: the filters the cloud side
 * listens on, built with the same builders as each device's own topics, so that the two cannot drift.
 */
export const anyDeviceTopics = deviceTopics({ productKey: '+', deviceName: '+' });
