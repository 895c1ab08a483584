import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { closestName } from './closestName';
import type { DeviceIdentity } from './deviceNamespace';
import { ClientId, DeviceName, isParamChar, ProductKey, Secret } from './identifiers';
import { DEFAULT_ENDPOINT, Endpoint, resolveEndpoint } from './resolveEndpoint';
import { func, integer, isObject, number, oneOf, partialObject, rule, show } from './rule';
import { memorySecretStore, type SecretStore } from './secretStore';
import { SIGN_METHODS } from './signContent';
import { TLS_FIELDS, TlsOptions } from './tlsOptions';

// The options of `createDevice`, once: each option's codec is the source of its type, and its default sits
// next to it. `DeviceOptions` (what a user passes) and `ResolvedDeviceOptions` (every default filled in) are
// both derived from the table below.

/** What happens to a publish made while offline when the queue is full. */
export type OfflineOverflow = 'drop-oldest' | 'drop-newest' | 'error';

/** How a device registers itself. */
export type RegistrationMethod = 'register' | 'regnwl' | 'https';

const Bool = rule(
  'boolean',
  (u): u is boolean => typeof u === 'boolean',
  (u) => `must be true or false, got ${show(u)}`,
);
const Duration = number(
  'Duration',
  'a finite number of milliseconds >= 0',
  (n) => Number.isFinite(n) && n >= 0,
);
const Timeout = number('Timeout', 'a finite number of milliseconds > 0', (n) => Number.isFinite(n) && n > 0);

const isMilliseconds = (u: unknown): u is number | string =>
  (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0) || (typeof u === 'string' && /^\d+$/.test(u));

/** Milliseconds, or a function that gives them at each connection attempt. */
export type Timestamp = number | string | (() => number | string);

const Timestamp = rule(
  'Timestamp',
  (u): u is Timestamp => isMilliseconds(u) || typeof u === 'function',
  (u) =>
    `must be milliseconds (a non-negative integer or a string of digits) or a function that gives them, got ${show(u)}`,
);

/** The timestamp to sign now: the option's value, or what its function gives. */
export function timestampNow(timestamp: Timestamp | undefined): string | undefined {
  const value = typeof timestamp === 'function' ? timestamp() : timestamp;
  if (value === undefined) return undefined;
  if (!isMilliseconds(value)) {
    throw new DeviceOptionsError([`timestamp: the function must give milliseconds, gave ${show(value)}`]);
  }
  return String(value);
}

const RESERVED_PARAMS = ['securemode', 'signmethod', 'timestamp', 'authtype', 'random', 'instanceid'];

function paramProblem(key: string, value: unknown): string | undefined {
  if (RESERVED_PARAMS.includes(key.toLowerCase())) {
    return 'is set by the endpoint, signMethod and timestamp options, not by extra';
  }
  return typeof value === 'string' && [...value].every(isParamChar)
    ? undefined
    : `must be a string without | , = or control characters, got ${show(value)}`;
}

/** More clientId parameters: names and values without the delimiters `| , =`; entries set to undefined are left out. */
const Extra: t.Type<Readonly<Record<string, string>>> = new t.Type<Readonly<Record<string, string>>>(
  'Extra',
  (u): u is Readonly<Record<string, string>> => E.isRight(Extra.validate(u, [])),
  (u, c) => {
    if (!isObject(u))
      return t.failure(u, c, `must be an object of strings such as { ext: '1' }, got ${show(u)}`);
    const errors: t.ValidationError[] = [];
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(u)) {
      if (value === undefined) continue;
      if (key === '' || ![...key].every(isParamChar)) {
        // Reported at `extra` itself: the bad name would make an unreadable path.
        const message = `names must be non-empty, without | , = or control characters, got ${show(key)}`;
        errors.push({ value, context: c, message });
        continue;
      }
      const message = paramProblem(key, value);
      if (message === undefined) params[key] = value as string;
      else errors.push({ value, context: t.appendContext(c, key, Extra, value), message });
    }
    return errors.length > 0 ? t.failures(errors) : t.success(params);
  },
  t.identity,
);

