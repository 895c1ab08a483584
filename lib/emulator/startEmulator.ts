import { merge, Subject, type Observable } from 'rxjs';
import { deviceTopics, type DeviceIdentity, type SecretStore } from '../identity';
import type { OtaFirmwareFields, PlatformErrorFields } from '../protocol';
import type { EmulatedProduct } from './authenticateDevice';
import { deviceRegistry } from './deviceRegistry';
import { forwardingRules, type ForwardingRule } from './forwardingRules';
import { httpsRegistration } from './httpsRegistration';
import {
  alinkRequest,
  BOOTSTRAP_NOTIFY_METHOD,
  BOOTSTRAP_PATH,
  HTTP_ACCESS_LIMITS,
  messageIds,
} from '../protocol';
import { encodePayload, type CloudPayload } from './cloudPayloads';
import {
  cloudOta,
  type Firmware,
  type OtaReport,
  type OtaUpgradeJob,
  type OtaUpgradeJobOptions,
} from './cloudOta';
import { startFileServer, type FileDownload, type ServedFile, type ServeFileOptions } from './fileServer';
import { cloudConfig, type ConfigOptions, type ConfigPushReply, type ProductConfig } from './cloudConfig';
import { cloudShadow, type CloudShadowCalls } from './cloudShadow';
import { cloudFoundDevices, type CloudFoundDevicesCalls } from './cloudFoundDevices';
import { cloudGateway, type CloudGatewayCalls } from './cloudGateway';
import { Topology } from './topology';
import { httpsBootstrap } from './httpsBootstrap';
import { pathOf } from './formRequests';
import { cloudBroadcasts, type PubBroadcastOptions } from './cloudBroadcasts';
import { serveNtp } from './cloudNtp';
import { cloudServices, type RrpcOptions } from './cloudServices';
import type { CloudSide } from './CloudSide';
import { cloudTags } from './cloudTags';
import { cloudFiles, type CloudFileCalls } from './cloudFiles';
import { cloudStreams } from './cloudStreams';
import { cloudLogs, type CloudLogCalls } from './cloudLogs';
import { cloudDiagnostics, type CloudDiagnosticCalls } from './cloudDiagnostics';
import { replyDelays } from './replyDelays';
import { cloudJobs, type CloudJobCalls } from './cloudJobs';
import { cloudThingState, type CloudThingQueries } from './cloudThing';
import { cloudThingCalls, type CloudThingCalls } from './cloudThingCalls';
import { cloudThingBatches, packPostLimits, type PackPostLimits } from './cloudThingBatches';
import { propertyStore } from './propertyStore';
import type { EmulatorEvent, OnlineDevice, ReceivedMessage } from './emulatorEvent';
import { EmulatorClosedError, PayloadTooLargeError } from './emulatorErrors';
import { createCertificateAuthority, type KeyPair } from './certificates';
import { httpsDeviceAccess } from './httpsDeviceAccess';
import { startListeners, type Listeners } from './listeners';
import { dataParsing } from './dataParser';
import { rawDataCloud } from './cloudRawData';
import { cloudLifecycle, type CloudLifecycleCalls } from './cloudLifecycle';
import { loadAedes } from './loadAedes';
import { describeCloudPublish } from './describeEmulatorEvent';
import { emulatorLog, logEmulator } from './logEmulator';
import { platformBroker } from './platformBroker';
import { cloudCompression } from './cloudCompression';

/** A server certificate for the emulator's TLS listeners, and the authority that signed it. */
export interface EmulatorTlsOptions extends KeyPair {
  /** PEM of the authority devices must trust; `Emulator.ca` gives it back. */
  readonly ca: string;
}

