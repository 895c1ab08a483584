import * as t from 'io-ts';

/** A string or a number: the platform is not consistent (PROTOCOL.md §4), so both are taken. */
const StringOrNumber = t.union([t.string, t.number]);

/**
 * The firmware push on `/ota/device/upgrade/pk/dn` (PROTOCOL.md §4). Lenient where the platform varies:
 * `code` and `id` may be strings or numbers, and only `version` and `url` are required in `data`.
 */
export const OtaPush = t.type({
  id: StringOrNumber,
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
});
export type OtaPush = t.TypeOf<typeof OtaPush>;

/** OTA progress `step`: "0"–"100" percent, or a failure code. */
export type OtaStep = `${number}` | '-1' | '-2' | '-3' | '-4';

/** The payload a device reports progress with on `/ota/device/progress/pk/dn`. */
export function otaProgress(id: string | number, step: OtaStep, desc: string, module?: string) {
  return { id: String(id), params: { step, desc, ...(module === undefined ? {} : { module }) } };
}
