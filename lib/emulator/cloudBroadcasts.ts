import { deviceTopics, type DeviceIdentity } from '../identity';
import { platformErrorPayload, type PlatformErrorFields } from '../protocol';
import type { CloudPayload } from './cloudPayloads';
import type { CloudSide } from './CloudSide';

export interface PubBroadcastOptions {
  /**
   * A topic broadcast: `/broadcast/${productKey}/${name}`, delivered to the devices subscribed to it. Default:
   * none, a product broadcast to every online device of the product on `/sys/pk/dn/broadcast/request/${messageId}`,
   * which reaches them without a subscription.
   */
  readonly topicFullName?: string | undefined;
  /** Default: 0. */
  readonly qos?: 0 | 1 | undefined;
}

/** Messages the cloud sends to many devices at once, or about one device (OpenAPI `PubBroadcast`). */
export interface CloudBroadcasts {
  /** Resolves with the broadcast's message id once handed to the devices' connections. */
  pubBroadcast(
    productKey: string,
    message: CloudPayload,
    options?: PubBroadcastOptions,
  ): Promise<{ readonly messageId: string }>;
  /** Sends an error about `device` on `/ext/error/pk/dn`, as the platform does for a failed sub-device. */
  sendError(device: DeviceIdentity, error: PlatformErrorFields): Promise<void>;
}

export function cloudBroadcasts(cloud: CloudSide): CloudBroadcasts {
  return {
    async pubBroadcast(productKey, message, { topicFullName, qos = 0 } = {}) {
      const messageId = cloud.nextId();
      if (topicFullName !== undefined) {
        if (!topicFullName.startsWith(`/broadcast/${productKey}/`))
          throw new TypeError(`a topic broadcast goes to /broadcast/${productKey}/…, not ${topicFullName}`);
        await cloud.publish(topicFullName, message, { qos });
        return { messageId };
      }
      const devices = cloud.onlineDevices().filter((device) => device.productKey === productKey);
      await Promise.all(
        devices.map((device) =>
          cloud.publish(deviceTopics(device).broadcastRequest(messageId), message, { qos }),
        ),
      );
      return { messageId };
    },

    sendError: (device, error) =>
      cloud.publish(deviceTopics(device).error, platformErrorPayload(error), { qos: 1 }),
  };
}
