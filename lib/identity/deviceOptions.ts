import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { ClientId, DeviceName, isParamChar, ProductKey, Secret } from './identifiers';
import { DEFAULT_ENDPOINT, Endpoint } from './resolveEndpoint';
import { func, integer, isObject, number, oneOf, partialObject, rule, show } from './rule';
import { SIGN_METHODS, type SignMethod } from './signContent';

/**
 * How the connection backs off between reconnects. The same shape as `BackoffPolicy` of `retryBackoff`
 * (identity may not import operators); every field is optional and defaults there.
 */
export interface ReconnectPolicy {
  readonly initialDelayMs?: number | undefined;
  readonly maxDelayMs?: number | undefined;
  readonly factor?: number | undefined;
  readonly jitter?: 'none' | 'full' | 'decorrelated' | undefined;
  readonly maxRetries?: number | undefined;
  readonly resetAfterMs?: number | undefined;
  // `any` parameters keep this assignable to and from `BackoffPolicy`, whatever its callbacks take.
  /* eslint-disable @typescript-eslint/no-explicit-any */
  readonly shouldRetry?: ((error: any) => boolean) | undefined;
  readonly random?: (() => number) | undefined;
  readonly onRetry?: ((...args: any[]) => void) | undefined;
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

/** What happens to a publish made while offline when the queue is full. */
export type OfflineOverflow = 'drop-oldest' | 'drop-newest' | 'error';

/** The options of `createDevice`. Only the device triple is required. */
export interface DeviceOptions {
  /** Letters, digits and `_ - .`, 1 to 64 (lenient: the platform's own rule is unverified). */
  readonly productKey: string;
  /** 4 to 32 letters, digits and `_ - . @ :` (the console's rule). */
  readonly deviceName: string;
  /** Any non-empty string. Signs the password; never shown in a problem. */
  readonly deviceSecret: string;
  /** For dynamic registration, which is not supported yet: pass `deviceSecret`. */
  readonly productSecret?: string | undefined;
  /** Default: `{ region: 'cn-shanghai' }`. */
  readonly endpoint?: Endpoint | undefined;
  /** The device's own id, at most 64 characters. Default: `${productKey}.${deviceName}`. */
  readonly clientId?: string | undefined;
  /** Default: `'hmacsha256'`. */
  readonly signMethod?: SignMethod | undefined;
  /** Milliseconds, sent in the clientId and signed. Default: none. */
  readonly timestamp?: number | string | undefined;
  /**
   * More clientId parameters, e.g. `{ ext: '1' }` for custom-topic RRPC; not signed. Names and values without
   * `| , =`; `securemode`, `signmethod` and `timestamp` come from their own options. Default: `{}`.
   */
  readonly extra?: Readonly<Record<string, string>> | undefined;
  /** Default: `true`. */
  readonly cleanSession?: boolean | undefined;
  /** Seconds, an integer from 30 to 1200 (the platform refuses others). Default: `60`. */
  readonly keepalive?: number | undefined;
  /** The reconnect backoff, or `false` for no reconnects. Default: `{}` (the policy's own defaults). */
  readonly reconnect?: ReconnectPolicy | false | undefined;
  /** Default: `30000`. */
  readonly connectTimeoutMs?: number | undefined;
  /**
   * How long a written publish may wait for its PUBACK (QoS 1) or for the socket to take it (QoS 0) before
   * it fails with `PublishTimeoutError`; counted from the end of the job that wrote it (a microtask later,
   * on RxJS's asap scheduler: a test with fake timers lets microtasks run before it advances the clock;
   * `TestScheduler.run` needs nothing). Default: `30000`.
   */
  readonly publishTimeoutMs?: number | undefined;
  /** Publishes kept while offline. Default: `{ limit: 1000, overflow: 'error' }`. */
  readonly offlineQueue?:
    { readonly limit?: number | undefined; readonly overflow?: OfflineOverflow | undefined } | undefined;
  /** Default: `262144` (256 KB, the platform's limit). */
  readonly maxPayloadBytes?: number | undefined;
  /** Default: `128` (what the SDKs enforce; the platform's limit is unverified). */
  readonly maxTopicBytes?: number | undefined;
  /**
   * Refuse, before anything is sent, topics and filters outside the device's own namespace (PROTOCOL.md §3),
   * which the platform would refuse. `false` for a gateway speaking for sub-devices, or a plain broker.
   * Default: `true`.
   */
  readonly checkNamespace?: boolean | undefined;
}

/** `DeviceOptions` with every default filled in; the timestamp, if any, as a string. */
export interface ResolvedDeviceOptions {
  readonly productKey: string;
  readonly deviceName: string;
  readonly deviceSecret: string;
  readonly productSecret?: string | undefined;
  readonly endpoint: Endpoint;
  readonly clientId: string;
  readonly signMethod: SignMethod;
  readonly timestamp?: string | undefined;
  readonly extra: Readonly<Record<string, string>>;
  readonly cleanSession: boolean;
  readonly keepalive: number;
  readonly reconnect: ReconnectPolicy | false;
  readonly connectTimeoutMs: number;
  readonly publishTimeoutMs: number;
  readonly offlineQueue: { readonly limit: number; readonly overflow: OfflineOverflow };
  readonly maxPayloadBytes: number;
  readonly maxTopicBytes: number;
  readonly checkNamespace: boolean;
}

/** Thrown by whoever turns a failed `decodeDeviceOptions` into an exception; lists every problem. */
export class DeviceOptionsError extends Error {
  override readonly name = 'DeviceOptionsError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid device options:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

const Timestamp = rule(
  'Timestamp',
  (u): u is number | string =>
    (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0) ||
    (typeof u === 'string' && /^\d+$/.test(u)),
  (u) => `must be milliseconds, a non-negative integer or a string of digits, got ${show(u)}`,
);
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

const RESERVED_PARAMS = ['securemode', 'signmethod', 'timestamp'];

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

const Reconnect = partialObject(
  'ReconnectPolicy',
  {
    initialDelayMs: Duration,
    maxDelayMs: Duration,
    resetAfterMs: Duration,
    factor: number('Factor', 'a finite number >= 1', (n) => Number.isFinite(n) && n >= 1),
    jitter: oneOf('Jitter', ['none', 'full', 'decorrelated']),
    maxRetries: number(
      'MaxRetries',
      'an integer >= 0 or Infinity',
      (n) => n === Infinity || (Number.isInteger(n) && n >= 0),
    ),
    shouldRetry: func<NonNullable<ReconnectPolicy['shouldRetry']>>('shouldRetry'),
    random: func<NonNullable<ReconnectPolicy['random']>>('random'),
    onRetry: func<NonNullable<ReconnectPolicy['onRetry']>>('onRetry'),
  },
  'a backoff policy object ({} for the defaults) or false',
);
const ReconnectOrFalse = new t.Type<ReconnectPolicy | false>(
  'Reconnect',
  (u): u is ReconnectPolicy | false => u === false || Reconnect.is(u),
  (u, c) => (u === false ? t.success(false) : Reconnect.validate(u, c)),
  t.identity,
);

const required = { productKey: ProductKey, deviceName: DeviceName, deviceSecret: Secret };
const optional = {
  productSecret: Secret,
  endpoint: Endpoint,
  clientId: ClientId,
  signMethod: oneOf('SignMethod', SIGN_METHODS),
  timestamp: Timestamp,
  extra: Extra,
  cleanSession: Bool,
  keepalive: integer(30, 1200, ' seconds'),
  reconnect: ReconnectOrFalse,
  connectTimeoutMs: Timeout,
  publishTimeoutMs: Timeout,
  offlineQueue: partialObject(
    'OfflineQueue',
    {
      limit: number('Limit', 'an integer >= 0', (n) => Number.isInteger(n) && n >= 0),
      overflow: oneOf('Overflow', ['drop-oldest', 'drop-newest', 'error']),
    },
    'an object { limit?, overflow? }',
  ),
  // The MQTT maxima: a 268435455-byte packet, a 65535-byte topic.
  maxPayloadBytes: integer(1, 268_435_455, ' bytes'),
  maxTopicBytes: integer(1, 65_535, ' bytes'),
  checkNamespace: Bool,
};

/** The codec of `DeviceOptions`. Its failures carry readable messages; `decodeDeviceOptions` reports them. */
export const DeviceOptions: t.Type<DeviceOptions> = t.intersection(
  [t.type(required), t.partial(optional)],
  'DeviceOptions',
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

function report(errors: t.Errors, input: Readonly<Record<string, unknown>>): string[] {
  const problems = new Map<string, string>();
  for (const error of errors) {
    const path = pathOf(error.context);
    const message =
      path === 'deviceSecret' && input.deviceSecret === undefined && input.productSecret !== undefined
        ? 'required: dynamic registration (productSecret) is not supported yet; pass deviceSecret'
        : (error.message ?? 'is not valid');
    if (!problems.has(path)) problems.set(path, `${path}: ${message}`);
  }
  return [...problems.values()];
}

const KNOWN_KEYS = [...Object.keys(required), ...Object.keys(optional)];
const normalized = (key: string) => key.toLowerCase().replace(/[-_]/g, '');

/** Options that are unknown but look like a known one (`keepAlive`, `clientID`, `clean_session`). */
function misspelled(input: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(input)
    .filter((key) => !KNOWN_KEYS.includes(key))
    .flatMap((key) => {
      const known = KNOWN_KEYS.find((k) => normalized(k) === normalized(key));
      return known === undefined ? [] : [`${key}: unknown option; did you mean ${known}?`];
    });
}

/** The default clientId can be longer than a clientId may be. */
function defaultClientIdProblem({
  productKey,
  deviceName,
  clientId,
}: Readonly<Record<string, unknown>>): string[] {
  if (clientId !== undefined || !ProductKey.is(productKey) || !DeviceName.is(deviceName)) return [];
  const defaultId = `${productKey}.${deviceName}`;
  return ClientId.is(defaultId)
    ? []
    : [`clientId: required, as the default ${JSON.stringify(defaultId)} is longer than 64 characters`];
}

function resolve(options: DeviceOptions): ResolvedDeviceOptions {
  const {
    endpoint = DEFAULT_ENDPOINT,
    clientId = `${options.productKey}.${options.deviceName}`,
    signMethod = 'hmacsha256',
    timestamp,
    extra = {},
    cleanSession = true,
    keepalive = 60,
    reconnect = {},
    connectTimeoutMs = 30_000,
    publishTimeoutMs = 30_000,
    offlineQueue: { limit = 1000, overflow = 'error' } = {},
    maxPayloadBytes = 256 * 1024,
    maxTopicBytes = 128,
    checkNamespace = true,
  } = options;
  const { productKey, deviceName, deviceSecret, productSecret } = options;
  return {
    productKey,
    deviceName,
    deviceSecret,
    ...(productSecret === undefined ? {} : { productSecret }),
    endpoint,
    clientId,
    signMethod,
    ...(timestamp === undefined ? {} : { timestamp: String(timestamp) }),
    extra,
    cleanSession,
    keepalive,
    reconnect,
    connectTimeoutMs,
    publishTimeoutMs,
    offlineQueue: { limit, overflow },
    maxPayloadBytes,
    maxTopicBytes,
    checkNamespace,
  };
}

/**
 * Checks the options of `createDevice` and fills in every default. Total: a bad input gives every problem at
 * once, one per field, each naming the field's path. Secret values never appear in a problem. Unknown options
 * are dropped, but one that differs from a known one only in case, `-` or `_` (`keepAlive`) is a problem.
 *
 * ```ts
 * decodeDeviceOptions({ productKey: 'pk', deviceName: 'dev01', deviceSecret: 's', keepalive: 10 })
 * // left(['keepalive: must be an integer from 30 to 1200 seconds, got 10'])
 * ```
 */
export function decodeDeviceOptions(input: unknown): E.Either<readonly string[], ResolvedDeviceOptions> {
  if (!isObject(input)) return E.left([`options: must be an object, got ${show(input)}`]);
  const decoded = DeviceOptions.decode(input);
  const problems = [
    ...(E.isLeft(decoded) ? report(decoded.left, input) : []),
    ...defaultClientIdProblem(input),
    ...misspelled(input),
  ];
  return E.isRight(decoded) && problems.length === 0 ? E.right(resolve(decoded.right)) : E.left(problems);
}
