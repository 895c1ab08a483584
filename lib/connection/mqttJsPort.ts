import mqtt, { type IClientOptions, type MqttClient, type Packet } from 'mqtt';
import { defer, from, Observable, switchMap, take, throwIfEmpty, type ObservableInput } from 'rxjs';
import { DeviceOptionsError } from '../identity/deviceOptions';
import type { MqttCredentials } from '../identity/mqttCredentials';
import type { TlsOptions } from '../identity/tlsOptions';
import { namespaceEnabled } from '../log/logger';
import { timerMs } from '../operators/timerMs';
import { connectErrorOf } from './connectError';
import { devicePacket, type DevicePacket } from './DevicePacket';
import { ConnectionLostError } from './errors';
import { Queue } from './Queue';
import type { InboundHandler, MqttLink, MqttPort } from './MqttPort';
import { tlsClientOptions } from './TlsError';

/** What every connection attempt needs besides the credentials. */
export interface MqttJsPortSettings {
  readonly url: string;
  /** Seconds. */
  readonly keepalive: number;
  readonly cleanSession: boolean;
  readonly connectTimeoutMs: number;
  /** For `mqtts:` and `wss:`: what to trust, and a client certificate. Verification is on unless switched off. */
  readonly tls?: TlsOptions;
  /**
   * Passed to MQTT.js as they are (`wsOptions`, a proxy, ...). TLS goes through `tls`; what the port sets
   * itself (the credentials, keepalive, ...) is refused (`clientOptionsProblems`).
   */
  readonly clientOptions?: Readonly<IClientOptions>;
  /** Hears every packet sent and received while `active` (`device.packets$`, the packet log). */
  readonly packets?: PacketTap;
}

/** Where the packets of a connection go, redacted; asked `active` first, so that nothing is built for nobody. */
export interface PacketTap {
  readonly active: boolean;
  next(packet: DevicePacket): void;
  /**
   * Calls `changed` each time `active` may have changed, until the returned function is called. With it, the
   * port listens to MQTT.js's packets only while `active` (asked as a connection starts and on each call);
   * without it, the port listens always and asks `active` at each packet. Listening costs 4 events a QoS 1
   * message, 0.4-0.7 µs of CPU (`device.packets$` unobserved, e2e bench, emulator QoS 1, 2026-12-02).
   */
  readonly watch?: ((changed: () => void) => () => void) | undefined;
}

/**
 * What one connection attempt needs. The credentials are fixed, or asked for at each attempt (a registered
 * secret, a fresh timestamp or token); either way the password is derived from a secret, never the secret.
 */
export type MqttJsPortConfig = MqttJsPortSettings &
  (MqttCredentials | { readonly credentials: () => ObservableInput<MqttCredentials> });

/**
 * The longest MQTT.js takes to give up a link that went silent (a half-open link): it pings a keepalive
 * after the last answer it heard, and closes the link half a keepalive later if nothing came back.
 */
export function halfOpenDetectionMs(keepalive: number): number {
  return Math.ceil(keepalive * 1.5 * 1000);
}

/**
 * The MQTT.js options the port sets itself, and where a caller sets each instead: in `clientOptions` they
 * would be overridden without a word. And two a caller may not set at all: the outgoing store is the port's
 * own (`UnheldStore`), and the message-id provider stays MQTT.js's default, as the port's QoS 0 publishes are
 * written before `publish()` returns, which one that makes publishes wait for a free id would break.
 */
