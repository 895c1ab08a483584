import { isInDeviceNamespace, type DeviceIdentity } from '../identity';
import type { ViolationReason } from './emulatorEvent';

/** The PUBLISH fields the platform's rules look at. */
export interface PublishFields {
  readonly topic: string;
  readonly qos: number;
  readonly retain: boolean;
  readonly payloadBytes: number;
}

/** SUBACK return codes: a granted QoS, or 128 for a failure. */
export type Granted = 0 | 1 | 128;

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
 * retained message, for a topic outside the device's namespace and, here, for a payload
 * over `maxPayloadBytes`. Checked in that order; the first problem is reported.
 */
export function publishViolation(
  device: DeviceIdentity,
  publish: PublishFields,
  maxPayloadBytes: number,
): ViolationReason | undefined {
  if (publish.qos > 1) return 'qos2-publish';
  if (publish.retain) return 'retained-publish';
  if (!isInDeviceNamespace(device, publish.topic)) return 'topic-not-allowed';
  if (publish.payloadBytes > maxPayloadBytes) return 'payload-too-large';
  return undefined;
}

/**
 * The SUBACK code for one filter: a failure (128) for an invalid filter or one outside the device's
 * namespace; otherwise the requested QoS capped at 1 (the platform has no QoS 2 and ignores the
 * subscription QoS beyond that).
 */
export function grantSubscription(device: DeviceIdentity, filter: string, requestedQos: number): Granted {
  if (!isValidFilter(filter) || !isInDeviceNamespace(device, filter)) return 128;
  return requestedQos >= 1 ? 1 : 0;
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
