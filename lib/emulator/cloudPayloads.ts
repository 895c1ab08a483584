import { createHash } from 'node:crypto';
import { deviceTopics, type DeviceIdentity } from '../identity';
import { otaPushPayload } from '../protocol';

/** What the cloud side can publish: bytes, text (UTF-8) or any other value (JSON-encoded). */
export type CloudPayload = string | Uint8Array | object;

/** A firmware the cloud pushes with `pushOta`. */
export interface Firmware {
  readonly version: string;
  /** Default: `https://ota.example.invalid/${productKey}/${deviceName}/${version}.bin`. */
  readonly url?: string | undefined;
  /** Bytes. Default: 0, an empty image, so that the default `md5` describes it. */
  readonly size?: number | undefined;
  /** Hex. Default: the MD5 of an empty image. */
  readonly md5?: string | undefined;
  /** Default: none, the default module. */
  readonly module?: string | undefined;
}

/** The bytes of a payload: Uint8Array as is, a string as UTF-8, anything else as JSON. */
export function encodePayload(payload: CloudPayload): Buffer {
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (payload instanceof Uint8Array)
    return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  return Buffer.from(JSON.stringify(payload), 'utf8');
}

const EMPTY_MD5 = createHash('md5').digest('hex');

/** A firmware push to `device`, the emulator's defaults filled in. */
export function firmwarePush(device: DeviceIdentity, firmware: Firmware, id: string) {
  const { version, size = 0, md5 = EMPTY_MD5, module } = firmware;
  const url =
    firmware.url ?? `https://ota.example.invalid/${device.productKey}/${device.deviceName}/${version}.bin`;
  return {
    topic: deviceTopics(device).otaUpgrade,
    payload: otaPushPayload({
      id,
      version,
      url,
      size,
      md5,
      sign: md5,
      signMethod: 'MD5',
      ...(module === undefined ? {} : { module }),
    }),
  };
}