const OWNED_CLIENT_OPTIONS: Readonly<Record<string, string>> = {
  clientId: 'set from the credentials',
  username: 'set from the credentials',
  password: 'set from the credentials',
  keepalive: 'set by the device: use the keepalive option',
  clean: 'set by the device: use the cleanSession option',
  connectTimeout: 'set by the device: use the connectTimeoutMs option',
  protocolVersion: 'set by the device: the platform speaks MQTT 3.1.1',
  reconnectPeriod: "set by the device: reconnects are the device's own (the reconnect option)",
  resubscribe: "set by the device: subscriptions are restored by the device's own registry",
  subscribeBatchSize: 'set by the device',
  queueQoSZero: "set by the device: the offline queue is the device's own (offlineQueue)",
  manualConnect: 'set by the device',
  ca: 'TLS goes through the tls option: use tls.ca',
  cert: 'TLS goes through the tls option: use tls.cert',
  key: 'TLS goes through the tls option: use tls.key',
  rejectUnauthorized: 'TLS goes through the tls option: use tls.rejectUnauthorized',
  servername: 'TLS goes through the tls option: use tls.servername',
  outgoingStore: "not settable: the device's holds nothing, as its publish sink keeps what it sends again",
  messageIdProvider: 'not settable: the port needs QoS 0 publishes written at once',
};

/**
 * What is wrong with `clientOptions` for the port: each option it sets itself (the credentials, the
 * session, TLS, ...), as `clientOptions.<name>: <where to set it>`. Empty when nothing is.
 */
export function clientOptionsProblems(clientOptions: Readonly<IClientOptions> | undefined): string[] {
  if (clientOptions === undefined) return [];
  return Object.keys(clientOptions)
    .filter((name) => Object.hasOwn(OWNED_CLIENT_OPTIONS, name))
    .map((name) => `clientOptions.${name}: ${OWNED_CLIENT_OPTIONS[name] as string}`);
}

/**
 * MQTT.js behind the port. Its own reconnect is off: one client per attempt, reconnects are ours. Throws a
 * `DeviceOptionsError` for `clientOptions` that set what the port sets itself (`clientOptionsProblems`).
 */
export function mqttJsPort(config: MqttJsPortConfig): MqttPort {
  const problems = clientOptionsProblems(config.clientOptions);
  if (problems.length > 0) throw new DeviceOptionsError(problems);
  const credentials =
    'credentials' in config
      ? () =>
          defer(config.credentials).pipe(
            take(1),
            throwIfEmpty(() => new ConnectionLostError('no credentials to connect with')),
          )
      : () => from([config]);
  return {
    connect: (inbound) => credentials().pipe(switchMap((current) => connectOnce(config, current, inbound))),
  };
}