const RECONNECT_FIELDS = {
  /** The delay before the first retry. Default: `1000`. */
  initialDelayMs: Duration,
  /** No delay is longer. Default: `60000`. */
  maxDelayMs: Duration,
  /**
   * A connection that lasted this long starts the backoff again from the first delay; so does one that
   * lasted as long as the backoff before it (before jitter), so a flapping broker builds up no long delay.
   * Default: `30000`.
   */
  resetAfterMs: Duration,
  /** Each retry waits this many times longer than the one before. Default: `2`. */
  factor: number('Factor', 'a finite number >= 1', (n) => Number.isFinite(n) && n >= 1),
  /** Default: `'full'`. */
  jitter: oneOf('Jitter', ['none', 'full', 'decorrelated']),
  /** Retries in a row before the device closes with the last error. Default: `Infinity`. */
  maxRetries: number(
    'MaxRetries',
    'an integer >= 0 or Infinity',
    (n) => n === Infinity || (Number.isInteger(n) && n >= 0),
  ),
  /** Whether an error is worth another attempt. Default: every error but a refused registration. */
  // `any` keeps this assignable to and from `BackoffPolicy`, whatever its callbacks take.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  shouldRetry: func<(error: any) => boolean>('shouldRetry'),
  /** A number in `[0, 1)` for the jitter, injected in tests. Default: `Math.random`. */
  random: func<() => number>('random'),
};

/** The codec of `ReconnectPolicy`. */
export const ReconnectPolicy = partialObject(
  'ReconnectPolicy',
  RECONNECT_FIELDS,
  'a backoff policy object ({} for the defaults) or false',
);

/**
 * How the connection backs off between reconnects: the shape of `BackoffPolicy` of `retryBackoff` (identity
 * may not import operators), whose defaults apply. `state$` shows each retry as `reconnecting`.
 */
export type ReconnectPolicy = t.TypeOf<typeof ReconnectPolicy>;

const ReconnectOrFalse = new t.Type<ReconnectPolicy | false>(
  'Reconnect',
  (u): u is ReconnectPolicy | false => u === false || ReconnectPolicy.is(u),
  (u, c) => (u === false ? t.success(false) : ReconnectPolicy.validate(u, c)),
  t.identity,
);

const OFFLINE_QUEUE_FIELDS = {
  /** Publishes kept. Default: `1000`. */
  limit: number('Limit', 'an integer >= 0', (n) => Number.isInteger(n) && n >= 0),
  /** What a full queue does with the next publish. Default: `'error'`. */
  overflow: oneOf<OfflineOverflow>('Overflow', ['drop-oldest', 'drop-newest', 'error']),
};

const REGISTRATION_FIELDS = {
  /**
   * `'register'`: MQTT, for a device created in the console beforehand; `'regnwl'`: MQTT, for a device that
   * was not (new instances only; it gets a token to log in with); `'https'`: the HTTPS endpoint.
   * Default: `'register'`.
   */
  method: oneOf<RegistrationMethod>('RegistrationMethod', ['register', 'regnwl', 'https']),
  /**
   * Where to register: an `mqtts:` or `wss:` URL for the MQTT methods (default: the endpoint's URL), the
   * `https:` origin of `/auth/register/device` for HTTPS (default: `https://iot-auth.${region}.aliyuncs.com`).
   */
  url: rule(
    'RegistrationUrl',
    (u): u is string =>
      typeof u === 'string' && URL.canParse(u) && /^(mqtts|wss|https):$/i.test(new URL(u).protocol),
    (u) => `must be an mqtts:, wss: or https: URL (registration needs TLS), got ${show(u)}`,
  ),
  /** How long a registration may take before it fails (and is tried again). Default: `10000`. */
  timeoutMs: Timeout,
  /** The random value signed with the productSecret. Default: fresh for each registration. */
  random: rule(
    'Random',
    (u): u is string => typeof u === 'string' && /^[A-Za-z0-9]{1,64}$/.test(u),
    (u) => `must be 1 to 64 letters and digits, got ${show(u)}`,
  ),
};

const Registration = partialObject(
  'Registration',
  REGISTRATION_FIELDS,
  'an object { method?, url?, timeoutMs?, random? }',
);

