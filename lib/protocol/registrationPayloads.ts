import * as t from 'io-ts';
import { NumberFromStringOrNumber } from './lenient';

// Dynamic registration on the wire (PROTOCOL.md §2), for the device that registers and the emulator that
// answers. Every payload here but the form carries a secret or a token: never put one in a message.

/** Where the platform sends the deviceSecret of a pre-registered device (`authType=register`). */
export const REGISTER_TOPIC = '/ext/register';
/** Where the platform sends the clientId and deviceToken of a device that was not (`authType=regnwl`). */
export const REGNWL_TOPIC = '/ext/regnwl';

const NonEmpty = new t.Type<string, string, unknown>(
  'NonEmptyString',
  (u): u is string => typeof u === 'string' && u !== '',
  (u, c) =>
    typeof u === 'string' && u !== '' ? t.success(u) : t.failure(u, c, 'must be a non-empty string'),
  t.identity,
);

/** What `/ext/register` carries, and the `data` of an HTTPS registration: the device's new secret. */
export const RegisteredSecret = t.type(
  { productKey: NonEmpty, deviceName: NonEmpty, deviceSecret: NonEmpty },
  'RegisteredSecret',
);
export type RegisteredSecret = t.TypeOf<typeof RegisteredSecret>;

/** What `/ext/regnwl` carries: the clientId and token to log in with (`authType=connwl`). */
export const RegisteredToken = t.type(
  { clientId: NonEmpty, productKey: NonEmpty, deviceName: NonEmpty, deviceToken: NonEmpty },
  'RegisteredToken',
);
export type RegisteredToken = t.TypeOf<typeof RegisteredToken>;

/** The answer of `POST /auth/register/device`: code 200 with `data`, or another code and a message. */
export const HttpsRegistrationReply = t.intersection(
  [t.type({ code: NumberFromStringOrNumber }), t.partial({ data: t.unknown, message: t.string })],
  'HttpsRegistrationReply',
);
export type HttpsRegistrationReply = t.TypeOf<typeof HttpsRegistrationReply>;

/** The form fields of `POST /auth/register/device`, as the emulator reads them. */
export const HttpsRegistrationForm = t.type(
  { productKey: NonEmpty, deviceName: NonEmpty, random: NonEmpty, sign: NonEmpty, signMethod: NonEmpty },
  'HttpsRegistrationForm',
);
export type HttpsRegistrationForm = t.TypeOf<typeof HttpsRegistrationForm>;

/**
 * The codes of an HTTPS registration. 200 and 460 are the platform's general codes; the others are what the
 * emulator answers, and the platform's for those cases are **unverified**: a device reads any code but 200 as
 * a refusal, and `ALREADY_ACTIVATED` as the one that needs a reset in the console.
 */
export const REGISTRATION_CODES = {
  SUCCESS: 200,
  /** The form lacks a field, or a field is malformed. */
  INVALID_PARAMETER: 460,
  /** No such product, or dynamic registration is off for it. */
  NOT_ALLOWED: 6250,
  /** The device does not exist (HTTPS registers pre-registered devices only). */
  DEVICE_NOT_FOUND: 6100,
  /** The sign does not verify under the productSecret. */
  BAD_SIGNATURE: 6601,
  /** The device has been activated: reset it in the console to register it again. */
  ALREADY_ACTIVATED: 6289,
} as const;

/** The payload of `/ext/register`, or the `data` of an HTTPS reply. */
export const registeredSecretPayload = (secret: RegisteredSecret): RegisteredSecret => ({
  productKey: secret.productKey,
  deviceName: secret.deviceName,
  deviceSecret: secret.deviceSecret,
});

/** The payload of `/ext/regnwl`. */
export const registeredTokenPayload = (token: RegisteredToken): RegisteredToken => ({
  clientId: token.clientId,
  productKey: token.productKey,
  deviceName: token.deviceName,
  deviceToken: token.deviceToken,
});

/** The body of an HTTPS registration's answer. */
export function httpsRegistrationReplyPayload(
  result: RegisteredSecret | { readonly code: number; readonly message: string },
): { readonly code: number; readonly message: string; readonly data?: RegisteredSecret } {
  return 'deviceSecret' in result
    ? { code: REGISTRATION_CODES.SUCCESS, data: registeredSecretPayload(result), message: 'success' }
    : { code: result.code, message: result.message };
}