function connectOnce(
  config: MqttJsPortSettings,
  credentials: MqttCredentials,
  inbound: InboundHandler,
): Observable<MqttLink> {
  return new Observable<MqttLink>((subscriber) => {
    const client = mqtt.connect(config.url, {
      ...config.clientOptions,
      ...tlsClientOptions(config.tls, config.clientOptions),
      clientId: credentials.clientId,
      username: credentials.username,
      password: credentials.password,
      keepalive: config.keepalive,
      clean: config.cleanSession,
      // MQTT.js arms a Node.js timer with it: past 2^31 - 1 ms that would fire after 1 ms.
      connectTimeout: timerMs(config.connectTimeoutMs),
      protocolVersion: 4,
      reconnectPeriod: 0,
      resubscribe: false,
      // One SUBSCRIBE per request: MQTT.js reports only the last chunk's SUBACK codes when it splits one.
      subscribeBatchSize: undefined,
      queueQoSZero: false,
      log: config.clientOptions?.log ?? mqttJsLog(),
      // One per client: MQTT.js closes its store as the client ends, and a closed Store cannot stream again.
      outgoingStore: new UnheldStore(),
      // Connected below, once every listener is on: the CONNECT is written as the client connects.
      manualConnect: true,
    });
    const holdWrites = writesUntilJobEnds(client);
    // Every SUBACK or UNSUBACK still owed by this connection; failed at once when it closes. A publish's answer
    // is not owed: the sink takes back what a closed link left unanswered.
    const owed = new Set<(error: Error) => void>();
    let lastError: Error | undefined;
    let disconnecting = false;

    const onConnect = (connack: { sessionPresent: boolean }) => {
      // MQTT.js waits for 'drain' with one listener per PUBACK written into a full socket buffer (our QoS 0
      // publishes share one, see drainWaiters), and caps the socket at 1000 listeners: a burst of QoS 1
      // messages in would print a listener-leak warning although each of those listeners goes at the next
      // 'drain', and the socket goes with its client when this connection ends.
      client.stream?.setMaxListeners(0);
      subscriber.next(linkOf(client, connack.sessionPresent, owed, holdWrites, () => (disconnecting = true)));
    };
    const onMessage = (topic: string, payload: Buffer, packet: mqtt.IPublishPacket) => {
      // MQTT.js writes the PUBACK of a QoS 1 message right after this: with those of the other messages of
      // the same read, and whatever the handlers publish in reply, in one write.
      if (packet.qos === 1) holdWrites();
      inbound({ topic, payload, qos: packet.qos, retain: packet.retain, dup: packet.dup });
    };
    const onError = (error: Error & { code?: unknown }) => {
      lastError = connectErrorOf(error);
    };
    const onClose = () => {
      const error = lastError ?? new ConnectionLostError('the connection closed');
      for (const fail of [...owed])
        fail(error instanceof ConnectionLostError ? error : new ConnectionLostError(error.message));
      owed.clear();
      if (disconnecting) subscriber.complete();
      else subscriber.error(error);
    };
    const { packets } = config;
    const onPacketSent = (packet: Packet) => packets?.active && packets.next(devicePacket('sent', packet));
    const onPacketReceived = (packet: Packet) =>
      packets?.active && packets.next(devicePacket('received', packet));
    client.on('connect', onConnect);
    client.on('message', onMessage);
    client.on('error', onError);
    client.on('close', onClose);
    let listening = false;
    const listen = (on: boolean) => {
      if (on === listening) return;
      listening = on;
      if (on) {
        client.on('packetsend', onPacketSent);
        client.on('packetreceive', onPacketReceived);
      } else {
        client.removeListener('packetsend', onPacketSent);
        client.removeListener('packetreceive', onPacketReceived);
      }
    };
    const unwatch = packets?.watch?.(() => listen(packets.active));
    listen(packets !== undefined && (unwatch === undefined || packets.active));
    client.connect();
    noNagle(client.stream);

    return () => {
      client.removeListener('connect', onConnect);
      client.removeListener('message', onMessage);
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      unwatch?.();
      listen(false);
      // MQTT.js may still report errors while it tears down; an 'error' without a listener would throw.
      client.on('error', ignore);
      if (!disconnecting) client.end(true);
      // A graceful end still waiting for the peer to close (MQTT.js ignores end() while it waits): cut it.
      else if (!client.disconnected) client.stream?.destroy();
    };
  });
}

function ignore(): void {}

/**
 * MQTT.js's outgoing store, holding nothing. MQTT.js's own keeps each QoS 1 publish until its PUBACK, as a
 * copy (the packet cloned, the payload copied), to send it again when the same client reconnects. A client
 * of this port never reconnects (one per connection), and the publish sink keeps what it sends again: with
 * MQTT.js's store, 32 QoS 1 publishes of 1 MiB awaiting their PUBACKs held 32 MiB more than without it.
 */
class UnheldStore extends mqtt.Store {
  override put(_packet: Packet, done?: () => void): this {
    done?.();
    return this;
  }

  /** Called for a PUBACK (or a publish given up): MQTT.js hands the publish's callback what `del` gives. */
  override del(packet: Pick<Packet, 'messageId'>, done: (error?: Error, packet?: Packet) => void): this {
    done(undefined, packet as Packet);
    return this;
  }
}

