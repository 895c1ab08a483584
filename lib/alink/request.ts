import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { defer, Observable } from 'rxjs';
import type { InboundMessage, OutboundMessage, PublishFailure, PublishReceipt } from '../connection/messages';
import { decodePayload } from '../operators/decodeJson';
import {
  ALINK_CODES,
  AlinkReply,
  alinkRequest as alinkRequestPayload,
  nextMessageId,
  replyTopicOf,
} from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { publishResult } from './publishResult';
import type { CorrelatedReplies } from './correlatedReplies';
import type { Deadlines } from './Deadlines';
import { PendingRequest } from './PendingRequest';
import type { RequestFailure } from './RequestFailure';
import { parseJson } from '../json/parseJson';

/**
 * One device → cloud request, as data: what to send, where the reply comes, and how to know it. `F` is a
 * failure of the service's own that `reply` may give (the shadow's refusals, which carry no id).
 */
export interface RequestSpec<A, F = never> {
  readonly message: OutboundMessage;
  /** Observed before the request is published, and for as long as the request waits. */
  readonly replyFilter: string;
  /**
   * The result, when `message` is the reply to this request; `undefined` for any other message on the
   * reply filter (another request's reply), which is passed over.
   */
  readonly reply: (message: InboundMessage, json?: unknown) => E.Either<RequestFailure | F, A> | undefined;
  /** Counted from the subscription: offline time included. */
  readonly timeoutMs: number;
  /** The request's message id, for the failure values. */
  readonly id?: string | undefined;
  /**
   * Where the replies to `id` are heard instead of observing `replyFilter` for this request alone: a
   * `correlatedReplies` channel, which hands each request only the replies with its id.
   */
  readonly replies?: CorrelatedReplies | undefined;
  /** Where the timeout is kept instead of a timer of its own: the `Deadlines` of many requests. */
  readonly deadlines?: Deadlines | undefined;
}

/**
 * The one request primitive of every service: observes the reply filter first, then publishes, and emits one
 * `Either` and completes: the reply on the right, or why not on the left (`TimeoutFailure` after
 * `timeoutMs`, `PublishFailure`, `SubscribeFailure`, or whatever `reply` says). Never an error, never a
 * hang: the timeout is an RxJS timer from the moment of subscription, and a device that closes first ends it
 * with a `PublishFailure` carrying a `DeviceClosedError`. Cold; unsubscribing forgets the request (a
 * publish still queued offline is not sent).
 */
export function request<A, F = never>(
  device: Pick<AlinkDevice, 'observe' | 'publish'>,
  spec: RequestSpec<A, F>,
): Observable<E.Either<RequestFailure | F, A>> {
  // One Observable and one object per request instead of a chain of operators: a chain of ten held 3 KB
  // per pending request and cost a third of the CPU of a round trip in the thing bench (bench/README.md).
  return new Observable<E.Either<RequestFailure | F, A>>((subscriber) =>
    new PendingRequest<A, F>(subscriber, spec).start(device),
  );
}

/** The default time an Alink request waits for its reply. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** An Alink request of one service: its topic, method and params. */
export interface AlinkRequestSpec<P> {
  readonly topic: string;
  readonly method: string;
  readonly params: P;
  /** Default: `${topic}_reply`. */
  readonly replyTopic?: string | undefined;
}

export interface AlinkRequestOptions {
  /** How long to wait for the reply, from the subscription (offline time included). Default: 10000. */
  readonly timeoutMs?: number | undefined;
  /** Default: 1, so that a request sent just before a connection drops is sent again after the reconnect. */
  readonly qos?: 0 | 1 | undefined;
  /** The message id. Default: the device's next (`nextMessageId`). */
  readonly id?: string | undefined;
  /** Default: `'1.0'`. */
  readonly version?: string | undefined;
  /**
   * Where the reply is heard. Default: the request observes its reply topic by itself. A `correlatedReplies`
   * channel shares one subscription among many requests and hands each only the replies with its id.
   */
  readonly replies?: CorrelatedReplies | undefined;
  /** Keeps the timeout with those of other requests, on one timer per duration. Default: a timer of its own. */
  readonly deadlines?: Deadlines | undefined;
}

