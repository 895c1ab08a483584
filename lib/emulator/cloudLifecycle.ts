import { deviceTopics, type DeviceIdentity } from '../identity';
import { alinkRequest, GATEWAY_METHODS, RRPC_DEADLINE_MS, TOPO_CHANGE_STATUS } from '../protocol';
import type { CloudGateway } from './cloudGateway';
import { cloudRequest, replyWithId } from './cloudRequest';
import type { CloudSide } from './CloudSide';
import type { DeviceRegistry } from './deviceRegistry';
import {
  DeviceNotFoundError,
  DeviceOfflineError,
  EmulatorClosedError,
  ReplyTimeoutError,
} from './emulatorErrors';
import type { PlatformBroker } from './platformBroker';
import type { Topology } from './topology';

export interface LifecycleOptions {
  /**
   * How long a sub-device with a session is given to answer `thing.disable` or `thing.delete` before its
   * session ends anyway. Default: 8000.
   */
  readonly timeoutMs?: number | undefined;
}

/** The console's lifecycle of a device, named after the platform's server API (OpenAPI). */
export interface CloudLifecycleCalls {
  /**
   * OpenAPI `DisableThing`: the device may not log in (CONNACK 5; a sub-device's login and topology add are
   * answered 6204) until it is enabled again. A device online is disconnected (`disabled`). A sub-device with
   * a session is sent `thing.disable` through its gateway and its session ends once it has answered (or after
   * `timeoutMs`); its gateway, when online, is sent `thing.topo.change` status 8. The sub-device's answer needs
   * its session: one that logs out first is not heard. Rejects with `DeviceNotFoundError` for a device the
   * emulator does not know (what its secret store keeps counts), and `EmulatorClosedError`. Calls for one
   * device run one after another, in the order they were made.
   */
  disableThing(device: DeviceIdentity, options?: LifecycleOptions): Promise<void>;
  /**
   * OpenAPI `EnableThing`: the device may log in again. A sub-device's gateway, when online, is sent
   * `thing.topo.change` status 2 (a disabled sub-device has no session to get `thing.enable` on). A device
   * that is not disabled is left as it is.
   */
  enableThing(device: DeviceIdentity): Promise<void>;
  /**
   * OpenAPI `DeleteDevice`: the device's secret and token are forgotten for the rest of the run (its property
   * values, shadow, desired properties and tags stay, for a device registered again under its name), and its
   * connection is closed (`deleted`). A sub-device with a session is sent `thing.delete` first, as for
   * `disableThing`; one in a topology leaves it, its gateway told as by `removeThingTopo`; a gateway's own
   * topology goes.
   */
  deleteDevice(device: DeviceIdentity, options?: LifecycleOptions): Promise<void>;
}

export function cloudLifecycle(
  cloud: CloudSide,
  registry: DeviceRegistry,
  topology: Topology,
  broker: Pick<PlatformBroker, 'drop' | 'carrierOf'>,
  gateways: Pick<CloudGateway, 'removeThingTopo' | 'tellTopologyChange'>,
): CloudLifecycleCalls {
  /** The device as the registry knows it, what a secret store kept of it read first. */
  const known = async (device: DeviceIdentity) => {
    if (cloud.isClosed()) throw new EmulatorClosedError();
    await registry.recall(device);
    if (!registry.isKnown(device)) throw new DeviceNotFoundError(device);
    return { productKey: device.productKey, deviceName: device.deviceName };
  };

  // One call at a time for each device: an enableThing that comes while disableThing waits for the
  // sub-device's answer runs after it, so that the last call made is the state the device ends in.
  const queues = new Map<string, Promise<unknown>>();
  const inTurn = <A>(device: DeviceIdentity, call: () => Promise<A>): Promise<A> => {
    const key = `${device.productKey}/${device.deviceName}`;
    const previous = queues.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(call);
    const settled = next.catch(() => undefined);
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return next;
  };

  /** Tells a sub-device with a session through its gateway, and gives it `timeoutMs` to answer. */
  async function notify(device: DeviceIdentity, command: 'disable' | 'delete', timeoutMs: number) {
    if (broker.carrierOf(device) === undefined) return;
    const topics = deviceTopics(device);
    const id = cloud.nextId();
    const topic = topics[command];
    try {
      await cloudRequest(cloud, {
        call: command === 'disable' ? 'disableThing' : 'deleteDevice',
        device,
        topic,
        payload: alinkRequest({ id, method: GATEWAY_METHODS[command], params: {} }),
        qos: 1,
        answerTopic: `${topic}_reply`,
        answer: replyWithId(id),
        timeoutMs,
        timeoutError: () => new ReplyTimeoutError(device, topic, id, timeoutMs),
      });
    } catch (error) {
      // Whatever it answers, or if it does not (or has just gone), it is disabled (deleted); the emulator
      // closing ends the call.
      if (!(error instanceof ReplyTimeoutError || error instanceof DeviceOfflineError)) throw error;
    }
  }

  /** `thing.topo.change` to the gateway of a sub-device, when it is in a topology and the gateway online. */
  const tellGateway = async (device: DeviceIdentity, status: number) => {
    const gateway = topology.gatewayOf(device);
    if (gateway !== undefined) await gateways.tellTopologyChange(gateway, status, [device]);
  };

  return {
    disableThing: (target, { timeoutMs = RRPC_DEADLINE_MS } = {}) =>
      inTurn(target, async () => {
        const device = await known(target);
        // First, so that no login gets in while the sub-device is told.
        registry.setDisabled(device, true);
        await notify(device, 'disable', timeoutMs);
        await broker.drop(device, 'disabled');
        await tellGateway(device, TOPO_CHANGE_STATUS.disabled);
        cloud.emit({ type: 'lifecycle', device, change: 'disabled' });
      }),

    enableThing: (target) =>
      inTurn(target, async () => {
        const device = await known(target);
        if (!registry.isDisabled(device)) return;
        registry.setDisabled(device, false);
        await tellGateway(device, TOPO_CHANGE_STATUS.enabled);
        cloud.emit({ type: 'lifecycle', device, change: 'enabled' });
      }),

    deleteDevice: (target, { timeoutMs = RRPC_DEADLINE_MS } = {}) =>
      inTurn(target, async () => {
        const device = await known(target);
        // Disabled while it is told, as above; forgotten once it has been.
        registry.setDisabled(device, true);
        await notify(device, 'delete', timeoutMs);
        await broker.drop(device, 'deleted');
        await gateways.removeThingTopo(device);
        // A gateway's topology goes with it.
        const carried = topology.subDevicesOf(device).filter((sub) => topology.remove(device, sub));
        if (carried.length > 0) {
          cloud.emit({ type: 'topology', gateway: device, change: 'removed', devices: carried });
        }
        registry.forget(device);
        cloud.emit({ type: 'lifecycle', device, change: 'deleted' });
      }),
  };
}