/**
 * MQTT.js's own debug log (`mqttjs:client`) if `debug` has it on when the connection starts, else a no-op.
 * MQTT.js calls it 33 times a QoS 1 message (publish, PUBACK, the message back and its PUBACK); off, each
 * call still gathers its arguments and asks `debug` whether it is on. The no-op: 2.2 µs a message less CPU
 * on the e2e bench's emulator QoS 1 row, ours/raw 0.968 -> 1.050 against raw MQTT.js with its default log
 * (3 processes of `bench:compare`, 40 rounds each, 2026-12-02). Raw MQTT.js gains as much from the same
 * setting, so the bench's raw client takes the same choice from here.
 */
export function mqttJsLog(): ((...args: unknown[]) => void) | undefined {
  return namespaceEnabled('mqttjs:client') ? undefined : ignore;
}

/**
 * Turns Nagle's algorithm off on a TCP or TLS socket (a websocket's own socket has it off already; a
 * browser's has no such switch). The port batches its writes itself, to the end of each job
 * (`writesUntilJobEnds`); Nagle on top holds a small write made while an earlier one is unacknowledged
 * until the broker's delayed ACK, up to 40 ms on Linux. A device publishing QoS 0 every 2 ms from a timer
 * to the emulator: publish-to-broker latency at most 42.2 and 35.7 ms with Nagle, 1.6 and 1.6 ms without
 * (2 runs each, 200 publishes, 2026-12-02). On the e2e bench's mosquitto rows it may cost a few percent of
 * ours/raw (within the bench's noise in 2 in-process runs); the rows stay above 1.0.
 */
function noNagle(stream: unknown): void {
  (stream as { setNoDelay?: (noDelay: boolean) => unknown } | undefined)?.setNoDelay?.(true);
}

/**
 * Returns `hold()`: the socket keeps what is written to it until the end of the current job, then sends it
 * all in one write. The job ends at the first microtask checkpoint after the tick queue has run through.
 *
 * Without it, a device that answers inbound messages makes one write system call per answer. MQTT.js
 * handles each inbound packet on a tick of its own, and mqtt-packet flushes each packet it writes on the
 * next tick (it corks the socket and uncorks it on `process.nextTick`), so every publish made in reply,
 * and every PUBACK, went out alone. Held to the end of the job, the answers to all the packets of one read
 * go out together, later than the first of them would have by the time it takes to handle the others.
 *
 * The release is queued as a microtask from a tick: a microtask queued from a microtask (a publish made
 * after an `await`) would run before the ticks that follow it. Neither is a timer: nothing here waits
 * for time to pass, and no I/O runs before the release.
 *
 * Past the socket's high-water mark (16 KiB) MQTT.js waits for 'drain' as it did, and the job goes out in
 * a few writes; over a stream that cannot write several chunks at once (a websocket) they go one by one,
 * as they did. A QoS 0 publish still counts as written once MQTT.js has handed it to the socket: a socket
 * destroyed before the job ends would lose it, as one destroyed within the tick did before. This port
 * destroys a socket only once it has closed, or from a timer when a graceful close takes too long.
 */
function writesUntilJobEnds(client: MqttClient): () => void {
  let held: MqttClient['stream'] | undefined;
  const release = () => {
    const stream = held;
    held = undefined;
    stream?.uncork();
  };
  const releaseAfterTicks = () => queueMicrotask(release);
  return () => {
    if (held !== undefined) return;
    held = client.stream;
    held.cork();
    afterTicks(releaseAfterTicks);
  };
}

/**
 * `process.nextTick` in Node. Where there is no `process` (a browser) there are no ticks either: a microtask
 * then ends the job, and a publish made from a later microtask of the same job goes out in a write of its own.
 */
const afterTicks: (callback: () => void) => void =
  typeof process !== 'undefined' && typeof process.nextTick === 'function'
    ? (callback) => process.nextTick(callback)
    : (callback) => queueMicrotask(callback);

const HAS_BUFFER = typeof Buffer === 'function';
/** Each topic's UTF-8 bytes, encoded once: a device publishes on few topics, many times each. */
const topicBytesCache = new Map<string, Buffer>();

