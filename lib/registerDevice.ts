import * as E from 'fp-ts/Either';
import type { Observable } from 'rxjs';
import { dynamicRegistration } from './alink/dynamicRegistration';
import { registrationPortsWith } from './connection/defaultRegistrationPorts';
import type { RegistrationPortOverrides } from './connection/registrationPorts';
import { decodeDeviceOptions, DeviceOptionsError, type DeviceOptions } from './identity/deviceOptions';
import type { DeviceCredential } from './identity/secretStore';

/** The options of `registerDevice`: those of `createDevice`, with the productSecret. */
export type RegisterDeviceOptions = DeviceOptions & { readonly productSecret: string };

/**
 * Registers a device with its product's secret ("one secret per product"), as `createDevice` does when it has no
 * deviceSecret, for provisioning tools: `registration.method` `'register'` (MQTT, default), `'regnwl'` or
 * `'https'`, at `registration.url` or the endpoint's. Cold: each subscription registers once and emits the
 * credential (`{ deviceSecret }`, or `{ clientId, deviceToken }` after `regnwl`); the secret store is not used.
 * Errors with `RegistrationRefusedError` (the platform said no, e.g. the device is activated already) or
 * `RegistrationFailedError` (no usable answer in time); invalid options throw `DeviceOptionsError` at once.
 *
 * ```ts
 * const credential = await firstValueFrom(registerDevice({ productKey, deviceName, productSecret }));
 * ```
 */
export function registerDevice(
  options: RegisterDeviceOptions,
  ports: RegistrationPortOverrides = {},
): Observable<DeviceCredential> {
  const decoded = decodeDeviceOptions(options);
  if (E.isLeft(decoded)) throw new DeviceOptionsError(decoded.left);
  if (decoded.right.productSecret === undefined) {
    throw new DeviceOptionsError(['productSecret: required to register the device']);
  }
  return dynamicRegistration(registrationPortsWith(ports))(decoded.right);
}