const SecretStoreCodec = rule(
  'SecretStore',
  (u): u is SecretStore => isObject(u) && typeof u['load'] === 'function' && typeof u['save'] === 'function',
  (u) => `must be a secret store { load(device), save(device, credential) }, got ${show(u)}`,
);

/** One option: its codec (the source of its type) and how its default is found. */
export interface Option<A, R> {
  readonly codec: t.Type<A>;
  /** The value a device uses: the given one, or the default (which may depend on the identity). */
  resolve(given: A | undefined, identity: DeviceIdentity): R;
  /** The keys an object option knows; others are refused. */
  readonly fields?: readonly string[] | undefined;
}

const option = <A, R>(
  codec: t.Type<A>,
  resolve: (given: NoInfer<A> | undefined, identity: DeviceIdentity) => R,
  fields?: object,
): Option<A, R> => ({ codec, resolve, ...(fields ? { fields: Object.keys(fields) } : {}) });

/** Any option, as the loops over the table see it. */
interface AnyOption {
  readonly codec: t.Mixed;
  resolve(given: never, identity: DeviceIdentity): unknown;
  readonly fields?: readonly string[];
}

/** An object option whose fields have defaults: `resolve` sees `{}` when the option is missing. */
const objectOption = <A extends object, R>(
  codec: t.Type<A>,
  resolve: (given: NoInfer<A>) => R,
  fields: object,
): Option<A, R> =>
  // Every field of such an option is optional, so `{}` is one.
  option(codec, (given) => resolve(given ?? ({} as A)), fields);

/** An option without a default: missing stays `undefined`. */
const optional = <A>(codec: t.Type<A>): Option<A, A | undefined> => option(codec, (given) => given);

/** The codecs of the identity options, which every device needs. */
export const DeviceIdentityFields = {
  /** Letters, digits and `_ - .`, 1 to 64 (lenient: the platform's own rule is unverified). */
  productKey: ProductKey,
  /** 4 to 32 letters, digits and `_ - . @ :` (the console's rule). */
  deviceName: DeviceName,
};

