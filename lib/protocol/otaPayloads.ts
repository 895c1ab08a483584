import * as t from 'io-ts';

/**
 * The firmware push on `/ota/device/upgrade/pk/dn` (PROTOCOL.md §4). Lenient where the platform varies:
 * `code` and `id` may be strings or numbers, and only `version` and `url` are required in `data`.
 */
export const OtaPush = t.type(
  {
    id: t.union([t.string, t.number]),
    data: t.intersection([
      t.type({ version: t.string, url: t.string }),
      t.partial({
        size: t.number,
        md5: t.string,
        sign: t.string,
        signMethod: t.string,
        module: t.string,
        isDiff: t.number,
        extData: t.unknown,
      }),
    ]),
  },
  'OtaPush',
);
export type OtaPush = t.TypeOf<typeof OtaPush>;

/** What the cloud puts in an OTA push. */
export interface OtaPushFields {
  readonly id: string;
  readonly version: string;
  readonly url: string;
  readonly size: number;
  /** Hex digest of the image under `signMethod`. */
  readonly sign: string;
  /** Default: `'MD5'`. */
  readonly signMethod?: 'MD5' | 'SHA256';
  /** The image's MD5, hex; sent beside `sign` when given. */
  readonly md5?: string;
  readonly module?: string;
  readonly isDiff?: boolean;
  readonly extData?: Readonly<Record<string, unknown>>;
}

/** The OTA push payload of PROTOCOL.md §4, as the cloud sends it (`code` as the string "1000"). */
export function otaPushPayload(fields: OtaPushFields) {
  const { id, version, url, size, sign, signMethod = 'MD5', md5, module, isDiff, extData } = fields;
  return {
    code: '1000',
    id,
    message: 'success',
    data: {
      size,
      version,
      url,
      ...(md5 === undefined ? {} : { md5 }),
      sign,
      signMethod,
      ...(module === undefined ? {} : { module }),
      ...(isDiff === undefined ? {} : { isDiff: isDiff ? 1 : 0 }),
      ...(extData === undefined ? {} : { extData }),
    },
  };
}

/** OTA progress `step`: "0"–"100" percent, or a failure code. */
export type OtaStep = `${number}` | '-1' | '-2' | '-3' | '-4';

/** The payload a device reports progress with on `/ota/device/progress/pk/dn`. */
export function otaProgress(id: string | number, step: OtaStep, desc: string, module?: string) {
  return { id: String(id), params: { step, desc, ...(module === undefined ? {} : { module }) } };
}
