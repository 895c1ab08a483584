import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as t from 'io-ts';
import { DIGEST_HEX_LENGTH, DigestMethod, DigitString, NumberFromStringOrNumber, preview } from './lenient';

/** `isDiff`: 0/1, "0"/"1" or a boolean, decoded to a boolean. */
const DiffFlag = new t.Type<boolean, 0 | 1, unknown>(
  'DiffFlag',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) =>
    u === 1 || u === '1' || u === true
      ? t.success(true)
      : u === 0 || u === '0' || u === false
        ? t.success(false)
        : t.failure(u, c, `isDiff must be 0 or 1, got ${preview(u)}`),
  (b) => (b ? 1 : 0),
);

const FirmwareFields = t.intersection([
  t.type({ version: t.string, size: NumberFromStringOrNumber }),
  t.partial({
    url: t.string,
    dProtocol: t.string,
    streamId: NumberFromStringOrNumber,
    streamFileId: NumberFromStringOrNumber,
    sign: t.string,
    signMethod: DigestMethod,
    md5: t.string,
    module: t.string,
    isDiff: DiffFlag,
    extData: t.unknown,
  }),
]);

/** What every firmware announcement says, however the image is downloaded. */
export interface OtaFirmwareBase {
  readonly version: string;
  /** Bytes. */
  readonly size: number;
  readonly signMethod: DigestMethod;
  /** The image's digest under `signMethod`, lowercase hex. */
  readonly sign: string;
  /** The image's MD5, lowercase hex, when the platform sent it. */
  readonly md5?: string | undefined;
  /** The module the firmware is for; absent for the default module. */
  readonly module?: string | undefined;
  /** A difference image, to apply to the running firmware. Default: `false`. */
  readonly isDiff: boolean;
  /** What the upgrade package carries besides the image (the console's "push extra data"). */
  readonly extData?: unknown | undefined;
}

/** A firmware downloaded over HTTP(S) from `url`: the platform's usual announcement. `dProtocol` is absent. */
export interface OtaHttpsFirmware extends OtaFirmwareBase {
  readonly dProtocol?: undefined;
  readonly url: string;
  readonly streamId?: undefined;
  readonly streamFileId?: undefined;
}

/**
 * A firmware downloaded over MQTT (`dProtocol: 'mqtt'`), block by block on `thing/file/download`
 * (`downloadFile`): the stream and the file in it name the image; there is no `url`. The platform offers it
 * for single-file packages up to 16 MB, in a few regions only.
 */
export interface OtaMqttFirmware extends OtaFirmwareBase {
  readonly dProtocol: 'mqtt';
  readonly streamId: number;
  /** The file in the stream: `fileId` of a download request. */
  readonly streamFileId: number;
  readonly url?: undefined;
}

/**
 * A firmware as the platform describes it in a push or in the answer to a pull, put in one shape: over
 * HTTP(S) (`url`), or over MQTT when `dProtocol` is `'mqtt'` (`streamId`, `streamFileId`).
 */
export type OtaFirmware = OtaHttpsFirmware | OtaMqttFirmware;

/** Whether a firmware is downloaded over MQTT rather than from a URL. */
export const isMqttFirmware = (firmware: OtaFirmware): firmware is OtaMqttFirmware =>
  firmware.dProtocol === 'mqtt';

/** A whole number of 0 or more. */
const isCount = (n: number) => Number.isSafeInteger(n) && n >= 0;

type RawFirmware = t.TypeOf<typeof FirmwareFields>;

/**
 * Where the image comes from: MQTT when `dProtocol` is `mqtt` in any case, or when there is no `url` but a
 * `streamId` (the Link SDK needs `dProtocol`; accepting its absence is lenient); else the URL.
 * `streamFileId` defaults to 1, the only file of every package seen (the Link SDK requires it).
 */
