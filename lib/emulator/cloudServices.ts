import {
  defer,
  filter,
  firstValueFrom,
  ignoreElements,
  map,
  merge,
  throwError,
  throwIfEmpty,
  timeout,
  type Observable,
} from 'rxjs';
import { deviceTopics, type DeviceIdentity } from '../identity';
import { firmwarePush, type CloudPayload, type Firmware } from './cloudPayloads';
import type { ReceivedMessage } from './emulatorEvent';
import { DeviceOfflineError, EmulatorClosedError, RrpcTimeoutError } from './emulatorErrors';

export interface RrpcOptions {
  /** How long the device has to answer. Default: 8000 (the platform's limit). */
  readonly timeoutMs?: number | undefined;
}

/** What the platform services need from the emulator. */
export interface CloudSide {
  readonly received$: Observable<ReceivedMessage>;
  isOnline(device: DeviceIdentity): boolean;
  isClosed(): boolean;
  publish(topic: string, payload: CloudPayload, options?: { readonly qos?: 0 | 1 }): Promise<void>;
  /** A fresh message id. */
  nextId(): string;
}

/** Platform services built on publishing to devices and hearing from them (PROTOCOL.md §3, §4). */
export interface CloudServices {
  rrpc(device: DeviceIdentity, request: CloudPayload, options?: RrpcOptions): Promise<Buffer>;
  pushOta(device: DeviceIdentity, firmware: Firmware): Promise<void>;
}

export function cloudServices(cloud: CloudSide): CloudServices {
  return {
    async rrpc(device, request, { timeoutMs = 8000 } = {}) {
      if (cloud.isClosed()) throw new EmulatorClosedError();
      if (!cloud.isOnline(device)) throw new DeviceOfflineError(device);
      const { productKey, deviceName } = device;
      const topics = deviceTopics(device);
      const messageId = cloud.nextId();
      const responseTopic = topics.rrpcResponse(messageId);
      const response$ = cloud.received$.pipe(
        filter(
          (m) => m.productKey === productKey && m.deviceName === deviceName && m.topic === responseTopic,
        ),
        map((m) => m.payload),
      );
      // Listen first, then send; a failed send or the timeout unsubscribes the listener and its timer.
      // received$ completes when the emulator closes: that ends the call too.
      const sent$ = defer(() => cloud.publish(topics.rrpcRequest(messageId), request));
      return firstValueFrom(
        merge(response$, sent$.pipe(ignoreElements())).pipe(
          timeout({
            first: timeoutMs,
            with: () => throwError(() => new RrpcTimeoutError(device, messageId, timeoutMs)),
          }),
          throwIfEmpty(() => new EmulatorClosedError()),
        ),
      );
    },

    pushOta(device, firmware) {
      const { topic, payload } = firmwarePush(device, firmware, cloud.nextId());
      return cloud.publish(topic, payload, { qos: 1 });
    },
  };
}
