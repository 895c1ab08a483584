import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import { filter, ignoreElements, merge, type Observable, type ObservableInput } from 'rxjs';
import type { JsonValue } from '../connection/messages';
import { decodePayload } from '../operators/decodeJson';
import { alinkReply, RRPC_DEADLINE_MS } from '../protocol';
import { matchTopic } from '../topic/matchTopic';
import type { AlinkDevice } from './AlinkDevice';
import { serve } from './serve';
import type { ServeOptions } from './serveAlink';
import type { ServeOutcome } from './ServeOutcome';

/** One RRPC request. */
export interface RrpcRequest<A = Buffer> {
  readonly messageId: string;
  /** The topic it came on. */
  readonly topic: string;
  /** Custom RRPC only: the device's topic it was made on, `topic` without `/ext/rrpc/${messageId}`. */
  readonly customTopic?: string | undefined;
  readonly payload: Buffer;
  /** The payload decoded by the `params` option; without one, the payload itself. */
  readonly params: A;
}

/** The response to an RRPC request: bytes as they are, a string as UTF-8, anything else as JSON. */
export type RrpcResponse = string | Uint8Array | JsonValue;

export interface ServeRrpcOptions extends ServeOptions {
  /**
   * Serves custom RRPC on this topic (or filter) of the device, e.g. `device.topics.userTopic('get')`:
   * requests come on `/ext/rrpc/${messageId}${topic}` and are answered on the same topic. Default: system
   * RRPC, requests on `/sys/pk/dn/rrpc/request/${messageId}` (`…/rrpc/request/+` is subscribed while
   * serving, and a request that comes without it is served too), answered on `…/rrpc/response/${messageId}`.
   */
  readonly topic?: string | undefined;
}

/** With a codec, requests are JSON decoded by it; one that does not decode is answered with 460. */
export interface ServeRrpcDecodedOptions<A> extends ServeRrpcOptions {
  readonly params: t.Decoder<unknown, A>;
}

/**
 * Serves RRPC requests: while subscribed, each request is answered with the first value of
 * `handler(request)` (as is: RRPC payloads are the application's), within the platform's 8 s, at QoS 0. A
 * failure is answered `{"id": messageId, "code", "message"}`: 460 for a payload that does not decode, the
 * handler's `ReplyError` code, else 400. Emits one `ServeOutcome` per request and never ends because of one.
 *
 * ```ts
 * serveRrpc(device, (request) => of({ status: 'ok', asked: request.payload.toString() })).subscribe();
 * ```
 */
export function serveRrpc<A>(
  device: AlinkDevice,
  handler: (request: RrpcRequest<NoInfer<A>>) => ObservableInput<RrpcResponse>,
  options: ServeRrpcDecodedOptions<A>,
): Observable<ServeOutcome>;
export function serveRrpc(
  device: AlinkDevice,
  handler: (request: RrpcRequest) => ObservableInput<RrpcResponse>,
  options?: ServeRrpcOptions,
): Observable<ServeOutcome>;
export function serveRrpc<A>(
  device: AlinkDevice,
  handler: (request: RrpcRequest<A | Buffer>) => ObservableInput<RrpcResponse>,
  options: ServeRrpcOptions & { readonly params?: t.Decoder<unknown, A> | undefined } = {},
): Observable<ServeOutcome> {
  const { topic: custom, deadlineMs = RRPC_DEADLINE_MS, qos = 0, params } = options;
  const { topics } = device;
  // System RRPC: the platform documents `…/rrpc/request/+` as the topic to subscribe, so it is subscribed
  // while serving; the requests are read from `messages$`, which has each one once, subscribed or not.
  const requests =
    custom === undefined
      ? merge(
          device.observe(topics.rrpcRequestFilter, { qos }).pipe(ignoreElements()),
          device.messages$.pipe(filter((m) => matchTopic(topics.rrpcRequestFilter, m.topic))),
        )
      : device.observe(topics.extRrpc('+', custom), { qos });
  // `/sys/pk/dn/rrpc/request/${id}` or `/ext/rrpc/${id}/…`: the id is the last level, or the fourth.
  const messageIdOf = (topic: string): string =>
    (custom === undefined ? topic.slice(topic.lastIndexOf('/') + 1) : topic.split('/')[3]) ?? '';
  return serve<RrpcRequest<A | Buffer>, RrpcResponse>({
    requests,
    read: (message) => {
      const { topic, payload } = message;
      const messageId = messageIdOf(topic);
      const customTopic = custom === undefined ? undefined : topic.slice(`/ext/rrpc/${messageId}`.length);
      const request = { messageId, topic, payload, ...(customTopic === undefined ? {} : { customTopic }) };
      if (params === undefined) {
        return E.right({
          topic,
          id: messageId,
          message,
          params: { ...request, params: payload as A | Buffer },
        });
      }
      const decoded = decodePayload(params, message);
      return E.isLeft(decoded)
        ? E.left({ topic, id: messageId, error: decoded.left, message })
        : E.right({
            topic,
            id: messageId,
            message,
            params: { ...request, params: decoded.right.value as A | Buffer },
          });
    },
    handler: (request) => handler(request.params),
    reply: ({ topic, id }, { code, data, message }) => ({
      topic: custom === undefined ? topics.rrpcResponse(id) : topic,
      payload:
        code === 200
          ? ((data ?? {}) as RrpcResponse)
          : JSON.stringify(alinkReply({ id, code, data, ...(message === undefined ? {} : { message }) })),
      qos,
    }),
    publish: (message) => device.publish(message),
    deadlineMs,
  });
}
