import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { Subject, Subscription, type Observable } from 'rxjs';
import { deviceTopics, type DeviceIdentity } from '../identity';
import {
  AlinkReply,
  alinkRequest,
  CONFIG_CODES,
  CONFIG_METHODS,
  configFileData,
  type DigestMethod,
} from '../protocol';
import { answerAlink } from './answerAlink';
import { encodePayload, type CloudPayload } from './cloudPayloads';
import type { CloudSide } from './CloudSide';
import { decodeDevicePayload } from './decodeDevicePayload';
import type { FileFaults, FileServer } from './fileServer';
import { anyDeviceTopics } from './anyDeviceTopics';

/** A product's configuration, as the cloud announces it. */
export interface ProductConfig {
  readonly configId: string;
  /** Bytes. */
  readonly configSize: number;
  /** Lowercase hex. */
  readonly sign: string;
  readonly signMethod: DigestMethod;
  readonly url: string;
}

/** A device's answer to a configuration push. */
export interface ConfigPushReply extends DeviceIdentity {
  readonly id: string;
  readonly code: number;
  readonly message?: string | undefined;
}

export interface ConfigOptions {
  /** How the file's downloads fail, for tests. */
  readonly faults?: FileFaults | undefined;
}

/** Remote configuration, as the console writes it and the platform pushes it. */
export interface CloudConfig {
  /**
   * Writes the product's configuration file (text as UTF-8, bytes as they are, anything else as JSON), served
   * over HTTP on loopback and signed with SHA-256; `thing.config.get` is answered with it from now on.
   */
  setConfig(productKey: string, content: CloudPayload, options?: ConfigOptions): Promise<ProductConfig>;
  /** `setConfig`, then `thing.config.push` to every online device of the product. */
  pushConfig(productKey: string, content: CloudPayload, options?: ConfigOptions): Promise<ProductConfig>;
  /** The devices' answers to pushes. Hot; completes on close. */
  readonly configPushReplies$: Observable<ConfigPushReply>;
  readonly subscription: Subscription;
}

/**
 * The cloud side of remote configuration: a file per product, `config/get` answered with it (6710 "no data"
 * before there is one), pushes on `config/push` and the devices' `push_reply` recorded.
 */
export function cloudConfig(cloud: CloudSide, files: FileServer): CloudConfig {
  const configs = new Map<string, ProductConfig>();
  const configPushReplies$ = new Subject<ConfigPushReply>();
  const subscription = new Subscription();
  let next = 1;

  subscription.add(
    answerAlink(cloud, anyDeviceTopics.configGet, t.unknown, (_params, _request, message) => {
      const config = configs.get(message.productKey);
      return config === undefined
        ? { code: CONFIG_CODES.noData, message: 'no data' }
        : { data: configFileData(config) };
    }),
  );

  subscription.add(
    cloud.listen(anyDeviceTopics.configPushReply).subscribe((message) => {
      const reply = decodeDevicePayload(AlinkReply, message.payload);
      if (E.isLeft(reply)) return;
      const { id, code } = reply.right;
      const { productKey, deviceName } = message;
      const text = reply.right.message;
      configPushReplies$.next({
        productKey,
        deviceName,
        id,
        code,
        ...(text === undefined ? {} : { message: text }),
      });
    }),
  );
  subscription.add(() => configPushReplies$.complete());

  async function setConfig(productKey: string, content: CloudPayload, { faults }: ConfigOptions = {}) {
    const configId = `${productKey}-config-${next++}`;
    const served = await files.serve(encodePayload(content), {
      name: `${configId}.json`,
      ...(faults === undefined ? {} : { faults }),
    });
    const config: ProductConfig = {
      configId,
      configSize: served.size,
      sign: served.sha256,
      signMethod: 'SHA256',
      url: served.url,
    };
    configs.set(productKey, config);
    return config;
  }

  return {
    setConfig,
    async pushConfig(productKey, content, options) {
      const config = await setConfig(productKey, content, options);
      const devices = cloud.onlineDevices().filter((device) => device.productKey === productKey);
      await Promise.all(
        devices.map((device) => {
          const params = configFileData(config);
          const payload = alinkRequest({ id: cloud.nextId(), method: CONFIG_METHODS.push, params });
          return cloud.publish(deviceTopics(device).configPush, payload, { qos: 1 });
        }),
      );
      return config;
    },
    configPushReplies$: configPushReplies$.asObservable(),
    subscription,
  };
}
