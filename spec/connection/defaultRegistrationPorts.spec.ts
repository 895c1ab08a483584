import { NEVER } from 'rxjs';
import {
  defaultRegistrationPorts,
  registrationPortsWith,
} from '../../lib/connection/defaultRegistrationPorts';
import { httpsPost } from '../../lib/connection/httpsPost';
import { mqttExchange } from '../../lib/connection/mqttExchange';

describe('registrationPortsWith', () => {
  const mqtt = () => NEVER;
  const random = () => 'r';

  it.each<[string, Parameters<typeof registrationPortsWith>[0], object]>([
    ['nothing', undefined, { mqtt: mqttExchange, https: httpsPost }],
    ['a port', { mqtt }, { mqtt, https: httpsPost }],
    [
      'a port set to undefined',
      { mqtt: undefined, https: undefined },
      { mqtt: mqttExchange, https: httpsPost },
    ],
    ['a random', { random }, { mqtt: mqttExchange, https: httpsPost, random }],
  ])('should fill in the defaults around %s', (_, overrides, expected) => {
    expect(registrationPortsWith(overrides)).toEqual(expected);
  });

  it('should default to MQTT.js and Node HTTPS', () => {
    expect(defaultRegistrationPorts).toEqual({ mqtt: mqttExchange, https: httpsPost });
  });
});
