import { isInDeviceNamespace, type DeviceIdentity } from '../identity/deviceNamespace';
import { validateTopic } from '../topic/validateTopic';
import { PublishRefusedError } from './errors';
import { encodePayload, type OutboundMessage } from './messages';
import type { PublishJob } from './PublishSink';

export interface PublishRules {
  /** The device whose namespace topics must lie in; `undefined` checks no namespace. */
  readonly identity?: DeviceIdentity;
  readonly maxPayloadBytes: number;
  readonly maxTopicBytes: number;
}

/**
 * Checks a publish command against MQTT and the platform's rules (PROTOCOL.md §1, §3) and encodes it.
 * Total: a refusal is returned, not thrown.
 */
export function checkPublish(
  message: OutboundMessage,
  rules: PublishRules,
): PublishJob | PublishRefusedError {
  const { topic, payload, qos = 0, retain = false } = message;
  const refuse = (reason: ConstructorParameters<typeof PublishRefusedError>[0], detail: string) =>
    new PublishRefusedError(reason, String(topic), detail);

  if (qos !== 0 && qos !== 1)
    return refuse('qos-not-supported', `QoS ${String(qos)} is not supported, only 0 and 1`);
  if (retain) return refuse('retain-not-supported', 'the platform does not support retained messages');
  const invalid = validateTopic(topic);
  if (invalid) return refuse('invalid-topic', invalid.reason);
  const topicBytes = Buffer.byteLength(topic, 'utf8');
  if (topicBytes > rules.maxTopicBytes) {
    return refuse('topic-too-long', `the topic has ${topicBytes} bytes, the limit is ${rules.maxTopicBytes}`);
  }
  if (rules.identity && !isInDeviceNamespace(rules.identity, topic)) {
    return refuse('outside-namespace', "the topic is outside the device's own namespace");
  }
  let bytes: Buffer;
  try {
    bytes = encodePayload(payload);
  } catch (error) {
    return refuse('invalid-payload', `the payload cannot be JSON-encoded: ${(error as Error).message}`);
  }
  if (bytes.length > rules.maxPayloadBytes) {
    return refuse(
      'payload-too-large',
      `the payload has ${bytes.length} bytes, the limit is ${rules.maxPayloadBytes}`,
    );
  }
  return { topic, payload: bytes, qos };
}
