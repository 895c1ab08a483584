import { timingSafeEqual } from 'node:crypto';
import { signContent, SIGN_METHODS, type DeviceIdentity, type SignMethod } from '../identity';
import type { DataParser } from './dataParser';
import type { ThingModel } from '../protocol';
import type { RefusalReason } from './emulatorEvent';
import type { TopicClass } from './topicPermissions';
import { TLS_TRANSPORTS, type Transport } from './transport';

/** A device the emulator knows: created in the console, with its secret or (for dynamic registration) without. */
export interface EmulatedDevice {
  readonly deviceName: string;
  /** The device's secret. Default: none; the device registers to get one (its product needs `dynamicRegistration`). */
  readonly deviceSecret?: string | undefined;
}

/** A product and its devices. */
export interface EmulatedProduct {
  readonly productKey: string;
  /** The secret a device of this product signs its registration with ("one secret per product"). */
  readonly productSecret?: string | undefined;
  /**
   * Whether devices may register with `productSecret` (dynamic registration): the listed ones over MQTT
   * (`authType=register`) and HTTPS, any name over MQTT with `authType=regnwl`. Default: `false`.
   */
  readonly dynamicRegistration?: boolean | undefined;
  /**
   * The product's custom topic classes, each `/${productKey}/${deviceName}/${topic}` with publish (`pub`),
   * subscribe (`sub`) or both (`all`) rights. Default: `DEFAULT_TOPIC_CLASSES` (`user/update`,
   * `user/update/error`, `user/get`); `LEGACY_TOPIC_CLASSES` for a legacy basic product.
   */
  readonly topicClasses?: readonly TopicClass[] | undefined;
  readonly devices: readonly EmulatedDevice[];
  /**
   * The product's thing model (`parseTsl`): posts that break it are answered with the platform's codes,
   * cloud calls that break it are refused, `queryDevicePropertyStatus` names and types the properties.
   */
  readonly tsl?: ThingModel | undefined;
  /**
   * Makes the product a pass-through ("custom" data format) one: its data-parsing script, as JavaScript source
   * defining `rawDataToProtocol` and `protocolToRawData` (what is submitted in the console), or as the two
   * functions. A device of the product then posts its own bytes on `thing/model/up_raw` and gets property
   * sets and service calls as bytes on `thing/model/down_raw` (`rawDataCloud`). Default: none, Alink JSON.
   */
  readonly dataParser?: string | DataParser | undefined;
}

/** Finds a device's secret; `undefined` for a device the emulator does not know. */
export type DeviceDirectory = (device: DeviceIdentity) => string | undefined;

/** The CONNECT fields that authentication looks at. */
export interface ConnectFields {
  readonly clientId: string;
  readonly username: string | undefined;
  readonly password: Buffer | string | undefined;
  /** Seconds, as in the CONNECT packet. */
  readonly keepalive: number;
  /** How the connection came in: `securemode` must say the same. */
  readonly transport: Transport;
}

export type Authentication =
  | { readonly _tag: 'Accepted'; readonly device: DeviceIdentity; readonly clientId: string }
  | { readonly _tag: 'Refused'; readonly reason: RefusalReason; readonly returnCode: 2 | 4 | 5 };

/** The clientId's `${id}|k=v,k=v|` form, split; `undefined` without the `|…|` part. */
export interface ParsedClientId {
  readonly id: string;
  readonly params: Readonly<Record<string, string>>;
}

/** The platform refuses a keepalive outside this range (seconds). */
export const KEEPALIVE_RANGE = { min: 30, max: 1200 } as const;

/** The device's own clientId, before `|`, has at most this many characters. */
export const MAX_CLIENT_ID_LENGTH = 64;

export function deviceDirectory(products: readonly EmulatedProduct[]): DeviceDirectory {
  const secrets = new Map<string, string>();
  for (const product of products) {
    for (const device of product.devices) {
      if (device.deviceSecret !== undefined)
        secrets.set(`${product.productKey}/${device.deviceName}`, device.deviceSecret);
    }
  }
  return ({ productKey, deviceName }) => secrets.get(`${productKey}/${deviceName}`);
}

