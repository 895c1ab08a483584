import { isInDeviceNamespace, namespaceOwner, type DeviceIdentity } from '../identity';
import type { OnlineDevice } from './emulatorEvent';
import type { TopicPermissions } from './topicPermissions';

/** A sub-device logged in through a gateway's connection (`combine/login`). */
export interface SubDeviceSession<C> {
  /** The gateway's connection, which carries the sub-device's traffic. */
  readonly client: C;
  readonly gateway: OnlineDevice;
  readonly device: OnlineDevice;
  /** Which way the sub-device may use its topics. */
  readonly permissions: TopicPermissions;
}

const keyOf = ({ productKey, deviceName }: DeviceIdentity): string => `${productKey}/${deviceName}`;

/**
 * The sub-devices logged in, by device and by the connection that carries them. A sub-device has one session
 * at a time; they all end with their gateway's connection (the platform does not log them in again).
 */
export class SubDeviceSessions<C extends object> {
  private readonly byDevice = new Map<string, SubDeviceSession<C>>();
  private readonly byClient = new Map<C, Map<string, SubDeviceSession<C>>>();
  /**
   * Connections that have subscribed for a sub-device or carried one: only their traffic is looked at for
   * sub-devices, so that a device that is no gateway pays nothing for them.
   */
  private readonly carriers = new WeakSet<C>();

  /** Opens a session; returns the one it replaces, on this connection or another. */
  open(session: SubDeviceSession<C>): SubDeviceSession<C> | undefined {
    const key = keyOf(session.device);
    const replaced = this.close(session.device);
    this.byDevice.set(key, session);
    const onClient = this.byClient.get(session.client) ?? new Map<string, SubDeviceSession<C>>();
    this.byClient.set(session.client, onClient);
    onClient.set(key, session);
    this.carriers.add(session.client);
    return replaced;
  }

  /** Ends the session of `device`; returns it, or `undefined` when it had none. */
  close(device: DeviceIdentity): SubDeviceSession<C> | undefined {
    const key = keyOf(device);
    const session = this.byDevice.get(key);
    if (session === undefined) return undefined;
    this.byDevice.delete(key);
    const onClient = this.byClient.get(session.client);
    onClient?.delete(key);
    if (onClient?.size === 0) this.byClient.delete(session.client);
    return session;
  }

  /** Ends every session `client` carries, as its connection ends; returns them. */
  closeAll(client: C): readonly SubDeviceSession<C>[] {
    const ended = [...(this.byClient.get(client)?.values() ?? [])];
    for (const session of ended) this.close(session.device);
    return ended;
  }

  of(device: DeviceIdentity): SubDeviceSession<C> | undefined {
    return this.byDevice.get(keyOf(device));
  }

  /** Whether `client` has ever subscribed for a sub-device or carried one. */
  carries(client: C): boolean {
    return this.carriers.has(client);
  }

  /** Marks `client` as a gateway's, as it subscribes for a sub-device before any login. */
  carry(client: C): void {
    this.carriers.add(client);
  }

  /** How many sub-devices `client` carries now. */
  countOn(client: C): number {
    return this.byClient.get(client)?.size ?? 0;
  }

  /**
   * The session on `client` whose namespace holds a topic or filter: found by the device the topic names,
   * or (a topic broadcast names only the product) by a look at each sub-device of the connection.
   */
  forTopic(client: C, topic: string): SubDeviceSession<C> | undefined {
    const owner = namespaceOwner(topic);
    if (owner !== undefined) {
      const session = this.byDevice.get(keyOf(owner));
      return session?.client === client ? session : undefined;
    }
    for (const session of this.byClient.get(client)?.values() ?? []) {
      if (isInDeviceNamespace(session.device, topic)) return session;
    }
    return undefined;
  }

  /** Whether no sub-device is logged in. */
  isEmpty(): boolean {
    return this.byDevice.size === 0;
  }

  /** Every sub-device logged in now. */
  devices(): readonly OnlineDevice[] {
    return [...this.byDevice.values()].map((session) => session.device);
  }
}
