import * as E from 'fp-ts/Either';
import {
  catchError,
  defaultIfEmpty,
  defer,
  map,
  of,
  take,
  timeout,
  type Observable,
  type ObservableInput,
} from 'rxjs';
import { httpsPost } from '../connection/httpsPost';
import type { HttpsAnswer, HttpsPostRequest } from '../connection/registrationPorts';
import type { DeviceIdentity } from '../identity/deviceNamespace';
import type { TlsOptions } from '../identity/tlsOptions';
import { BOOTSTRAP_URL, bootstrapForm, BootstrapNotifyParams, BootstrapReply } from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { asError } from './RequestFailure';
import { emptyReplyWhenDone, serveAlink, type ServeOptions } from './serveAlink';
import type { ServeOutcome } from './ServeOutcome';
import { parseJson } from '../json/parseJson';

export interface BootstrapOptions {
  /** Where to ask. Default: the global endpoint, `https://iot-auth-global.aliyuncs.com/auth/bootstrap`. */
  readonly url?: string | undefined;
  /** The device's own id. Default: `${productKey}.${deviceName}`, as its MQTT login's. */
  readonly clientId?: string | undefined;
  /** The protocol of the endpoint's `url`. Default: `'mqtts'`. */
  readonly protocol?: 'mqtts' | 'mqtt' | undefined;
  /** TLS for the HTTPS request (a `ca` of its own: the emulator's). Default: Node's roots. */
  readonly tls?: TlsOptions | undefined;
  /** How long to wait for the answer. Default: 10000. */
  readonly timeoutMs?: number | undefined;
  /** The HTTPS port: posts a form, emits the answer once. Default: Node's `https` (`fetch` in a browser). */
  readonly https?: ((request: HttpsPostRequest) => Observable<HttpsAnswer>) | undefined;
}

/** Where the cloud says the device is to connect, and that as a `createDevice` endpoint. */
export interface BootstrapEndpoint {
  readonly host: string;
  readonly port: number;
  readonly endpoint: { readonly url: string };
}

/** Why a bootstrap failed, as a value: refused (with the cloud's code), an answer that is not one, no answer. */
export interface BootstrapFailure {
  readonly _tag: 'BootstrapFailure';
  readonly reason: 'refused' | 'bad-answer' | 'unreachable' | 'timeout';
  readonly message: string;
  /** The cloud's code, when it refused. */
  readonly code?: number | undefined;
}

const failure = (
  reason: BootstrapFailure['reason'],
  message: string,
  code?: number,
): E.Either<BootstrapFailure, never> =>
  E.left({ _tag: 'BootstrapFailure', reason, message, ...(code === undefined ? {} : { code }) });

/**
 * Device distribution: asks the global endpoint (`POST /auth/bootstrap`, `resources=mqtt`) where the device is
 * to connect, and emits the host and port, with an endpoint for `createDevice`, or a `BootstrapFailure`.
 * Never an error; cold: each subscription asks again.
 *
 * ```ts
 * bootstrap({ productKey, deviceName }).subscribe((found) => {
 *   if (E.isRight(found)) createDevice({ productKey, deviceName, deviceSecret, endpoint: found.right.endpoint });
 * });
 * ```
 */
export function bootstrap(
  device: DeviceIdentity,
  options: BootstrapOptions = {},
): Observable<E.Either<BootstrapFailure, BootstrapEndpoint>> {
  const {
    url = BOOTSTRAP_URL,
    clientId = `${device.productKey}.${device.deviceName}`,
    protocol = 'mqtts',
    tls,
    timeoutMs = 10_000,
    https = httpsPost,
  } = options;
  const form = bootstrapForm({ productKey: device.productKey, deviceName: device.deviceName, clientId });
  return defer(() => https({ url, form, ...(tls === undefined ? {} : { tls }) })).pipe(
    // One answer: a port that emits more is read once, one that ends without any is no answer.
    take(1),
    map(({ status, body }) => answerOf(status, body, protocol)),
    defaultIfEmpty(failure('unreachable', 'the request ended without an answer')),
    timeout({ first: timeoutMs, with: () => of(failure('timeout', `no answer within ${timeoutMs} ms`)) }),
    catchError((error: unknown) => of(failure('unreachable', asError(error).message))),
  );
}

function answerOf(
  status: number,
  body: Uint8Array,
  protocol: 'mqtts' | 'mqtt',
): E.Either<BootstrapFailure, BootstrapEndpoint> {
  let json: unknown;
  try {
    // TextDecoder, not Buffer: in a browser the body is a Uint8Array.
    json = parseJson(new TextDecoder().decode(body));
  } catch {
    return failure('bad-answer', `HTTP ${status}, and the body is not JSON`);
  }
  const reply = BootstrapReply.decode(json);
  if (E.isLeft(reply)) return failure('bad-answer', `HTTP ${status}, and the body is not a bootstrap answer`);
  const { code, data, message } = reply.right;
  if (code !== 200) return failure('refused', message ?? `refused with code ${code}`, code);
  if (data === undefined) return failure('bad-answer', 'the answer has no host and port');
  const { host, port } = data.resources.mqtt;
  if (!Number.isInteger(port) || port < 1 || port > 65535 || host === '') {
    return failure('bad-answer', 'the answer has no valid host and port');
  }
  // An IPv6 address goes in brackets in a URL.
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return E.right({ host, port, endpoint: { url: `${protocol}://${hostPart}:${port}` } });
}

/**
 * Serves the cloud's `thing.bootstrap.notify` (`cmd` 0: bootstrap again): replies 200 once `handler`'s
 * `ObservableInput` has completed (its error is replied as the failure) and emits one outcome per push.
 * What to do is the application's: bootstrap, then move the device to the endpoint it finds.
 */
export function serveBootstrapNotify(
  device: AlinkDevice,
  handler: (params: { readonly cmd: number }) => ObservableInput<unknown>,
  options: ServeOptions = {},
): Observable<ServeOutcome> {
  return serveAlink(device, {
    requests: device.observe(device.topics.bootstrapNotify, { qos: 1 }),
    params: BootstrapNotifyParams,
    replyTopic: () => device.topics.bootstrapNotifyReply,
    handler: ({ params }) => emptyReplyWhenDone(handler(params)),
    qos: options.qos ?? 1,
    ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
  });
}
