import { timingSafeEqual } from 'node:crypto';
import type { DeviceIdentity } from '../identity';
import { registrationSign } from '../identity/registrationCredentials';
import {
  checkClientId,
  isSignMethod,
  KEEPALIVE_RANGE,
  parseUsername,
  refused,
  sameHex,
  type Authentication,
  type ConnectFields,
} from './authenticateDevice';
import { REGISTER_TOPIC, registeredSecretPayload, registeredTokenPayload, REGNWL_TOPIC } from '../protocol';
import type { DeviceRegistry } from './deviceRegistry';
import type { RefusalReason } from './emulatorEvent';

/** How a device registers. */
export type RegistrationMethod = 'register' | 'regnwl' | 'https';

/** A registration the emulator checks, whichever way it came. */
export interface RegistrationRequest {
  readonly device: DeviceIdentity;
  readonly method: RegistrationMethod;
  readonly random: string;
  readonly signMethod: string | undefined;
  readonly sign: Buffer | string | undefined;
}

/**
 * Why the platform would refuse a registration, if it would: the product must have a
 * productSecret and dynamic registration on; `register` and HTTPS need a device created in the console;
 * the sign must verify under the productSecret; an activated device cannot register again.
 */
export function registrationProblem(
  registry: DeviceRegistry,
  { device, method, random, signMethod, sign }: RegistrationRequest,
): RefusalReason | undefined {
  const product = registry.product(device.productKey);
  if (product?.productSecret === undefined || product.dynamicRegistration !== true) {
    return 'registration-not-allowed';
  }
  if (method !== 'regnwl' && !registry.isKnown(device)) return 'unknown-device';
  if (!isSignMethod(signMethod)) return 'unknown-sign-method';
  const expected = registrationSign({ ...device, productSecret: product.productSecret, random, signMethod });
  if (sign === undefined || !sameHex(expected, sign)) return 'bad-signature';
  if (registry.isActivated(device)) return 'device-already-activated';
  if (registry.isDisabled(device)) return 'device-disabled';
  return undefined;
}

/** An MQTT login that asks to register: answered, after the CONNACK, on `/ext/register` or `/ext/regnwl`. */
export interface RegistrationAccepted {
  readonly _tag: 'Registration';
  readonly device: DeviceIdentity;
  readonly method: 'register' | 'regnwl';
}

/**
 * Checks a CONNECT with `authType=register` or `authType=regnwl`: over TLS only, securemode 2
 * or -2, a `random` that was signed; the keepalive is not checked. Refusals name a reason, never a secret.
 */
export function registrationLogin(
  registry: DeviceRegistry,
  connect: ConnectFields,
): RegistrationAccepted | (Authentication & { readonly _tag: 'Refused' }) {
  const parsed = checkClientId(connect, true);
  if ('_tag' in parsed) return parsed;
  const method = parsed.params['authType'];
  const random = parsed.params['random'];
  if ((method !== 'register' && method !== 'regnwl') || random === undefined || random === '')
    return refused('malformed-client-id');
  const device = parseUsername(connect.username);
  if (device === undefined) return refused('bad-username');
  const problem = registrationProblem(registry, {
    device,
    method,
    random,
    signMethod: parsed.params['signmethod'],
    sign: connect.password,
  });
  if (problem === undefined) return { _tag: 'Registration', device, method };
  // A device the console does not have is not authorized to register, as a product without registration.
  return problem === 'unknown-device' ? { ...refused(problem), returnCode: 5 } : refused(problem);
}

/**
 * Checks a token login after `regnwl` (`authType=connwl`): securemode -2 over TLS, the clientId
 * and the token the emulator issued last, the keepalive as for any session.
 */
export function tokenLogin(registry: DeviceRegistry, connect: ConnectFields): Authentication {
  if (connect.keepalive < KEEPALIVE_RANGE.min || connect.keepalive > KEEPALIVE_RANGE.max)
    return refused('keepalive-out-of-range');
  const parsed = checkClientId(connect, true);
  if ('_tag' in parsed) return parsed;
  if (parsed.params['securemode'] !== '-2') return refused('secure-mode-mismatch');
  const device = parseUsername(connect.username);
  if (device === undefined) return refused('bad-username');
  const token = registry.tokenOf(device);
  if (token === undefined) return refused('unknown-device');
  const given = Buffer.from(connect.password?.toString() ?? '', 'utf8');
  const expected = Buffer.from(token.deviceToken, 'utf8');
  const sameToken = given.length === expected.length && timingSafeEqual(given, expected);
  if (parsed.id !== token.clientId || !sameToken) return refused('bad-signature');
  return { _tag: 'Accepted', device, clientId: parsed.id };
}

/** What a registration is answered with: a deviceSecret on `/ext/register`, or a token on `/ext/regnwl`. */
export async function answerRegistration(
  registry: DeviceRegistry,
  { device, method }: RegistrationAccepted,
): Promise<{ readonly topic: string; readonly payload: Buffer }> {
  if (method === 'register') {
    const deviceSecret = await registry.issueSecret(device);
    return {
      topic: REGISTER_TOPIC,
      payload: Buffer.from(JSON.stringify(registeredSecretPayload({ ...device, deviceSecret }))),
    };
  }
  const token = await registry.issueToken(device);
  return {
    topic: REGNWL_TOPIC,
    payload: Buffer.from(JSON.stringify(registeredTokenPayload({ ...device, ...token }))),
  };
}