/**
 * The topic as bytes for MQTT.js, which hands it to mqtt-packet as it is (both take a Buffer topic, typed or
 * not): a string topic is measured (`Buffer.byteLength`) and written as a string chunk at every publish, and
 * one string among a job's chunks makes Node copy them all into one buffer for its `writev`, where Buffers
 * alone go out as they are. The e2e bench, this against topics as strings, in one process
 * (`bench:compare`, 11 and 15 rounds, 2026-12-03): ours/raw emulator QoS 0 1.028 -> 1.056 and 1.016 ->
 * 1.055, QoS 1 0.987 -> 1.000 and 0.978 -> 1.016, mosquitto QoS 0 1.297 -> 1.374 and 1.324 -> 1.390, QoS 1
 * 1.174 -> 1.173 and 1.182 -> 1.197. Bounded like `cachedTopicCheck`: forgotten whole at 1024 topics.
 */
function topicBytes(topic: string): string {
  // Without Buffer (a browser), the topic as it is: mqtt-packet takes no other bytes for one.
  if (!HAS_BUFFER) return topic;
  let bytes = topicBytesCache.get(topic);
  if (bytes === undefined) {
    if (topicBytesCache.size >= 1024) topicBytesCache.clear();
    bytes = Buffer.from(topic, 'utf8');
    topicBytesCache.set(topic, bytes);
  }
  // MQTT.js types the topic as a string; it and mqtt-packet write a Buffer as the topic's bytes.
  return bytes as unknown as string;
}

// Shared: MQTT.js copies its options, and a publish is too frequent to build them each time.
const PUBLISH_OPTIONS = [
  { qos: 0, retain: false },
  { qos: 1, retain: false },
] as const;

/**
 * Returns `whenWritten(done)`, for a QoS 0 publish just written to the socket: calls `done` now, or, when
 * the socket is past its high-water mark, on its next 'drain', as MQTT.js does for a publish with a callback.
 *
 * MQTT.js adds a 'drain' listener per such publish, and removing N once-listeners as they fire costs time
 * in N squared (each scans the listener list from its end, and the first added is at its start): 1.8 µs a
 * listener at 1,000 of them. With the writes held to the end of each job (`writesUntilJobEnds`), most QoS 0
 * publishes of the e2e bench were written past the mark (16,000 of 20,000 a run on mosquitto; raw
 * MQTT.js's, 870). Here one listener serves them all. A socket that closes first never drains: their
 * `done` is not called, and the publish sink sends them again on the next link.
 */
function drainWaiters(stream: MqttClient['stream']): (done: () => void) => void {
  let waiting: (() => void)[] = [];
  const drained = () => {
    const now = waiting;
    waiting = [];
    for (const done of now) done();
  };
  return (done) => {
    if (!stream.writableNeedDrain) return done();
    if (waiting.length === 0) stream.once('drain', drained);
    waiting.push(done);
  };
}

/**
 * The most QoS 1 publishes a link has unacknowledged; the rest wait in the port until answers free packet
 * ids. MQTT's ids are 16 bits (1-65,535) and MQTT.js's wrap around: a publish given the id of one still
 * unanswered replaced it in MQTT.js's outgoing map, and the PUBACK meant for the first answered the second.
 * 70,000 publishes sent at once (an offline queue going out): 4,465 timed out though the broker had them
 * all. SUBSCRIBE and UNSUBSCRIBE take ids from the same range, hence the margin.
 */
export const MAX_UNACKNOWLEDGED = 65_000;

/** A QoS 1 publish waiting in the port for a free packet id. */
interface Waiting {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly done: (error?: Error, packetId?: number) => void;
}

