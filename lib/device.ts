import * as E from 'fp-ts/Either';
import type { IClientOptions } from 'mqtt';
import { BehaviorSubject, distinctUntilChanged, map, of, switchMap, type Observable } from 'rxjs';
import { RegistrationRefusedError } from './alink/registrationErrors';
import type { ConnectionState } from './connection/ConnectionState';
import { createConnection, type Connection } from './connection/createConnection';
import { registrationPortsWith } from './connection/defaultRegistrationPorts';
import type { DevicePacket } from './connection/DevicePacket';
import type { RegistrationPortOverrides } from './connection/registrationPorts';
import { deviceCredentials } from './deviceCredentials';
import { clientOptionsProblems, halfOpenDetectionMs, mqttJsPort } from './connection/mqttJsPort';
import type { MqttPort } from './connection/MqttPort';
import {
  decodeDeviceOptions,
  DeviceOptionsError,
  type DeviceOptions,
  type ReconnectPolicy,
} from './identity/deviceOptions';
import { deviceTopics, type DeviceTopics } from './identity/deviceTopics';
import { resolveEndpoint } from './identity/resolveEndpoint';
import { tlsForEndpoint } from './identity/tlsOptions';
import { deviceLogs } from './deviceLogs';

/** A device on the Aliyun IoT Platform (or any broker), as observables. */
export interface AliyunDevice extends Connection {
  readonly productKey: string;
  readonly deviceName: string;
  /** The broker URL this device dials. */
  readonly url: string;
  /** The device's own topics. */
  readonly topics: DeviceTopics;
  /**
   * Every MQTT packet the device sends and receives, CONNECT to DISCONNECT, of every connection, a dynamic
   * registration's too (hot: from the moment of subscribing). Never the password; JSON fields named like
   * secrets are redacted. Completes with `state$`. Empty with a `transport.port` of your own.
   */
  readonly packets$: Observable<DevicePacket>;
}

/** What `createDevice` takes besides the options: plumbing, not data. */
export interface DeviceTransport {
  /**
   * Passed to MQTT.js as they are (`wsOptions`, a proxy, ...). TLS goes through the `tls` option; an option
   * the device sets itself (`clientId`, `keepalive`, `ca`, ...) is a `DeviceOptionsError` naming where it goes.
   */
  readonly clientOptions?: Readonly<IClientOptions> | undefined;
  /** Replaces MQTT.js altogether, e.g. with a fake in marble tests. */
  readonly port?: MqttPort | undefined;
  /** Replaces the side effects of dynamic registration (MQTT.js, Node's HTTPS), e.g. in marble tests. */
  readonly registration?: RegistrationPortOverrides | undefined;
}

/**
 * Creates a device. Nothing connects until `start()`. Invalid options throw one `DeviceOptionsError` that
 * names every bad field (never a secret's value).
 *
 * ```ts
 * const device = createDevice({ productKey, deviceName, deviceSecret, endpoint: { region: 'cn-shanghai' } });
 * device.observe(`/broadcast/${productKey}/123`).subscribe((m) => console.log(m.payload.toString()));
 * device.start();
 * ```
 */
export function createDevice(options: DeviceOptions, transport: DeviceTransport = {}): AliyunDevice {
  const decoded = decodeDeviceOptions(options);
  const transportProblems = transportProblemsOf(transport);
  if (E.isLeft(decoded) || transportProblems.length > 0) {
    throw new DeviceOptionsError([...(E.isLeft(decoded) ? decoded.left : []), ...transportProblems]);
  }
  const o = decoded.right;
  const { url, secureMode } = resolveEndpoint(o.endpoint, o.productKey);
  const registering$ = new BehaviorSubject(false);
  const progress = { registering: (active: boolean) => registering$.next(active) };
  const logs = deviceLogs(`${o.productKey}/${o.deviceName}`);
  const credentials = deviceCredentials(
    o,
    secureMode,
    registrationPortsWith(transport.registration),
    progress,
    logs.tap,
  );
  const identity = { productKey: o.productKey, deviceName: o.deviceName };
  const port =
    transport.port ??
    mqttJsPort({
      url,
      credentials,
      keepalive: o.keepalive,
      cleanSession: o.cleanSession,
      connectTimeoutMs: o.connectTimeoutMs,
      ...(/^(mqtts|wss):/i.test(url) ? { tls: tlsForEndpoint(o.tls, o.endpoint) } : {}),
      ...(transport.clientOptions ? { clientOptions: transport.clientOptions } : {}),
      packets: logs.tap,
    });
  const connection = createConnection(port, {
    ...(o.checkNamespace ? { identity } : {}),
    reconnect: withoutRefusedRegistrations(o.reconnect),
    queueLimit: o.offlineQueue.limit,
    overflow: o.offlineQueue.overflow,
    publishTimeoutMs: o.publishTimeoutMs ?? halfOpenDetectionMs(o.keepalive) + 5000,
    maxPayloadBytes: o.maxPayloadBytes,
    maxTopicBytes: o.maxTopicBytes,
  });
  const registering = { ...connection, state$: showRegistering(connection.state$, registering$) };
  return {
    ...logs.logged(registering, url),
    ...identity,
    url,
    topics: deviceTopics(identity),
    packets$: logs.packets$,
  };
}

/** `clientOptions` that set what the port sets itself, or that a port of the caller's own would ignore. */
function transportProblemsOf(transport: DeviceTransport): string[] {
  const { clientOptions, port } = transport;
  if (clientOptions === undefined) return [];
  if (port !== undefined) {
    return [
      'transport.clientOptions: ignored with a port of your own (transport.port); pass one or the other',
    ];
  }
  return clientOptionsProblems(clientOptions).map((problem) => `transport.${problem}`);
}

/** A refused registration is not tried again: trying would not change the platform's answer. */
function withoutRefusedRegistrations(policy: ReconnectPolicy | false): ReconnectPolicy | false {
  if (policy === false) return false;
  const { shouldRetry } = policy;
  return {
    ...policy,
    shouldRetry: (error: unknown) =>
      !(error instanceof RegistrationRefusedError) && (shouldRetry === undefined || shouldRetry(error)),
  };
}

/**
 * The connection's states, with `registering` in place of `connecting` while the attempt registers; once the
 * device has its credential the attempt goes on `connecting`. Replays and completes as the connection's do.
 */
function showRegistering(
  state$: Observable<ConnectionState>,
  registering$: Observable<boolean>,
): Observable<ConnectionState> {
  return state$.pipe(
    switchMap((state) =>
      state.status === 'connecting'
        ? registering$.pipe(
            map((active): ConnectionState =>
              active ? { status: 'registering', attempt: state.attempt } : state,
            ),
            distinctUntilChanged(),
          )
        : of(state),
    ),
  );
}