function sourceOf(
  raw: RawFirmware,
): { readonly url: string } | Pick<OtaMqttFirmware, 'dProtocol' | 'streamId' | 'streamFileId'> | string {
  const mqtt =
    raw.dProtocol?.toLowerCase() === 'mqtt' || (raw.url === undefined && raw.streamId !== undefined);
  if (!mqtt) return raw.url === undefined ? 'no url (nor dProtocol "mqtt" and a streamId)' : { url: raw.url };
  const { streamId, streamFileId = 1 } = raw;
  if (streamId === undefined || !isCount(streamId))
    return `a download over MQTT needs a streamId, a whole number, got ${preview(streamId)}`;
  if (!isCount(streamFileId)) return `streamFileId must be a whole number, got ${preview(streamFileId)}`;
  return { dProtocol: 'mqtt', streamId, streamFileId };
}

/**
 * The `data` of an OTA push, or of the `firmware/get` reply, decoded leniently: `size` as a
 * string or a number, `signMethod` in any case (default `MD5`), `sign` falling back to `md5`, and the image
 * over HTTP(S) (`url`) or over MQTT (`dProtocol`, `streamId`, `streamFileId`). Refused: no digest at all, a
 * digest that is not hex of the method's length, a negative or fractional size, neither a URL nor a stream.
 */
export const OtaFirmware = new t.Type<OtaFirmware, unknown, unknown>(
  'OtaFirmware',
  (u): u is OtaFirmware => typeof u === 'object' && u !== null && 'sign' in u && 'signMethod' in u,
  (u, c) =>
    pipe(
      FirmwareFields.validate(u, c),
      E.flatMap((raw) => {
        const signMethod = raw.signMethod ?? 'MD5';
        const sign = (raw.sign ?? (signMethod === 'MD5' ? raw.md5 : undefined))?.toLowerCase();
        if (sign === undefined) return t.failure(u, c, 'no sign (nor md5) to verify the image with');
        if (!new RegExp(`^[0-9a-f]{${DIGEST_HEX_LENGTH[signMethod]}}$`).test(sign))
          return t.failure(
            u,
            c,
            `sign must be ${DIGEST_HEX_LENGTH[signMethod]} hex digits for ${signMethod}`,
          );
        if (!Number.isSafeInteger(raw.size) || raw.size < 0)
          return t.failure(u, c, `size must be a whole number of bytes, got ${preview(raw.size)}`);
        const source = sourceOf(raw);
        if (typeof source === 'string') return t.failure(u, c, source);
        const firmware: OtaFirmware = {
          version: raw.version,
          ...source,
          size: raw.size,
          signMethod,
          sign,
          isDiff: raw.isDiff ?? false,
          ...(raw.md5 === undefined ? {} : { md5: raw.md5.toLowerCase() }),
          ...(raw.module === undefined ? {} : { module: raw.module }),
          ...(raw.extData === undefined ? {} : { extData: raw.extData }),
        };
        return t.success(firmware);
      }),
    ),
  (firmware) => otaFirmwareData(firmware),
);

/**
 * The firmware push on `/ota/device/upgrade/pk/dn`. Lenient: `id` and `code` may be strings
 * or numbers (the platform sends `"1000"`); `data` as {@link OtaFirmware} says.
 */
export const OtaPush = t.intersection(
  [
    t.type({ id: DigitString, data: OtaFirmware }),
    t.partial({ code: NumberFromStringOrNumber, message: t.string }),
  ],
  'OtaPush',
);
export type OtaPush = t.TypeOf<typeof OtaPush>;

/**
 * The `data` of the `firmware/get` reply: a firmware, or an empty object when none is waiting for the device
 * (decoded to `undefined`).
 */
export const OtaPullData = new t.Type<OtaFirmware | undefined, unknown, unknown>(
  'OtaPullData',
  (u): u is OtaFirmware | undefined => u === undefined || OtaFirmware.is(u),
  (u, c) =>
    u === undefined || u === null || (typeof u === 'object' && Object.keys(u).length === 0)
      ? t.success(undefined)
      : OtaFirmware.validate(u, c),
  t.identity,
);

/** The Alink method of a pull on `/sys/pk/dn/thing/ota/firmware/get`. */
export const OTA_FIRMWARE_GET_METHOD = 'thing.ota.firmware.get';

