import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import type { Subscription } from 'rxjs';
import { parseJson } from '../json/parseJson';
import {
  ALINK_CODES,
  AlinkRequest,
  alinkReply,
  describeErrors,
  DigitString,
  replyTopicOf,
} from '../protocol';
import type { CloudSide } from './CloudSide';
import { decodeDevicePayload, decodeValue, UNREADABLE_JSON } from './decodeDevicePayload';
import type { ReceivedMessage } from './emulatorEvent';

/** What the cloud answers to one Alink request: a code (default 200), data and a message. */
export interface CloudAnswer {
  readonly code?: number | undefined;
  readonly data?: unknown | undefined;
  readonly message?: string | undefined;
}

/**
 * Answers the Alink requests devices publish on topics that match `filter`, on `${topic}_reply`, as the
 * platform does: `{id, code, data, message, method, version}`. The params are decoded with `params` first: a
 * request that does not decode is answered 460 with the reason. A request whose envelope does not decode (a
 * `method` or `version` that is no string, JSON nested too deep) is answered 400 with the reason when its id
 * can be read, so that the device hears why rather than waiting out its timeout; one without an id cannot be
 * answered. A request with `sys.ack` 0 is handled and not answered. `answer` may give a promise: the reply then goes once
 * it settles.
 */
export function answerAlink<P>(
  cloud: CloudSide,
  filter: string,
  params: t.Decoder<unknown, P>,
  answer: (params: P, request: AlinkRequest, message: ReceivedMessage) => CloudAnswer | Promise<CloudAnswer>,
): Subscription {
  return cloud.listen(filter).subscribe((message) => {
    const request = decodeDevicePayload(AlinkRequest, message.payload);
    if (E.isLeft(request)) return refuseUnreadable(cloud, message, request.left);
    const decoded = decodeValue(params, request.right.params);
    const result = E.isRight(decoded)
      ? answer(decoded.right, request.right, message)
      : { code: ALINK_CODES.invalidParameter, message: `request parameter error: ${decoded.left}` };
    // An answer that is ready goes at once, as before; one that is not, once it is (a failure is a 500).
    if (!(result instanceof Promise)) return reply(cloud, message, request.right, result);
    result.then(
      (ready) => reply(cloud, message, request.right, ready),
      (error: unknown) =>
        reply(cloud, message, request.right, { code: ALINK_CODES.systemError, message: String(error) }),
    );
  });
}

/**
 * The id of a request whose envelope does not decode, whether it asked for a reply, and every reason; none
 * when no id can be read (or the payload is no JSON object).
 */
function unreadable(payload: Buffer, reason: string) {
  let json: unknown;
  try {
    json = parseJson(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const { id, sys } = json as { id?: unknown; sys?: unknown };
  const decoded = DigitString.decode(id);
  if (E.isLeft(decoded)) return undefined;
  const ack = (sys as { ack?: unknown } | null | undefined)?.ack;
  // The envelope's own problems, each with its path, where the JSON itself was readable.
  const envelope = AlinkRequest.decode(json);
  const reasons =
    reason === UNREADABLE_JSON.tooDeep || E.isRight(envelope) ? [reason] : describeErrors(envelope.left);
  return { id: decoded.right, ack: ack !== 0 && ack !== '0' && ack !== false, reasons };
}

/** Answers 400 and why, when the request's id can be read (and it asked for a reply). */
function refuseUnreadable(cloud: CloudSide, message: ReceivedMessage, reason: string): void {
  const request = unreadable(message.payload, reason);
  if (request === undefined || !request.ack) return;
  const payload = alinkReply({
    id: request.id,
    code: ALINK_CODES.requestError,
    data: {},
    message: `request error: ${request.reasons.join('; ')}`,
    version: '1.0',
  });
  cloud.publish(replyTopicOf(message.topic), payload, { qos: 1 }).catch(() => undefined);
}

function reply(cloud: CloudSide, message: ReceivedMessage, request: AlinkRequest, result: CloudAnswer): void {
  const { id, method } = request;
  const {
    code = ALINK_CODES.success,
    data = {},
    message: text = code === 200 ? 'success' : 'failed',
  } = result;
  // `sys.ack: 0` asks for no reply.
  if (request.sys?.ack === 0) return;
  const payload = alinkReply({
    id,
    code,
    data,
    message: text,
    version: '1.0',
    ...(method ? { method } : {}),
  });
  cloud.publish(replyTopicOf(message.topic), payload, { qos: 1 }).catch(() => undefined);
}
