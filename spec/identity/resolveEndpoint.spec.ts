import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import {
  DEFAULT_ENDPOINT,
  Endpoint,
  resolveEndpoint,
  type ResolvedEndpoint,
} from '../../lib/identity/resolveEndpoint';

describe('resolveEndpoint', () => {
  it.each<[Endpoint, ResolvedEndpoint]>([
    [
      { region: 'cn-shanghai' },
      { url: 'mqtts://a1TestPK001.iot-as-mqtt.cn-shanghai.aliyuncs.com:1883', secureMode: 2 },
    ],
    [
      { region: 'ap-southeast-1' },
      { url: 'mqtts://a1TestPK001.iot-as-mqtt.ap-southeast-1.aliyuncs.com:1883', secureMode: 2 },
    ],
    [
      { instanceId: 'iot-06z00ab12cd34ef' },
      { url: 'mqtts://iot-06z00ab12cd34ef.mqtt.iothub.aliyuncs.com:8883', secureMode: 2 },
    ],
    [{ url: 'mqtts://broker.example:8883' }, { url: 'mqtts://broker.example:8883', secureMode: 2 }],
    [{ url: 'wss://broker.example/mqtt' }, { url: 'wss://broker.example/mqtt', secureMode: 2 }],
    [{ url: 'MQTTS://broker.example' }, { url: 'MQTTS://broker.example', secureMode: 2 }],
    [{ url: 'mqtt://localhost:1883' }, { url: 'mqtt://localhost:1883', secureMode: 3 }],
    [{ url: 'ws://localhost:8080/mqtt' }, { url: 'ws://localhost:8080/mqtt', secureMode: 3 }],
    [{ url: 'tcp://127.0.0.1:1883' }, { url: 'tcp://127.0.0.1:1883', secureMode: 3 }],
  ])('should resolve %j', (endpoint, resolved) => {
    expect(resolveEndpoint(endpoint, 'a1TestPK001')).toEqual(resolved);
  });

  it('should default to the legacy Shanghai instance', () => {
    expect(resolveEndpoint(DEFAULT_ENDPOINT, 'pk').url).toBe(
      'mqtts://pk.iot-as-mqtt.cn-shanghai.aliyuncs.com:1883',
    );
  });

  it('should stay total for a URL the codec would refuse', () => {
    expect(resolveEndpoint({ url: 'not a url' }, 'pk')).toEqual({ url: 'not a url', secureMode: 3 });
  });
});

describe('Endpoint', () => {
  const problems = (u: unknown) =>
    E.match<t.Errors, unknown, unknown>(
      (errors) =>
        errors.map((error) => [
          error.context
            .map((entry) => entry.key)
            .filter((key) => key !== '')
            .join('.'),
          error.message,
        ]),
      (endpoint) => endpoint,
    )(Endpoint.decode(u));

  it.each<[unknown, Endpoint]>([
    [{ region: 'cn-shanghai' }, { region: 'cn-shanghai' }],
    [{ instanceId: 'iot-06z00ab12cd34ef' }, { instanceId: 'iot-06z00ab12cd34ef' }],
    [{ url: 'mqtt://localhost:1883' }, { url: 'mqtt://localhost:1883' }],
    [{ url: 'wss://[::1]:8443/mqtt' }, { url: 'wss://[::1]:8443/mqtt' }],
    [{ region: 'cn-beijing', comment: 'dropped', url: undefined }, { region: 'cn-beijing' }],
  ])('should take %j', (u, endpoint) => {
    expect(problems(u)).toEqual(endpoint);
  });

  const oneOf = 'must be one of { region }, { instanceId }, { url }';
  const label = (example: string, got: string) =>
    `must be letters, digits and "-" only, e.g. "${example}", got ${got}`;
  const url = (got: string) =>
    `must be a URL such as "mqtt://localhost:1883" with protocol mqtts:, wss:, mqtt:, ws:, tcp:, got ${got}`;
  it.each<[unknown, string, string]>([
    ['cn-shanghai', '', `${oneOf}, got "cn-shanghai"`],
    [{}, '', `${oneOf}, got an object`],
    [{ region: 'cn-shanghai', url: 'mqtt://x' }, '', `${oneOf}, got region and url together`],
    [{ region: 'cn shanghai' }, 'region', label('cn-shanghai', '"cn shanghai"')],
    [{ region: 'evil.com/x' }, 'region', label('cn-shanghai', '"evil.com/x"')],
    [{ region: 'a:1' }, 'region', label('cn-shanghai', '"a:1"')],
    [{ region: '' }, 'region', label('cn-shanghai', '""')],
    [{ instanceId: 'iot/x' }, 'instanceId', label('iot-06z00ab12cd34ef', '"iot/x"')],
    [{ instanceId: 42 }, 'instanceId', label('iot-06z00ab12cd34ef', '42')],
    [{ url: 'http://x' }, 'url', url('"http://x"')],
    [{ url: 'not a url' }, 'url', url('"not a url"')],
    [{ url: 'mqtt:' }, 'url', url('"mqtt:"')],
    [{ url: 'ftp://user:pa55w0rd@host' }, 'url', url('"ftp://user:***@host"')],
  ])('should refuse %j', (u, path, message) => {
    expect(problems(u)).toEqual([[path, message]]);
  });
});
