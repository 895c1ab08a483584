import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import type { Subscription } from 'rxjs';
import { ALINK_CODES, AlinkRequest, alinkReply, replyTopicOf } from '../protocol';
import type { CloudSide } from './CloudSide';
import { decodeDevicePayload, decodeValue } from './decodeDevicePayload';
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
 * request that does not decode is answered 460 with the reason; one without an id cannot be answered. A
 * request with `sys.ack` 0 is handled and not answered. `answer` may give a promise: the reply then goes once
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
    if (E.isLeft(request)) return;
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
