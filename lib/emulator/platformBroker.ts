import type { AuthenticateError, Client, PublishPacket } from 'aedes';
import type { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { BehaviorSubject, Observable, Subject, Subscription, type Subscriber } from 'rxjs';
import { deviceTopics, isInDeviceNamespace, namespaceOwner, type DeviceIdentity } from '../identity';
import { GATEWAY_LIMITS, PLATFORM_ERROR_CODES, platformErrorPayload } from '../protocol';
import { TopicRouter } from '../topic';
import type { DeviceRegistry } from './deviceRegistry';
import { parseClientId } from './authenticateDevice';
import { delayPingResponses } from './delayPingResponses';
import { platformLogin } from './platformLogin';
import { answerRegistration, type RegistrationAccepted } from './registrationLogin';
import type {
  DisconnectReason,
  EmulatorEvent,
  OnlineDevice,
  ReceivedMessage,
  SubDeviceLogoutReason,
  ViolationReason,
} from './emulatorEvent';
import { SubDeviceSessions } from './subDeviceSessions';
import type { Topology } from './topology';
import type { Transport } from './transport';
import type { CreateBroker } from './loadAedes';
import { topicPermissions, type TopicPermissions } from './topicPermissions';
import { isDirectTopic, publishViolation, subscriptionRefusal, type PublishFields } from './topicRules';

/** The device side of the emulator: an aedes broker whose hooks apply the platform's rules. */
export interface PlatformBroker {
  readonly received$: Observable<ReceivedMessage>;
  /** Hands a device's message that came another way than MQTT (HTTPS access) to what listens, as its publish. */
  receive(message: ReceivedMessage): void;
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
  /** The devices online now, sub-devices logged in through their gateways included. */
  onlineDevices(): readonly OnlineDevice[];
  /**
   * Opens sessions for sub-devices on the connection of `gateway`, which then carries their traffic, all or
   * none: `gateway-offline` when the gateway has no connection, `limit` when it would carry more than
   * `GATEWAY_LIMITS.onlinePerGateway`. A session a sub-device had through another gateway ends, and so does
   * its own connection (both `kicked`).
   */
  loginSubDevices(
    gateway: DeviceIdentity,
    devices: readonly OnlineDevice[],
  ): 'ok' | 'gateway-offline' | 'limit';
  /**
   * Ends the session of a sub-device, only if `gateway` carries it when one is given; `false` when there was
   * none to end.
   */
  logoutSubDevice(device: DeviceIdentity, reason: SubDeviceLogoutReason, gateway?: DeviceIdentity): boolean;
  /** The gateway whose connection carries a sub-device's session; `undefined` when it has none. */
  carrierOf(device: DeviceIdentity): OnlineDevice | undefined;
  /** Publishes as the platform; resolves once handed to the devices' connections. */
  deliver(topic: string, payload: Buffer, qos: 0 | 1): Promise<void>;
  /**
   * Closes the connection of one device, or of all, as a network failure would; a sub-device is logged out.
   * `reason` is what the `disconnect` or `sub-device-logout` event says (default `'dropped'`).
   */
  drop(device?: DeviceIdentity, reason?: 'dropped' | 'disabled' | 'deleted'): Promise<void>;
  /**
   * From now on, the PINGRESPs to a device's own connection (this one and its next ones) go `delayMs` late;
   * 0: on time again.
   */
  delayPingResponses(device: DeviceIdentity, delayMs: number): void;
  /** Closes every connection and the broker, then completes the streams. */
  close(): Promise<void>;
}

const keyOf = ({ productKey, deviceName }: DeviceIdentity): string => `${productKey}/${deviceName}`;

const refusalMessages: Readonly<Record<2 | 4 | 5, string>> = {
  2: 'identifier rejected',
  4: 'bad user name or password',
  5: 'not authorized',
};

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

/** The rules the broker applies besides the registry's. */
export interface BrokerRules {
  /** Largest payload, in bytes, either way. */
  readonly maxPayloadBytes: number;
  /** Whether device publishes also reach subscribed devices (that may receive them). */
  readonly forwardDevicePublishes: boolean;
  /** A publish on a topic the device may not publish on: close the connection, or acknowledge and drop it. */
  readonly wrongDirection: 'close' | 'drop';
  /** The gateways' sub-devices: a gateway's publish for one that is not logged in gets error 520. */
  readonly topology?: Topology | undefined;
  /**
   * A device's payload as the cloud is to hear it (gunzipped on a topic declared compressed), or `undefined`
   * to drop it. Default: as it came.
   */
  readonly inbound?:
    ((device: DeviceIdentity, topic: string, payload: Buffer) => Buffer | undefined) | undefined;
  /**
   * A device's payload as another device is to get it, with `forwardDevicePublishes` (plain, or gzip on a
   * topic the receiver declared compressed), or `undefined` to drop it. Default: as it came.
   */
  readonly forwarded?: ((topic: string, payload: Buffer) => Buffer | undefined) | undefined;
}

/** Where a dropped publish goes: a `$` topic no device can subscribe to, and no wildcard filter reaches. */
const DROPPED = '$dropped';

/**
 * The id aedes keys a connection and its session by. aedes takes the MQTT client id; the platform's says the
 * device's own id and then how it signed (`id|securemode=...,timestamp=...|`, a fresh timestamp at each
 * login), and two devices may pick the same id. Keyed by the whole of it, a session kept for a device that
 * logs in again (cleanSession false) was lost with each new timestamp, and the second of two devices with
 * the same client id closed the first (aedes lets a client id be connected once). Here: the username (which
 * names the device) and the id before the `|`. A registration (`authType=register` or `regnwl`) is no
 * login of the device: it is keyed apart, by its whole client id (with its own `random`), so that a
 * second one made while the first is open does not close it, nor its clean session wipe the device's.
 */
export function sessionKey(clientId: string, username: string | undefined): string {
  if (clientId === '') return clientId;
  const authType = parseClientId(clientId)?.params['authType'];
  if (authType === 'register' || authType === 'regnwl') return `register|${clientId}`;
  const open = clientId.indexOf('|');
  return `${username ?? ''}|${open < 0 ? clientId : clientId.slice(0, open)}`;
}

export function platformBroker(
  createBroker: CreateBroker,
  registry: DeviceRegistry,
  { maxPayloadBytes, forwardDevicePublishes, wrongDirection, topology, inbound, forwarded }: BrokerRules,
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
  /** Which way the device of each connection may use its topics. */
  const permissions = new WeakMap<Client, TopicPermissions>();
  /** Why the emulator closed a connection; absent when the device or its network did. */
  const closeReasons = new WeakMap<Client, DisconnectReason>();
  /** The most recent accepted login of each device, registered or not yet. */
  const logins = new Map<string, Client>();
  /** Registered connections, one per device. */
  const online = new Map<string, { readonly client: Client; readonly device: OnlineDevice }>();
  /** The sub-devices logged in through gateways, by the gateway's connection. */
  const subSessions = new SubDeviceSessions<Client>();
  /** Every connection, authenticated or not, so that close() can end them all. */
  const connections = new Set<Client>();

  /** The cloud side's listeners, by filter: a trie, so that one walk per publish finds them all. */
  const listeners = new TopicRouter<Subscriber<ReceivedMessage>>();
  const listening = new Set<Subscriber<ReceivedMessage>>();
  let closed = false;

  /** How late PINGRESPs go to each device that has a delay; only its connections' writes are wrapped. */
  const pingDelays = new Map<string, number>();
  const slowed = new WeakSet<Client>();
  const pingTimers = new Subscription();
  const slowPings = (client: Client, device: DeviceIdentity): void => {
    if (slowed.has(client)) return;
    slowed.add(client);
    delayPingResponses(client.conn, () => pingDelays.get(keyOf(device)) ?? 0, pingTimers);
  };

  const onlineDevices = (): readonly OnlineDevice[] => [
    ...[...online.values()].map(({ device }) => device),
    ...subSessions.devices(),
  ];
  const publishOnline = (): void => devices$.next(onlineDevices());

  const endSubSession = (device: DeviceIdentity, reason: SubDeviceLogoutReason): boolean => {
    const ended = subSessions.close(device);
    if (ended === undefined) return false;
    events$.next({ type: 'sub-device-logout', gateway: ended.gateway, device: ended.device, reason });
    return true;
  };

  /**
   * A gateway's publish outside its own namespace: `undefined` when it is a logged-in sub-device's and breaks
   * none of its rules; `no-session` for a sub-device of its topology that is not logged in; otherwise why not.
   */
  const subDeviceViolation = (
    client: Client,
    gateway: OnlineDevice,
    fields: PublishFields,
  ): ViolationReason | undefined => {
    const session = subSessions.carries(client) ? subSessions.forTopic(client, fields.topic) : undefined;
    if (session !== undefined) {
      return publishViolation(session.device, fields, maxPayloadBytes, session.permissions);
    }
    const owner = namespaceOwner(fields.topic);
    return owner !== undefined && topology?.has(gateway, owner) === true ? 'no-session' : 'topic-not-allowed';
  };

  /** The sub-device of `gateway`'s topology whose namespace holds a topic or filter, with its permissions. */
  const subDeviceOfTopology = (gateway: OnlineDevice, topic: string) => {
    const owner = namespaceOwner(topic);
    if (owner === undefined || topology?.has(gateway, owner) !== true) return undefined;
    return {
      device: owner,
      permissions: topicPermissions(owner, registry.product(owner.productKey)?.topicClasses),
    };
  };

  /** Error 520 on the gateway's `/ext/error/pk/dn`, as the platform reports a sub-device without a session. */
  const reportNoSession = (client: Client, gateway: OnlineDevice, topic: string): void => {
    const owner = namespaceOwner(topic);
    const payload = platformErrorPayload({
      code: PLATFORM_ERROR_CODES.sessionError,
      message: `the sub-device ${owner?.productKey}/${owner?.deviceName} has no session through this gateway`,
      ...(owner === undefined
        ? {}
        : { data: { productKey: owner.productKey, deviceName: owner.deviceName } }),
    });
    const packet: PublishPacket = {
      cmd: 'publish',
      topic: deviceTopics(gateway).error,
      payload: Buffer.from(JSON.stringify(payload)),
      qos: 0,
      retain: false,
      dup: false,
    };
    client.publish(packet, () => undefined);
  };

  /** Registrations accepted, to answer once their CONNACK is out. */
  const registrations = new WeakMap<Client, RegistrationAccepted>();

  /** An accepted login: a second login of the same device closes the first before this one registers. */
  const accept = (client: Client, device: OnlineDevice, done: (error: null, ok: boolean) => void) => {
    sessions.set(client, device);
    // A device that logs in by itself is no longer carried by a gateway.
    if (subSessions.of(device) !== undefined) {
      endSubSession(device, 'kicked');
      publishOnline();
    }
    permissions.set(client, topicPermissions(device, registry.product(device.productKey)?.topicClasses));
    const previous = logins.get(keyOf(device));
    logins.set(keyOf(device), client);
    const old = previous === undefined ? undefined : sessions.get(previous);
    if (previous === undefined || previous === client || previous.closed || old === undefined) {
      done(null, true);
      return;
    }
    // So that aedes, which keys its clients by MQTT clientId, never sees two of them.
    closeReasons.set(previous, 'kicked');
    events$.next({ type: 'kicked', device: old, byClientId: device.clientId });
    previous.close(() => done(null, true));
  };

  /** A device's publish as a device that may receive it is sent it: `forwarded` says its payload. */
  const forwardedPacket = <P extends Pick<PublishPacket, 'topic' | 'payload'>>(packet: P): P | null => {
    if (forwarded === undefined) return packet;
    const raw = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const payload = forwarded(packet.topic, raw);
    if (payload === undefined) return null;
    return payload === raw ? packet : { ...packet, payload };
  };

  const aedes = createBroker({
    preConnect(client, packet, callback) {
      connects.set(client, { clientId: packet.clientId, keepalive: packet.keepalive ?? 0 });
      packet.clientId = sessionKey(packet.clientId, packet.username);
      callback(null, true);
    },

    authenticate(client, username, password, done) {
      const { clientId, keepalive } = connects.get(client) ?? { clientId: client.id, keepalive: 0 };
      const transport = transports.get(client) ?? 'mqtt';
      const connect = { clientId, username, password, keepalive, transport };
      platformLogin(registry, connect).then(
        (auth) => {
          if (auth._tag === 'Refused') {
            events$.next({
              type: 'refused',
              reason: auth.reason,
              returnCode: auth.returnCode,
              clientId,
              username,
            });
            const message = refusalMessages[auth.returnCode];
            done(
              Object.assign(new Error(message), { returnCode: auth.returnCode }) as AuthenticateError,
              null,
            );
            return;
          }
          if (auth._tag === 'Registration') {
            // Answered once the CONNACK is out ('clientReady').
            registrations.set(client, auth);
            done(null, true);
            return;
          }
          registry.activate(auth.device);
          accept(client, { ...auth.device, clientId: auth.clientId }, done);
        },
        (error: Error) => done(Object.assign(error, { returnCode: 3 }) as AuthenticateError, null),
      );
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
      let reason = publishViolation(device, fields, maxPayloadBytes, permissions.get(client));
      // A gateway speaks for its sub-devices on their own topics.
      if (reason === 'topic-not-allowed') reason = subDeviceViolation(client, device, fields);
      if (reason === undefined) {
        callback(null);
        return;
      }
      if (reason === 'no-session') {
        // Acknowledged and dropped, and reported to the gateway; the connection stays.
        events$.next({ type: 'violation', device, reason, topic: packet.topic, action: 'dropped' });
        reportNoSession(client, device, packet.topic);
        packet.topic = `${DROPPED}${packet.topic}`;
        callback(null);
        return;
      }
      if (reason === 'not-publishable' && wrongDirection === 'drop') {
        // Acknowledged as the platform would, then sent where nothing hears it.
        events$.next({ type: 'violation', device, reason, topic: packet.topic, action: 'dropped' });
        packet.topic = `${DROPPED}${packet.topic}`;
        callback(null);
        return;
      }
      // An error here makes aedes close the connection without an acknowledgement, as the platform does.
      closeReasons.set(client, 'violation');
      events$.next({ type: 'violation', device, reason, topic: packet.topic, action: 'closed' });
      callback(new Error(reason));
    },

    authorizeSubscribe(client, sub, callback) {
      const device = sessions.get(client);
      let refusal =
        device === undefined ? undefined : subscriptionRefusal(device, sub.topic, permissions.get(client));
      // A gateway subscribes to the topics of its topology's sub-devices, logged in or not: after a reconnect
      // its subscriptions come back before its logins (what flows is checked in authorizeForward).
      const carried =
        device !== undefined && refusal === 'outside-namespace'
          ? subDeviceOfTopology(device, sub.topic)
          : undefined;
      if (carried !== undefined) {
        refusal = subscriptionRefusal(carried.device, sub.topic, carried.permissions);
        subSessions.carry(client);
      }
      if (device !== undefined && refusal !== undefined) {
        events$.next({ type: 'subscription-refused', device, filter: sub.topic, reason: refusal });
      }
      // A refused filter fails its SUBACK (128). Otherwise the SUBACK says the QoS asked for, capped at 1 as the
      // packet is parsed (aedes takes it from the packet); the subscription itself is kept at QoS 1, so that
      // messages go out at the publisher's QoS whatever was asked, as on the platform.
      callback(null, device === undefined || refusal !== undefined ? null : { ...sub, qos: 1 });
    },

    // By default what a device publishes goes to the cloud only, never back out to devices (the platform is
    // not an open broker: device-to-device needs its rule engine). aedes stamps a device's packets with its
    // clientId; cloud publishes carry none.
    // With forwardDevicePublishes, only to devices that may receive the topic.
    // A gateway's subscriptions to a sub-device's topics carry messages only while the sub-device is logged in.
    authorizeForward: (client, packet) => {
      if (!(packet as { clientId?: string }).clientId) {
        if (!subSessions.carries(client)) return packet;
        const gateway = sessions.get(client);
        const own = gateway !== undefined && isInDeviceNamespace(gateway, packet.topic);
        return own || subSessions.forTopic(client, packet.topic) !== undefined ? packet : null;
      }
      if (!forwardDevicePublishes) return null;
      if (permissions.get(client)?.mayReceive(packet.topic) === true) return forwardedPacket(packet);
      const session = subSessions.carries(client) ? subSessions.forTopic(client, packet.topic) : undefined;
      return session?.permissions.mayReceive(packet.topic) === true ? forwardedPacket(packet) : null;
    },
  });

  // A registration is answered with one message, then the connection is closed (PROTOCOL.md §2).
  aedes.on('clientReady', (client) => {
    const registration = registrations.get(client);
    if (registration === undefined) return;
    answerRegistration(registry, registration).then(
      ({ topic, payload }) => {
        events$.next({ type: 'registered', device: registration.device, method: registration.method });
        const packet: PublishPacket = { cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false };
        client.publish(packet, () => client.close());
      },
      () => client.close(),
    );
  });

  aedes.on('client', (client) => {
    const device = sessions.get(client);
    if (device === undefined) return;
    online.set(keyOf(device), { client, device });
    if (pingDelays.size > 0 && pingDelays.has(keyOf(device))) slowPings(client, device);
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
    const ended = subSessions.closeAll(client);
    for (const session of ended) {
      events$.next({
        type: 'sub-device-logout',
        gateway: device,
        device: session.device,
        reason: 'gateway-disconnected',
      });
    }
    if (ended.length > 0) publishOnline();
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
    if (packet.topic.startsWith(DROPPED)) return;
    // Every device publish passes here: an RxJS Subject costs something per message even with nobody
    // listening, and the listeners' trie is walked only when it holds something.
    const listened = listeners.size > 0 && listeners.matchFirst(packet.topic) !== undefined;
    if (!received$.observed && !listened) return;
    let device = client === null ? undefined : sessions.get(client);
    if (device === undefined) return;
    // What a gateway sends for a sub-device is the sub-device's.
    if (client !== null && subSessions.carries(client) && !isInDeviceNamespace(device, packet.topic)) {
      device = subSessions.forTopic(client, packet.topic)?.device ?? device;
    }
    const raw = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const payload = inbound === undefined ? raw : inbound(device, packet.topic, raw);
    if (payload === undefined) return;
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

  /** A device's message that came another way than MQTT (HTTPS access): heard as its publish. */
  const receive = (message: ReceivedMessage) => {
    if (closed) return;
    received$.next(message);
    listeners.forEachMatch(message.topic, (subscriber) => subscriber.next(message));
  };

  const send = (client: Client, packet: PublishPacket): Promise<void> =>
    new Promise((resolve, reject) => client.publish(packet, (error) => (error ? reject(error) : resolve())));

  return {
    received$: received$.asObservable(),
    receive,
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

    isOnline: (device) => online.has(keyOf(device)) || subSessions.of(device) !== undefined,

    onlineDevices,

    loginSubDevices(gateway, devices) {
      const entry = online.get(keyOf(gateway));
      if (entry === undefined) return 'gateway-offline';
      const fresh = devices.filter((device) => subSessions.of(device)?.client !== entry.client);
      if (subSessions.countOn(entry.client) + fresh.length > GATEWAY_LIMITS.onlinePerGateway) return 'limit';
      for (const device of devices) {
        registry.activate(device);
        const session = {
          client: entry.client,
          gateway: entry.device,
          device,
          permissions: topicPermissions(device, registry.product(device.productKey)?.topicClasses),
        };
        const replaced = subSessions.open(session);
        if (replaced !== undefined && replaced.client !== entry.client) {
          events$.next({
            type: 'sub-device-logout',
            gateway: replaced.gateway,
            device: replaced.device,
            reason: 'kicked',
          });
        }
        // One login of a device at a time: its own connection goes, as a second login of it would close it.
        const direct = online.get(keyOf(device));
        if (direct !== undefined) {
          closeReasons.set(direct.client, 'kicked');
          events$.next({ type: 'kicked', device: direct.device, byClientId: device.clientId });
          direct.client.close();
        }
        events$.next({ type: 'sub-device-login', gateway: entry.device, device });
      }
      publishOnline();
      return 'ok';
    },

    carrierOf: (device) => subSessions.of(device)?.gateway,

    logoutSubDevice(device, reason, gateway) {
      const session = subSessions.of(device);
      if (session === undefined) return false;
      if (gateway !== undefined && keyOf(session.gateway) !== keyOf(gateway)) return false;
      endSubSession(device, reason);
      publishOnline();
      return true;
    },

    deliver(topic, payload, qos) {
      const packet: PublishPacket = { cmd: 'publish', topic, payload, qos, retain: false, dup: false };
      if (!isDirectTopic(topic)) {
        return new Promise((resolve, reject) =>
          aedes.publish(packet, (error) => (error ? reject(error) : resolve())),
        );
      }
      // Straight to the connection of the device the topic belongs to, subscribed or not, and only once
      // even if one of its filters also matches.
      const targets = [...online.values()]
        .filter(({ device }) => isInDeviceNamespace(device, topic))
        .map(({ client }) => client);
      // A sub-device's topic goes to its gateway's connection.
      const owner = subSessions.isEmpty() ? undefined : namespaceOwner(topic);
      const carrier = owner === undefined ? undefined : subSessions.of(owner)?.client;
      if (carrier !== undefined && !targets.includes(carrier)) targets.push(carrier);
      return Promise.all(targets.map((client) => send(client, { ...packet }))).then(() => undefined);
    },

    async drop(device, reason = 'dropped') {
      if (device !== undefined && subSessions.of(device) !== undefined) {
        endSubSession(device, reason);
        publishOnline();
        return;
      }
      const targets = [...online.values()].filter(
        (entry) => device === undefined || keyOf(entry.device) === keyOf(device),
      );
      await Promise.all(
        targets.map(({ client }) => {
          closeReasons.set(client, reason);
          return closeClient(client);
        }),
      );
    },

    delayPingResponses(device, delayMs) {
      if (delayMs <= 0) {
        pingDelays.delete(keyOf(device));
        return;
      }
      pingDelays.set(keyOf(device), delayMs);
      const entry = online.get(keyOf(device));
      if (entry !== undefined) slowPings(entry.client, entry.device);
    },

    async close() {
      pingTimers.unsubscribe();
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
