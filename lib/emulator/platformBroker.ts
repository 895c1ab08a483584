import type { AuthenticateError, Client, PublishPacket } from 'aedes';
import type { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { BehaviorSubject, Observable, Subject, type Subscriber } from 'rxjs';
import { isInDeviceNamespace, type DeviceIdentity } from '../identity';
import { TopicRouter } from '../topic';
import { authenticateDevice, type DeviceDirectory } from './authenticateDevice';
import type { DisconnectReason, EmulatorEvent, OnlineDevice, ReceivedMessage } from './emulatorEvent';
import type { Transport } from './transport';
import type { CreateBroker } from './loadAedes';
import { grantSubscription, isDirectTopic, publishViolation } from './topicRules';

/** The device side of the emulator: an aedes broker whose hooks apply the platform's rules. */
export interface PlatformBroker {
  readonly received$: Observable<ReceivedMessage>;
  readonly devices$: Observable<readonly OnlineDevice[]>;
  readonly events$: Observable<EmulatorEvent>;
  /**
   * What devices publish on topics that match `filter`, while subscribed: how the cloud side of a service
   * hears its requests. Hot; completes on close.
   */
  listen(filter: string): Observable<ReceivedMessage>;
  /** Serves MQTT on an accepted connection, telling how it came in. */
  handle(stream: Duplex, transport: Transport): void;
  isOnline(device: DeviceIdentity): boolean;
  /** The devices online now. */
  onlineDevices(): readonly OnlineDevice[];
  /** Publishes as the platform; resolves once handed to the devices' connections. */
  deliver(topic: string, payload: Buffer, qos: 0 | 1): Promise<void>;
  /** Closes the connection of one device, or of all, as a network failure would. */
  drop(device?: DeviceIdentity): Promise<void>;
  /** Closes every connection and the broker, then completes the streams. */
  close(): Promise<void>;
}

const keyOf = ({ productKey, deviceName }: DeviceIdentity): string => `${productKey}/${deviceName}`;

const closeClient = (client: Client): Promise<void> =>
  new Promise((resolve) => client.close(() => resolve()));

/**
 * aedes answers a SUBSCRIBE with the QoS that was asked for, whatever the `authorizeSubscribe` hook returns.
 * The platform grants at most QoS 1, so requests for QoS 2 are lowered as the packet is parsed, before aedes
 * sees it. This reaches into aedes 0.51's `_parser` (an mqtt-packet parser); without it the SUBACK would say 2
 * while delivery stays at QoS 1 or below.
 */
function capSubscriptionQos(client: Client): void {
  const parser = (client as unknown as { _parser?: EventEmitter })._parser;
  parser?.prependListener('packet', (packet: { cmd?: string; subscriptions?: { qos: number }[] }) => {
    if (packet.cmd !== 'subscribe') return;
    for (const sub of packet.subscriptions ?? []) sub.qos = Math.min(sub.qos, 1);
  });
}

export function platformBroker(
  createBroker: CreateBroker,
  directory: DeviceDirectory,
  maxPayloadBytes: number,
  forwardDevicePublishes = false,
): PlatformBroker {
  const received$ = new Subject<ReceivedMessage>();
  const devices$ = new BehaviorSubject<readonly OnlineDevice[]>([]);
  const events$ = new Subject<EmulatorEvent>();

  /** What the CONNECT said, kept from `preConnect` for `authenticate`. */
  const connects = new WeakMap<Client, { clientId: string; keepalive: number }>();
  /** How each connection came in. */
  const transports = new WeakMap<Client, Transport>();
  /** The device behind each authenticated connection. */
  const sessions = new WeakMap<Client, OnlineDevice>();
  /** Why the emulator closed a connection; absent when the device or its network did. */
  const closeReasons = new WeakMap<Client, DisconnectReason>();
  /** The most recent accepted login of each device, registered or not yet. */
  const logins = new Map<string, Client>();
  /** Registered connections, one per device. */
  const online = new Map<string, { readonly client: Client; readonly device: OnlineDevice }>();
  /** Every connection, authenticated or not, so that close() can end them all. */
  const connections = new Set<Client>();

  /** The cloud side's listeners, by filter: a trie, so that one walk per publish finds them all. */
  const listeners = new TopicRouter<Subscriber<ReceivedMessage>>();
  const listening = new Set<Subscriber<ReceivedMessage>>();
  let closed = false;

  const publishOnline = (): void => devices$.next([...online.values()].map(({ device }) => device));

  const aedes = createBroker({
    preConnect(client, packet, callback) {
      connects.set(client, { clientId: packet.clientId, keepalive: packet.keepalive ?? 0 });
      callback(null, true);
    },

    authenticate(client, username, password, done) {
      const { clientId, keepalive } = connects.get(client) ?? { clientId: client.id, keepalive: 0 };
      const transport = transports.get(client) ?? 'mqtt';
      const auth = authenticateDevice(directory, { clientId, username, password, keepalive, transport });
      if (auth._tag === 'Refused') {
        events$.next({
          type: 'refused',
          reason: auth.reason,
          returnCode: auth.returnCode,
          clientId,
          username,
        });
        const message = auth.returnCode === 2 ? 'identifier rejected' : 'bad user name or password';
        const error: AuthenticateError = Object.assign(new Error(message), { returnCode: auth.returnCode });
        done(error, null);
        return;
      }
      const device: OnlineDevice = { ...auth.device, clientId: auth.clientId };
      sessions.set(client, device);
      const previous = logins.get(keyOf(device));
      logins.set(keyOf(device), client);
      const old = previous === undefined ? undefined : sessions.get(previous);
      if (previous === undefined || previous === client || previous.closed || old === undefined) {
        done(null, true);
        return;
      }
      // A second login of the same device closes the first before this one registers, so that aedes,
      // which keys its clients by MQTT clientId, never sees two of them.
      closeReasons.set(previous, 'kicked');
      events$.next({ type: 'kicked', device: old, byClientId: device.clientId });
      previous.close(() => done(null, true));
    },

    authorizePublish(client, packet, callback) {
      const device = client === null ? undefined : sessions.get(client);
      // Will messages arrive here with a closed client: the platform does not support them.
      if (client === null || client.closed || device === undefined) {
        callback(new Error('not published'));
        return;
      }
      // Fields written out, not spread: a spread object gets a hidden class of its own, on every PUBLISH.
      const fields = {
        topic: packet.topic,
        qos: packet.qos,
        retain: packet.retain,
        payloadBytes: Buffer.byteLength(packet.payload),
      };
      const reason = publishViolation(device, fields, maxPayloadBytes);
      if (reason === undefined) {
        callback(null);
        return;
      }
      // An error here makes aedes close the connection without an acknowledgement, as the platform does.
      closeReasons.set(client, 'violation');
      events$.next({ type: 'violation', device, reason, topic: packet.topic });
      callback(new Error(reason));
    },

    authorizeSubscribe(client, sub, callback) {
      const device = sessions.get(client);
      const granted = device === undefined ? 128 : grantSubscription(device, sub.topic, sub.qos);
      // The SUBACK says the QoS asked for (aedes takes it from the packet); the subscription itself is kept
      // at QoS 1, so that messages go out at the publisher's QoS whatever was asked, as on the platform.
      callback(null, granted === 128 ? null : { ...sub, qos: 1 });
    },

    // By default what a device publishes goes to the cloud only, never back out to devices (the platform is
    // not an open broker: device-to-device needs its rule engine). aedes stamps a device's packets with its
    // clientId; cloud publishes carry none.
    authorizeForward: (_client, packet) =>
      forwardDevicePublishes || !(packet as { clientId?: string }).clientId ? packet : null,
  });

  aedes.on('client', (client) => {
    const device = sessions.get(client);
    if (device === undefined) return;
    online.set(keyOf(device), { client, device });
    publishOnline();
    events$.next({ type: 'connect', device });
  });

  aedes.on('clientDisconnect', (client) => {
    const device = sessions.get(client);
    if (device === undefined) return;
    const key = keyOf(device);
    if (online.get(key)?.client === client) {
      online.delete(key);
      publishOnline();
    }
    if (logins.get(key) === client) logins.delete(key);
    events$.next({ type: 'disconnect', device, reason: closeReasons.get(client) ?? 'device' });
  });

  aedes.on('subscribe', (subs, client) => {
    const device = sessions.get(client);
    if (device === undefined) return;
    const filters = subs.map((sub) => sub.topic);
    events$.next({ type: 'subscribe', device, filters, granted: subs.map((sub) => sub.qos) });
  });

  aedes.on('unsubscribe', (filters, client) => {
    const device = sessions.get(client);
    // aedes reports a closing connection's subscriptions as unsubscribed: that is no UNSUBSCRIBE packet.
    if (device === undefined || client.closed) return;
    events$.next({ type: 'unsubscribe', device, filters: [...filters] });
  });

  aedes.on('publish', (packet, client) => {
    // Every device publish passes here: an RxJS Subject costs something per message even with nobody
    // listening, and the listeners' trie is walked only when it holds something.
    const listened = listeners.size > 0 && listeners.matchFirst(packet.topic) !== undefined;
    if (!received$.observed && !listened) return;
    const device = client === null ? undefined : sessions.get(client);
    if (device === undefined) return;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const { productKey, deviceName, clientId } = device;
    const message: ReceivedMessage = {
      productKey,
      deviceName,
      clientId,
      topic: packet.topic,
      payload,
      qos: packet.qos === 0 ? 0 : 1,
    };
    received$.next(message);
    if (listened) listeners.forEachMatch(packet.topic, (subscriber) => subscriber.next(message));
  });

  const send = (client: Client, packet: PublishPacket): Promise<void> =>
    new Promise((resolve, reject) => client.publish(packet, (error) => (error ? reject(error) : resolve())));

  return {
    received$: received$.asObservable(),
    devices$: devices$.asObservable(),
    events$: events$.asObservable(),

    listen: (filter) =>
      new Observable<ReceivedMessage>((subscriber) => {
        if (closed) {
          subscriber.complete();
          return undefined;
        }
        listeners.add(filter, subscriber);
        listening.add(subscriber);
        return () => {
          listeners.remove(filter, subscriber);
          listening.delete(subscriber);
        };
      }),

    handle(stream, transport) {
      const client = aedes.handle(stream);
      transports.set(client, transport);
      connections.add(client);
      stream.once('close', () => connections.delete(client));
      capSubscriptionQos(client);
    },

    isOnline: (device) => online.has(keyOf(device)),

    onlineDevices: () => [...online.values()].map(({ device }) => device),

    deliver(topic, payload, qos) {
      const packet: PublishPacket = { cmd: 'publish', topic, payload, qos, retain: false, dup: false };
      if (!isDirectTopic(topic)) {
        return new Promise((resolve, reject) =>
          aedes.publish(packet, (error) => (error ? reject(error) : resolve())),
        );
      }
      // Straight to the connection of the device the topic belongs to, subscribed or not, and only once
      // even if one of its filters also matches.
      const targets = [...online.values()].filter(({ device }) => isInDeviceNamespace(device, topic));
      return Promise.all(targets.map(({ client }) => send(client, { ...packet }))).then(() => undefined);
    },

    async drop(device) {
      const targets = [...online.values()].filter(
        (entry) => device === undefined || keyOf(entry.device) === keyOf(device),
      );
      await Promise.all(
        targets.map(({ client }) => {
          closeReasons.set(client, 'dropped');
          return closeClient(client);
        }),
      );
    },

    async close() {
      for (const { client } of online.values()) closeReasons.set(client, 'emulator-closed');
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      // Connections that never authenticated are not aedes' clients; their connect timers must go too.
      await Promise.all([...connections].map(closeClient));
      closed = true;
      received$.complete();
      for (const subscriber of [...listening]) subscriber.complete();
      devices$.complete();
      events$.complete();
    },
  };
}
