import {
  authenticateDevice,
  refused,
  parseClientId,
  parseUsername,
  type Authentication,
  type ConnectFields,
} from './authenticateDevice';
import type { DeviceRegistry } from './deviceRegistry';
import { registrationLogin, tokenLogin, type RegistrationAccepted } from './registrationLogin';

/**
 * Every CONNECT, by its `authType` (one secret per device, or per product): none, a login with the device secret; `register` or
 * `regnwl`, a registration; `connwl`, a login with the token of `regnwl`. What the store keeps for the
 * device is read first. A disabled device is refused once it has shown who it is (CONNACK 5).
 */
export async function platformLogin(
  registry: DeviceRegistry,
  connect: ConnectFields,
): Promise<Authentication | RegistrationAccepted> {
  const device = parseUsername(connect.username);
  if (device !== undefined) await registry.recall(device);
  const authType = parseClientId(connect.clientId)?.params['authType'];
  const login =
    authType === 'register' || authType === 'regnwl'
      ? await registrationLogin(registry, connect)
      : authType === 'connwl'
        ? tokenLogin(registry, connect)
        : authenticateDevice(registry.secretOf, connect);
  return login._tag !== 'Refused' && registry.isDisabled(login.device) ? refused('device-disabled') : login;
}
