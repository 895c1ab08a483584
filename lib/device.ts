import * as E from 'fp-ts/Either';
import type { IClientOptions } from 'mqtt';
import { createConnection, type Connection } from './connection/createConnection';
import { mqttJsPort } from './connection/mqttJsPort';
import type { MqttPort } from './connection/MqttPort';
import { decodeDeviceOptions, DeviceOptionsError, type DeviceOptions } from './identity/deviceOptions';
import { deviceTopics, type DeviceTopics } from './identity/deviceTopics';
import { mqttCredentials } from './identity/mqttCredentials';
import { resolveEndpoint } from './identity/resolveEndpoint';

/** A device on the Aliyun IoT Platform (or any broker), as observables. */
export interface AliyunDevice extends Connection {
  readonly productKey: string;
  readonly deviceName: string;
  /** The broker URL this device dials. */
  readonly url: string;
  /** The device's own topics (PROTOCOL.md §3). */
  readonly topics: DeviceTopics;
}

/** What `createDevice` takes besides the options: plumbing, not data. */
export interface DeviceTransport {
  /** Passed to MQTT.js as they are: TLS `ca`, `rejectUnauthorized`, `wsOptions`, ... */
  readonly clientOptions?: Readonly<IClientOptions> | undefined;
  /** Replaces MQTT.js altogether, e.g. with a fake in marble tests. */
  readonly port?: MqttPort | undefined;
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
  if (E.isLeft(decoded)) throw new DeviceOptionsError(decoded.left);
  const o = decoded.right;
  const { url, secureMode } = resolveEndpoint(o.endpoint, o.productKey);
  // The secret is used here once, for the password, and kept nowhere else.
  const credentials = mqttCredentials({
    productKey: o.productKey,
    deviceName: o.deviceName,
    deviceSecret: o.deviceSecret,
    clientId: o.clientId,
    signMethod: o.signMethod,
    secureMode,
    extra: o.extra,
    ...(o.timestamp === undefined ? {} : { timestamp: o.timestamp }),
  });
  const port =
    transport.port ??
    mqttJsPort({
      url,
      ...credentials,
      keepalive: o.keepalive,
      cleanSession: o.cleanSession,
      connectTimeoutMs: o.connectTimeoutMs,
      ...(transport.clientOptions ? { clientOptions: transport.clientOptions } : {}),
    });
  const identity = { productKey: o.productKey, deviceName: o.deviceName };
  const connection = createConnection(port, {
    ...(o.checkNamespace ? { identity } : {}),
    reconnect: o.reconnect,
    queueLimit: o.offlineQueue.limit,
    overflow: o.offlineQueue.overflow,
    publishTimeoutMs: o.publishTimeoutMs,
    maxPayloadBytes: o.maxPayloadBytes,
    maxTopicBytes: o.maxTopicBytes,
  });
  return { ...connection, ...identity, url, topics: deviceTopics(identity) };
}
