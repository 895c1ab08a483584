import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { catchError, defer, filter, first, of, switchMap, timeout, type Observable } from 'rxjs';
import { DeviceClosedError } from '../connection/errors';
import { decodePayload } from '../operators/decodeJson';
import { NtpResponse, ntpRequestPayload, ntpSample, type NtpSample } from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { DEFAULT_REQUEST_TIMEOUT_MS, request } from './request';
import type { RequestFailure } from './RequestFailure';

export interface SyncTimeOptions {
  /** How long to wait for the platform's answer, from the subscription (offline time included). Default: 10000. */
  readonly timeoutMs?: number | undefined;
  /** The device's clock, in ms since the epoch, read as the request leaves and as the answer arrives. Default: `Date.now`. */
  readonly clock?: (() => number) | undefined;
}

/** One NTP exchange: the platform's time, the offset of the device's clock, the round trip, and the raw times. */
export interface TimeSync extends NtpSample {
  readonly deviceSendTime: number;
  readonly deviceRecvTime: number;
  readonly serverRecvTime: number;
  readonly serverSendTime: number;
}

/** Only the echoed time, to tell our answer from another request's when the rest is malformed. */
const Echo = t.type({ deviceSendTime: t.union([t.string, t.number]) });

/**
 * Asks the platform for the time over NTP (`/ext/ntp/pk/dn/request`) and emits one `Either`:
 * the platform's time when the answer arrived, the device clock's offset and the round trip, or a
 * `RequestFailure`. The request leaves only once the device is connected, so that time spent offline does
 * not skew the result; it goes at QoS 0, since a late copy would only measure the delay. The answer is
 * matched by the `deviceSendTime` it echoes.
 *
 * ```ts
 * syncTime(device).subscribe((result) => {
 *   if (E.isRight(result)) console.log(new Date(Date.now() + result.right.offsetMs).toISOString());
 * });
 * ```
 */
export function syncTime(
  device: AlinkDevice,
  options: SyncTimeOptions = {},
): Observable<E.Either<RequestFailure, TimeSync>> {
  const { timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, clock = Date.now } = options;
  const topic = device.topics.ntpRequest;
  const exchange = defer(() => {
    const deviceSendTime = clock();
    return request(device, {
      message: { topic, payload: ntpRequestPayload(deviceSendTime), qos: 0 },
      replyFilter: device.topics.ntpResponse,
      timeoutMs,
      reply: (message) => {
        const decoded = decodePayload(NtpResponse, message);
        if (E.isLeft(decoded)) {
          const echo = decodePayload(Echo, message);
          const ours = E.isRight(echo) && Number(echo.right.value.deviceSendTime) === deviceSendTime;
          return ours ? E.left(decoded.left) : undefined;
        }
        const response = decoded.right.value;
        if (response.deviceSendTime !== deviceSendTime) return undefined;
        const deviceRecvTime = clock();
        return E.right({ ...response, deviceRecvTime, ...ntpSample(response, deviceRecvTime) });
      },
    });
  });
  const closed: RequestFailure = {
    _tag: 'PublishFailure',
    topic,
    error: new DeviceClosedError('the device closed before the NTP request could be sent'),
  };
  return device.state$.pipe(
    filter((state) => state.status === 'connected' || state.status === 'closed'),
    first(),
    switchMap((state) => (state.status === 'connected' ? exchange : of(E.left(closed)))),
    timeout({
      first: timeoutMs,
      with: () => of(E.left<RequestFailure>({ _tag: 'TimeoutFailure', topic, timeoutMs })),
    }),
    // state$ completes without a 'closed' only when the device is gone for good.
    catchError(() => of(E.left(closed))),
  );
}
