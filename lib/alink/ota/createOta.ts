import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as t from 'io-ts';
import {
  concatMap,
  defer,
  filter,
  map,
  merge,
  mergeMap,
  Subject,
  takeUntil,
  type MonoTypeOperatorFunction,
  type Observable,
} from 'rxjs';
import type { InboundMessage, PublishFailure, PublishReceipt } from '../../connection/messages';
import type { DownloadPort } from '../../download/DownloadPort';
import { decodePayload, type DecodeError } from '../../operators/decodeJson';
import type { BackoffPolicy } from '../../operators/backoffDelay';
import {
  ALINK_CODES,
  AlinkReply,
  isMqttFirmware,
  OTA_FIRMWARE_GET_METHOD,
  otaInform,
  OtaPullData,
  otaPullParams,
  OtaPush,
  nextMessageId,
  type OtaFirmware,
  type OtaStep,
} from '../../protocol';
import type { AlinkDevice } from '../AlinkDevice';
import { alinkRequestData, DEFAULT_REQUEST_TIMEOUT_MS } from '../request';
import { publishResult } from '../publishResult';
import type { RequestFailure } from '../RequestFailure';
import { verifiedDownload, type DownloadProgress, type DownloadTarget } from '../verifiedDownload';
import { mqttFirmwareDownload, type OtaMqttDownloadOptions } from './mqttFirmwareDownload';
import { publishOtaProgress, reportOtaProgress } from './reportOtaProgress';

export interface OtaOptions {
  /** Where images come from and are written to. Default: `nodeDownloadPort()` (Node's http/https and fs). */
  readonly download?: DownloadPort | undefined;
  /**
   * How a broken HTTP(S) download is retried (with `Range`). Default: see `DownloadOptions.retry`. A firmware
   * over MQTT is retried block by block instead (`mqttDownload.retries`), and not resumed after it fails.
   */
  readonly retry?: BackoffPolicy | undefined;
  /** The fewest milliseconds between two progress reports of `reportProgress`. Default: 1000. */
  readonly progressIntervalMs?: number | undefined;
  /** How long a pull waits for its answer, from the subscription. Default: 10000. */
  readonly timeoutMs?: number | undefined;
  /**
   * How an image announced over MQTT (`dProtocol: 'mqtt'`) is downloaded, block by block. Default: the Link
   * SDK's, 5120-byte blocks, each waited for 10 s and asked for 3 more times.
   */
  readonly mqttDownload?: OtaMqttDownloadOptions | undefined;
}

/**
 * A firmware offered to the device: pushed by the platform, or the answer to a pull; over HTTP(S) or over
 * MQTT (`dProtocol: 'mqtt'`), which `download` tells apart by itself.
 */
export type OtaUpgrade = OtaFirmware & {
  /** The message id of the push or of the pull's reply. */
  readonly id: string;
  readonly source: 'push' | 'pull';
};

/** The OTA service of one device. */
export interface Ota {
  /**
   * Firmware offered to the device: pushes on `/ota/device/upgrade/pk/dn` and answers to pulls on
   * `…/thing/ota/firmware/get_reply`, decoded leniently; a payload that does not decode is a `DecodeError`
   * on the left. Subscribes both topics while observed.
   */
  readonly upgrades$: Observable<E.Either<DecodeError, OtaUpgrade>>;
  /**
   * Reports the firmware version of `module` (default module when absent) on `/ota/device/inform/pk/dn`,
   * now (once connected) and again after every reconnect, for as long as it is subscribed; a later `inform`
   * of the same module takes over and this one completes. Emits each publish's result.
   */
  inform(version: string, module?: string): Observable<E.Either<PublishFailure, PublishReceipt>>;
  /**
   * Asks for the firmware waiting for the device (`thing.ota.firmware.get`): one `Either`, the upgrade or
   * `undefined` when there is none. The answer also reaches `upgrades$`.
   */
  pull(module?: string): Observable<E.Either<RequestFailure, OtaUpgrade | undefined>>;
  /**
   * Downloads the image into `target` (a file path, or a writable stream) and verifies its size and digest
   * as the bytes arrive: progress at each new percent, completing once the image is verified and the target
   * ended. Fails with `DigestMismatchError`, `SizeMismatchError` or `DownloadFailedError` (a file target is
   * then removed). Over HTTP(S), a broken connection is resumed with `Range`; over MQTT (`dProtocol:
   * 'mqtt'`), the blocks come on the device's own connection (`downloadFile`), a lost or corrupt one asked
   * for again.
   */
  download(upgrade: OtaFirmware, target: DownloadTarget): Observable<DownloadProgress>;
  /** `reportOtaProgress` for `upgrade`'s module, at this service's `progressIntervalMs`. */
  reportProgress(upgrade?: Pick<OtaFirmware, 'module'>): MonoTypeOperatorFunction<DownloadProgress>;
  /**
   * Reports one step: a percent ("0"–"100"), or a failure of the user's own install step: "-1" upgrade
   * failed, "-4" flashing failed (downloads report "-2" and "-3" themselves through `reportProgress`).
   */
  report(step: OtaStep, desc?: string, module?: string): Observable<E.Either<PublishFailure, PublishReceipt>>;
}

