import type { DeviceIdentity } from '../identity/deviceNamespace';
import type { RegistrationMethod } from '../identity/deviceOptions';

// Errors that end a registration. Neither carries a secret: the productSecret signs, and what the platform
// answers (a deviceSecret, a token) is never put in an error.

/** Why the platform refused a registration. */
export type RegistrationRefusal =
  /** The device was activated: a second registration needs a reset of the device in the console. */
  | 'already-activated'
  /** MQTT's CONNACK 5: the device may be activated, or dynamic registration off for its product. */
  | 'not-authorized'
  /** The signature under the productSecret did not verify. */
  | 'bad-signature'
  /** No such product or device, or dynamic registration is off. */
  | 'not-allowed'
  /** Any other refusal (the platform's code is in `code`). */
  | 'refused';

const explanations: Readonly<Record<RegistrationRefusal, string>> = {
  'already-activated':
    'the device is activated already: reset the device in the console to register it again',
  'not-authorized':
    'not authorized: the device may be activated already (reset the device in the console to register it ' +
    'again), or dynamic registration is off for its product',
  'bad-signature': 'the productSecret was not accepted (the signature did not verify)',
  'not-allowed': 'the product or device is unknown, or dynamic registration is off for the product',
  refused: 'refused by the platform',
};

/**
 * The platform refused to register the device. Trying again would not help: `createDevice` closes with this
 * error instead of reconnecting.
 */
export class RegistrationRefusedError extends Error {
  override readonly name = 'RegistrationRefusedError';
  constructor(
    readonly device: DeviceIdentity,
    readonly method: RegistrationMethod,
    readonly reason: RegistrationRefusal,
    /** The CONNACK return code (MQTT) or the platform's code (HTTPS). */
    readonly code?: number,
    /** The platform's own message, when it sent one. */
    readonly platformMessage?: string,
  ) {
    const said = platformMessage === undefined ? '' : ` (the platform says: ${platformMessage})`;
    super(
      `registration of ${device.productKey}/${device.deviceName} refused: ${explanations[reason]}${said}`,
    );
  }
}

/** Why a registration got no usable answer. */
export type RegistrationProblem = 'timeout' | 'no-answer' | 'bad-answer';

/**
 * A registration got no usable answer: none in time, the connection closed before it, or it was not a
 * registration answer. Worth trying again: `createDevice` backs off and registers on the next attempt.
 */
export class RegistrationFailedError extends Error {
  override readonly name = 'RegistrationFailedError';
  constructor(
    readonly device: DeviceIdentity,
    readonly method: RegistrationMethod,
    readonly problem: RegistrationProblem,
    detail: string,
  ) {
    super(`registration of ${device.productKey}/${device.deviceName} failed: ${detail}`);
  }
}
