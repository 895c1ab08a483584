import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { createHash } from 'node:crypto';
import { Subject, Subscription, type Observable } from 'rxjs';
import { deviceTopics, type DeviceIdentity } from '../identity';
import {
  otaFirmwareData,
  OtaInform,
  OtaProgressReport,
  otaPushPayload,
  type DigestMethod,
  type OtaFirmwareFields,
} from '../protocol';
import { answerAlink } from './answerAlink';
import type { EmulatedProduct } from './authenticateDevice';
import type { CloudSide } from './CloudSide';
import { decodeDevicePayload } from './decodeDevicePayload';
import type { FileFaults, FileServer, ServedFile } from './fileServer';
import type { BlockFaults, CloudStreams, ServedStream } from './cloudStreams';
import { anyDeviceTopics } from './anyDeviceTopics';

/** A firmware the cloud pushes with `pushOta`, or an upgrade job. */
export interface Firmware {
  readonly version: string;
  /**
   * The image, as bytes or the path of a file: the emulator serves it over HTTP on loopback (with `Range`) and
   * fills in `url`, `size`, `md5` and `sign` from it. Without it, the push describes `url`, `size` and `md5`.
   */
  readonly image?: Uint8Array | string | undefined;
  /** Default: the image's URL, else `https://ota.example.invalid/${productKey}/${deviceName}/${version}.bin`. */
  readonly url?: string | undefined;
  /** Announce the image's HTTPS URL (the emulator's certificate: trust `Emulator.ca`). Default: `false`, HTTP. */
  readonly https?: boolean | undefined;
  /**
   * Announce the image for a download over MQTT (`dProtocol: 'mqtt'`, a `streamId` and `streamFileId` 1, no
   * `url`): the emulator answers `thing/file/download` with its blocks. Needs no `url` nor `https`; the image
   * is at most 16 MiB (no image: an empty one). Default: `false`, a URL.
   */
  readonly mqtt?: boolean | undefined;
  /** Bytes. Default: the image's size, else 0 (an empty image, so that the default `md5` describes it). */
  readonly size?: number | undefined;
  /** Hex. Default: the image's MD5, else the MD5 of an empty image. */
  readonly md5?: string | undefined;
  /** Default: `'MD5'`. */
  readonly signMethod?: DigestMethod | undefined;
  /** The digest announced, hex. Default: the image's under `signMethod` (else `md5`); set it to announce a wrong one. */
  readonly sign?: string | undefined;
  /** Default: none, the default module. */
  readonly module?: string | undefined;
  readonly isDiff?: boolean | undefined;
  readonly extData?: Readonly<Record<string, unknown>> | undefined;
  /**
   * How the image's downloads fail, for tests: cut after some bytes, or corrupted. Over MQTT, only `corrupt`
   * applies (the blocks' CRCs are right, the digest is not).
   */
  readonly faults?: FileFaults | undefined;
  /** Over MQTT: a block sent with a bad CRC-16, or a request left unanswered, for tests. */
  readonly blockFaults?: BlockFaults | undefined;
}

/** A device's report, as the cloud records it (`otaProgress$`). */
export type OtaReport =
  | (DeviceIdentity & {
      readonly type: 'progress';
      /** 0–100, or a failure step: -1 upgrade, -2 download, -3 verification, -4 flashing failed. */
      readonly step: number;
      readonly desc?: string | undefined;
      readonly module?: string | undefined;
    })
  | (DeviceIdentity & {
      readonly type: 'version';
      readonly version: string;
      readonly module?: string | undefined;
    });

/** An upgrade job (OpenAPI `CreateOTAStaticUpgradeJob`). */
export interface OtaUpgradeJobOptions {
  readonly productKey: string;
  readonly firmware: Firmware;
  /** The devices to upgrade. Default: every device of the product the emulator knows. */
  readonly targetDeviceNames?: readonly string[] | undefined;
  /** Only devices that last reported one of these versions (of the firmware's module). Default: any. */
  readonly srcVersions?: readonly string[] | undefined;
}

