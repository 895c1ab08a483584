import {
  defer,
  filter,
  firstValueFrom,
  ignoreElements,
  map,
  merge,
  throwError,
  throwIfEmpty,
  timeout,
} from 'rxjs';
import type { DeviceIdentity } from '../identity';
import type { CloudPayload } from './cloudPayloads';
import type { ReceivedMessage } from './emulatorEvent';
import { DeviceOfflineError, EmulatorClosedError } from './emulatorErrors';
import type { CloudSide } from './CloudSide';

/** One cloud → device request, as data: what to send, and how to know the device's answer. */
export interface CloudRequestSpec<A> {
  readonly device: DeviceIdentity;
  readonly topic: string;
  readonly payload: CloudPayload;
  readonly qos: 0 | 1;
  /** The result, for the message of `device` that answers this request; `undefined` for any other. */
  readonly answer: (message: ReceivedMessage) => A | undefined;
  readonly timeoutMs: number;
  /** What the call rejects with when no answer came in `timeoutMs`. */
  readonly timeoutError: () => Error;
}

/**
 * The cloud side's one request primitive: listens for the device's answer first, then publishes, and resolves
 * with the first answer. Rejects with `DeviceOfflineError` at once for a device that is not online,
 * `timeoutError()` after `timeoutMs`, `EmulatorClosedError` when the emulator is or gets closed, or the
 * publish's own error.
 */
export function cloudRequest<A>(cloud: CloudSide, spec: CloudRequestSpec<A>): Promise<A> {
  const { device, topic, payload, qos, answer, timeoutMs, timeoutError } = spec;
  if (cloud.isClosed()) return Promise.reject(new EmulatorClosedError());
  if (!cloud.isOnline(device)) return Promise.reject(new DeviceOfflineError(device));
  const answer$ = cloud.received$.pipe(
    filter((m) => m.productKey === device.productKey && m.deviceName === device.deviceName),
    map(answer),
    filter((result): result is A => result !== undefined),
  );
  // received$ completes when the emulator closes: that ends the call too.
  const sent$ = defer(() => cloud.publish(topic, payload, { qos }));
  return firstValueFrom(
    merge(answer$, sent$.pipe(ignoreElements())).pipe(
      timeout({ first: timeoutMs, with: () => throwError(timeoutError) }),
      throwIfEmpty(() => new EmulatorClosedError()),
    ),
  );
}
