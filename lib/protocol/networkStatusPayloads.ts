import * as t from 'io-ts';
import { NumberFromStringOrNumber } from './lenient';

/**
 * The `model` of a network status report (`_thing/diag/post`): one reading collected now, or a batch of
 * earlier ones. The docs write the first's parts in this order, things-go/aliyun-iot in another; the cloud
 * side reads any.
 */
export const NETWORK_STATUS_MODELS = {
  now: 'quantity=single|format=simple|time=now',
  history: 'format=simple|quantity=batch|time=history',
} as const;

/**
 * A Wi-Fi device's network indicators: received signal strength (`rssi`), signal-to-noise ratio (`snr`),
 * packet error rate (`per`), and the errors the device saw, `"type,code,count;type,code,count"`
 * (`err_stats`, empty or absent when there were none; the table of types and codes is unverified).
 * Lenient: numbers may come as strings.
 */
export const WifiStatus = t.intersection(
  [
    t.type({ rssi: NumberFromStringOrNumber, snr: NumberFromStringOrNumber, per: NumberFromStringOrNumber }),
    t.partial({ err_stats: t.union([t.string, t.undefined]) }),
  ],
  'WifiStatus',
);
export type WifiStatus = t.TypeOf<typeof WifiStatus>;

/** One reading: the indicators and when they were collected (`_time`, ms; without it the console shows none). */
export const NetworkStatusSample = t.intersection(
  [t.type({ wifi: WifiStatus }), t.partial({ _time: t.union([NumberFromStringOrNumber, t.undefined]) })],
  'NetworkStatusSample',
);
export type NetworkStatusSample = t.TypeOf<typeof NetworkStatusSample>;

/** The params of `_thing/diag/post`: `p` one reading (`model` now) or several (`model` history). */
export const NetworkStatusParams = t.type(
  { p: t.union([NetworkStatusSample, t.array(NetworkStatusSample)]), model: t.string },
  'NetworkStatusParams',
);
export type NetworkStatusParams = t.TypeOf<typeof NetworkStatusParams>;

/**
 * The payload of `_thing/diag/post`: `{id, version, params: {p, model}}`, with no `method` and no `sys`, as
 * the docs and things-go/aliyun-iot send it. An array of readings is a batch of history, one is now.
 */
export function networkStatusRequest(id: string, p: NetworkStatusSample | readonly NetworkStatusSample[]) {
  const history = Array.isArray(p);
  return {
    id,
    version: '1.0',
    params: { p, model: history ? NETWORK_STATUS_MODELS.history : NETWORK_STATUS_MODELS.now },
  } as const;
}
