import type * as E from 'fp-ts/Either';
import type { Observable } from 'rxjs';
import { networkStatusRequest, type AlinkReply, type NetworkStatusSample } from '../protocol';
import type { AlinkDevice } from './AlinkDevice';
import { DEFAULT_REQUEST_TIMEOUT_MS, requestById } from './request';
import type { RequestFailure } from './RequestFailure';

/** A Wi-Fi device's network indicators at one moment, as the console's "device network status" shows them. */
export interface NetworkStatus {
  /** Received signal strength. */
  readonly rssi: number;
  /** Signal-to-noise ratio. */
  readonly snr: number;
  /** Packet error rate. */
  readonly per: number;
  /**
   * The network errors the device saw, `"type,code,count;type,code,count"` (e.g. `"10,02,01;10,05,01"`);
   * leave it out when there were none. Sent as given: the platform's table of types and codes is unverified.
   */
  readonly errStats?: string | undefined;
  /** When the indicators were collected. Default: `now()`. */
  readonly time?: Date | number | undefined;
}

export interface PostNetworkStatusOptions {
  /** How long to wait for the reply, from the subscription. Default: 10000. */
  readonly timeoutMs?: number | undefined;
  /** Default: 1. */
  readonly qos?: 0 | 1 | undefined;
  /** The clock of a reading without its `time`. Default: `Date.now`. */
  readonly now?: (() => number) | undefined;
}

function sampleOf(status: NetworkStatus, now: () => number): NetworkStatusSample {
  const { rssi, snr, per, errStats, time } = status;
  for (const [name, value] of Object.entries({ rssi, snr, per })) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RangeError(`network status ${name} must be a finite number, got ${String(value)}`);
    }
  }
  const at = time === undefined ? now() : new Date(time).getTime();
  if (!Number.isFinite(at)) throw new RangeError(`network status time is not a time: ${String(time)}`);
  return { wifi: { rssi, snr, per, ...(errStats === undefined ? {} : { err_stats: errStats }) }, _time: at };
}

/**
 * Reports a Wi-Fi device's network status (`/sys/pk/dn/_thing/diag/post`, as the docs' "device network
 * status" and things-go/aliyun-iot's `ThingDiagPost` send it): one reading, collected now, or an array of
 * earlier ones, sent as a batch of history. Emits the reply (`_thing/diag/post_reply`) as one `Either` and
 * completes; a code other than 200 and a timeout are failures. What the reply's `data` holds is unverified
 * and not read. An empty array, or an indicator that is not a finite number, is a `RangeError` at the call.
 *
 * ```ts
 * postNetworkStatus(device, { rssi: -52, snr: 20, per: 1 }).subscribe((r) => E.isLeft(r) && console.warn(r.left));
 * ```
 */
export function postNetworkStatus(
  device: AlinkDevice,
  status: NetworkStatus | readonly NetworkStatus[],
  options: PostNetworkStatusOptions = {},
): Observable<E.Either<RequestFailure, AlinkReply>> {
  const { timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, qos = 1, now = Date.now } = options;
  const many = isList(status);
  if (many && status.length === 0)
    throw new RangeError('postNetworkStatus takes one reading or more, not none');
  const p = many ? status.map((s) => sampleOf(s, now)) : sampleOf(status, now);
  const { diagPost, diagPostReply } = device.topics;
  return requestById(
    device,
    [diagPost, diagPostReply],
    (id) => JSON.stringify(networkStatusRequest(id, p)),
    (reply) => reply,
    { timeoutMs, qos },
  );
}

const isList = (status: NetworkStatus | readonly NetworkStatus[]): status is readonly NetworkStatus[] =>
  Array.isArray(status);