export interface EmulatorOptions {
  /** TCP port of plain MQTT. Default: 0, a free port (read it from `Emulator.port`). */
  readonly port?: number | undefined;
  /** Ports of MQTT over TLS, websockets and secure websockets. Default: 0 each, free ports (see `urls`). */
  readonly ports?:
    | {
        readonly mqtts?: number | undefined;
        readonly ws?: number | undefined;
        readonly wss?: number | undefined;
      }
    | undefined;
  /**
   * The certificate of the TLS listeners (mqtts, wss). Default: a certificate authority made at start
   * (`Emulator.ca`) and a certificate it signs for `localhost`, `127.0.0.1` and `host`.
   */
  readonly tls?: EmulatorTlsOptions | undefined;
  /** Interface to listen on. Default: `'127.0.0.1'`. */
  readonly host?: string | undefined;
  /** The products and devices that may connect, or register (a product's `dynamicRegistration`). */
  readonly products: readonly EmulatedProduct[];
  /**
   * Where the emulator keeps the secrets and tokens it issues by dynamic registration, so that a restarted
   * emulator still knows them (a device found there counts as activated). Default: none, memory only.
   */
  readonly secretStore?: SecretStore | undefined;
  /** Largest payload, in bytes, either way; a device that sends more is disconnected. Default: 256 * 1024. */
  readonly maxPayloadBytes?: number | undefined;
  /**
   * Whether what a device publishes also reaches the devices subscribed to its topic (those that may receive
   * it: a custom topic class with `'all'` rights), as if a rule forwarded every topic to itself. Default:
   * `false`, as the platform (device to device needs its rules engine). Round-trip tests and benchmarks turn
   * it on. With message compression it goes as the receiver declared: gzip on its `downlink` topics, plain
   * otherwise.
   */
  readonly forwardDevicePublishes?: boolean | undefined;
  /**
   * Rules that republish what devices publish, as the platform's rules engine does (e.g. a custom topic to the
   * topic broadcast `/broadcast/${productKey}/…`, which devices may only subscribe to). Default: none.
   */
  readonly forwardingRules?: readonly ForwardingRule[] | undefined;
  /**
   * What a device's publish on a topic it may not publish on (one it only receives, say `/broadcast/…` or
   * `…/property/set`) does: `'close'` the connection (as a publish outside the namespace), or `'drop'` it
   * after the PUBACK. Which one the platform does is unverified. Default: `'close'`.
   */
  readonly wrongDirection?: 'close' | 'drop' | undefined;
  /**
   * Which listener device distribution (`POST /auth/bootstrap` on `urls.https`) names: plain MQTT or MQTT over
   * TLS, as `bootstrap()` makes its endpoint (`mqtts://` by default). Default: `'mqtts'`.
   */
  readonly bootstrap?: 'mqtt' | 'mqtts' | undefined;
  /**
   * The platform's clock, in ms since the epoch: NTP answers and shadow timestamps read it. Default:
   * `Date.now`.
   */
  readonly clock?: (() => number) | undefined;
  /**
   * The most a gateway's pack post (`thing.event.property.pack.post`) may carry: properties and events over the
   * whole message (its own part and every sub-device's), and sub-device parts; past one it is refused with 460.
   * Defaults: 200 properties, 20 events and 20 sub-devices, the platform's documented limits (whether the
   * first two count the whole message is unverified).
   */
  readonly packPostLimits?: PackPostLimits | undefined;
  /**
   * How many values the emulator keeps of each property of each device for `queryDevicePropertyData` (from
   * property, pack, history and batch posts); past it the earliest by time goes. Default: 1000.
   */
  readonly propertyHistoryLimit?: number | undefined;
  /**
   * How long a token of HTTPS device access (`POST /auth` on `urls.https`) is good for, on `clock`; a message
   * posted with an older one is answered 20001. Default: 7 days, as documented.
   */
  readonly httpTokenValidityMs?: number | undefined;
}

/**
 * How late the emulator answers one device, for tests of its diagnostics: its Alink replies (the cloud's
 * publishes on `…_reply` topics of the device) and the PINGRESPs to its own connection. 0 or absent: on time.
 */
export interface DeviceLatency {
  readonly alinkReplyMs?: number | undefined;
  readonly pingResponseMs?: number | undefined;
}

export interface CloudPublishOptions {
  /** Default: 0. */
  readonly qos?: 0 | 1 | undefined;
}

