import * as E from 'fp-ts/Either';
import { defer, from, merge, of, throwIfEmpty, type Observable, type ObservableInput } from 'rxjs';
import type { InboundMessage, PublishFailure, PublishReceipt } from '../connection/messages';
import { ALINK_CODES, RRPC_DEADLINE_MS } from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { publishResult } from './publishResult';
import { DEFAULT_REQUEST_TIMEOUT_MS, request } from './request';
import { asError, type RequestFailure } from './RequestFailure';
import { serve } from './serve';
import type { ServeOptions } from './serveAlink';
import type { ServeOutcome } from './ServeOutcome';

export interface RawPostOptions {
  /** Default: 1, as the other posts, so that a post made while offline goes out after the reconnect. */
  readonly qos?: 0 | 1 | undefined;
}

export interface RawRequestOptions extends RawPostOptions {
  /**
   * Whether a message on `upRawReply` is the answer to this request: raw payloads carry no Alink id, so the
   * correlation, if any, is in the product's own bytes. A reply it refuses is passed over; one it throws on
   * ends the request with a `DecodeError`.
   */
  readonly matches: (reply: Buffer) => boolean;
  /** How long to wait for the reply, from the subscription (offline time included). Default: 10000. */
  readonly timeoutMs?: number | undefined;
}

/** One raw request of the platform: a property set or a service call in the product's own bytes. */
export interface RawRequest {
  /** The topic it came on: `downRaw`, or `extRrpc(messageId, downRaw)` for a synchronous call. */
  readonly topic: string;
  readonly payload: Buffer;
  /** A synchronous call's RRPC message id. */
  readonly messageId?: string | undefined;
  readonly message: InboundMessage;
}

/** What a raw request's handler gives: an `ObservableInput` of the answer, or the answer itself. */
export type RawAnswer = ObservableInput<Uint8Array | string> | Uint8Array;

/**
 * The device side of a pass-through ("custom" data format) product: it sends and answers its own bytes, and
 * the product's data-parsing script on the platform turns them into Alink and back.
 */
export interface RawData {
  /**
   * Publishes `payload` (bytes as they are, a string as UTF-8) on `upRaw`, wanting no answer; one `Either`,
   * the publish receipt or a `PublishFailure`, as the `{ ack: false }` posts give it. Cold: one PUBLISH per
   * subscription.
   */
  post(
    payload: Uint8Array | string,
    options?: RawPostOptions,
  ): Observable<E.Either<PublishFailure, PublishReceipt>>;
  /** Every message the platform sends on `upRawReply`, while subscribed (a refcounted subscription). */
  readonly replies$: Observable<InboundMessage>;
  /**
   * Observes `upRawReply`, then publishes `payload` on `upRaw`, and emits one `Either` and completes: the
   * payload of the first reply that `matches` accepts, or a `RequestFailure` (`TimeoutFailure` after
   * `timeoutMs`, `PublishFailure`, `SubscribeFailure`). Cold; unsubscribing forgets the request. Requests
   * waiting at once each see every reply: each takes the one its `matches` accepts.
   */
  request(
    payload: Uint8Array | string,
    options: RawRequestOptions,
  ): Observable<E.Either<RequestFailure, Buffer>>;
  /**
   * Serves the platform's raw requests while subscribed: asynchronous ones on `downRaw`, answered on
   * `downRawReply`, and synchronous ones over RRPC on `extRrpc('+', downRaw)`, answered on their own topic.
   * The handler's first value is the answer (bytes as they are, a string as UTF-8). A raw answer carries
   * no code, so a handler that fails, or completes without a value, sends nothing: the outcome is `Failed`
   * with the code the failure would have had (a `ReplyError`'s, else 400). An outcome's `id` is the RRPC
   * message id of a synchronous call; asynchronous requests carry none that the library can read, so they
   * are numbered in the order they arrive, `'1'`, `'2'`, … for each subscription of the serve (so a QoS 1
   * redelivery of one, which cannot be told from a new request, is served again). Options as
   * every serve's: no answer after `deadlineMs` (default 8000, for both kinds, as the thing's services),
   * answers at QoS `qos` (default 0 over RRPC, 1 on `downRawReply`).
   */
  serve(handler: (request: RawRequest) => RawAnswer, options?: ServeOptions): Observable<ServeOutcome>;
}

const RRPC_PREFIX = '/ext/rrpc/';

/** A handler's first value as the answer; an empty completion as the failure it is for a raw answer. */
function answerOf(input: RawAnswer): Observable<Uint8Array | string> {
  // To RxJS bytes are an iterable of numbers and a string one of characters: a handler that returns bytes
  // or text means them.
  return (typeof input === 'string' || input instanceof Uint8Array ? of(input) : from(input)).pipe(
    throwIfEmpty(() => new Error('the handler completed without a reply: a raw request gets no answer')),
  );
}

/**
 * The pass-through data format of a device (`thing/model/up_raw` and `down_raw`): posts and requests of its
 * own bytes, and the platform's raw property sets and service calls served. Works for a gateway's
 * sub-device as it is.
 *
 * ```ts
 * const raw = createRawData(device);
 * raw.request(Uint8Array.of(0x01, 0x07), { matches: (reply) => reply[0] === 0x01 }).subscribe(console.log);
 * raw.serve((request) => Uint8Array.of(request.payload[0] ?? 0, 0x00)).subscribe();
 * ```
 */
export function createRawData(device: AlinkDevice): RawData {
  const { topics } = device;
  return {
    post: (payload, { qos = 1 } = {}) => publishResult(device, { topic: topics.upRaw, payload, qos }),

    replies$: device.observe(topics.upRawReply, { qos: 1 }),

    request: (payload, { matches, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, qos = 1 }) =>
      request(device, {
        message: { topic: topics.upRaw, payload, qos },
        replyFilter: topics.upRawReply,
        reply: ({ topic, payload: reply }) => {
          try {
            return matches(reply) ? E.right(reply) : undefined;
          } catch (thrown) {
            // Thrown inside the reply subscription, it would go unhandled and the request would wait on.
            const reason = `matches threw: ${asError(thrown).message}`;
            return E.left({ _tag: 'DecodeError', topic, messages: [reason] });
          }
        },
        timeoutMs,
      }),

    serve: (handler, { deadlineMs = RRPC_DEADLINE_MS, qos } = {}) =>
      defer(() => {
        let arrived = 0;
        const isRrpc = (topic: string) => topic.startsWith(RRPC_PREFIX);
        return serve<RawRequest, Uint8Array | string>({
          requests: merge(
            device.observe(topics.downRaw, { qos: 1 }),
            device.observe(topics.extRrpc('+', topics.downRaw), { qos: 0 }),
          ),
          read: (message) => {
            const { topic, payload } = message;
            // `/ext/rrpc/${messageId}/sys/…`: the id is the fourth level.
            const messageId = isRrpc(topic) ? (topic.split('/')[3] ?? '') : undefined;
            const id = messageId ?? String((arrived += 1));
            const params = { topic, payload, message, ...(messageId === undefined ? {} : { messageId }) };
            return E.right({ topic, id, params, message });
          },
          handler: ({ params }) => answerOf(handler(params)),
          // Only an answer goes out: a failure has no raw form.
          reply: ({ topic }, { code, data }) =>
            code === ALINK_CODES.success
              ? {
                  topic: isRrpc(topic) ? topic : topics.downRawReply,
                  payload: data as Uint8Array | string,
                  qos: qos ?? (isRrpc(topic) ? 0 : 1),
                }
              : undefined,
          publish: (message) => device.publish(message),
          deadlineMs,
        });
      }),
  };
}
