import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { isObject, rule, show } from './rule';

/**
 * Where a device connects: a legacy public instance by region, a new public or
 * enterprise instance by id, or any broker by URL (the emulator's, a local mosquitto).
 */
export type Endpoint =
  { readonly region: string } | { readonly instanceId: string } | { readonly url: string };

/** `securemode` in the clientId: `2` for TLS (also wss), `3` for plain TCP (also ws). */
export type EndpointSecureMode = 2 | 3;

/** The URL protocols an endpoint may use, and the `securemode` each one means. */
export const ENDPOINT_PROTOCOLS: Readonly<Record<string, EndpointSecureMode>> = {
  'mqtts:': 2,
  'wss:': 2,
  'mqtt:': 3,
  'ws:': 3,
  'tcp:': 3,
};

const hostLabel = (name: string, example: string): t.Type<string> =>
  rule(
    name,
    (u): u is string => typeof u === 'string' && /^[A-Za-z0-9-]+$/.test(u),
    (u) => `must be letters, digits and "-" only, e.g. ${JSON.stringify(example)}, got ${show(u)}`,
  );

function isBrokerUrl(u: unknown): u is string {
  if (typeof u !== 'string' || !URL.canParse(u)) return false;
  const url = new URL(u);
  return Object.hasOwn(ENDPOINT_PROTOCOLS, url.protocol) && url.hostname !== '';
}

const BrokerUrl = rule('BrokerUrl', isBrokerUrl, (u) => {
  // A URL may carry a password: keep it out of the problem.
  const shown = typeof u === 'string' ? u.replace(/^([^:/]*:\/\/[^:@/]*:)[^@/]*@/, '$1***@') : u;
  const protocols = Object.keys(ENDPOINT_PROTOCOLS).join(', ');
  return `must be a URL such as "mqtt://localhost:1883" with protocol ${protocols}, got ${show(shown)}`;
});

const endpointFields = {
  region: hostLabel('RegionId', 'cn-shanghai'),
  instanceId: hostLabel('InstanceId', 'iot-06z00ab12cd34ef'),
  url: BrokerUrl,
};

/**
 * The codec of `Endpoint`: exactly one of `region`, `instanceId` (letters, digits and `-`, as they sit in a
 * host name) and `url` (a URL with one of `ENDPOINT_PROTOCOLS` and a host). Other keys are dropped.
 */
export const Endpoint: t.Type<Endpoint> = new t.Type<Endpoint>(
  'Endpoint',
  (u): u is Endpoint => E.isRight(Endpoint.validate(u, [])),
  (u, c) => {
    const given = isObject(u)
      ? (['region', 'instanceId', 'url'] as const).filter((k) => u[k] !== undefined)
      : [];
    const [key] = given;
    if (!isObject(u) || key === undefined || given.length > 1) {
      const got = given.length > 1 ? `${given.join(' and ')} together` : show(u);
      return t.failure(u, c, `must be one of { region }, { instanceId }, { url }, got ${got}`);
    }
    const codec = endpointFields[key];
    const value = codec.validate(u[key], t.appendContext(c, key, codec, u[key]));
    return E.isRight(value) ? t.success({ [key]: value.right } as Endpoint) : value;
  },
  t.identity,
);

/** The endpoint of a device that names none. */
export const DEFAULT_ENDPOINT: Endpoint = { region: 'cn-shanghai' };

/** The broker URL to dial and the `securemode` to announce in the clientId. */
export interface ResolvedEndpoint {
  readonly url: string;
  readonly secureMode: EndpointSecureMode;
}

/**
 * The broker URL of an endpoint. The cloud endpoints always use TLS: since 2022-08 new devices cannot connect
 * without it.
 *
 * ```ts
 * resolveEndpoint({ region: 'cn-shanghai' }, 'a1TestPK001')
 * // { url: 'mqtts://a1TestPK001.iot-as-mqtt.cn-shanghai.aliyuncs.com:1883', secureMode: 2 }
 * ```
 *
 * A URL with a protocol outside `ENDPOINT_PROTOCOLS` (which `decodeDeviceOptions` refuses) gets securemode 3.
 */
export function resolveEndpoint(endpoint: Endpoint, productKey: string): ResolvedEndpoint {
  if ('region' in endpoint) {
    return { url: `mqtts://${productKey}.iot-as-mqtt.${endpoint.region}.aliyuncs.com:1883`, secureMode: 2 };
  }
  if ('instanceId' in endpoint) {
    return { url: `mqtts://${endpoint.instanceId}.mqtt.iothub.aliyuncs.com:8883`, secureMode: 2 };
  }
  // Read the scheme off the string rather than through `new URL`, so that this stays total.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(endpoint.url)?.[0].toLowerCase() ?? '';
  return { url: endpoint.url, secureMode: ENDPOINT_PROTOCOLS[scheme] ?? 3 };
}
