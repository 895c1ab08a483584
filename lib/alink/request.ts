import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import {
  catchError,
  defaultIfEmpty,
  defer,
  filter,
  ignoreElements,
  map,
  merge,
  of,
  take,
  timeout,
  type Observable,
} from 'rxjs';
import { DeviceClosedError } from '../connection/errors';
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
import { asError, type RequestFailure } from './RequestFailure';

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
  readonly reply: (message: InboundMessage) => E.Either<RequestFailure | F, A> | undefined;
  /** Counted from the subscription: offline time included. */
  readonly timeoutMs: number;
  /** The request's message id, for the failure values. */
  readonly id?: string | undefined;
}

const failure = (f: RequestFailure): E.Either<RequestFailure, never> => E.left(f);

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
  return defer(() => {
    const { message, replyFilter, reply, timeoutMs, id } = spec;
    const { topic } = message;
    const replies$ = device.observe(replyFilter, { qos: 1 }).pipe(
      map(reply),
      filter((result) => result !== undefined),
      catchError((error: unknown) =>
        of(failure({ _tag: 'SubscribeFailure', filter: replyFilter, error: asError(error) })),
      ),
    );
    const sent$ = device.publish(message).pipe(
      ignoreElements(),
      catchError((error: unknown) => of(failure({ _tag: 'PublishFailure', topic, error: asError(error) }))),
    );
    const closed: PublishFailure = {
      _tag: 'PublishFailure',
      topic,
      error: new DeviceClosedError('the device closed before the reply came'),
    };
    return merge(replies$, sent$).pipe(
      take(1),
      timeout({
        first: timeoutMs,
        with: () =>
          of(failure({ _tag: 'TimeoutFailure', topic, timeoutMs, ...(id === undefined ? {} : { id }) })),
      }),
      defaultIfEmpty(failure(closed)),
    );
  });
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
}

const HasId = t.type({ id: t.union([t.string, t.number]) });

/** Whether a payload is JSON with this id, whatever else it holds (a reply to us that is malformed). */
const carriesId = (message: InboundMessage, id: string): boolean => {
  const decoded = decodePayload(HasId, message);
  return E.isRight(decoded) && String(decoded.right.value.id) === id;
};

/** The result of a reply with `id`: code 200 on the right, any other code as a `ReplyFailure`. */
export function alinkReplyTo(
  id: string,
  requestTopic: string,
): (message: InboundMessage) => E.Either<RequestFailure, AlinkReply> | undefined {
  return (message) => {
    const decoded = decodePayload(AlinkReply, message);
    if (E.isLeft(decoded)) return carriesId(message, id) ? E.left(decoded.left) : undefined;
    const reply = decoded.right.value;
    if (reply.id !== id) return undefined;
    if (reply.code === ALINK_CODES.success) return E.right(reply);
    return E.left({
      _tag: 'ReplyFailure',
      topic: requestTopic,
      id,
      code: reply.code,
      ...(reply.message === undefined ? {} : { message: reply.message }),
      ...(reply.data === undefined ? {} : { data: reply.data }),
    });
  };
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
    const { timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, qos = 1, version, replies } = options;
    const id = options.id ?? nextMessageId(device);
    const { topic, method, params, replyTopic = replyTopicOf(spec.topic) } = spec;
    const payload = alinkRequestPayload({
      id,
      method,
      params,
      ...(version === undefined ? {} : { version }),
    });
    const via =
      replies === undefined
        ? device
        : { observe: () => replies.to(id), publish: (m: OutboundMessage) => device.publish(m) };
    const accepted = alinkReplyTo(id, topic);
    return request(via, {
      message: { topic, payload: JSON.stringify(payload), qos },
      replyFilter: replies?.filter ?? replyTopic,
      reply: (message) => {
        const reply = accepted(message);
        return reply === undefined || E.isLeft(reply) ? reply : read(reply.right, message);
      },
      timeoutMs,
      id,
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
