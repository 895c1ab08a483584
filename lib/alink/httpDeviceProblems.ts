import type * as t from 'io-ts';
import { ClientId, DeviceName, ProductKey, Secret } from '../identity/identifiers';
import { func, number, oneOf, rule, show } from '../identity/rule';
import { TlsOptions } from '../identity/tlsOptions';
import type { HttpSignMethod } from '../protocol';

/** An `https:` origin (a path too), with no query or fragment: `/auth` and `/topic/…` are put after it. */
const HttpsOrigin = rule(
  'HttpsOrigin',
  (u): u is string =>
    typeof u === 'string' && URL.canParse(u) && new URL(u).protocol === 'https:' && !/[?#]/.test(u),
  (u) =>
    `must be an https:// URL with no query, such as "https://iot-as-http.cn-shanghai.aliyuncs.com", got ${show(u)}`,
);

const REQUIRED: Readonly<Record<string, t.Decoder<unknown, unknown>>> = {
  productKey: ProductKey,
  deviceName: DeviceName,
  deviceSecret: Secret,
};

const OPTIONAL: Readonly<Record<string, t.Decoder<unknown, unknown>>> = {
  url: HttpsOrigin,
  clientId: ClientId,
  signMethod: oneOf<HttpSignMethod>('HttpSignMethod', ['hmacsha1', 'hmacmd5']),
  tls: TlsOptions,
  timeoutMs: number('TimeoutMs', 'a positive number of milliseconds', (n) => n > 0 && Number.isFinite(n)),
  clock: func('Clock'),
  https: func('HttpsPort'),
};

/**
 * What is wrong with the options of `createHttpDevice`, one line per field (`timeoutMs: must be …`); empty
 * when nothing is. A secret's problem names its kind, never its value.
 */
export function httpDeviceProblems(options: Readonly<Record<string, unknown>>): readonly string[] {
  const problems: string[] = [];
  const check = (key: string, codec: t.Decoder<unknown, unknown>) => {
    const result = codec.validate(options[key], []);
    if (result._tag === 'Left') problems.push(`${key}: ${result.left[0]?.message ?? 'is not valid'}`);
  };
  for (const [key, codec] of Object.entries(REQUIRED)) check(key, codec);
  for (const [key, codec] of Object.entries(OPTIONAL)) if (options[key] !== undefined) check(key, codec);
  return problems;
}
