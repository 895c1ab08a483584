import {
  authenticateDevice,
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
 * device is read first.
 */
export async function platformLogin(
  registry: DeviceRegistry,
  connect: ConnectFields,
): Promise<Authentication | RegistrationAccepted> {
  const device = parseUsername(connect.username);
  if (device !== undefined) await registry.recall(device);
  const authType = parseClientId(connect.clientId)?.params['authType'];
  if (authType === 'register' || authType === 'regnwl') return registrationLogin(registry, connect);
  if (authType === 'connwl') return tokenLogin(registry, connect);
  return authenticateDevice(registry.secretOf, connect);
}
