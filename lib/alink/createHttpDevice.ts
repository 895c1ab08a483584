import * as E from 'fp-ts/Either';
import {
  catchError,
  concatMap,
  defaultIfEmpty,
  defer,
  map,
  of,
  shareReplay,
  take,
  timeout,
  type Observable,
} from 'rxjs';
import { httpsSend } from '../connection/httpsSend';
import type { HttpsAnswer, HttpsSendRequest } from '../connection/registrationPorts';
import { isInDeviceNamespace, type DeviceIdentity } from '../identity/deviceNamespace';
import { DeviceOptionsError } from '../identity/deviceOptions';
import { deviceTopics, type DeviceTopics } from '../identity/deviceTopics';
import type { TlsOptions } from '../identity/tlsOptions';
import { parseJson } from '../json/parseJson';
import {
  HTTP_ACCESS_CODES,
  HTTP_ACCESS_LIMITS,
  HTTP_ACCESS_PATHS,
  HTTP_ACCESS_URL,
  HTTP_TOKEN_CODES,
  HttpAccessAnswer,
  httpAuthRequest,
  HttpAuthInfo,
  httpMessageIdOf,
  httpTopicPath,
  httpTopicProblem,
  type HttpSignMethod,
} from '../protocol';
import { validateTopic } from '../topic';
import { httpDeviceProblems } from './httpDeviceProblems';
import { asError } from './RequestFailure';

export interface HttpDeviceOptions {
  readonly productKey: string;
  readonly deviceName: string;
  readonly deviceSecret: string;
  /**
   * The HTTPS endpoint's origin. Default: `HTTP_ACCESS_URL`, the public instance of cn-shanghai; an instance of
   * your own has its own (see the console); the emulator's is `cloud.urls.https`.
   */
  readonly url?: string | undefined;
  /** The device's own id, 64 characters at most. Default: `${productKey}.${deviceName}`. */
  readonly clientId?: string | undefined;
  /** How the authentication is signed. Default: `'hmacsha1'`. */
  readonly signMethod?: HttpSignMethod | undefined;
  /** TLS for the requests (a `ca` of its own: the emulator's). Default: Node's roots. */
  readonly tls?: TlsOptions | undefined;
  /** How long each request waits for its answer. Default: 10000. */
  readonly timeoutMs?: number | undefined;
  /** Where the signed timestamps come from, in ms since the epoch. Default: `Date.now`. */
  readonly clock?: (() => number) | undefined;
  /** The HTTPS port: posts a body, emits the answer once. Default: Node's `https` (`fetch` in a browser). */
  readonly https?: ((request: HttpsSendRequest) => Observable<HttpsAnswer>) | undefined;
}

/** What a device reports over HTTPS: a topic it may publish on, and the bytes. */
export interface HttpMessage {
  readonly topic: string;
  readonly payload: string | Uint8Array;
}

/** A message the platform took. */
export interface HttpPublishReceipt {
  readonly topic: string;
  /** The platform's id of the message, its digits exactly; `undefined` when the answer had none. */
  readonly messageId: string | undefined;
}

/** Why a message was not taken, as a value. */
export interface HttpPublishFailure {
  readonly _tag: 'HttpPublishFailure';
  readonly topic: string;
  /**
   * `invalid-topic`, `outside-namespace`, `payload-too-large`: refused before anything was sent;
   * `auth-refused`: the authentication was refused (`code`); `refused`: the message was (`code`);
   * `bad-answer`: an answer that is not one; `unreachable`: no answer (a network or TLS error); `timeout`.
   */
  readonly reason:
    | 'invalid-topic'
    | 'outside-namespace'
    | 'payload-too-large'
    | 'auth-refused'
    | 'refused'
    | 'bad-answer'
    | 'unreachable'
    | 'timeout';
  readonly message: string;
  /** The platform's code (`HTTP_ACCESS_CODES`), when it refused. */
  readonly code?: number | undefined;
}

/** A device that reports over HTTPS: upstream only, so it publishes and hears nothing. */
export interface HttpDevice extends DeviceIdentity {
  readonly topics: DeviceTopics;
  /**
   * Posts a message to `/topic/${topic}` with the device's token, authenticating first when it has none (one
   * authentication at a time, however many publish), and once more when the platform says the token has
   * expired or is unknown. Emits one `Either` and completes; never errors; cold: each subscription posts.
   */
  publish(message: HttpMessage): Observable<E.Either<HttpPublishFailure, HttpPublishReceipt>>;
}

type Failure = Omit<HttpPublishFailure, '_tag' | 'topic'>;
type Answered = E.Either<Failure, { readonly answer: HttpAccessAnswer; readonly text: string }>;

const failure = (reason: Failure['reason'], message: string, code?: number): Failure => ({
  reason,
  message,
  ...(code === undefined ? {} : { code }),
});

/**
 * HTTPS device access: a device that only reports data, over HTTPS instead of MQTT (the platform's "HTTP
 * connection"). Its messages reach the platform as a device's publishes do (the rules engine, the thing
 * model, data parsing), but nothing comes back: no replies, no subscriptions.
 *
 * ```ts
 * const device = createHttpDevice({ productKey, deviceName, deviceSecret });
 * device.publish({ topic: device.topics.propertyPost, payload: JSON.stringify(post) }).subscribe(console.log);
 * ```
 *
 * Invalid options throw one `DeviceOptionsError` naming every bad field (never a secret's value).
 */
