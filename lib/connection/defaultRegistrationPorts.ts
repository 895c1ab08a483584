import { httpsPost } from './httpsPost';
import { mqttExchange } from './mqttExchange';
import type { RegistrationPortOverrides, RegistrationPorts } from './registrationPorts';

export { httpsPost, mqttExchange };

/** The ports dynamic registration uses unless told otherwise: MQTT.js and Node's HTTPS. */
export const defaultRegistrationPorts: RegistrationPorts = { mqtt: mqttExchange, https: httpsPost };

/** The ports given, and the defaults for those not given (or given as `undefined`). */
export function registrationPortsWith(overrides: RegistrationPortOverrides = {}): RegistrationPorts {
  const { mqtt = mqttExchange, https = httpsPost, random } = overrides;
  return { mqtt, https, ...(random === undefined ? {} : { random }) };
}