export interface OtaUpgradeJob {
  readonly jobId: string;
  /** What the job announces. */
  readonly firmware: OtaFirmwareFields;
  /** The devices it is waiting for (each gets the firmware in answer to a pull). */
  readonly targets: readonly string[];
  /** The devices it pushed the firmware to, being online. */
  readonly pushed: readonly string[];
}

/** The cloud side of OTA. */
export interface CloudOta {
  pushOta(device: DeviceIdentity, firmware: Firmware): Promise<OtaFirmwareFields>;
  createOtaStaticUpgradeJob(job: OtaUpgradeJobOptions): Promise<OtaUpgradeJob>;
  readonly otaProgress$: Observable<OtaReport>;
  readonly subscription: Subscription;
}

const EMPTY_MD5 = createHash('md5').digest('hex');

const keyOf = ({ productKey, deviceName }: DeviceIdentity): string => `${productKey}/${deviceName}`;

/**
 * What a push or a pull's answer announces, the emulator's defaults filled in: the image's URL, or with
 * `stream` its stream over MQTT.
 */
export function firmwareFields(
  device: DeviceIdentity,
  firmware: Firmware,
  served?: ServedFile | ServedStream,
): OtaFirmwareFields {
  const { version, signMethod = 'MD5', module, isDiff, extData } = firmware;
  const size = firmware.size ?? served?.size ?? 0;
  const md5 = firmware.md5 ?? served?.md5 ?? EMPTY_MD5;
  const sign = firmware.sign ?? (signMethod === 'SHA256' ? (served?.sha256 ?? '') : md5);
  const common = {
    version,
    size,
    md5,
    sign,
    signMethod,
    ...(module === undefined ? {} : { module }),
    ...(isDiff === undefined ? {} : { isDiff }),
    ...(extData === undefined ? {} : { extData }),
  };
  if (served !== undefined && 'streamId' in served) {
    const { streamId, streamFileId } = served;
    return { ...common, dProtocol: 'mqtt', streamId, streamFileId };
  }
  const url =
    firmware.url ??
    (firmware.https ? served?.httpsUrl : served?.url) ??
    `https://ota.example.invalid/${device.productKey}/${device.deviceName}/${version}.bin`;
  return { ...common, url };
}

/** The OTA push to `device`, as the platform sends it. */
export function firmwarePush(device: DeviceIdentity, fields: OtaFirmwareFields, id: string) {
  return { topic: deviceTopics(device).otaUpgrade, payload: otaPushPayload({ id, ...fields }) };
}

const PullParams = t.union([t.partial({ module: t.string }), t.undefined, t.null]);

/**
 * Pushes firmware, answers pulls on `…/thing/ota/firmware/get` with the firmware waiting for the device (or
 * `{}`), and records the devices' progress and version reports. A firmware waits for a device from its push
 * or its job until the device reports that version.
 */