const upgradeOf = (firmware: OtaFirmware, id: string, source: OtaUpgrade['source']): OtaUpgrade => ({
  ...firmware,
  id,
  source,
});

/** The `data` of a pull's answer, read from the whole reply so that a failure's path starts at `data`. */
const PullData = t.type({ data: OtaPullData });

/** A pull's answer, from the reply that `alinkReplyTo` accepted: the upgrade, or `undefined` for none. */
function pullAnswer(
  reply: AlinkReply,
  message: InboundMessage,
): E.Either<DecodeError, OtaUpgrade | undefined> {
  return pipe(
    decodePayload(PullData, message),
    E.map(({ value }) => (value.data === undefined ? undefined : upgradeOf(value.data, reply.id, 'pull'))),
  );
}

/**
 * The OTA service of a device: firmware offered (`upgrades$`, `pull`), downloaded and verified
 * (`download`), progress reported (`reportProgress`, `report`), and the version reported (`inform`). The
 * install step between the download and the new version is the application's.
 *
 * ```ts
 * const ota = createOta(device);
 * ota.inform('1.0.0').subscribe();
 * ota.upgrades$
 *   .pipe(
 *     filter(E.isRight),
 *     concatMap(({ right: upgrade }) =>
 *       ota.download(upgrade, '/tmp/fw.bin').pipe(ota.reportProgress(upgrade), last(), map(() => upgrade)),
 *     ),
 *   )
 *   .subscribe((upgrade) => install('/tmp/fw.bin').then(() => ota.inform(upgrade.version).subscribe()));
 * ```
 */
export function createOta(device: AlinkDevice, options: OtaOptions = {}): Ota {
  const {
    download: port,
    retry,
    progressIntervalMs = 1000,
    timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
    mqttDownload = {},
  } = options;
  const { topics } = device;
  /** The module of each `inform` as it starts, so that the one before it for that module stops. */
  const informs = new Subject<string>();

  const pushes$ = device.observe(topics.otaUpgrade, { qos: 1 }).pipe(
    map((message) =>
      pipe(
        decodePayload(OtaPush, message),
        E.map(({ value }) => upgradeOf(value.data, value.id, 'push')),
      ),
    ),
  );

  // Answers to pulls, whoever pulled: a 200 with a firmware is an upgrade; other codes and `{}` are not.
  const pulled$ = device.observe(topics.otaFirmwareGetReply, { qos: 1 }).pipe(
    mergeMap((message) => {
      const reply = decodePayload(AlinkReply, message);
      if (E.isLeft(reply)) return [reply];
      if (reply.right.value.code !== ALINK_CODES.success) return [];
      const answer = pullAnswer(reply.right.value, message);
      return E.isRight(answer) && answer.right === undefined
        ? []
        : [answer as E.Either<DecodeError, OtaUpgrade>];
    }),
  );

  const report = (step: OtaStep, desc = '', module?: string) =>
    publishOtaProgress(device, step, desc, module);

  return {
    upgrades$: merge(pushes$, pulled$),

    inform: (version, module) =>
      defer(() => {
        const key = module ?? '';
        informs.next(key);
        return device.state$.pipe(
          filter((state) => state.status === 'connected'),
          concatMap(() =>
            publishResult(device, {
              topic: topics.otaInform,
              payload: JSON.stringify(otaInform(nextMessageId(device), version, module)),
              qos: 1,
            }),
          ),
          takeUntil(informs.pipe(filter((other) => other === key))),
        );
      }),

    pull: (module) =>
      defer(() => {
        const id = nextMessageId(device);
        const spec = {
          topic: topics.otaFirmwareGet,
          method: OTA_FIRMWARE_GET_METHOD,
          params: otaPullParams(module),
        };
        return alinkRequestData(device, spec, OtaPullData, { timeoutMs, id }).pipe(
          map(E.map((firmware) => (firmware === undefined ? undefined : upgradeOf(firmware, id, 'pull')))),
        );
      }),

    download: (upgrade, target) =>
      isMqttFirmware(upgrade)
        ? mqttFirmwareDownload(device, upgrade, target, {
            ...mqttDownload,
            ...(port === undefined ? {} : { port }),
          })
        : verifiedDownload(upgrade, target, {
            ...(port === undefined ? {} : { port }),
            ...(retry === undefined ? {} : { retry }),
          }),

    reportProgress: (upgrade) =>
      reportOtaProgress(device, {
        intervalMs: progressIntervalMs,
        ...(upgrade?.module === undefined ? {} : { module: upgrade.module }),
      }),

    report,
  };
}
