import { deviceTopics, type DeviceIdentity } from '../identity';
import {
  AlinkReply,
  alinkRequest,
  checkPropertySet,
  checkServiceParams,
  RRPC_DEADLINE_MS,
  thingMethods,
  type CallType,
  type ThingModel,
  specOf,
} from '../protocol';
import { cloudRequest, replyWithId } from './cloudRequest';
import type { CloudSide } from './CloudSide';
import { ReplyTimeoutError, RrpcTimeoutError, TslViolationError } from './emulatorErrors';

export interface SetDevicePropertyOptions {
  /** How long the device has to reply. Default: 8000. */
  readonly timeoutMs?: number | undefined;
}

export interface InvokeThingServiceOptions {
  /** How long the device has to reply. Default: 8000 (the platform's limit for sync calls). */
  readonly timeoutMs?: number | undefined;
  /** Default: the thing model's `callType` for the service; without a thing model, `async`. */
  readonly callType?: CallType | undefined;
}

/** The cloud's thing-model calls to devices, named after the platform's server API. */
export interface CloudThingCalls {
  /**
   * OpenAPI `SetDeviceProperty`: sets properties on `/sys/pk/dn/thing/service/property/set` and resolves with
   * the device's reply (whatever its code). Rejects with `TslViolationError` for items the product's thing
   * model refuses, `DeviceOfflineError`, `ReplyTimeoutError` after `timeoutMs`, `EmulatorClosedError`.
   */
  setDeviceProperty(
    device: DeviceIdentity,
    items: Readonly<Record<string, unknown>>,
    options?: SetDevicePropertyOptions,
  ): Promise<AlinkReply>;
  /**
   * OpenAPI `InvokeThingService`: calls a service, over RRPC when it is sync (by the thing model's
   * `callType`, or `options.callType`; default async), and resolves with the device's reply. Rejects with
   * `TslViolationError`, `DeviceOfflineError`, `RrpcTimeoutError` (sync) or `ReplyTimeoutError` (async),
   * `EmulatorClosedError`.
   */
  invokeThingService(
    device: DeviceIdentity,
    identifier: string,
    args: Readonly<Record<string, unknown>>,
    options?: InvokeThingServiceOptions,
  ): Promise<AlinkReply>;
}

export function cloudThingCalls(
  cloud: CloudSide,
  modelOf: (productKey: string) => ThingModel | undefined,
): CloudThingCalls {
  return {
    setDeviceProperty(device, items, { timeoutMs = RRPC_DEADLINE_MS } = {}) {
      const model = modelOf(device.productKey);
      const violations = model === undefined ? [] : checkPropertySet(model, items);
      if (violations.length > 0) return Promise.reject(new TslViolationError(violations));
      const topics = deviceTopics(device);
      const id = cloud.nextId();
      return cloudRequest(cloud, {
        call: 'setDeviceProperty',
        device,
        topic: topics.propertySet,
        payload: alinkRequest({ id, method: thingMethods.propertySet, params: items }),
        qos: 1,
        answerTopic: topics.propertySetReply,
        answer: replyWithId(id),
        timeoutMs,
        timeoutError: () => new ReplyTimeoutError(device, topics.propertySet, id, timeoutMs),
      });
    },

    invokeThingService(device, identifier, args, options = {}) {
      const { timeoutMs = RRPC_DEADLINE_MS } = options;
      const model = modelOf(device.productKey);
      const violations = model === undefined ? [] : checkServiceParams(model, identifier, 'input', args);
      if (violations.length > 0) return Promise.reject(new TslViolationError(violations));
      const callType = options.callType ?? (model && specOf(model.services, identifier)?.callType) ?? 'async';
      const topics = deviceTopics(device);
      const id = cloud.nextId();
      const payload = alinkRequest({ id, method: thingMethods.service(identifier), params: args });
      // Sync: over RRPC, the message id in the topic, answered on the same topic within 8 s.
      const topic =
        callType === 'sync' ? topics.extRrpc(id, topics.service(identifier)) : topics.service(identifier);
      return cloudRequest(cloud, {
        call: 'invokeThingService',
        device,
        topic,
        payload,
        qos: callType === 'sync' ? 0 : 1,
        answerTopic: callType === 'sync' ? topic : topics.serviceReply(identifier),
        answer: replyWithId(id),
        timeoutMs,
        timeoutError: () =>
          callType === 'sync'
            ? new RrpcTimeoutError(device, id, timeoutMs)
            : new ReplyTimeoutError(device, topic, id, timeoutMs),
      });
    },
  };
}
