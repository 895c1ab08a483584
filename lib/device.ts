import * as E from 'fp-ts/Either';
import type { IClientOptions } from 'mqtt';
import { defer, of, type Observable } from 'rxjs';
import { createConnection, type Connection } from './connection/createConnection';
import type { DevicePacket } from './connection/DevicePacket';
import { mqttJsPort } from './connection/mqttJsPort';
import type { MqttPort } from './connection/MqttPort';
import {
  decodeDeviceOptions,
  DeviceOptionsError,
  timestampNow,
  type DeviceOptions,
} from './identity/deviceOptions';
import { deviceTopics, type DeviceTopics } from './identity/deviceTopics';
import { mqttCredentials } from './identity/mqttCredentials';
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
   * Every MQTT packet the device sends and receives, CONNECT to DISCONNECT, of every connection (hot: from
   * the moment of subscribing). Never the password; JSON fields named like secrets are redacted. Completes
   * with `state$`. Empty with a `transport.port` of your own.
   */
  readonly packets$: Observable<DevicePacket>;
}

/** What `createDevice` takes besides the options: plumbing, not data. */
export interface DeviceTransport {
  /** Passed to MQTT.js as they are (`wsOptions`, a proxy, ...). TLS goes through the `tls` option. */
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
  const deviceSecret = o.deviceSecret ?? '';
  // Signed again at each connection attempt, so that a timestamp function gives a fresh one. The secret is
  // used for the password only.
  const credentials = () =>
    defer(() =>
      of(
        mqttCredentials({
          productKey: o.productKey,
          deviceName: o.deviceName,
          deviceSecret,
          clientId: o.clientId,
          signMethod: o.signMethod,
          secureMode,
          extra: o.extra,
          timestamp: timestampNow(o.timestamp),
        }),
      ),
    );
  const identity = { productKey: o.productKey, deviceName: o.deviceName };
  const logs = deviceLogs(`${o.productKey}/${o.deviceName}`);
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
    reconnect: o.reconnect,
    queueLimit: o.offlineQueue.limit,
    overflow: o.offlineQueue.overflow,
    publishTimeoutMs: o.publishTimeoutMs,
    maxPayloadBytes: o.maxPayloadBytes,
    maxTopicBytes: o.maxTopicBytes,
  });
  return {
    ...logs.logged(connection, url),
    ...identity,
    url,
    topics: deviceTopics(identity),
    packets$: logs.packets$,
  };
}