/** The params of a pull: the module, or none for the default one. */
export function otaPullParams(module?: string): { readonly module?: string } {
  return module === undefined ? {} : { module };
}

/** What the cloud says about a firmware, however it is downloaded. */
export interface OtaFirmwareFieldsBase {
  readonly version: string;
  readonly size: number;
  /** Hex digest of the image under `signMethod`. */
  readonly sign: string;
  /** Default: `'MD5'`. */
  readonly signMethod?: DigestMethod | undefined;
  /** The image's MD5, hex; sent beside `sign` when given. */
  readonly md5?: string | undefined;
  readonly module?: string | undefined;
  readonly isDiff?: boolean | undefined;
  readonly extData?: unknown | undefined;
}

/**
 * What the cloud says about a firmware: its `url`, or for a download over MQTT `dProtocol: 'mqtt'`, the
 * `streamId` and the `streamFileId`.
 */
export type OtaFirmwareFields = OtaFirmwareFieldsBase &
  (
    | {
        readonly url: string;
        readonly dProtocol?: undefined;
        readonly streamId?: undefined;
        readonly streamFileId?: undefined;
      }
    | {
        readonly dProtocol: 'mqtt';
        readonly streamId: number;
        readonly streamFileId: number;
        readonly url?: undefined;
      }
  );

/** The `data` of a push or of a pull's reply, as the cloud sends it. */
export function otaFirmwareData(fields: OtaFirmwareFields) {
  const { version, size, sign, signMethod = 'MD5', md5, module, isDiff, extData } = fields;
  return {
    size,
    version,
    ...(fields.dProtocol === 'mqtt'
      ? { dProtocol: 'mqtt', streamId: fields.streamId, streamFileId: fields.streamFileId }
      : { url: fields.url }),
    ...(md5 === undefined ? {} : { md5 }),
    sign,
    signMethod,
    ...(module === undefined ? {} : { module }),
    ...(isDiff === undefined ? {} : { isDiff: isDiff ? 1 : 0 }),
    ...(extData === undefined ? {} : { extData }),
  };
}

/** What the cloud puts in an OTA push. */
export type OtaPushFields = OtaFirmwareFields & { readonly id: string };

/** The OTA push payload, as the cloud sends it (`code` as the string "1000"). */
export function otaPushPayload(fields: OtaPushFields) {
  return { code: '1000', id: fields.id, message: 'success', data: otaFirmwareData(fields) };
}

/** OTA progress `step`: "0"–"100" percent, or a failure code. */
export type OtaStep = `${number}` | '-1' | '-2' | '-3' | '-4';

/** The failure steps of an OTA upgrade. */
export const OTA_FAILURE_STEPS = {
  upgradeFailed: '-1',
  downloadFailed: '-2',
  verificationFailed: '-3',
  flashingFailed: '-4',
} as const;

/** The payload a device reports progress with on `/ota/device/progress/pk/dn`. */
export function otaProgress(id: string | number, step: OtaStep, desc: string, module?: string) {
  return { id: String(id), params: { step, desc, ...(module === undefined ? {} : { module }) } };
}

/** A progress report, as the cloud reads it. Lenient: `step` as a string or a number. */
export const OtaProgressReport = t.type(
  {
    id: DigitString,
    params: t.intersection([
      t.type({ step: NumberFromStringOrNumber }),
      t.partial({ desc: t.string, module: t.string }),
    ]),
  },
  'OtaProgressReport',
);
export type OtaProgressReport = t.TypeOf<typeof OtaProgressReport>;

/** The payload a device reports its firmware version with on `/ota/device/inform/pk/dn`. */
export function otaInform(id: string, version: string, module?: string) {
  return { id, params: { version, ...(module === undefined ? {} : { module }) } };
}

/** A version report, as the cloud reads it. */
export const OtaInform = t.type(
  {
    id: DigitString,
    params: t.intersection([t.type({ version: t.string }), t.partial({ module: t.string })]),
  },
  'OtaInform',
);
export type OtaInform = t.TypeOf<typeof OtaInform>;
