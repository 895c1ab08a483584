import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as t from 'io-ts';
import { concat, from, ignoreElements, of, type Observable, type ObservableInput } from 'rxjs';
import type { InboundMessage } from '../connection/messages';
import { decodePayload } from '../operators/decodeJson';
import { AlinkRequest, alinkReply, RRPC_DEADLINE_MS } from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { serve, type BadRequest, type ServedRequest } from './serve';
import type { ServeOutcome } from './ServeOutcome';

/** What every Alink `serve…` takes besides its handler. */
export interface ServeOptions {
  /**
   * No reply after this many milliseconds from the request's arrival: the request's outcome is `Late`.
   * Default: 8000, the platform's RRPC deadline (`Infinity` for none, for asynchronous calls only).
   */
  readonly deadlineMs?: number | undefined;
  /** QoS of the replies. Default: 0 for replies over RRPC (as the platform asks), 1 for the others. */
  readonly qos?: 0 | 1 | undefined;
}

/** One kind of Alink request served by a device: where it comes from and where it is answered. */
export interface AlinkServeSpec<P, R> {
  readonly requests: Observable<InboundMessage>;
  /** Decodes `params`; a failure is answered with 460 and the reason. */
  readonly params: t.Type<P, unknown>;
  /** The topic the reply to a request on `topic` goes to. */
  readonly replyTopic: (topic: string) => string;
  readonly handler: (request: ServedRequest<P>) => ObservableInput<R>;
  readonly qos: 0 | 1;
  readonly deadlineMs?: number | undefined;
}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null;

/**
 * A device's own reply, `{id, code, data}`, seen again: on a topic it answers on (`/ext/rrpc/…`), or through a
 * wildcard that also matches its `…_reply` topics. Never taken for a request.
 */
export function isEchoOfReply(topic: string, json: unknown): boolean {
  if (topic.endsWith('_reply')) return true;
  return isObject(json) && 'code' in json && !('method' in json) && !('params' in json);
}

const idIn = (json: unknown): string | undefined => {
  const id = isObject(json) ? json['id'] : undefined;
  return typeof id === 'string' && /^\d+$/.test(id)
    ? id
    : typeof id === 'number' && Number.isSafeInteger(id) && id >= 0
      ? String(id)
      : undefined;
};

/** Reads an Alink request: the envelope, and `params` with the service's codec (paths under `params`). */
export function readAlinkRequest<P>(
  params: t.Type<P, unknown>,
): (message: InboundMessage) => E.Either<BadRequest, ServedRequest<P>> | undefined {
  const Params = t.type({ params });
  // The envelope first, then its params: a failure's path starts at `params`.
  const Request = new t.Type<AlinkRequest & { readonly params: P }, unknown, unknown>(
    'AlinkRequest',
    (u): u is AlinkRequest & { readonly params: P } => AlinkRequest.is(u) && Params.is(u),
    (u, c) =>
      pipe(
        AlinkRequest.validate(u, c),
        E.flatMap((request) =>
          pipe(
            Params.validate(request, c),
            E.map(({ params }) => ({ ...request, params })),
          ),
        ),
      ),
    t.identity,
  );
  return (message) => {
    const { topic } = message;
    if (topic.endsWith('_reply')) return undefined;
    const decoded = decodePayload(Request, message);
    if (E.isRight(decoded)) {
      const request = decoded.right.value;
      if (isEchoOfReply(topic, request)) return undefined;
      return E.right({ topic, id: request.id, params: request.params, message });
    }
    // Read again, as plain JSON, to tell an echo from a bad request and to find the id to answer.
    const raw = decodePayload(t.unknown, message);
    const json = E.isRight(raw) ? raw.right.value : undefined;
    if (isEchoOfReply(topic, json)) return undefined;
    const id = idIn(json);
    return E.left({ topic, error: decoded.left, message, ...(id === undefined ? {} : { id }) });
  };
}

/**
 * A handler's `ObservableInput` as the reply to a request the platform expects `data: {}` for: `{}` once it
 * has completed (its values are not the reply), its error as the failure.
 */
export function emptyReplyWhenDone(input: ObservableInput<unknown>): Observable<Record<string, never>> {
  return concat(from(input).pipe(ignoreElements()), of({}));
}

/** Serves one kind of Alink request with the serve primitive: replies `{id, code, data, message?}`. */
export function serveAlink<P, R>(
  device: Pick<AlinkDevice, 'publish'>,
  spec: AlinkServeSpec<P, R>,
): Observable<ServeOutcome> {
  const { requests, params, replyTopic, handler, qos, deadlineMs = RRPC_DEADLINE_MS } = spec;
  return serve({
    requests,
    read: readAlinkRequest(params),
    handler,
    reply: ({ topic, id }, { code, data, message }) => ({
      topic: replyTopic(topic),
      payload: JSON.stringify(alinkReply({ id, code, data, ...(message === undefined ? {} : { message }) })),
      qos,
    }),
    publish: (message) => device.publish(message),
    deadlineMs,
  });
}
