import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { signContent } from '../identity/signContent';
import { DigitString, NumberFromStringOrNumber } from './lenient';

// HTTPS device access (the platform's "HTTP连接通信"): a device that only reports data authenticates with
// `POST /auth` (JSON), gets a token, and posts each message to `POST /topic/${topic}` with the token in a
// `password` header. Upstream only: nothing comes back but the answer. Answers are `{code, message, info}`,
// code 0 for success.

/** The public instance's endpoint in cn-shanghai; an instance of your own has its own (see the console). */
export const HTTP_ACCESS_URL = 'https://iot-as-http.cn-shanghai.aliyuncs.com';
/** The paths, on any host (the emulator's HTTPS server has them too). */
export const HTTP_ACCESS_PATHS = { auth: '/auth', topic: '/topic' } as const;

/** The platform's limits for HTTPS access. */
export const HTTP_ACCESS_LIMITS = {
  /** Bytes in one message. */
  payloadBytes: 128 * 1024,
  /** How long a token is valid, by the documentation (7 days); the platform may end it sooner. */
  tokenValidityMs: 7 * 24 * 60 * 60 * 1000,
  /** How far an authentication's `timestamp` may be from the platform's clock. */
  timestampWindowMs: 15 * 60 * 1000,
} as const;

/** The codes of the answers, as documented. */
export const HTTP_ACCESS_CODES = {
  success: 0,
  commonError: 10000,
  paramError: 10001,
  authCheckError: 20000,
  tokenExpired: 20001,
  tokenNull: 20002,
  checkTokenError: 20003,
  updateSessionError: 20004,
  publishError: 30001,
  tooManyRequests: 40000,
} as const;

/** The codes after which a new token is to be asked for: expired, missing, unknown. */
export const HTTP_TOKEN_CODES: readonly number[] = [
  HTTP_ACCESS_CODES.tokenExpired,
  HTTP_ACCESS_CODES.tokenNull,
  HTTP_ACCESS_CODES.checkTokenError,
];

/** The sign methods `/auth` takes (`hmacmd5` when none is given). */
export type HttpSignMethod = 'hmacmd5' | 'hmacsha1';

/** What `/auth` reads. `timestamp` (ms) is optional; without it, the sign leaves it out. */
export const HttpAuthRequest = t.intersection(
  [
    t.type({ productKey: t.string, deviceName: t.string, clientId: t.string, sign: t.string }),
    t.partial({ timestamp: DigitString, signmethod: t.string, version: t.string }),
  ],
  'HttpAuthRequest',
);
export type HttpAuthRequest = t.TypeOf<typeof HttpAuthRequest>;

export interface HttpAuthFields {
  readonly productKey: string;
  readonly deviceName: string;
  readonly deviceSecret: string;
  readonly clientId: string;
  readonly signMethod: HttpSignMethod;
  readonly timestamp: number;
}

/** The fields an authentication signs: every one but `version`, `sign` and `signmethod`. */
export function httpAuthSign(
  method: HttpSignMethod,
  deviceSecret: string,
  fields: {
    readonly productKey: string;
    readonly deviceName: string;
    readonly clientId: string;
    readonly timestamp?: string | undefined;
  },
): string {
  const { productKey, deviceName, clientId, timestamp } = fields;
  return signContent(method, deviceSecret, { clientId, deviceName, productKey, timestamp });
}

/** The body of `POST /auth`, signed with the device's secret (which it does not carry); `timestamp` floored to ms. */
export function httpAuthRequest(fields: HttpAuthFields): HttpAuthRequest {
  const { productKey, deviceName, deviceSecret, clientId, signMethod, timestamp } = fields;
  // Digits only, whatever the clock gives (`performance.now()` style fractions included): the platform reads an
  // integer of milliseconds.
  const stamp = String(Math.floor(timestamp));
  return {
    version: 'default',
    clientId,
    signmethod: signMethod,
    sign: httpAuthSign(signMethod, deviceSecret, { productKey, deviceName, clientId, timestamp: stamp }),
    productKey,
    deviceName,
    timestamp: stamp,
  };
}

/** Every answer: `{code, message, info?}`; the code may come as a string. */
export const HttpAccessAnswer = t.intersection(
  [t.type({ code: NumberFromStringOrNumber }), t.partial({ message: t.string, info: t.unknown })],
  'HttpAccessAnswer',
);
export type HttpAccessAnswer = t.TypeOf<typeof HttpAccessAnswer>;

/** `/auth`'s `info`. */
export const HttpAuthInfo = t.type({ token: t.string }, 'HttpAuthInfo');

/**
 * The message id in `/topic`'s answer (`info.messageId`), exactly: it is a number past 2^53 in the
 * documentation's example, which `JSON.parse` would round, so the digits are read from the body's text.
 * `undefined` when the answer has none.
 */
export function httpMessageIdOf(body: string): string | undefined {
  return /"messageId"\s*:\s*"?(\d+)/.exec(body)?.[1];
}

/**
 * Why a topic cannot travel as the path of `POST /topic/${topic}`, or `undefined` when it can. Each level is a
 * path segment, so none may be empty, `.` or `..` (a URL resolves those away: the post would land on another
 * topic), and a topic has no MQTT wildcard.
 */
export function httpTopicProblem(topic: string): string | undefined {
  if (!topic.startsWith('/')) return 'a topic starts with "/"';
  const levels = topic.slice(1).split('/');
  if (levels.includes('')) return 'a topic in a path has no empty level';
  if (levels.some((level) => level === '.' || level === '..'))
    return 'a topic in a path has no "." or ".." level';
  if (/[+#]/.test(topic)) return 'a topic has no wildcard "+" or "#"';
  return undefined;
}

/** The path a topic is posted to: each level percent-encoded, so a `?` or a space is the topic's, not the URL's. */
export function httpTopicPath(topic: string): string {
  return `${HTTP_ACCESS_PATHS.topic}${topic.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * The topic of a request's raw target (`request.url`, before any URL normalisation), or why it is none: the
 * target is `/topic/` and the percent-encoded levels, with no query string, and decodes to a topic that
 * `httpTopicProblem` takes (so `%2e%2e`, `%2B` or `%2F%2F` are refused like `..`, `+` or `//`).
 */
export function httpTopicOfTarget(target: string): E.Either<string, string> {
  const prefix = `${HTTP_ACCESS_PATHS.topic}/`;
  if (!target.startsWith(prefix)) return E.left(`the path is not ${prefix} and a topic`);
  if (/[?#]/.test(target)) return E.left('a topic path has no query string or fragment');
  let topic: string;
  try {
    topic = decodeURIComponent(target.slice(HTTP_ACCESS_PATHS.topic.length));
  } catch {
    return E.left('the topic in the path is not percent-encoded UTF-8');
  }
  const problem = httpTopicProblem(topic);
  return problem === undefined ? E.right(topic) : E.left(problem);
}

/** An answer's body, as the cloud sends it. */
export function httpAccessAnswer(code: number, message: string, info?: Readonly<Record<string, unknown>>) {
  return { code, message, ...(info === undefined ? {} : { info }) };
}
