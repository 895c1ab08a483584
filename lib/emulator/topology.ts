import type { DeviceIdentity } from '../identity';

const keyOf = ({ productKey, deviceName }: DeviceIdentity): string => `${productKey}/${deviceName}`;

/**
 * Which sub-devices each gateway may speak for, as the platform's console keeps it (OpenAPI `GetThingTopo`). A
 * sub-device belongs to one gateway at a time: adding it to another moves it.
 */
export class Topology {
  private readonly subDevices = new Map<string, Map<string, DeviceIdentity>>();
  private readonly gateways = new Map<string, DeviceIdentity>();

  /** Adds `sub` to `gateway`'s topology; returns the gateway it belonged to before, if another. */
  add(gateway: DeviceIdentity, sub: DeviceIdentity): DeviceIdentity | undefined {
    const previous = this.gatewayOf(sub);
    if (previous !== undefined && keyOf(previous) !== keyOf(gateway)) this.remove(previous, sub);
    const list = this.subDevices.get(keyOf(gateway)) ?? new Map<string, DeviceIdentity>();
    this.subDevices.set(keyOf(gateway), list);
    list.set(keyOf(sub), { productKey: sub.productKey, deviceName: sub.deviceName });
    this.gateways.set(keyOf(sub), { productKey: gateway.productKey, deviceName: gateway.deviceName });
    return previous !== undefined && keyOf(previous) !== keyOf(gateway) ? previous : undefined;
  }

  /** Removes `sub` from `gateway`'s topology; `false` when it was not in it. */
  remove(gateway: DeviceIdentity, sub: DeviceIdentity): boolean {
    const removed = this.subDevices.get(keyOf(gateway))?.delete(keyOf(sub)) === true;
    if (removed) this.gateways.delete(keyOf(sub));
    return removed;
  }

  has(gateway: DeviceIdentity, sub: DeviceIdentity): boolean {
    return this.subDevices.get(keyOf(gateway))?.has(keyOf(sub)) === true;
  }

  /** The sub-devices of `gateway`, in the order they were added. */
  subDevicesOf(gateway: DeviceIdentity): readonly DeviceIdentity[] {
    return [...(this.subDevices.get(keyOf(gateway))?.values() ?? [])];
  }

  gatewayOf(sub: DeviceIdentity): DeviceIdentity | undefined {
    return this.gateways.get(keyOf(sub));
  }
}