export function createHttpDevice(options: HttpDeviceOptions): HttpDevice {
  const problems = httpDeviceProblems(options as unknown as Readonly<Record<string, unknown>>);
  if (problems.length > 0) throw new DeviceOptionsError(problems);
  const {
    productKey,
    deviceName,
    deviceSecret,
    url = HTTP_ACCESS_URL,
    clientId = `${productKey}.${deviceName}`,
    signMethod = 'hmacsha1',
    tls,
    timeoutMs = 10_000,
    clock = Date.now,
    https = httpsSend,
  } = options;
  const identity = { productKey, deviceName };
  const origin = url.replace(/\/+$/, '');

  /** One request: its answer decoded, or why there is none. */
  const post = (request: HttpsSendRequest): Observable<Answered> =>
    defer(() => https(request)).pipe(
      take(1),
      map(({ status, body }): Answered => {
        const text = new TextDecoder().decode(body);
        let json: unknown;
        try {
          json = parseJson(text);
        } catch {
          return E.left(failure('bad-answer', `HTTP ${status}, and the body is not JSON`));
        }
        const answer = HttpAccessAnswer.decode(json);
        return E.isLeft(answer)
          ? E.left(failure('bad-answer', `HTTP ${status}, and the body is no answer of the platform's`))
          : E.right({ answer: answer.right, text });
      }),
      defaultIfEmpty(E.left(failure('unreachable', 'the request ended without an answer'))),
      timeout({
        first: timeoutMs,
        with: () => of(E.left(failure('timeout', `no answer within ${timeoutMs} ms`))),
      }),
      catchError((error: unknown) => of(E.left(failure('unreachable', asError(error).message)))),
    );

  /** One authentication, its body built (timestamp and sign) when it is subscribed: never a stale one. */
  const authenticate = (): Observable<E.Either<Failure, string>> =>
    defer(() => {
      const body = httpAuthRequest({
        productKey,
        deviceName,
        deviceSecret,
        clientId,
        signMethod,
        timestamp: clock(),
      });
      return post({
        url: `${origin}${HTTP_ACCESS_PATHS.auth}`,
        body: new TextEncoder().encode(JSON.stringify(body)),
        contentType: 'application/json',
        ...(tls === undefined ? {} : { tls }),
      });
    }).pipe(
      map(
        E.flatMap(({ answer }) => {
          if (answer.code !== HTTP_ACCESS_CODES.success)
            return E.left(
              failure('auth-refused', answer.message ?? `refused with code ${answer.code}`, answer.code),
            );
          const info = HttpAuthInfo.decode(answer.info);
          return E.isLeft(info)
            ? E.left(failure('bad-answer', 'the answer has no token'))
            : E.right(info.right.token);
        }),
      ),
    );

  /** The token being asked for or kept, shared by every publish; forgotten when refused or no longer valid. */
  let token: Observable<E.Either<Failure, string>> | undefined;
  const tokenNow = () => {
    const current =
      token ??
      authenticate().pipe(
        map((result) => {
          if (E.isLeft(result) && token === current) token = undefined;
          return result;
        }),
        shareReplay({ bufferSize: 1, refCount: true }),
      );
    token = current;
    return current;
  };

  const send = (
    topic: string,
    bytes: Uint8Array,
    again: boolean,
  ): Observable<E.Either<Failure, HttpPublishReceipt>> => {
    const kept$ = tokenNow();
    return kept$.pipe(
      concatMap((kept) => {
        if (E.isLeft(kept)) return of(kept);
        return post({
          url: `${origin}${httpTopicPath(topic)}`,
          body: bytes,
          contentType: 'application/octet-stream',
          headers: { password: kept.right },
          ...(tls === undefined ? {} : { tls }),
        }).pipe(
          concatMap((answered) => {
            if (E.isLeft(answered)) return of(answered);
            const { answer, text } = answered.right;
            if (answer.code === HTTP_ACCESS_CODES.success)
              return of(E.right({ topic, messageId: httpMessageIdOf(text) }));
            if (HTTP_TOKEN_CODES.includes(answer.code)) {
              // The token is no longer good: a new one (unless another publish has asked already), once.
              if (token === kept$) token = undefined;
              if (again) return send(topic, bytes, false);
            }
            return of(
              E.left(failure('refused', answer.message ?? `refused with code ${answer.code}`, answer.code)),
            );
          }),
        );
      }),
    );
  };

  return {
    ...identity,
    topics: deviceTopics(identity),
    publish: ({ topic, payload }) =>
      defer(() => {
        const refused = (reason: Failure['reason'], message: string) =>
          of(E.left<HttpPublishFailure>({ _tag: 'HttpPublishFailure', topic, ...failure(reason, message) }));
        const invalid = validateTopic(topic);
        if (invalid !== undefined) return refused('invalid-topic', invalid.message);
        // A `.`, `..` or empty level cannot go in a URL's path as it is: the post would land elsewhere.
        const unpostable = httpTopicProblem(topic);
        if (unpostable !== undefined) return refused('invalid-topic', `${topic}: ${unpostable}`);
        if (!isInDeviceNamespace(identity, topic))
          return refused(
            'outside-namespace',
            `${topic} is outside the namespace of ${productKey}/${deviceName}`,
          );
        const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
        if (bytes.length > HTTP_ACCESS_LIMITS.payloadBytes)
          return refused(
            'payload-too-large',
            `${bytes.length} bytes is over the platform's ${HTTP_ACCESS_LIMITS.payloadBytes} for one message`,
          );
        return send(topic, bytes, true).pipe(
          map(E.mapLeft((why): HttpPublishFailure => ({ _tag: 'HttpPublishFailure', topic, ...why }))),
        );
      }),
  };
}