/** A running emulator of the Alibaba Cloud IoT Platform, seen from the cloud side. */
export interface Emulator
  extends
    CloudThingCalls,
    CloudThingQueries,
    CloudShadowCalls,
    CloudGatewayCalls,
    CloudFoundDevicesCalls,
    CloudLifecycleCalls,
    CloudLogCalls,
    CloudDiagnosticCalls,
    CloudFileCalls,
    CloudJobCalls {
  /** `urls.mqtt`, for a device's `endpoint: { url }`. */
  readonly url: string;
  /** The port of `urls.mqtt`. */
  readonly port: number;
  /**
   * Where devices connect, one listener each: `mqtt://` (securemode 3), `mqtts://` (2), `ws://…/mqtt` (3) and
   * `wss://…/mqtt` (2). The TLS ones need `ca` in the device's `tls` option.
   */
  readonly urls: {
    readonly mqtt: string;
    readonly mqtts: string;
    readonly ws: string;
    readonly wss: string;
    /** The HTTPS origin of `/auth/register/device` (on the wss port), for `registration.url`. */
    readonly https: string;
  };
  /** PEM of the certificate authority behind the TLS listeners: `tls: { ca: emulator.ca }`. */
  readonly ca: string;
  /**
   * Every PUBLISH devices send, as the platform hands it on: gunzipped on a topic the device declared
   * compressed (`codec/topic/update`). Hot; completes on close.
   */
  readonly received$: Observable<ReceivedMessage>;
  /** Devices online now: replays the current list, then each change. Completes on close. */
  readonly devices$: Observable<readonly OnlineDevice[]>;
  /**
   * Connections, refusals, (un)subscriptions, kicks and rule violations; thing-model requests answered and
   * cloud calls to devices. Hot; completes on close.
   */
  readonly events$: Observable<EmulatorEvent>;
  /**
   * Publishes to devices as the platform. Topics of system RRPC, product broadcast and `/ext/rrpc/` go
   * straight to the device they belong to, subscribed or not; any other topic reaches the subscribers. On a
   * topic the device declared compressed, the payload goes as its gzip (`maxPayloadBytes` counts those bytes).
   * Rejects with `PayloadTooLargeError` over `maxPayloadBytes`, `EmulatorClosedError` after close.
   */
  publish(topic: string, payload: CloudPayload, options?: CloudPublishOptions): Promise<void>;
  /**
   * System RRPC: sends `request` on `/sys/pk/dn/rrpc/request/${messageId}` and resolves with the payload the
   * device publishes on `/sys/pk/dn/rrpc/response/${messageId}`. Rejects with `DeviceOfflineError` at once
   * when the device is not online, `RrpcTimeoutError` after `timeoutMs`, `EmulatorClosedError` on close.
   */
  rrpc(device: DeviceIdentity, request: CloudPayload, options?: RrpcOptions): Promise<Buffer>;
  /**
   * Pushes a firmware on `/ota/device/upgrade/pk/dn` (QoS 1), payload as the platform sends it, and keeps it
   * waiting for the device's pulls until the device reports its version. A firmware with an `image` is served
   * by the emulator's HTTP server (loopback, `Range` supported) and its `url`, `size` and digests filled in;
   * with `mqtt: true`, over MQTT instead (`thing/file/download`), its `streamId` announced.
   * Resolves with what was announced.
   */
  pushOta(device: DeviceIdentity, firmware: Firmware): Promise<OtaFirmwareFields>;
  /**
   * OpenAPI `CreateOTAStaticUpgradeJob`: the firmware waits for each target device (every device of the
   * product by default, those that reported one of `srcVersions` if given), pushed now to those online.
   */
  createOtaStaticUpgradeJob(job: OtaUpgradeJobOptions): Promise<OtaUpgradeJob>;
  /** Each device's OTA progress reports and version reports, decoded. Hot; completes on close. */
  readonly otaProgress$: Observable<OtaReport>;
  /**
   * Serves a file (bytes, or the path of one) over the emulator's HTTP server on loopback, with `Range`
   * support and optional faults; resolves with its URL, size, MD5 and SHA-256.
   */
  serveFile(content: Uint8Array | string, options?: ServeFileOptions): Promise<ServedFile>;
  /** Every response of the HTTP server (firmware, configuration files), once it has ended. */
  readonly downloads$: Observable<FileDownload>;
  /**
   * Writes the product's remote configuration file (text, bytes, or JSON), served over HTTP on loopback and
   * signed with SHA-256; `thing.config.get` is answered with it (6710 "no data" before).
   */
  setConfig(productKey: string, content: CloudPayload, options?: ConfigOptions): Promise<ProductConfig>;
  /** `setConfig`, then `thing.config.push` to every online device of the product. */
  pushConfig(productKey: string, content: CloudPayload, options?: ConfigOptions): Promise<ProductConfig>;
  /** The devices' answers to configuration pushes. Hot; completes on close. */
  readonly configPushReplies$: Observable<ConfigPushReply>;
  /** The tags of a device, by key, as `thing.deviceinfo.update` left them (OpenAPI `QueryDeviceProp`). */
  queryDeviceProp(device: DeviceIdentity): Readonly<Record<string, string>>;
  /**
   * OpenAPI `PubBroadcast`: without `topicFullName`, a product broadcast to every online device of the
   * product on `/sys/pk/dn/broadcast/request/${messageId}` (no subscription needed); with it, a topic
   * broadcast on `/broadcast/pk/…` to the devices subscribed. Resolves with the message id.
   */
  pubBroadcast(
    productKey: string,
    message: CloudPayload,
    options?: PubBroadcastOptions,
  ): Promise<{ readonly messageId: string }>;
  /**
   * Asks a device to bootstrap again: `thing.bootstrap.notify` with `cmd` 0 on `/sys/pk/dn/thing/bootstrap/notify`
   * (QoS 1, to the device if it is subscribed). Resolves with the message id.
   */
  notifyBootstrap(device: DeviceIdentity): Promise<{ readonly messageId: string }>;
  /**
   * Makes the emulator answer a device late from now on (`DeviceLatency`), until called again with 0s: replies
   * and PINGRESPs that were held when it closes are dropped. A negative or non-finite delay is a `RangeError`.
   */
  setDeviceLatency(device: DeviceIdentity, latency: DeviceLatency): void;
  /** Sends a platform error about `device` on `/ext/error/pk/dn` (`{id, code, message}`). */
  sendError(device: DeviceIdentity, error: PlatformErrorFields): Promise<void>;
  /**
   * Drops one device's connection, or every one, as a network failure would; the emulator keeps running. A
   * sub-device logged in through a gateway is logged out instead (its gateway stays connected).
   */
  disconnect(device?: DeviceIdentity): Promise<void>;
  /** Closes every connection, the server and the broker, and completes the streams. Idempotent. */
  close(): Promise<void>;
}

