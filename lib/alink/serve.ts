import * as E from 'fp-ts/Either';
import {
  asyncScheduler,
  catchError,
  concatMap,
  defaultIfEmpty,
  defer,
  EMPTY,
  from,
  last,
  map,
  mergeMap,
  of,
  take,
  timeout,
  type Observable,
  type ObservableInput,
} from 'rxjs';
import type { InboundMessage, OutboundMessage, PublishReceipt } from '../connection/messages';
import type { DecodeError } from '../operators/decodeJson';
import { ALINK_CODES } from '../protocol';
import { codeOfFailure } from './ReplyError';
import { asError } from './RequestFailure';
import type { ServeOutcome } from './ServeOutcome';

/** One cloud → device request, read from its message. */
export interface ServedRequest<P> {
  /** The topic it came on. */
  readonly topic: string;
  /** The Alink id, or the RRPC message id: what the reply is correlated by. */
  readonly id: string;
  readonly params: P;
  readonly message: InboundMessage;
}

/** A request that cannot be served: its payload or params did not decode. */
export interface BadRequest {
  readonly topic: string;
  /** The id to reply to; without one, no reply can be sent. */
  readonly id?: string | undefined;
  readonly error: DecodeError;
  readonly message: InboundMessage;
}

/** What a request is answered with. */
export interface ServeReply {
  readonly code: number;
  readonly data?: unknown | undefined;
  readonly message?: string | undefined;
}

/** One served request kind, as data: where requests come from, how they read, how they are answered. */
export interface ServeSpec<P, R> {
  /** The messages that may be requests (the serve subscribes to it, and serves while subscribed). */
  readonly requests: Observable<InboundMessage>;
  /** A request, a bad request, or `undefined` for a message that is none (an echo of a reply). */
  readonly read: (message: InboundMessage) => E.Either<BadRequest, ServedRequest<P>> | undefined;
  readonly handler: (request: ServedRequest<P>) => ObservableInput<R>;
  /**
   * The reply to the request on `topic` with `id`; `undefined` to send nothing, for a reply that cannot say
   * it failed (a raw reply carries no code): the outcome is then what it would have been had it gone out
   * (`Failed` with the code it would have had), at once.
   */
  readonly reply: (
    request: { readonly topic: string; readonly id: string },
    reply: ServeReply,
  ) => OutboundMessage | undefined;
  readonly publish: (message: OutboundMessage) => Observable<PublishReceipt>;
  /** No reply after this, from the request's arrival; `Infinity` for none. */
  readonly deadlineMs: number;
}

/** How long a request's topic and id are remembered, so that a duplicate or an echo is not served again. */
const REMEMBER_MS = 60_000;

/**
 * The one serve primitive of every `serve…`: while subscribed, it reads each message of `requests`, runs the
 * handler of each request concurrently, replies with the handler's first value (code 200; `{}` when it
 * completes without one), with 460 and the reason when the request does not decode, with the code of a
 * failing handler (`ReplyError`'s, else 400) unless `reply` sends nothing for a failure, and never after
 * `deadlineMs`. It emits one `ServeOutcome` per request and never ends because of one; an error of
 * `requests` (a refused subscription) ends it. A topic and id seen in the last minute are not served again
 * (QoS 1 duplicates, echoes of a reply on the same topic).
 */
export function serve<P, R>(spec: ServeSpec<P, R>): Observable<ServeOutcome> {
  return defer(() => {
    const seen = new Map<string, number>();
    const firstTime = (topic: string, id: string): boolean => {
      const now = asyncScheduler.now();
      for (const [key, at] of seen) {
        if (now - at < REMEMBER_MS) break;
        seen.delete(key);
      }
      const key = `${topic}\u0000${id}`;
      if (seen.has(key)) return false;
      seen.set(key, now);
      return true;
    };
    return spec.requests.pipe(
      mergeMap((message) => {
        const read = spec.read(message);
        if (read === undefined) return EMPTY;
        const { topic, id } = E.isRight(read) ? read.right : read.left;
        if (id !== undefined && !firstTime(topic, id)) return EMPTY;
        return E.isRight(read) ? answer(spec, read.right) : refuse(spec, read.left);
      }),
    );
  });
}

interface Reply {
  readonly reply: ServeReply;
  readonly cause?: DecodeError | Error | undefined;
}

function answer<P, R>(spec: ServeSpec<P, R>, request: ServedRequest<P>): Observable<ServeOutcome> {
  const started = asyncScheduler.now();
  const replied$ = defer(() => {
    const result = spec.handler(request);
    // To RxJS a string is an iterable of characters; a handler that returns text means the text.
    return typeof result === 'string' ? of(result) : from(result);
  }).pipe(
    take(1),
    map((data): Reply => ({ reply: { code: ALINK_CODES.success, data } })),
    defaultIfEmpty({ reply: { code: ALINK_CODES.success, data: {} } } as Reply),
    catchError((thrown: unknown) => {
      const error = asError(thrown);
      const data = (error as { data?: unknown }).data;
      const reply = {
        code: codeOfFailure(error),
        message: error.message,
        ...(data === undefined ? {} : { data }),
      };
      return of<Reply>({ reply, cause: error });
    }),
    concatMap((reply) => send(spec, request, reply, started)),
  );
  return withDeadline(replied$, request.topic, request.id, spec.deadlineMs);
}

function refuse<P, R>(spec: ServeSpec<P, R>, bad: BadRequest): Observable<ServeOutcome> {
  const { topic, id, error } = bad;
  if (id === undefined) return of({ _tag: 'Unanswered', topic, reason: error });
  const reply = { code: ALINK_CODES.invalidParameter, message: error.messages.join('; ') };
  const sent$ = send(spec, { topic, id }, { reply, cause: error }, asyncScheduler.now());
  return withDeadline(sent$, topic, id, spec.deadlineMs);
}

function send<P, R>(
  spec: ServeSpec<P, R>,
  request: { readonly topic: string; readonly id: string },
  { reply, cause }: Reply,
  started: number,
): Observable<ServeOutcome> {
  const message = spec.reply(request, reply);
  const { topic, id } = request;
  const outcome = (): ServeOutcome => {
    const latencyMs = asyncScheduler.now() - started;
    if (cause === undefined) return { _tag: 'Answered', topic, id, latencyMs };
    return { _tag: 'Failed', topic, id, code: reply.code, message: reply.message ?? '', cause, latencyMs };
  };
  if (message === undefined) return of(outcome());
  return spec.publish(message).pipe(
    last(),
    map(outcome),
    catchError((error: unknown) =>
      of<ServeOutcome>({
        _tag: 'Unanswered',
        topic,
        id,
        reason: { _tag: 'PublishFailure', topic: message.topic, error: asError(error) },
      }),
    ),
  );
}

/** Past the deadline the reply is dropped, even one still waiting in the offline queue. */
function withDeadline(
  outcome$: Observable<ServeOutcome>,
  topic: string,
  id: string,
  deadlineMs: number,
): Observable<ServeOutcome> {
  if (deadlineMs === Infinity) return outcome$;
  return outcome$.pipe(
    timeout({ first: deadlineMs, with: () => of<ServeOutcome>({ _tag: 'Late', topic, id, deadlineMs }) }),
  );
}