/** Every other option of `createDevice`: its codec, and how its default is found. */
export const DeviceOptionFields = {
  /** Signs the password ("one secret per device"). Required unless `productSecret` is given. Never shown. */
  deviceSecret: optional(Secret),
  /**
   * With no `deviceSecret`: the device registers itself with this secret of its product ("one secret per
   * product"), keeps what it gets in `secretStore`, and logs in with that. Never shown.
   */
  productSecret: optional(Secret),
  /** Default: `{ region: 'cn-shanghai' }`. */
  endpoint: option(Endpoint, (given) => given ?? DEFAULT_ENDPOINT, { region: 0, instanceId: 0, url: 0 }),
  /** TLS for `mqtts:` and `wss:` (the cloud endpoints always use it). Default: `{ rejectUnauthorized: true }`. */
  tls: objectOption(
    TlsOptions,
    ({ rejectUnauthorized = true, ...rest }) => ({ ...rest, rejectUnauthorized }),
    TLS_FIELDS,
  ),
  /** Where a registered device keeps its secret. Default: `memorySecretStore()` (registers once per process). */
  secretStore: option(SecretStoreCodec, (given) => given ?? memorySecretStore()),
  /** How and where the device registers. Default: `{ method: 'register', timeoutMs: 10000 }`. */
  registration: objectOption(
    Registration,
    ({ method = 'register', timeoutMs = 10_000, ...rest }) => ({ ...rest, method, timeoutMs }),
    REGISTRATION_FIELDS,
  ),
  /** The device's own id, at most 64 characters. Default: `${productKey}.${deviceName}`. */
  clientId: option(ClientId, (given, { productKey, deviceName }) => given ?? `${productKey}.${deviceName}`),
  /** Default: `'hmacsha256'`. */
  signMethod: option(oneOf('SignMethod', SIGN_METHODS), (given) => given ?? 'hmacsha256'),
  /**
   * Milliseconds sent in the clientId and signed, or a function called at each connection attempt (e.g.
   * `Date.now`). Default: none.
   */
  timestamp: optional(Timestamp),
  /**
   * More clientId parameters, e.g. `{ ext: '1' }` for custom-topic RRPC; not signed. Names and values without
   * `| , =`; `securemode`, `signmethod` and `timestamp` come from their own options. Default: `{}`.
   */
  extra: option(Extra, (given) => given ?? {}),
  /** Default: `true`. */
  cleanSession: option(Bool, (given) => given ?? true),
  /** Seconds, an integer from 30 to 1200 (the platform refuses others). Default: `60`. */
  keepalive: option(integer(30, 1200, ' seconds'), (given) => given ?? 60),
  /** The reconnect backoff, or `false` for no reconnects. Default: `{}` (the policy's own defaults). */
  reconnect: option(ReconnectOrFalse, (given) => given ?? {}, RECONNECT_FIELDS),
  /** Default: `30000`. */
  connectTimeoutMs: option(Timeout, (given) => given ?? 30_000),
  /**
   * How long a written publish may wait for its PUBACK (QoS 1) or for the socket to take it (QoS 0) before
   * it fails with `PublishTimeoutError`; counted from when it is written, on RxJS's async scheduler (virtual
   * under `TestScheduler.run`). Default: longer than MQTT.js takes to give up a half-open link
   * (1.5 · keepalive), so that a publish on such a link is sent again on the next one rather than failed:
   * `1.5 · keepalive + 5 s`, `95000` at the default keepalive.
   */
  publishTimeoutMs: optional(Timeout),
  /** Publishes kept while offline. Default: `{ limit: 1000, overflow: 'error' }`. */
  offlineQueue: objectOption(
    partialObject('OfflineQueue', OFFLINE_QUEUE_FIELDS, 'an object { limit?, overflow? }'),
    ({ limit = 1000, overflow = 'error' }) => ({ limit, overflow }),
    OFFLINE_QUEUE_FIELDS,
  ),
  // The MQTT maxima: a 268435455-byte packet, a 65535-byte topic.
  /** Default: `262144` (256 KB, the platform's limit). */
  maxPayloadBytes: option(integer(1, 268_435_455, ' bytes'), (given) => given ?? 256 * 1024),
  /** Default: `128` (what the SDKs enforce; the platform's limit is unverified). */
  maxTopicBytes: option(integer(1, 65_535, ' bytes'), (given) => given ?? 128),
  /**
   * Refuse, before anything is sent, topics and filters outside the device's own namespace,
   * which the platform would refuse. `false` for a gateway speaking for sub-devices, or a plain broker.
   * Default: `true`.
   */
  checkNamespace: option(Bool, (given) => given ?? true),
};

const TABLE: Readonly<Record<string, AnyOption>> = DeviceOptionFields;

/**
 * The options of `createDevice`: the identity, a `deviceSecret` or a `productSecret`, and optional settings,
 * each with its default in its doc comment.
 */
export type DeviceOptions = Readonly<t.TypeOf<t.TypeC<typeof DeviceIdentityFields>>> & {
  readonly [K in keyof typeof DeviceOptionFields]?:
    t.TypeOf<(typeof DeviceOptionFields)[K]['codec']> | undefined;
} & ({ readonly deviceSecret: string } | { readonly productSecret: string });

/** `DeviceOptions` with every default filled in. */
export type ResolvedDeviceOptions = Readonly<t.TypeOf<t.TypeC<typeof DeviceIdentityFields>>> & {
  readonly [K in keyof typeof DeviceOptionFields]: ReturnType<(typeof DeviceOptionFields)[K]['resolve']>;
};

/** The `tls` option with its defaults. */
export type ResolvedTlsOptions = ResolvedDeviceOptions['tls'];

/** The `registration` option with its defaults. */
export type ResolvedRegistration = ResolvedDeviceOptions['registration'];