function linkOf(
  client: MqttClient,
  sessionPresent: boolean,
  owed: Set<(error: Error) => void>,
  holdWrites: () => void,
  markDisconnecting: () => void,
): MqttLink {
  const whenWritten = drainWaiters(client.stream);
  let unacknowledged = 0;
  // Not failed when the link closes: like those unanswered, the sink takes them back and sends them again.
  const waiting = new Queue<Waiting>();
  const writable = () => client.connected && !client.disconnecting && client.stream.writable;
  const publishQos1 = (topic: string, payload: Uint8Array, done: Waiting['done']) => {
    unacknowledged += 1;
    client.publish(topicBytes(topic), payload as Buffer, PUBLISH_OPTIONS[1], (error, packet) => {
      unacknowledged -= 1;
      // `(null, packet)` on the PUBACK. Under MQTT 3.1.1 a publish fails only when this connection ends
      // before its answer (MQTT.js may say so before its 'close', e.g. on a keepalive timeout): always a
      // lost connection, so the sink sends it again.
      if (error) {
        done(error instanceof ConnectionLostError ? error : new ConnectionLostError(error.message, error));
        return;
      }
      if (waiting.length > 0) sendWaiting();
      done(undefined, packet?.messageId);
    });
  };
  const sendWaiting = () => {
    const next = waiting.shift() as Waiting;
    if (!writable()) return next.done(new ConnectionLostError('not connected'));
    holdWrites();
    publishQos1(next.topic, next.payload, next.done);
  };
  /** Runs one request whose answer is owed: settles once, on the callback or on the connection's close. */
  const request = <T>(
    emits: boolean,
    send: (settle: (error: Error | null | undefined, value?: T) => void) => void,
  ) =>
    new Observable<T>((subscriber) => {
      let settled = false;
      const fail = (error: Error) => settle(error);
      const settle = (error: Error | null | undefined, value?: T) => {
        if (settled) return;
        settled = true;
        owed.delete(fail);
        if (error) subscriber.error(error);
        else {
          if (emits) subscriber.next(value as T);
          subscriber.complete();
        }
      };
      if (!client.connected) return fail(new ConnectionLostError('not connected'));
      owed.add(fail);
      send(settle);
      return () => owed.delete(fail);
    });

  return {
    sessionPresent,
    subscribe: (requests) =>
      request<readonly number[]>(true, (settle) =>
        client.subscribe(
          Object.fromEntries(requests.map((r) => [r.filter, { qos: r.qos }])),
          (_error, _subs, suback) => {
            const granted = (suback as { granted?: number[] } | undefined)?.granted;
            // A SUBACK with failures comes as an error carrying the packet; only a missing SUBACK is a real error.
            if (granted) settle(null, granted);
            else settle(_error ?? new ConnectionLostError('no SUBACK'));
          },
        ),
      ),
    unsubscribe: (filters) =>
      request<never>(false, (settle) => client.unsubscribe([...filters], (error) => settle(error ?? null))),
    publish: (topic, payload, qos, done) => {
      // Disconnecting, MQTT.js refuses a publish (and with no callback to tell, emits it as an 'error').
      // Once the peer has closed or the socket is gone, MQTT.js still says connected until its 'close'
      // (a turn or more later), and a write then is lost: not written, so the sink sends it again.
      if (!writable()) return done(new ConnectionLostError('not connected'));
      // Typed Buffer, but mqtt-packet measures and writes any Uint8Array (a browser has no Buffer).
      if (qos === 0) {
        holdWrites();
        // Written before publish() returns: the client is connected, and a client of ours never has stored
        // packets to send first (one client per connection, clean or not, so its store is empty).
        client.publish(topicBytes(topic), payload as Buffer, PUBLISH_OPTIONS[0]);
        return whenWritten(done);
      }
      if (unacknowledged >= MAX_UNACKNOWLEDGED || waiting.length > 0)
        return waiting.push({ topic, payload, done });
      holdWrites();
      publishQos1(topic, payload, done);
    },
    disconnect: () =>
      new Observable<never>((subscriber) => {
        markDisconnecting();
        // What MQTT.js still holds was given up by the publish sink (timed out): it must not hold back the
        // DISCONNECT, as MQTT.js's graceful end waits until it has no publish outstanding.
        for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
        client.end(false, {}, () => subscriber.complete());
      }),
  };
}
