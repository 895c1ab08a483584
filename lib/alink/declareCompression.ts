import * as E from 'fp-ts/Either';
import {
  concat,
  defer,
  exhaustMap,
  filter,
  map,
  merge,
  NEVER,
  of,
  race,
  switchMap,
  take,
  timer,
  type Observable,
} from 'rxjs';
import type { InboundMessage } from '../connection/messages';
import { decodePayload } from '../operators/decodeJson';
import { timerMs } from '../operators/timerMs';
import {
  ALINK_CODES,
  compressionUpdate,
  CompressionUpdateReply,
  nextMessageId,
  type CompressionTopics,
} from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { compressionTopics, type CompressionTopicsOptions } from './compressionTopics';
import { request, DEFAULT_REQUEST_TIMEOUT_MS } from './request';
import type { RequestFailure } from './RequestFailure';

export interface DeclareCompressionOptions extends CompressionTopicsOptions {
  /**
   * How long each declaration waits for its reply once the device is connected (offline, it waits in the
   * offline queue, ahead of the compressed publishes made after it). Default: 10000.
   */
  readonly timeoutMs?: number | undefined;
  /** Default: 1, so that a declaration sent just before a connection drops goes again after the reconnect. */
  readonly qos?: 0 | 1 | undefined;
  /**
   * Whether to declare again at every reconnect, for as long as subscribed (`false`: once, at subscription). The platform keeps a device's
   * list across reconnects and restarts (its docs: "report once"), so that once is enough there; again at
   * each connection costs one small message and keeps the list the one this device has even where the
   * platform lost it or another program changed it. Whether a second declaration replaces the first or
   * adds to it is unverified. Default: `true`.
   */
  readonly everyConnection?: boolean | undefined;
}

/** A declaration the platform took (code 200): the topics it now compresses and decompresses for the device. */
export interface CompressionDeclared extends CompressionTopics {
  /** The reply's message (`success`), when it has one. */
  readonly message?: string | undefined;
}

/**
 * The result of a reply to the declaration `id`; `undefined` for another declaration's reply. A reply with
 * no id is taken as this one's: the C SDK sends none, and whether the platform echoes it is unverified.
 */
function replyTo(id: string, topic: string, topics: CompressionTopics) {
  return (message: InboundMessage): E.Either<RequestFailure, CompressionDeclared> | undefined => {
    const decoded = decodePayload(CompressionUpdateReply, message);
    if (E.isLeft(decoded)) return decoded;
    const reply = decoded.right.value;
    if (reply.id !== undefined && reply.id !== id) return undefined;
    const text = reply.message === undefined ? {} : { message: reply.message };
    if (reply.code !== ALINK_CODES.success) {
      return E.left({ _tag: 'ReplyFailure', topic, id, code: reply.code, ...text });
    }
    return E.right({ ...topics, ...text });
  };
}

/**
 * Tells the platform which of the device's topics carry gzip (the Link SDK C's
 * `aiot_compress_topiclist_update`): `uplink`, what the device publishes compressed (the platform
 * decompresses it before its rules and the server see it), and `downlink`, what the platform is to compress
 * before sending it. Sent at subscription, through the device's offline queue when it is not connected (so
 * that it goes ahead of the compressed publishes made after it) and, with `everyConnection` (the default),
 * again after every reconnect while subscribed; emits each declaration's result: `CompressionDeclared` on the right, a
 * `RequestFailure` on the left (a code other than 200 is a `ReplyFailure`). Completes when the device
 * closes (after the first result with `everyConnection: false`). The compressing itself is
 * `compressedDevice`'s, with the same topics.
 *
 * Topics must be complete (no wildcards), at most 20 in all: otherwise a RangeError at the call. Data
 * compression is a feature of Enterprise Edition instances only.
 *
 * ```ts
 * const topics = { uplink: [device.topics.propertyPost], downlink: [device.topics.propertySet] };
 * declareCompression(device, topics).subscribe((r) => console.log(E.isRight(r) ? 'declared' : r.left));
 * const thing = createThing(compressedDevice(device, topics));
 * ```
 */
export function declareCompression(
  device: AlinkDevice,
  options: DeclareCompressionOptions,
): Observable<E.Either<RequestFailure, CompressionDeclared>> {
  const topics = compressionTopics(options, 'declareCompression');
  const { timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, qos = 1, everyConnection = true } = options;
  const { codecTopicUpdate: topic, codecTopicUpdateReply: replyTopic } = device.topics;
  const connected = device.state$.pipe(filter((state) => state.status === 'connected'));
  const declare = defer(() => {
    const id = nextMessageId(device);
    const declared = request(device, {
      message: { topic, payload: JSON.stringify(compressionUpdate(id, topics)), qos },
      replyFilter: replyTopic,
      reply: replyTo(id, topic, topics),
      // Timed from the connection below: while offline it waits in the queue, ahead of the compressed
      // publishes made after it; given up there, it would leave them to go out first.
      timeoutMs: Infinity,
      id,
    });
    const timedOut: E.Either<RequestFailure, CompressionDeclared> = E.left({
      _tag: 'TimeoutFailure',
      topic,
      id,
      timeoutMs,
    });
    // Never ending without its failure (a device closed offline): the request's own result then wins.
    const deadline = concat(
      connected.pipe(
        take(1),
        switchMap(() => timer(timerMs(timeoutMs))),
        map(() => timedOut),
      ),
      NEVER,
    );
    return race(declared, deadline);
  });
  if (!everyConnection) return declare;
  // The first at once, through the connection's offline queue: so that it leaves ahead of the compressed
  // publishes made after it, also before the device first connects. Then at each connection that finds
  // none waiting (one still waiting goes out on it, as QoS 1 does after a reconnect, and is not sent twice).
  return merge(of('subscribed'), connected).pipe(exhaustMap(() => declare));
}