const HasId = t.type({ id: t.union([t.string, t.number]) });

/**
 * Whether `message` answers the request `id`: JSON whose `id` is that one, whatever else it holds, so that a
 * malformed reply to this request is told apart from another request's reply.
 */
const answersRequest = (message: InboundMessage, id: string): boolean => {
  const decoded = decodePayload(HasId, message);
  return E.isRight(decoded) && String(decoded.right.value.id) === id;
};

/**
 * A reply already in the codec's own form (id a string of digits, code a number), as the platform sends
 * nearly all: checked with `AlinkReply.is`, without the decode's `Either`s, which were a tenth of the CPU of
 * a post's round trip in the thing bench.
 */
function wellFormedReply(message: InboundMessage, parsed?: unknown): AlinkReply | undefined {
  let json = parsed;
  if (json === undefined) {
    try {
      json = parseJson(message.payload.toString('utf8'));
    } catch {
      return undefined;
    }
  }
  return AlinkReply.is(json) ? json : undefined;
}

/** The result of a reply with `id`: code 200 on the right, any other code as a `ReplyFailure`. */
export function alinkReplyTo(
  id: string,
  requestTopic: string,
): (message: InboundMessage, json?: unknown) => E.Either<RequestFailure, AlinkReply> | undefined {
  // `json`: the payload already parsed, by a `correlatedReplies` that read it to find the id.
  return (message, json) => {
    const reply = wellFormedReply(message, json);
    if (reply !== undefined) return resultOf(reply, id, requestTopic);
    // Lenient ids and codes go through the decode; a malformed reply to this id is a DecodeError.
    const decoded = decodePayload(AlinkReply, message);
    if (E.isRight(decoded)) return resultOf(decoded.right.value, id, requestTopic);
    return answersRequest(message, id) ? E.left(decoded.left) : undefined;
  };
}

function resultOf(
  reply: AlinkReply,
  id: string,
  topic: string,
): E.Either<RequestFailure, AlinkReply> | undefined {
  if (reply.id !== id) return undefined;
  if (reply.code === ALINK_CODES.success) return E.right(reply);
  return E.left({
    _tag: 'ReplyFailure',
    topic,
    id,
    code: reply.code,
    ...(reply.message === undefined ? {} : { message: reply.message }),
    ...(reply.data === undefined ? {} : { data: reply.data }),
  });
}

/**
 * An Alink request (`sys.ack: 1`): `{id, version, sys, params, method}` on `topic`, the reply correlated by
 * `id` on `replyTopic`. Emits one `Either` and completes: the reply (code 200) or a `RequestFailure`.
 *
 * ```ts
 * alinkRequest(device, {
 *   topic: device.topics.propertyPost,
 *   method: 'thing.event.property.post',
 *   params: { temp: 21.5 },
 * }).subscribe((result) => console.log(E.isRight(result) ? 'posted' : result.left._tag));
 * ```
 */
export function alinkRequest<P>(
  device: AlinkDevice,
  spec: AlinkRequestSpec<P>,
  options: AlinkRequestOptions = {},
): Observable<E.Either<RequestFailure, AlinkReply>> {
  return alinkExchange(device, spec, options, (reply) => E.right(reply));
}

/**
 * An Alink request whose reply's `data` is decoded with `data`: one `Either`, the decoded data, or a
 * `RequestFailure` (a `DecodeError` whose paths start at `data` for a reply that does not fit).
 *
 * ```ts
 * alinkRequestData(device, { topic: device.topics.configGet, method: 'thing.config.get', params }, ConfigFile);
 * ```
 */