export function parseClientId(raw: string): ParsedClientId | undefined {
  const open = raw.indexOf('|');
  if (open < 0 || open === raw.length - 1 || !raw.endsWith('|')) return undefined;
  const params: Record<string, string> = {};
  for (const pair of raw.slice(open + 1, -1).split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) params[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { id: raw.slice(0, open), params };
}

/** `${deviceName}&${productKey}`; `undefined` when the username has another shape. */
export function parseUsername(username: string | undefined): DeviceIdentity | undefined {
  const amp = username?.lastIndexOf('&') ?? -1;
  if (username === undefined || amp <= 0 || amp === username.length - 1) return undefined;
  return { deviceName: username.slice(0, amp), productKey: username.slice(amp + 1) };
}

export function isSignMethod(value: string | undefined): value is SignMethod {
  return SIGN_METHODS.some((method) => method === value);
}

/** Compares hex case-insensitively (the C SDK sends uppercase) in constant time. */
export function sameHex(expected: string, actual: Buffer | string): boolean {
  const a = Buffer.from(expected.toLowerCase(), 'utf8');
  const b = Buffer.from(actual.toString().toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** CONNACK 2 (identifier rejected) for what is wrong with the clientId or keepalive, 4 for the credentials. */
const IDENTIFIER_REASONS: readonly RefusalReason[] = [
  'keepalive-out-of-range',
  'client-id-too-long',
  'secure-mode-mismatch',
];
/** CONNACK 5 (not authorized) for a registration the product or the device's state does not allow. */
const NOT_AUTHORIZED_REASONS: readonly RefusalReason[] = [
  'registration-not-allowed',
  'device-already-activated',
  'device-disabled',
];

export const refused = (reason: RefusalReason): Authentication & { readonly _tag: 'Refused' } => ({
  _tag: 'Refused',
  reason,
  returnCode: IDENTIFIER_REASONS.includes(reason) ? 2 : NOT_AUTHORIZED_REASONS.includes(reason) ? 5 : 4,
});

/**
 * The `securemode` a login over `transport` must announce: 2 over TLS (mqtts, wss), 3 over
 * TCP and ws. `-2` is for registration and token logins, over TLS; `registration` says whether this is one.
 */
export function secureModeFits(
  secureMode: string | undefined,
  transport: Transport,
  registration = false,
): boolean {
  const tls = TLS_TRANSPORTS.includes(transport);
  if (secureMode === '-2') return tls && registration;
  return secureMode === (tls ? '2' : '3');
}

/** The checks every login takes first: the clientId's shape and length, and `securemode` against the transport. */
export function checkClientId(
  connect: ConnectFields,
  registration = false,
): ParsedClientId | (Authentication & { readonly _tag: 'Refused' }) {
  const parsed = parseClientId(connect.clientId);
  if (parsed === undefined) return refused('malformed-client-id');
  if ([...parsed.id].length > MAX_CLIENT_ID_LENGTH) return refused('client-id-too-long');
  if (!secureModeFits(parsed.params['securemode'], connect.transport, registration))
    return refused('secure-mode-mismatch');
  return parsed;
}

/**
 * Checks a CONNECT the way the platform does for "one secret per device": the keepalive,
 * the clientId's `|…|` part (its own id at most 64 characters, `securemode` as the transport has it), the
 * username, and the password as the HMAC of the sign content under the device secret. `ext` and any other
 * parameter are ignored. Refusals name a reason, never a secret.
 */
export function authenticateDevice(directory: DeviceDirectory, connect: ConnectFields): Authentication {
  const { keepalive, password } = connect;
  if (keepalive < KEEPALIVE_RANGE.min || keepalive > KEEPALIVE_RANGE.max)
    return refused('keepalive-out-of-range');
  const parsed = checkClientId(connect);
  if ('_tag' in parsed) return parsed;
  const device = parseUsername(connect.username);
  if (device === undefined) return refused('bad-username');
  const secret = directory(device);
  if (secret === undefined) return refused('unknown-device');
  const method = parsed.params['signmethod'];
  if (!isSignMethod(method)) return refused('unknown-sign-method');
  const expected = signContent(method, secret, {
    clientId: parsed.id,
    deviceName: device.deviceName,
    productKey: device.productKey,
    timestamp: parsed.params['timestamp'],
  });
  if (password === undefined || !sameHex(expected, password)) return refused('bad-signature');
  return { _tag: 'Accepted', device, clientId: parsed.id };
}