export function cloudOta(
  cloud: CloudSide,
  files: FileServer,
  products: readonly EmulatedProduct[],
  streams: Pick<CloudStreams, 'serveStream'>,
): CloudOta {
  /** device → module ('' for the default) → what waits for it. */
  const pending = new Map<string, Map<string, OtaFirmwareFields>>();
  /** device → module → the version it last reported. */
  const versions = new Map<string, Map<string, string>>();
  const otaProgress$ = new Subject<OtaReport>();
  const subscription = new Subscription();
  let nextJob = 1;

  const table = <V>(tables: Map<string, Map<string, V>>, device: DeviceIdentity) => {
    let own = tables.get(keyOf(device));
    if (own === undefined) tables.set(keyOf(device), (own = new Map()));
    return own;
  };

  async function announce(device: DeviceIdentity, firmware: Firmware): Promise<OtaFirmwareFields> {
    const { image, faults } = firmware;
    if (firmware.mqtt) {
      if (firmware.https || firmware.url !== undefined)
        throw new TypeError('a firmware over MQTT has no url: leave out url and https');
      const streamed = await streams.serveStream(image ?? new Uint8Array(0), {
        productKey: device.productKey,
        ...(faults?.corrupt === undefined ? {} : { corrupt: faults.corrupt }),
        ...(firmware.blockFaults === undefined ? {} : { faults: firmware.blockFaults }),
      });
      return firmwareFields(device, firmware, streamed);
    }
    const served =
      image === undefined
        ? undefined
        : await files.serve(image, {
            name: `${firmware.version}.bin`,
            ...(faults === undefined ? {} : { faults }),
          });
    return firmwareFields(device, firmware, served);
  }

  async function push(device: DeviceIdentity, fields: OtaFirmwareFields): Promise<void> {
    table(pending, device).set(fields.module ?? '', fields);
    const { topic, payload } = firmwarePush(device, fields, cloud.nextId());
    await cloud.publish(topic, payload, { qos: 1 });
  }

  subscription.add(
    answerAlink(cloud, anyDeviceTopics.otaFirmwareGet, PullParams, (params, _, message) => {
      const waiting = pending.get(keyOf(message))?.get(params?.module ?? '');
      return { data: waiting === undefined ? {} : otaFirmwareData(waiting) };
    }),
  );

  subscription.add(
    cloud.listen(anyDeviceTopics.otaProgress).subscribe((message) => {
      const report = decodeDevicePayload(OtaProgressReport, message.payload);
      if (E.isLeft(report)) return;
      const { step, desc, module } = report.right.params;
      const { productKey, deviceName } = message;
      otaProgress$.next({
        type: 'progress',
        productKey,
        deviceName,
        step,
        ...(desc === undefined ? {} : { desc }),
        ...(module === undefined ? {} : { module }),
      });
    }),
  );

  subscription.add(
    cloud.listen(anyDeviceTopics.otaInform).subscribe((message) => {
      const inform = decodeDevicePayload(OtaInform, message.payload);
      if (E.isLeft(inform)) return;
      const { version, module } = inform.right.params;
      table(versions, message).set(module ?? '', version);
      const waiting = pending.get(keyOf(message));
      if (waiting?.get(module ?? '')?.version === version) waiting.delete(module ?? '');
      const { productKey, deviceName } = message;
      otaProgress$.next({
        type: 'version',
        productKey,
        deviceName,
        version,
        ...(module === undefined ? {} : { module }),
      });
    }),
  );

  subscription.add(() => otaProgress$.complete());

  return {
    async pushOta(device, firmware) {
      const fields = await announce(device, firmware);
      await push(device, fields);
      return fields;
    },

    async createOtaStaticUpgradeJob({ productKey, firmware, targetDeviceNames, srcVersions }) {
      const known = products.find((product) => product.productKey === productKey)?.devices ?? [];
      const names = targetDeviceNames ?? known.map((device) => device.deviceName);
      const module = firmware.module ?? '';
      const targets = names.filter((deviceName) => {
        const reported = versions.get(keyOf({ productKey, deviceName }))?.get(module);
        return srcVersions === undefined || (reported !== undefined && srcVersions.includes(reported));
      });
      // One image for the whole job; the URL or the stream, not the device, is in what is announced.
      const fields = await announce({ productKey, deviceName: targets[0] ?? '' }, firmware);
      const pushed: string[] = [];
      for (const deviceName of targets) {
        const device = { productKey, deviceName };
        table(pending, device).set(module, fields);
        if (!cloud.isOnline(device)) continue;
        await push(device, fields);
        pushed.push(deviceName);
      }
      return { jobId: `job-${nextJob++}`, firmware: fields, targets, pushed };
    },

    otaProgress$: otaProgress$.asObservable(),
    subscription,
  };
}
