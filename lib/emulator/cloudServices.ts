import { deviceTopics, type DeviceIdentity } from '../identity';
import { RRPC_DEADLINE_MS } from '../protocol';
import type { CloudPayload } from './cloudPayloads';
import { cloudRequest } from './cloudRequest';
import type { CloudSide } from './CloudSide';
import { RrpcTimeoutError } from './emulatorErrors';

export type { CloudSide };

export interface RrpcOptions {
  /** How long the device has to answer. Default: 8000 (the platform's limit). */
  readonly timeoutMs?: number | undefined;
  /**
   * Custom RRPC: the device's own topic to call, e.g. `/pk/dn/user/get`; the request goes on
   * `/ext/rrpc/${messageId}${topic}` and the device answers on the same topic. Default: system RRPC.
   */
  readonly topic?: string | undefined;
}

/** Platform services built on publishing to devices and hearing from them. */
export interface CloudServices {
  rrpc(device: DeviceIdentity, request: CloudPayload, options?: RrpcOptions): Promise<Buffer>;
}

export function cloudServices(cloud: CloudSide): CloudServices {
  return {
    rrpc(device, request, { timeoutMs = RRPC_DEADLINE_MS, topic: custom } = {}) {
      const topics = deviceTopics(device);
      const messageId = cloud.nextId();
      // Custom RRPC is answered on the topic it was asked on; system RRPC on its response topic.
      const topic = custom === undefined ? topics.rrpcRequest(messageId) : topics.extRrpc(messageId, custom);
      const responseTopic = custom === undefined ? topics.rrpcResponse(messageId) : topic;
      return cloudRequest(cloud, {
        call: 'rrpc',
        device,
        topic,
        payload: request,
        qos: 0,
        answerTopic: responseTopic,
        answer: (m) => m.payload,
        timeoutMs,
        timeoutError: () => new RrpcTimeoutError(device, messageId, timeoutMs),
      });
    },
  };
}
