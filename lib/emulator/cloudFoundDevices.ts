import { Subscription } from 'rxjs';
import { deviceTopics, DeviceName, type DeviceIdentity } from '../identity';
import {
  alinkRequest,
  GATEWAY_CODES,
  GATEWAY_METHODS,
  identitiesOf,
  identityOf,
  RRPC_DEADLINE_MS,
  SubDeviceList,
  type AlinkReply,
} from '../protocol';
import { answerAlink, type CloudAnswer } from './answerAlink';
import { cloudRequest, replyWithId } from './cloudRequest';
import type { CloudSide } from './CloudSide';
import type { DeviceRegistry } from './deviceRegistry';
import { ReplyTimeoutError } from './emulatorErrors';

export interface NotifyAddThingTopoOptions {
  /** How long the gateway has to reply. Default: 8000. */
  readonly timeoutMs?: number | undefined;
}

/** The cloud's side of sub-devices a gateway finds, and of asking a gateway to add some. */
export interface CloudFoundDevicesCalls {
  /**
   * The sub-devices a gateway reported with `thing.list.found`, first found first, each once. The platform
   * hands them on through its rules engine rather than an API; here they are also `sub-devices-found` events.
   */
  foundSubDevices(gateway: DeviceIdentity): readonly DeviceIdentity[];
  /**
   * OpenAPI `NotifyAddThingTopo`: asks an online gateway to add these sub-devices to its topology
   * (`thing.topo.add.notify`), and resolves with its reply (whatever its code); the gateway adds them with
   * `thing.topo.add`. Rejects with `DeviceOfflineError`, `ReplyTimeoutError` after `timeoutMs`,
   * `EmulatorClosedError`, and a TypeError for an empty list.
   */
  notifyAddThingTopo(
    gateway: DeviceIdentity,
    subDevices: readonly DeviceIdentity[],
    options?: NotifyAddThingTopoOptions,
  ): Promise<AlinkReply>;
}

export interface CloudFoundDevices extends CloudFoundDevicesCalls {
  readonly subscription: Subscription;
}

const keyOf = ({ productKey, deviceName }: DeviceIdentity) => `${productKey}/${deviceName}`;

/**
 * The cloud side of `thing.list.found` (a found sub-device of an unknown product is refused with 6250, a name
 * that is not a device name with 6280, as documented) and of `thing.topo.add.notify`.
 */
export function cloudFoundDevices(cloud: CloudSide, registry: DeviceRegistry): CloudFoundDevices {
  const found = new Map<string, Map<string, DeviceIdentity>>();

  const refusalOf = (subs: readonly DeviceIdentity[]): CloudAnswer | undefined => {
    for (const sub of subs) {
      if (registry.product(sub.productKey) === undefined)
        return { code: GATEWAY_CODES.productNotFound, message: `product ${sub.productKey} does not exist` };
      if (!DeviceName.is(sub.deviceName))
        return {
          code: GATEWAY_CODES.invalidDeviceName,
          message: `${JSON.stringify(sub.deviceName)} is no device name: 4 to 32 letters, digits and _ - . @ :`,
        };
    }
    return undefined;
  };

  const subscription = new Subscription();
  subscription.add(
    answerAlink(cloud, '/sys/+/+/thing/list/found', SubDeviceList, (params, _request, message) => {
      // An empty list is a report too: the documentation says `params` may be empty.
      const refusal = refusalOf(params);
      if (refusal !== undefined) return refusal;
      const gateway = identityOf(message);
      const list = found.get(keyOf(gateway)) ?? new Map<string, DeviceIdentity>();
      found.set(keyOf(gateway), list);
      const devices = identitiesOf(params);
      for (const sub of devices) if (!list.has(keyOf(sub))) list.set(keyOf(sub), sub);
      cloud.emit({ type: 'sub-devices-found', gateway, devices });
      return { data: {} };
    }),
  );

  return {
    subscription,
    foundSubDevices: (gateway) => [...(found.get(keyOf(gateway))?.values() ?? [])],
    notifyAddThingTopo(gateway, subs, { timeoutMs = RRPC_DEADLINE_MS } = {}) {
      if (subs.length === 0) return Promise.reject(new TypeError('notifyAddThingTopo needs sub-devices'));
      const topics = deviceTopics(gateway);
      const id = cloud.nextId();
      return cloudRequest(cloud, {
        call: 'notifyAddThingTopo',
        device: gateway,
        topic: topics.topoAddNotify,
        payload: alinkRequest({ id, method: GATEWAY_METHODS.topoAddNotify, params: identitiesOf(subs) }),
        qos: 1,
        answerTopic: topics.topoAddNotifyReply,
        answer: replyWithId(id),
        timeoutMs,
        timeoutError: () => new ReplyTimeoutError(gateway, topics.topoAddNotify, id, timeoutMs),
      });
    },
  };
}
