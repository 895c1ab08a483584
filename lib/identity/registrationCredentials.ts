import type { MqttCredentials } from './mqttCredentials';
import { resolveEndpoint, type Endpoint } from './resolveEndpoint';
import { signContent, type SignMethod } from './signContent';

// Dynamic registration, "one secret per product": what a device signs with its product's
// secret, and what it logs in with afterwards when it got a token instead of a secret.

/** What a registration request signs. */
export interface RegistrationSignInput {
  readonly productKey: string;
  readonly deviceName: string;
  readonly productSecret: string;
  /** A fresh random value; it is signed and sent along. */
  readonly random: string;
  /** Default: `'hmacsha256'`. */
  readonly signMethod?: SignMethod;
}

/** HMAC(productSecret, `deviceName${dn}productKey${pk}random${r}`), lowercase hex: MQTT's password, HTTPS's `sign`. */
export function registrationSign(input: RegistrationSignInput): string {
  const { productKey, deviceName, productSecret, random, signMethod = 'hmacsha256' } = input;
  return signContent(signMethod, productSecret, { deviceName, productKey, random });
}

/** How a device registers over MQTT: pre-registered (`register`), or not (`regnwl`, new instances). */
export type MqttRegistrationType = 'register' | 'regnwl';

export interface RegistrationCredentialsInput extends RegistrationSignInput {
  readonly authType: MqttRegistrationType;
  /** The device's own id, the part before `|`. Default: `${productKey}.${deviceName}`. */
  readonly clientId?: string;
  /** `2` on legacy instances, `-2` on new and enterprise ones (there with `instanceId`). */
  readonly secureMode: 2 | -2;
  /** The instance, on new and enterprise instances. Default: none. */
  readonly instanceId?: string;
}

/**
 * The CONNECT fields of an MQTT registration: the server answers with one message on
 * `/ext/register` (a deviceSecret) or `/ext/regnwl` (a clientId and deviceToken), then disconnects.
 *
 * ```ts
 * registrationCredentials({ productKey: 'a1TestPK001', deviceName: 'dev01', productSecret, random: '8Ygb7ULYh53B6OA',
 *   signMethod: 'hmacsha1', authType: 'register', secureMode: 2 })
 * // clientId 'a1TestPK001.dev01|securemode=2,authType=register,random=8Ygb7ULYh53B6OA,signmethod=hmacsha1|'
 * ```
 */
export function registrationCredentials(input: RegistrationCredentialsInput): MqttCredentials {
  const {
    productKey,
    deviceName,
    random,
    authType,
    secureMode,
    instanceId,
    signMethod = 'hmacsha256',
  } = input;
  const clientId = input.clientId ?? `${productKey}.${deviceName}`;
  const params = [
    `securemode=${secureMode}`,
    `authType=${authType}`,
    `random=${random}`,
    `signmethod=${signMethod}`,
    ...(instanceId === undefined ? [] : [`instanceId=${instanceId}`]),
  ];
  return {
    clientId: `${clientId}|${params.join(',')}|`,
    username: `${deviceName}&${productKey}`,
    password: registrationSign({ ...input, signMethod }),
  };
}

/** What a device got from `regnwl`. */
export interface DeviceTokenLogin {
  readonly productKey: string;
  readonly deviceName: string;
  /** The clientId the platform gave, the part before `|`. */
  readonly clientId: string;
  readonly deviceToken: string;
}

/** The CONNECT fields of a token login after `regnwl`: `authType=connwl`, the token as the (unsigned) password. */
export function tokenCredentials({
  productKey,
  deviceName,
  clientId,
  deviceToken,
}: DeviceTokenLogin): MqttCredentials {
  return {
    clientId: `${clientId}|securemode=-2,authType=connwl|`,
    username: `${deviceName}&${productKey}`,
    password: deviceToken,
  };
}

/** The form of the HTTPS registration, `POST …/auth/register/device`, URL-encoded. */
export function httpsRegistrationForm(input: RegistrationSignInput): string {
  const { productKey, deviceName, random, signMethod = 'hmacsha256' } = input;
  const sign = registrationSign({ ...input, signMethod });
  return new URLSearchParams({ productKey, deviceName, random, sign, signMethod }).toString();
}

/** The path of the HTTPS registration. */
export const HTTPS_REGISTRATION_PATH = '/auth/register/device';

/** Where to register, when the options name no URL. */
export interface RegistrationEndpoint {
  readonly url: string;
  readonly secureMode: 2 | -2;
  readonly instanceId?: string;
}

/**
 * Where a device registers: over MQTT, its own endpoint (TLS: securemode 2 on legacy
 * instances, -2 with the instance id on new ones, -2 always for `regnwl`); over HTTPS,
 * `https://iot-auth.${region}.aliyuncs.com` on legacy instances and `https://${instanceId}.auth.iothub.aliyuncs.com`
 * on new ones (unverified). A url endpoint is used as it is: registration needs TLS, so it must be `mqtts:`
 * or `wss:` (or `registration.url` names another).
 */
export function registrationEndpoint(
  endpoint: Endpoint,
  productKey: string,
  method: MqttRegistrationType | 'https',
): RegistrationEndpoint {
  const secureMode = method === 'regnwl' || 'instanceId' in endpoint ? -2 : 2;
  const instance = 'instanceId' in endpoint ? { instanceId: endpoint.instanceId } : {};
  if (method === 'https') {
    if ('region' in endpoint)
      return { url: `https://iot-auth.${endpoint.region}.aliyuncs.com`, secureMode: 2 };
    if ('instanceId' in endpoint)
      return { url: `https://${endpoint.instanceId}.auth.iothub.aliyuncs.com`, secureMode: -2, ...instance };
    return { url: endpoint.url, secureMode: 2 };
  }
  return { url: resolveEndpoint(endpoint, productKey).url, secureMode, ...instance };
}
