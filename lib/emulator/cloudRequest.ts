import {
  defer,
  firstValueFrom,
  ignoreElements,
  map,
  merge,
  filter,
  throwError,
  throwIfEmpty,
  timeout,
} from 'rxjs';
import * as E from 'fp-ts/Either';
import type { DeviceIdentity } from '../identity';
import { AlinkReply } from '../protocol';
import type { CloudPayload } from './cloudPayloads';
import type { CloudSide } from './CloudSide';
import { decodeDevicePayload } from './decodeDevicePayload';
import type { CloudCall, ReceivedMessage } from './emulatorEvent';
import { DeviceOfflineError, EmulatorClosedError } from './emulatorErrors';

/** One cloud → device request, as data: what to send, and how to know the device's answer. */
export interface CloudRequestSpec<A> {
  /** What the call is named in `events$`. */
  readonly call: CloudCall;
  readonly device: DeviceIdentity;
  readonly topic: string;
  readonly payload: CloudPayload;
  readonly qos: 0 | 1;
  /** The topic (or filter) the device answers on. */
  readonly answerTopic: string;
  /** The result, for a message of `device` on `answerTopic` that answers this request; `undefined` otherwise. */
  readonly answer: (message: ReceivedMessage) => A | undefined;
  readonly timeoutMs: number;
  /** What the call rejects with when no answer came in `timeoutMs`. */
  readonly timeoutError: () => Error;
}

/**
 * The cloud side's one request primitive: listens for the device's answer first, then publishes, and resolves
 * with the first answer. Rejects with `DeviceOfflineError` at once for a device that is not online,
 * `timeoutError()` after `timeoutMs`, `EmulatorClosedError` when the emulator is or gets closed, or the
 * publish's own error. Each call is reported on `events$` as it ends.
 */
export async function cloudRequest<A>(cloud: CloudSide, spec: CloudRequestSpec<A>): Promise<A> {
  const { call, device, topic, payload, qos, answerTopic, answer, timeoutMs, timeoutError } = spec;
  const started = cloud.now();
  const report = (outcome: 'answered' | 'timeout' | 'offline' | 'failed') =>
    cloud.emit({ type: 'call', call, device, topic, outcome, durationMs: cloud.now() - started });
  if (cloud.isClosed()) throw new EmulatorClosedError();
  if (!cloud.isOnline(device)) {
    report('offline');
    throw new DeviceOfflineError(device);
  }
  const answer$ = cloud.listen(answerTopic).pipe(
    filter((m) => m.productKey === device.productKey && m.deviceName === device.deviceName),
    map(answer),
    filter((result): result is A => result !== undefined),
  );
  // The listener completes when the emulator closes: that ends the call too.
  const sent$ = defer(() => cloud.publish(topic, payload, { qos }));
  const timedOut = timeoutError();
  try {
    const result = await firstValueFrom(
      merge(answer$, sent$.pipe(ignoreElements())).pipe(
        timeout({ first: timeoutMs, with: () => throwError(() => timedOut) }),
        throwIfEmpty(() => new EmulatorClosedError()),
      ),
    );
    report('answered');
    return result;
  } catch (error) {
    report(error === timedOut ? 'timeout' : 'failed');
    throw error;
  }
}

/** The device's reply to the request `id`: an Alink reply with that id (never an echo of the request). */
export const replyWithId =
  (id: string) =>
  (message: ReceivedMessage): AlinkReply | undefined => {
    const reply = decodeDevicePayload(AlinkReply, message.payload);
    return E.isRight(reply) && reply.right.id === id ? reply.right : undefined;
  };
