import * as t from 'io-ts';
import { NumberFromStringOrNumber } from './lenient';

/** What a device sends on `/ext/ntp/pk/dn/request`: its clock, in ms. Lenient: string or number. */
export const NtpRequest = t.type({ deviceSendTime: NumberFromStringOrNumber }, 'NtpRequest');
export type NtpRequest = t.TypeOf<typeof NtpRequest>;

/**
 * The platform's answer on `/ext/ntp/pk/dn/response`: the device's time sent back, and the server's clock when
 * the request came and when the answer left, in ms. Whether the platform sends strings or numbers is
 * unverified: both are taken.
 */
export const NtpResponse = t.type(
  {
    deviceSendTime: NumberFromStringOrNumber,
    serverRecvTime: NumberFromStringOrNumber,
    serverSendTime: NumberFromStringOrNumber,
  },
  'NtpResponse',
);
export type NtpResponse = t.TypeOf<typeof NtpResponse>;

/** The NTP request payload; the time goes as a string of digits, as the platform's documentation shows it. */
export function ntpRequestPayload(deviceSendTime: number): { readonly deviceSendTime: string } {
  return { deviceSendTime: String(deviceSendTime) };
}

/** The NTP response payload, as the emulator sends it (strings of digits). */
export function ntpResponsePayload(response: NtpResponse) {
  return {
    deviceSendTime: String(response.deviceSendTime),
    serverRecvTime: String(response.serverRecvTime),
    serverSendTime: String(response.serverSendTime),
  };
}

/** What one NTP exchange says about the device's clock. */
export interface NtpSample {
  /** The platform's time at the moment the response arrived (ms since the epoch). */
  readonly platformTime: number;
  /** `platformTime − deviceRecvTime`: add it to the device's clock to get the platform's. */
  readonly offsetMs: number;
  /** Time on the wire both ways: the exchange, less the time the server held the request. */
  readonly roundTripMs: number;
}

/**
 * The platform's formula: time now = (serverRecvTime + serverSendTime + deviceRecvTime − deviceSendTime) / 2, both
 * device times from the same device clock. `ntpSample({…110, …115, deviceSendTime …000}, …373)` gives
 * `platformTime` 1571724098299.
 */
export function ntpSample(response: NtpResponse, deviceRecvTime: number): NtpSample {
  const { deviceSendTime, serverRecvTime, serverSendTime } = response;
  const platformTime = (serverRecvTime + serverSendTime + deviceRecvTime - deviceSendTime) / 2;
  return {
    platformTime,
    offsetMs: platformTime - deviceRecvTime,
    roundTripMs: deviceRecvTime - deviceSendTime - (serverSendTime - serverRecvTime),
  };
}
