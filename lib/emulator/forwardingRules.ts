import type { Subscription } from 'rxjs';
import { extractParams, toMqttFilter, type TopicParams } from '../topic';
import type { CloudSide } from './CloudSide';
import type { ReceivedMessage } from './emulatorEvent';

/**
 * A rule of the platform's rules engine that republishes what devices publish (a "republish to another
 * topic" action): what matches `from` is published again by the cloud on `to`, e.g. a device's custom topic
 * to the product's topic broadcast, as the platform can and a device cannot.
 */
export interface ForwardingRule {
  /** A filter of device topics; named wildcards (`/+productKey/+deviceName/user/update`) fill `params`. */
  readonly from: string;
  /** The topic to publish on, or a function of the message and the named wildcards of `from`. */
  readonly to: string | ((message: ReceivedMessage, params: TopicParams) => string);
  /** Default: the QoS the device published with. */
  readonly qos?: 0 | 1 | undefined;
}

/**
 * Runs the rules while subscribed: each device publish that a rule's `from` matches is published again on its
 * `to`, once per rule that matches, as the cloud (so it reaches the devices subscribed to `to`, or the one a
 * direct topic names). A publish the cloud refuses (a bad topic) is dropped, as the rules engine logs and
 * goes on. Throws `InvalidTopicError` for a `from` that is no filter.
 */
export function forwardingRules(cloud: CloudSide, rules: readonly ForwardingRule[]): Subscription[] {
  return rules.map(({ from, to, qos }) =>
    cloud.listen(toMqttFilter(from)).subscribe((message) => {
      const params = extractParams(from, message.topic) ?? {};
      const topic = typeof to === 'string' ? to : to(message, params);
      cloud.publish(topic, message.payload, { qos: qos ?? message.qos }).catch(() => undefined);
    }),
  );
}