/** The certificate the TLS listeners show: the one given, or one from a fresh authority. */
function emulatorTls(given: EmulatorTlsOptions | undefined, host: string): EmulatorTlsOptions {
  if (given !== undefined) return given;
  const authority = createCertificateAuthority({ commonName: 'rx-aliyun-iot emulator CA' });
  const hosts = [...new Set(['localhost', '127.0.0.1', host])];
  return { ...authority.issue({ hosts }), ca: authority.cert };
}

/**
 * Starts an MQTT broker on loopback that behaves like the platform towards devices: it checks signed
 * credentials, applies the topic and QoS rules, and plays the cloud side.
 *
 * ```ts
 * const emulator = await startEmulator({
 *   products: [{ productKey: 'a1TestPK001', devices: [{ deviceName: 'dev01', deviceSecret: 's3cret' }] }],
 * });
 * const device = createDevice({ ..., endpoint: { url: emulator.url } });
 * await emulator.close();
 * ```
 */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const {
    port: requestedPort = 0,
    ports = {},
    host = '127.0.0.1',
    products,
    maxPayloadBytes = 256 * 1024,
    forwardDevicePublishes = false,
    forwardingRules: rules = [],
    wrongDirection = 'close',
    clock = Date.now,
    httpTokenValidityMs = HTTP_ACCESS_LIMITS.tokenValidityMs,
    bootstrap = 'mqtts',
  } = options;
  // Options that can be wrong are read before anything starts, so that nothing is left running.
  const packLimits = packPostLimits(options.packPostLimits);
  const properties = propertyStore(options.propertyHistoryLimit);
  const parsings = new Map(
    products.flatMap((p) =>
      p.dataParser === undefined ? [] : [[p.productKey, dataParsing(p.productKey, p.dataParser)] as const],
    ),
  );
  const createBroker = await loadAedes();
  const registry = deviceRegistry(products, options.secretStore);
  const topology = new Topology();
  const cloudEvents$ = new Subject<EmulatorEvent>();
  // Closest to the wire: every service, data parsing included, hears and sends payloads uncompressed.
  const compression = cloudCompression((event) => cloudEvents$.next(event));
  const broker = platformBroker(createBroker, registry, {
    maxPayloadBytes,
    forwardDevicePublishes,
    wrongDirection,
    topology,
    inbound: compression.inbound,
    forwarded: compression.forwarded,
  });
  const tls = emulatorTls(options.tls, host);
  let listeners: Listeners | undefined;
  const register = httpsRegistration(registry, {
    registered: (device) => cloudEvents$.next({ type: 'registered', device, method: 'https' }),
    refused: (device, reason) =>
      cloudEvents$.next({
        type: 'registration-refused',
        method: 'https',
        reason,
        ...(device ? { device } : {}),
      }),
  });
  const httpAccess = httpsDeviceAccess(registry, {
    now: clock,
    tokenValidityMs: httpTokenValidityMs,
    receive: (message) => broker.receive(message),
    emit: (event) => cloudEvents$.next(event),
  });
  // The listener's address, known once the listeners are up (no request comes before).
  const answerBootstrap = httpsBootstrap(registry, () => ({
    host,
    port: listeners?.ports[bootstrap] ?? 0,
  }));
  try {
    listeners = await startListeners({
      host,
      ports: { mqtt: requestedPort, mqtts: ports.mqtts ?? 0, ws: ports.ws ?? 0, wss: ports.wss ?? 0 },
      certificate: tls,
      handle: (stream, transport) => broker.handle(stream, transport),
      request: (request, response) => {
        if (httpAccess.handle(request, response)) return;
        if (pathOf(request) === BOOTSTRAP_PATH) answerBootstrap(request, response);
        else register(request, response);
      },
    });
  } catch (error) {
    await broker.close();
    throw error;
  }
  let files;
  try {
    files = await startFileServer(host, tls);
  } catch (error) {
    await listeners.close();
    await broker.close();
    throw error;
  }
  const nextId = messageIds();
  let closing: Promise<void> | undefined;
  const lateReplies = replyDelays();

  async function publish(topic: string, payload: CloudPayload, { qos = 0 }: CloudPublishOptions = {}) {
    if (closing !== undefined) throw new EmulatorClosedError();
    const publishable = topic !== '' && !/[+#]/.test(topic) && !topic.includes('\u0000');
    if (!publishable) throw new TypeError(`not a topic to publish to: ${topic}`);
    const plain = encodePayload(payload);
    const bytes = compression.outbound(topic, plain);
    if (bytes.length > maxPayloadBytes) throw new PayloadTooLargeError(topic, bytes.length, maxPayloadBytes);
    const delayMs = lateReplies.delayOf(topic);
    if (delayMs > 0) {
      await lateReplies.wait(delayMs);
      if (closing !== undefined) throw new EmulatorClosedError();
    }
    if (emulatorLog.enabled) emulatorLog('%s', describeCloudPublish(topic, plain, qos));
    await broker.deliver(topic, bytes, qos);
  }

  const models = new Map(
    products.flatMap((p) => (p.tsl === undefined ? [] : [[p.productKey, p.tsl] as const])),
  );
  const modelOf = (productKey: string) => models.get(productKey);
  const platform: CloudSide = {
    received$: broker.received$,
    listen: broker.listen,
    isOnline: broker.isOnline,
    onlineDevices: broker.onlineDevices,
    isClosed: () => closing !== undefined,
    publish,
    nextId,
    now: clock,
    emit: (event) => cloudEvents$.next(event),
  };
  // Pass-through products' data parsing sits in front of every service, and only when a product has it.
  const rawData = parsings.size === 0 ? undefined : rawDataCloud(platform, (key) => parsings.get(key));
  const cloud = rawData?.cloud ?? platform;
  // Each platform service is a file of its own; the emulator composes them.
  const services = cloudServices(cloud);
  const compressing = compression.serve(platform);
  // A deleted device's declaration goes with it: one registered anew under its name has declared nothing.
  const forgetDeleted = cloudEvents$.subscribe((event) => {
    if (event.type === 'lifecycle' && event.change === 'deleted') compression.forget(event.device);
  });
  const ntp = serveNtp(cloud);
  const tags = cloudTags(cloud);
  const diagnostics = cloudDiagnostics(cloud);
  const deviceLogs = cloudLogs(cloud, diagnostics.logsPosted);
  const deviceFiles = cloudFiles(cloud, files);
  const jobs = cloudJobs(cloud, files, products);
  const broadcasts = cloudBroadcasts(cloud);
  const deviceStreams = cloudStreams(cloud);
  const ota = cloudOta(cloud, files, products, deviceStreams);
  const shadow = cloudShadow(cloud);
  const config = cloudConfig(cloud, files);
  const thingState = cloudThingState(cloud, modelOf, properties);
  const thingBatches = cloudThingBatches(cloud, modelOf, topology, properties, packLimits);
  const thingCalls = cloudThingCalls(cloud, modelOf);
  const forwarding = forwardingRules(cloud, rules);
  const gateways = cloudGateway(cloud, registry, topology, broker);
  const foundDevices = cloudFoundDevices(cloud, registry);
  const lifecycle = cloudLifecycle(cloud, registry, topology, broker, gateways);

  const urls = listeners.urls;
  emulatorLog('listening on %s', [urls.mqtt, urls.mqtts, urls.ws, urls.wss].join(', '));
  const emulator: Emulator = {
    url: listeners.urls.mqtt,
    port: listeners.ports.mqtt,
    urls: { ...listeners.urls, https: listeners.https },
    ca: tls.ca,
    received$: broker.received$,
    devices$: broker.devices$,
    events$: merge(broker.events$, cloudEvents$),
    publish,
    rrpc: services.rrpc,
    pushOta: ota.pushOta,
    createOtaStaticUpgradeJob: ota.createOtaStaticUpgradeJob,
    otaProgress$: ota.otaProgress$,
    serveFile: files.serve,
    downloads$: files.downloads$,
    getDeviceShadow: shadow.getDeviceShadow,
    updateDeviceShadow: shadow.updateDeviceShadow,
    setConfig: config.setConfig,
    pushConfig: config.pushConfig,
    configPushReplies$: config.configPushReplies$,
    queryDeviceProp: tags.queryDeviceProp,
    setDeviceLogReporting: deviceLogs.setDeviceLogReporting,
    queryDeviceLogs: deviceLogs.queryDeviceLogs,
    queryDeviceDiagnostics: diagnostics.queryDeviceDiagnostics,
    setDeviceLatency(device, { alinkReplyMs = 0, pingResponseMs = 0 }) {
      for (const [name, ms] of Object.entries({ alinkReplyMs, pingResponseMs })) {
        if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
          throw new RangeError(`${name} must be a finite number of ms from 0 up, got ${String(ms)}`);
        }
      }
      lateReplies.set(device, alinkReplyMs);
      broker.delayPingResponses(device, pingResponseMs);
    },
    queryDeviceFileList: deviceFiles.queryDeviceFileList,
    queryDeviceFile: deviceFiles.queryDeviceFile,
    deleteDeviceFile: deviceFiles.deleteDeviceFile,
    createJob: jobs.createJob,
    queryJob: jobs.queryJob,
    cancelJob: jobs.cancelJob,
    queryTask: jobs.queryTask,
    listTask: jobs.listTask,
    pubBroadcast: broadcasts.pubBroadcast,
    sendError: broadcasts.sendError,
    async notifyBootstrap(device) {
      const messageId = nextId();
      const payload = alinkRequest({ id: messageId, method: BOOTSTRAP_NOTIFY_METHOD, params: { cmd: 0 } });
      await publish(deviceTopics(device).bootstrapNotify, payload, { qos: 1 });
      return { messageId };
    },
    setDeviceProperty: thingCalls.setDeviceProperty,
    invokeThingService: thingCalls.invokeThingService,
    queryDevicePropertyStatus: thingState.queryDevicePropertyStatus,
    queryDevicePropertyData: thingState.queryDevicePropertyData,
    setDeviceDesiredProperty: thingState.setDeviceDesiredProperty,
    queryDeviceDesiredProperty: thingState.queryDeviceDesiredProperty,
    getThingModelTsl: thingState.getThingModelTsl,
    getThingTopo: gateways.getThingTopo,
    removeThingTopo: gateways.removeThingTopo,
    foundSubDevices: foundDevices.foundSubDevices,
    notifyAddThingTopo: foundDevices.notifyAddThingTopo,
    disableThing: lifecycle.disableThing,
    enableThing: lifecycle.enableThing,
    deleteDevice: lifecycle.deleteDevice,
    disconnect: (device) => broker.drop(device),
    close() {
      closing ??= (async () => {
        // Stop accepting first; the listeners are closed once the last connection has gone.
        httpAccess.close();
        const listenersClosed = listeners.close();
        lateReplies.close();
        await broker.close();
        await listenersClosed;
        await files.close();
        ntp.unsubscribe();
        compressing.unsubscribe();
        forgetDeleted.unsubscribe();
        for (const rule of forwarding) rule.unsubscribe();
        tags.subscription.unsubscribe();
        deviceLogs.subscription.unsubscribe();
        diagnostics.subscription.unsubscribe();
        deviceFiles.subscription.unsubscribe();
        jobs.subscription.unsubscribe();
        ota.subscription.unsubscribe();
        deviceStreams.subscription.unsubscribe();
        shadow.subscription.unsubscribe();
        gateways.subscription.unsubscribe();
        foundDevices.subscription.unsubscribe();
        config.subscription.unsubscribe();
        thingState.subscription.unsubscribe();
        thingBatches.unsubscribe();
        rawData?.subscription.unsubscribe();
        cloudEvents$.complete();
        emulatorLog('closed');
      })();
      return closing;
    },
  };
  logEmulator(emulator);
  return emulator;
}