/** Thrown by whoever turns a failed `decodeDeviceOptions` into an exception; lists every problem. */
export class DeviceOptionsError extends Error {
  override readonly name = 'DeviceOptionsError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid device options:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

// ---- Checks across fields, and unknown options. ----

const at = (c: t.Context, path: readonly string[], value: unknown, message: string): t.ValidationError => ({
  value,
  message,
  context: path.reduce((context, key) => t.appendContext(context, key, t.unknown, value), c),
});

const KNOWN: readonly string[] = [
  ...Object.keys(DeviceIdentityFields),
  ...Object.entries(TABLE).flatMap(([key, o]) => [
    key,
    ...(o.fields ?? []).map((field) => `${key}.${field}`),
  ]),
];

/** Options that were, and what to use instead. */
const RETIRED: Readonly<Record<string, string>> = {
  'reconnect.onRetry':
    "removed: state$ shows each retry as { status: 'reconnecting', attempt, delayMs, error }",
};

function unknownOption(path: string, parent: string, c: t.Context, value: unknown): t.ValidationError {
  const key = path.slice(path.lastIndexOf('.') + 1);
  const known = closestName(key, parent, KNOWN);
  const message =
    (Object.hasOwn(RETIRED, path) ? RETIRED[path] : undefined) ??
    `unknown option${known === undefined ? '' : `; did you mean ${known}?`}`;
  return at(c, path.split('.'), value, message);
}

/** Every key that is no option, at the top and inside the object options. */
function unknownOptions(u: Readonly<Record<string, unknown>>, c: t.Context): t.ValidationError[] {
  const options = TABLE;
  const errors: t.ValidationError[] = [];
  for (const [key, value] of Object.entries(u)) {
    if (value === undefined) continue;
    const known = Object.hasOwn(DeviceIdentityFields, key) || Object.hasOwn(options, key);
    if (!known) {
      errors.push(unknownOption(key, '', c, value));
      continue;
    }
    const fields = options[key]?.fields;
    if (fields === undefined || !isObject(value)) continue;
    for (const [field, inner] of Object.entries(value)) {
      if (inner !== undefined && !fields.includes(field))
        errors.push(unknownOption(`${key}.${field}`, key, c, inner));
    }
  }
  return errors;
}

const isTlsUrl = (url: string): boolean => /^(mqtts|wss):/i.test(url);

/** What no single option's codec can see. */
function acrossFields(u: Readonly<Record<string, unknown>>, c: t.Context): t.ValidationError[] {
  const errors: t.ValidationError[] = [];
  const { productKey, deviceName, clientId, deviceSecret, productSecret, endpoint, tls, registration } = u;
  if (deviceSecret === undefined && productSecret === undefined) {
    errors.push(at(c, ['deviceSecret'], undefined, 'required, or productSecret to register the device'));
  }
  if (clientId === undefined && ProductKey.is(productKey) && DeviceName.is(deviceName)) {
    const defaultId = `${productKey}.${deviceName}`;
    if (!ClientId.is(defaultId)) {
      const message = `required, as the default ${JSON.stringify(defaultId)} is longer than 64 characters`;
      errors.push(at(c, ['clientId'], undefined, message));
    }
  }
  const url = Endpoint.is(endpoint) ? resolveEndpoint(endpoint, String(productKey)).url : undefined;
  const registers = productSecret !== undefined && deviceSecret === undefined;
  const method = isObject(registration) ? registration['method'] : undefined;
  const registrationUrl = isObject(registration) ? registration['url'] : undefined;
  const registersOverTls = registers && typeof registrationUrl === 'string';
  if (tls !== undefined && url !== undefined && !isTlsUrl(url) && !registersOverTls) {
    errors.push(at(c, ['tls'], tls, `is unused: the endpoint ${show(url)} is not mqtts: or wss:`));
  }
  if (
    registers &&
    method !== 'https' &&
    registrationUrl === undefined &&
    url !== undefined &&
    !isTlsUrl(url)
  ) {
    const message = `required: the endpoint ${show(url)} is not TLS, which registration needs (an mqtts: or wss: URL)`;
    errors.push(at(c, ['registration', 'url'], undefined, message));
  }
  if (productSecret === undefined) {
    for (const key of ['secretStore', 'registration'] as const) {
      if (u[key] !== undefined)
        errors.push(at(c, [key], u[key], 'is only used for dynamic registration, which needs productSecret'));
    }
  }
  if (typeof registrationUrl === 'string' && URL.canParse(registrationUrl)) {
    const https = new URL(registrationUrl).protocol.toLowerCase() === 'https:';
    if (https !== (method === 'https')) {
      const message = https ? "is https:, for method 'https'" : "must be https: for method 'https'";
      errors.push(at(c, ['registration', 'url'], registrationUrl, message));
    }
  } else if (method === 'https' && isObject(endpoint) && endpoint['url'] !== undefined) {
    const message = "required for method 'https' with a url endpoint (the emulator's is urls.https)";
    errors.push(at(c, ['registration', 'url'], undefined, message));
  }
  return errors;
}

function validate(u: unknown, c: t.Context): t.Validation<DeviceOptions> {
  if (!isObject(u)) return t.failure(u, c, `must be an object, got ${show(u)}`);
  const errors: t.ValidationError[] = [];
  const decoded: Record<string, unknown> = {};
  const fields: [string, t.Mixed, boolean][] = [
    ...Object.entries(DeviceIdentityFields).map(([key, codec]): [string, t.Mixed, boolean] => [
      key,
      codec,
      true,
    ]),
    ...Object.entries(TABLE).map(([key, o]): [string, t.Mixed, boolean] => [key, o.codec, false]),
  ];
  for (const [key, codec, required] of fields) {
    const value = u[key];
    if (value === undefined && !required) continue;
    const result = codec.validate(value, t.appendContext(c, key, codec, value));
    if (E.isLeft(result)) errors.push(...result.left);
    else decoded[key] = result.right;
  }
  errors.push(...acrossFields(u, c), ...unknownOptions(u, c));
  return errors.length > 0 ? t.failures(errors) : t.success(decoded as DeviceOptions);
}

/** The codec of `DeviceOptions`: every option's own codec, the checks across them and unknown options. */
export const DeviceOptions: t.Type<DeviceOptions> = new t.Type<DeviceOptions>(
  'DeviceOptions',
  (u): u is DeviceOptions => E.isRight(validate(u, [])),
  validate,
  t.identity,
);

// ---- The reporter: one problem per field path, values shown only through the codecs' own messages. ----

const COMBINATORS = ['IntersectionType', 'UnionType'];

/** `offlineQueue.limit`: the keys of the context, without the indices an intersection adds. */
function pathOf(context: t.Context): string {
  const keys = context
    .filter((entry, i) => {
      const parent = context[i - 1];
      return parent !== undefined && !COMBINATORS.includes((parent.type as { _tag?: string })._tag ?? '');
    })
    .map((entry) => entry.key);
  return keys.length > 0 ? keys.join('.') : 'options';
}

function report(errors: t.Errors): string[] {
  const problems = new Map<string, string>();
  for (const error of errors) {
    const path = pathOf(error.context);
    if (!problems.has(path)) problems.set(path, `${path}: ${error.message ?? 'is not valid'}`);
  }
  return [...problems.values()];
}

function resolve(options: DeviceOptions): ResolvedDeviceOptions {
  const identity = { productKey: options.productKey, deviceName: options.deviceName };
  const given: Readonly<Record<string, unknown>> = options;
  const resolved: Record<string, unknown> = { ...identity };
  for (const [key, o] of Object.entries(TABLE)) resolved[key] = o.resolve(given[key] as never, identity);
  return resolved as ResolvedDeviceOptions;
}

/**
 * Checks the options of `createDevice` and fills in every default. Total: a bad input gives every problem at
 * once, one per field, each naming the field's path. Secret values never appear in a problem. An unknown
 * option is a problem that names the known one it is closest to (`ca: unknown option; did you mean tls.ca?`).
 *
 * ```ts
 * decodeDeviceOptions({ productKey: 'pk', deviceName: 'dev01', deviceSecret: 's', keepalive: 10 })
 * // left(['keepalive: must be an integer from 30 to 1200 seconds, got 10'])
 * ```
 */
export function decodeDeviceOptions(input: unknown): E.Either<readonly string[], ResolvedDeviceOptions> {
  if (!isObject(input)) return E.left([`options: must be an object, got ${show(input)}`]);
  const decoded = DeviceOptions.decode(input);
  return E.isRight(decoded) ? E.right(resolve(decoded.right)) : E.left(report(decoded.left));
}