export function alinkRequestData<P, D>(
  device: AlinkDevice,
  spec: AlinkRequestSpec<P>,
  data: t.Type<D, unknown>,
  options: AlinkRequestOptions = {},
): Observable<E.Either<RequestFailure, D>> {
  const Data = t.type({ data });
  return alinkExchange(device, spec, options, (_reply, message) =>
    E.map(({ value }: { value: { data: D } }) => value.data)(decodePayload(Data, message)),
  );
}

/** An Alink request, its accepted reply read by `read`. */
function alinkExchange<P, A>(
  device: AlinkDevice,
  spec: AlinkRequestSpec<P>,
  options: AlinkRequestOptions,
  read: (reply: AlinkReply, message: InboundMessage) => E.Either<RequestFailure, A>,
): Observable<E.Either<RequestFailure, A>> {
  return defer(() => {
    const { timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, qos = 1, version, replies, deadlines } = options;
    const id = options.id ?? nextMessageId(device);
    const { topic, method, params, replyTopic = replyTopicOf(spec.topic) } = spec;
    const payload = alinkRequestPayload({
      id,
      method,
      params,
      ...(version === undefined ? {} : { version }),
    });
    const accepted = alinkReplyTo(id, topic);
    return request(device, {
      message: { topic, payload: JSON.stringify(payload), qos },
      replyFilter: replies?.filter ?? replyTopic,
      reply: (message, json) => {
        const reply = accepted(message, json);
        return reply === undefined || E.isLeft(reply) ? reply : read(reply.right, message);
      },
      timeoutMs,
      id,
      ...(replies === undefined ? {} : { replies }),
      ...(deadlines === undefined ? {} : { deadlines }),
    });
  });
}

/**
 * An Alink message that asks for no reply (`sys.ack: 0`): published once, the result is the publish's own.
 */
export function alinkNotify<P>(
  device: Pick<AlinkDevice, 'publish'> & object,
  spec: Omit<AlinkRequestSpec<P>, 'replyTopic'>,
  options: Omit<AlinkRequestOptions, 'timeoutMs'> = {},
): Observable<E.Either<PublishFailure, PublishReceipt>> {
  return defer(() => {
    const { qos = 1, version } = options;
    const id = options.id ?? nextMessageId(device);
    const { topic, method, params } = spec;
    const payload = alinkRequestPayload({
      id,
      method,
      params,
      ack: false,
      ...(version === undefined ? {} : { version }),
    });
    return publishResult(device, { topic, payload: JSON.stringify(payload), qos });
  });
}

/** How long a request waits for its reply, and the QoS it is sent at. */
export interface RequestTiming {
  readonly timeoutMs: number;
  readonly qos: 0 | 1;
}

/** The result of a request's reply, `reply` as `alinkReplyTo` read it. */
export type ReadReply<A> = (
  reply: E.Either<RequestFailure, AlinkReply>,
  message: InboundMessage,
) => E.Either<RequestFailure, A>;

/**
 * A request whose payload is not an Alink envelope but carries its id (`{id, params}` JSON, a binary frame
 * with a JSON header), answered by an Alink reply on `replyTopic`: a fresh id per subscription, the reply
 * read by `read` once `alinkReplyTo` has accepted it.
 */
export function requestById<A>(
  device: AlinkDevice,
  [topic, replyTopic]: readonly [string, string],
  payloadOf: (id: string) => string | Uint8Array,
  read: ReadReply<A>,
  { timeoutMs, qos }: RequestTiming,
): Observable<E.Either<RequestFailure, A>> {
  return defer(() => {
    const id = nextMessageId(device);
    const accepted = alinkReplyTo(id, topic);
    return request(device, {
      message: { topic, payload: payloadOf(id), qos },
      replyFilter: replyTopic,
      reply: (message, json) => {
        const reply = accepted(message, json);
        return reply === undefined ? undefined : read(reply, message);
      },
      timeoutMs,
      id,
    });
  });
}
