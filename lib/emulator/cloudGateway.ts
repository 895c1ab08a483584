import * as t from 'io-ts';
import { Subscription } from 'rxjs';
import { deviceTopics, type DeviceIdentity } from '../identity';
import type { SignMethod } from '../identity/signContent';
import {
  ALINK_CODES,
  alinkRequest,
  CombineBatchLoginParams,
  CombineLoginParams,
  GATEWAY_CODES,
  GATEWAY_LIMITS,
  GATEWAY_METHODS,
  identitiesOf,
  identityOf,
  PLATFORM_ERROR_CODES,
  ProductRegisterParams,
  SubDeviceIdentity,
  SubDeviceList,
  subDeviceSign,
  TOPO_CHANGE_STATUS,
  TopoAddParams,
  type ProxiedEntry,
  type TopoAddEntry,
} from '../protocol';
import { answerAlink, type CloudAnswer } from './answerAlink';
import type { CloudSide } from './CloudSide';
import type { DeviceRegistry } from './deviceRegistry';
import type { OnlineDevice, ReceivedMessage } from './emulatorEvent';
import type { PlatformBroker } from './platformBroker';
import { REGISTRATION_REFUSALS } from './httpsRegistration';
import { registrationProblem } from './registrationLogin';
import type { Topology } from './topology';

/** The gateways' calls of the cloud's server API (OpenAPI). */
export interface CloudGatewayCalls {
  /** OpenAPI `GetThingTopo`: the sub-devices of a gateway's topology, in the order they were added. */
  getThingTopo(gateway: DeviceIdentity): readonly DeviceIdentity[];
  /**
   * OpenAPI `RemoveThingTopo`: takes a sub-device out of its gateway's topology, ends its session, and tells
   * the gateway (`thing.topo.change`, status 1) if it is online. Resolves with `false` when the sub-device had
   * no gateway.
   */
  removeThingTopo(subDevice: DeviceIdentity): Promise<boolean>;
}

export interface CloudGateway extends CloudGatewayCalls {
  /**
   * `thing.topo.change` to a gateway that is online (`TOPO_CHANGE_STATUS`): the cloud changed these
   * sub-devices of its topology. Nothing for none, or a gateway offline.
   */
  tellTopologyChange(gateway: DeviceIdentity, status: number, subs: readonly DeviceIdentity[]): Promise<void>;
  readonly subscription: Subscription;
}

// The platform's codes for a refused sub-device. Which of them it sends for a wrong sign is unverified
// (PROTOCOL.md §7 gives none): the emulator answers 460, a request parameter error, with the reason.
const REFUSED = {
  unknown: (sub: DeviceIdentity): CloudAnswer => ({
    code: ALINK_CODES.deviceNotFound,
    message: `the device ${nameOf(sub)} does not exist`,
  }),
  disabled: (sub: DeviceIdentity): CloudAnswer => ({
    code: ALINK_CODES.deviceDisabled,
    message: `the device ${nameOf(sub)} is disabled`,
  }),
  sign: (sub: DeviceIdentity): CloudAnswer => ({
    code: ALINK_CODES.invalidParameter,
    message: `the sign of ${nameOf(sub)} does not match its deviceSecret`,
  }),
  notInTopology: (sub: DeviceIdentity): CloudAnswer => ({
    code: PLATFORM_ERROR_CODES.topoRelationNotExist,
    message: `${nameOf(sub)} is not in the topology of this gateway`,
  }),
  tooMany: (limit: number): CloudAnswer => ({
    code: ALINK_CODES.invalidParameter,
    message: `at most ${limit} sub-devices in one request`,
  }),
  registered: (sub: DeviceIdentity): CloudAnswer => ({
    code: ALINK_CODES.invalidParameter,
    message: `${nameOf(sub)} is registered already`,
  }),
  self: (): CloudAnswer => ({
    code: GATEWAY_CODES.cannotAddSelf,
    message: 'a gateway cannot be its own sub-device',
  }),
};

const nameOf = ({ productKey, deviceName }: DeviceIdentity) => `${productKey}/${deviceName}`;
const sameDevice = (a: DeviceIdentity, b: DeviceIdentity) =>
  a.productKey === b.productKey && a.deviceName === b.deviceName;
const gatewayOf = (message: ReceivedMessage): OnlineDevice => ({
  productKey: message.productKey,
  deviceName: message.deviceName,
  clientId: message.clientId,
});

interface Signed extends DeviceIdentity {
  readonly clientId: string;
  readonly timestamp: string;
  readonly sign: string;
}

/**
 * The cloud side of gateways: the topology (`thing.topo.add`, `delete`, `get`), sub-device
 * registration (`thing.sub.register`, and with a product's secret `thing.proxy.provisioning.product_register`), and the logins over the gateway's connection (`combine/login`,
 * `batch_login`, `logout`, `batch_logout`), whose sessions the broker keeps.
 */
