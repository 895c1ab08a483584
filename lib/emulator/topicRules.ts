import { isInDeviceNamespace, type DeviceIdentity } from '../identity';
import type { SubscriptionRefusal, ViolationReason } from './emulatorEvent';
import type { TopicPermissions } from './topicPermissions';

/** The PUBLISH fields the platform's rules look at. */
export interface PublishFields {
  readonly topic: string;
  readonly qos: number;
  readonly retain: boolean;
  readonly payloadBytes: number;
}

/**
 * A filter as MQTT 3.1.1 §4.7 has it: not empty, no NUL, `+` and `#` only as a whole level, `#` only last.
 * (aedes checks less strictly before the emulator sees the filter; what it refuses closes the connection.)
 */
export function isValidFilter(filter: string): boolean {
  if (filter.length === 0 || filter.includes('\u0000') || Buffer.byteLength(filter) > 65535) return false;
  const levels = filter.split('/');
  return levels.every(
    (level, i) =>
      (level === '#' && i === levels.length - 1) ||
      level === '+' ||
      (!level.includes('#') && !level.includes('+')),
  );
}

/**
 * What is wrong with a device's PUBLISH, if anything: the platform closes the connection for QoS 2, for a
 * retained message, for a topic outside the device's namespace and, here, for a payload over
 * `maxPayloadBytes`; a topic the device may not publish on (one it only receives, or none of its topics) is
 * `not-publishable`, which the emulator's `wrongDirection` option handles. Checked in that order; the first
 * problem is reported.
 */
export function publishViolation(
  device: DeviceIdentity,
  publish: PublishFields,
  maxPayloadBytes: number,
  permissions?: TopicPermissions,
): ViolationReason | undefined {
  if (publish.qos > 1) return 'qos2-publish';
  if (publish.retain) return 'retained-publish';
  if (!isInDeviceNamespace(device, publish.topic)) return 'topic-not-allowed';
  if (publish.payloadBytes > maxPayloadBytes) return 'payload-too-large';
  if (permissions !== undefined && !permissions.mayPublish(publish.topic)) return 'not-publishable';
  return undefined;
}

/**
 * Why a filter is refused (SUBACK 128), if it is: not a valid filter, outside the device's namespace, or
 * reaching no topic the device may receive (a topic it only publishes on).
 */
export function subscriptionRefusal(
  device: DeviceIdentity,
  filter: string,
  permissions?: TopicPermissions,
): SubscriptionRefusal | undefined {
  if (!isValidFilter(filter)) return 'invalid-filter';
  if (!isInDeviceNamespace(device, filter)) return 'outside-namespace';
  if (permissions !== undefined && !permissions.maySubscribe(filter)) return 'not-subscribable';
  return undefined;
}

const directTopics: readonly RegExp[] = [
  /^\/sys\/[^/+#]+\/[^/+#]+\/rrpc\/request\/[^/+#]+$/,
  /^\/sys\/[^/+#]+\/[^/+#]+\/broadcast\/request\/[^/+#]+$/,
  /^\/ext\/rrpc\/[^/+#]+\/.+$/,
];

/**
 * Topics the platform delivers to a device without a subscription: system RRPC requests,
 * product broadcasts, and RRPC on `/ext/rrpc/…`.
 */
export function isDirectTopic(topic: string): boolean {
  return directTopics.some((pattern) => pattern.test(topic));
}
