import { createHash } from 'node:crypto';
import type { DeviceIdentity } from '../identity';

/** What the cloud side can publish: bytes, text (UTF-8) or any other value (JSON-encoded). */
export type CloudPayload = string | Uint8Array | object;

/** A firmware the cloud pushes with `pushOta`. */
export interface Firmware {
  readonly version: string;
  /** Default: `https://ota.example.invalid/${productKey}/${deviceName}/${version}.bin`. */
  readonly url?: string;
  /** Bytes. Default: 0, an empty image, so that the default `md5` describes it. */
  readonly size?: number;
  /** Hex. Default: the MD5 of an empty image. */
  readonly md5?: string;
  /** Default: none, the default module. */
  readonly module?: string;
}

/** The bytes of a payload: Uint8Array as is, a string as UTF-8, anything else as JSON. */
export function encodePayload(payload: CloudPayload): Buffer {
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (payload instanceof Uint8Array)
    return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  return Buffer.from(JSON.stringify(payload), 'utf8');
}

const EMPTY_MD5 = createHash('md5').digest('hex');

/** The OTA push of PROTOCOL.md §4, sent on `/ota/device/upgrade/${productKey}/${deviceName}`. */
export function otaPushPayload(device: DeviceIdentity, firmware: Firmware, id: number): object {
  const { version, size = 0, md5 = EMPTY_MD5, module } = firmware;
  const url =
    firmware.url ?? `https://ota.example.invalid/${device.productKey}/${device.deviceName}/${version}.bin`;
  return {
    code: '1000',
    id,
    message: 'success',
    data: {
      size,
      version,
      url,
      md5,
      sign: md5,
      signMethod: 'MD5',
      ...(module === undefined ? {} : { module }),
    },
  };
}

/**
 * Fresh message ids: digits, increasing, within 0–4294967295 as Alink ids are (PROTOCOL.md §4).
 * Seeded from the clock so two emulators in a row do not reuse ids a device may remember.
 */
export function messageIds(seed: number = Date.now()): () => number {
  let next = seed % 1_000_000_000;
  return () => ++next;
}