export function cloudGateway(
  cloud: CloudSide,
  registry: DeviceRegistry,
  topology: Topology,
  broker: Pick<PlatformBroker, 'loginSubDevices' | 'logoutSubDevice'>,
): CloudGateway {
  /** Why a signed sub-device may not be added or log in, or `undefined`. */
  const refusalOf = (gateway: DeviceIdentity, sub: Signed, method: SignMethod): CloudAnswer | undefined => {
    if (sameDevice(gateway, sub)) return REFUSED.self();
    const secret = registry.isKnown(sub) ? registry.secretOf(sub) : undefined;
    if (secret === undefined) return REFUSED.unknown(sub);
    if (registry.isDisabled(sub)) return REFUSED.disabled(sub);
    return subDeviceSign(method, secret, sub) === sub.sign.toLowerCase() ? undefined : REFUSED.sign(sub);
  };

  /** What a secret store kept from an earlier run, for the sub-devices a request names. */
  const recallAll = async (subs: readonly DeviceIdentity[]): Promise<void> => {
    for (const sub of subs) await registry.recall(identityOf(sub));
  };

  const removeFromTopology = (gateway: DeviceIdentity, subs: readonly DeviceIdentity[]) => {
    const removed = subs.filter((sub) => topology.remove(gateway, sub));
    for (const sub of removed) broker.logoutSubDevice(sub, 'topology-removed');
    if (removed.length > 0) cloud.emit({ type: 'topology', gateway, change: 'removed', devices: removed });
    return removed;
  };

  /** Logs each in, once every one has passed: all or nothing. */
  const logIn = (gateway: OnlineDevice, subs: readonly Signed[], method: SignMethod): CloudAnswer => {
    for (const sub of subs) {
      if (!topology.has(gateway, sub)) return REFUSED.notInTopology(sub);
      const refusal = refusalOf(gateway, sub, method);
      if (refusal !== undefined) return refusal;
    }
    const devices = subs.map(({ productKey, deviceName, clientId }) => ({
      productKey,
      deviceName,
      clientId,
    }));
    const outcome = broker.loginSubDevices(gateway, devices);
    if (outcome === 'limit') {
      return {
        code: ALINK_CODES.tooManyRequests,
        message: `at most ${GATEWAY_LIMITS.onlinePerGateway} sub-devices online through one gateway`,
      };
    }
    if (outcome === 'gateway-offline') {
      return { code: PLATFORM_ERROR_CODES.sessionError, message: 'the gateway is offline' };
    }
    return { data: identitiesOf(subs) };
  };

  /** Logs out the sub-devices this gateway carries; another gateway's are left alone. */
  const logOut = (gateway: DeviceIdentity, subs: readonly DeviceIdentity[]) => {
    for (const sub of subs) broker.logoutSubDevice(sub, 'logout', gateway);
  };

  const tellTopologyChange = async (
    gateway: DeviceIdentity,
    status: number,
    subs: readonly DeviceIdentity[],
  ): Promise<void> => {
    if (subs.length === 0 || !cloud.isOnline(gateway)) return;
    const payload = alinkRequest({
      id: cloud.nextId(),
      method: GATEWAY_METHODS.topoChange,
      params: { status, subList: subs },
    });
    await cloud.publish(deviceTopics(gateway).topoChange, payload, { qos: 1 });
  };
  /** The cloud took these out of the gateway's topology. */
  const tellRemoved = (gateway: DeviceIdentity, removed: readonly DeviceIdentity[]) =>
    tellTopologyChange(gateway, TOPO_CHANGE_STATUS.deleted, removed);

  const topoAdd = (gateway: DeviceIdentity, entries: readonly TopoAddEntry[]): CloudAnswer => {
    if (entries.length > GATEWAY_LIMITS.topologyPerRequest)
      return REFUSED.tooMany(GATEWAY_LIMITS.topologyPerRequest);
    for (const entry of entries) {
      const refusal = refusalOf(gateway, entry, entry.signmethod);
      if (refusal !== undefined) return refusal;
    }
    const added = identitiesOf(entries);
    for (const sub of added) {
      const previous = topology.add(gateway, sub);
      if (previous !== undefined) {
        broker.logoutSubDevice(sub, 'topology-removed');
        cloud.emit({ type: 'topology', gateway: previous, change: 'removed', devices: [sub] });
        // Told, as for RemoveThingTopo: its sessions of the sub-device have ended.
        tellRemoved(previous, [sub]).catch(() => undefined);
      }
    }
    cloud.emit({ type: 'topology', gateway, change: 'added', devices: added });
    return { data: added };
  };

  /**
   * Secrets for sub-devices the console knows that have none yet; one that has a secret, or has logged in, is
   * refused: the platform does not hand out a secret twice.
   */
  const registering = new Set<string>();
  const subRegister = async (list: readonly DeviceIdentity[]): Promise<CloudAnswer> => {
    if (list.length > GATEWAY_LIMITS.topologyPerRequest)
      return REFUSED.tooMany(GATEWAY_LIMITS.topologyPerRequest);
    await recallAll(list);
    for (const sub of list) {
      if (!registry.isKnown(sub)) return REFUSED.unknown(sub);
      if (registry.isDisabled(sub)) return REFUSED.disabled(sub);
      const taken =
        registry.secretOf(sub) !== undefined || registry.isActivated(sub) || registering.has(nameOf(sub));
      if (taken) return REFUSED.registered(sub);
    }
    // Claimed before the first await: a second request meanwhile is refused, not given a second secret.
    const subs = identitiesOf(list);
    for (const sub of subs) registering.add(nameOf(sub));
    try {
      const data = [];
      for (const sub of subs) data.push({ ...sub, deviceSecret: await registry.issueSecret(sub) });
      return { data };
    } finally {
      for (const sub of subs) registering.delete(nameOf(sub));
    }
  };

  /**
   * `product_register`: each sub-device registered with its product's secret as a device registers itself
   * (dynamic registration on, known to the console, the sign verified, not activated), or refused with why.
   */
  const productRegister = async (entries: readonly ProxiedEntry[]): Promise<CloudAnswer> => {
    if (entries.length > GATEWAY_LIMITS.topologyPerRequest)
      return REFUSED.tooMany(GATEWAY_LIMITS.topologyPerRequest);
    // What a secret store kept from an earlier run counts, as for a device's own registration.
    await recallAll(entries);
    const successes = [];
    const failures = [];
    for (const { productKey, deviceName, random, signMethod, sign } of entries) {
      const device = { productKey, deviceName };
      const request = {
        device,
        method: 'register' as const,
        random,
        signMethod: signMethod.toLowerCase(),
        sign,
      };
      const problem =
        registrationProblem(registry, request) ??
        (registry.secretOf(device) !== undefined || registering.has(nameOf(device))
          ? 'device-already-activated'
          : undefined);
      if (problem !== undefined) {
        const refusal = REGISTRATION_REFUSALS[problem] ?? {
          code: ALINK_CODES.invalidParameter,
          message: problem,
        };
        failures.push({ ...device, ...refusal });
        continue;
      }
      registering.add(nameOf(device));
      try {
        successes.push({ ...device, deviceSecret: await registry.issueSecret(device) });
      } finally {
        registering.delete(nameOf(device));
      }
    }
    return { data: { successes, failures } };
  };

  const subscription = new Subscription();
  const answers = [
    answerAlink(cloud, '/sys/+/+/thing/topo/add', TopoAddParams, async (params, _request, message) => {
      await recallAll(params);
      return topoAdd(identityOf(message), params);
    }),
    answerAlink(cloud, '/sys/+/+/thing/topo/delete', SubDeviceList, (params, _request, message) =>
      params.length > GATEWAY_LIMITS.topologyPerRequest
        ? REFUSED.tooMany(GATEWAY_LIMITS.topologyPerRequest)
        : { data: removeFromTopology(identityOf(message), identitiesOf(params)) },
    ),
    answerAlink(cloud, '/sys/+/+/thing/topo/get', t.unknown, (_params, _request, message) => ({
      data: topology.subDevicesOf(identityOf(message)),
    })),
    answerAlink(cloud, '/sys/+/+/thing/sub/register', SubDeviceList, (params) => subRegister(params)),
    answerAlink(
      cloud,
      '/sys/+/+/thing/proxy/provisioning/product_register',
      ProductRegisterParams,
      (params) => productRegister(params.proxieds),
    ),
    answerAlink(
      cloud,
      '/ext/session/+/+/combine/login',
      CombineLoginParams,
      async (params, _request, message) => {
        await recallAll([params]);
        const answer = logIn(gatewayOf(message), [params], params.signMethod);
        // One sub-device: its identity, not a list.
        return answer.code === undefined ? { data: identitiesOf([params])[0] } : answer;
      },
    ),
    answerAlink(
      cloud,
      '/ext/session/+/+/combine/batch_login',
      CombineBatchLoginParams,
      async (params, _request, message) => {
        if (params.deviceList.length > GATEWAY_LIMITS.batchLogin)
          return REFUSED.tooMany(GATEWAY_LIMITS.batchLogin);
        await recallAll(params.deviceList);
        return logIn(gatewayOf(message), params.deviceList, params.signMethod);
      },
    ),
    answerAlink(cloud, '/ext/session/+/+/combine/logout', SubDeviceIdentity, (params, _request, message) => {
      logOut(identityOf(message), [params]);
      return { data: identitiesOf([params])[0] };
    }),
    answerAlink(
      cloud,
      '/ext/session/+/+/combine/batch_logout',
      SubDeviceList,
      (params, _request, message) => {
        logOut(identityOf(message), params);
        return { data: identitiesOf(params) };
      },
    ),
  ];
  for (const answer of answers) subscription.add(answer);

  return {
    subscription,
    tellTopologyChange,
    getThingTopo: (gateway) => topology.subDevicesOf(gateway),
    async removeThingTopo(sub) {
      const gateway = topology.gatewayOf(sub);
      if (gateway === undefined) return false;
      await tellRemoved(gateway, removeFromTopology(gateway, [sub]));
      return true;
    },
  };
}
