import { signContent, type SignMethod } from './signContent';

/** What `mqttCredentials` signs. Every field but the triple is optional. */
export interface CredentialsInput {
  readonly productKey: string;
  readonly deviceName: string;
  readonly deviceSecret: string;
  /** The device's own id, the part before `|`. Default: `${productKey}.${deviceName}`. */
  readonly clientId?: string | undefined;
  /** Default: `'hmacsha256'`. */
  readonly signMethod?: SignMethod | undefined;
  /** Milliseconds, as a string or number. Default: none (left out of the clientId and the sign content). */
  readonly timestamp?: string | number | undefined;
  /** `2` TLS (also wss), `3` plain TCP (also ws), `-2` token login on new instances. Default: `3`. */
  readonly secureMode?: 2 | 3 | -2 | undefined;
  /** More `key=value` pairs for the clientId's `|…|` part, e.g. `{ ext: '1' }` for custom-topic RRPC. */
  readonly extra?: Readonly<Record<string, string>> | undefined;
}

/** The CONNECT fields a device sends. The password is derived from the secret; the secret itself is not kept. */
export interface MqttCredentials {
  readonly clientId: string;
  readonly username: string;
  readonly password: string;
}

/**
 * The clientId, username and password of the platform's MQTT login ("one secret per device").
 *
 * ```ts
 * mqttCredentials({ productKey: 'pk', deviceName: 'device', deviceSecret: 'secret',
 *   clientId: '12345', signMethod: 'hmacsha1', timestamp: 789 })
 * // { clientId: '12345|securemode=3,signmethod=hmacsha1,timestamp=789|', username: 'device&pk', password: 'fafd…' }
 * ```
 */
export function mqttCredentials(input: CredentialsInput): MqttCredentials {
  const {
    productKey,
    deviceName,
    deviceSecret,
    signMethod = 'hmacsha256',
    secureMode = 3,
    extra = {},
  } = input;
  const clientId = input.clientId ?? `${productKey}.${deviceName}`;
  const timestamp = input.timestamp === undefined ? undefined : String(input.timestamp);
  const params: [string, string][] = [
    ['securemode', String(secureMode)],
    ['signmethod', signMethod],
    ...(timestamp === undefined ? [] : ([['timestamp', timestamp]] as [string, string][])),
    ...Object.entries(extra),
  ];
  return {
    clientId: `${clientId}|${params.map(([k, v]) => `${k}=${v}`).join(',')}|`,
    username: `${deviceName}&${productKey}`,
    password: signContent(signMethod, deviceSecret, { clientId, deviceName, productKey, timestamp }),
  };
}
