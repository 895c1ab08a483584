// File download over MQTT from both ends: the emulator announces a firmware over MQTT and answers each block;
// the device's downloadFile and createOta(device).download fetch it, also through a corrupt block, a dropped
// connection, and for a gateway's sub-device.
import * as E from 'fp-ts/Either';
import { access, readFile } from 'node:fs/promises';
import { filter, firstValueFrom, lastValueFrom, map, toArray } from 'rxjs';
import { DigestMismatchError, DownloadFailedError } from '../../lib/alink/downloadErrors';
import { downloadFile } from '../../lib/alink/downloadFile';
import { createOta, type Ota, type OtaUpgrade } from '../../lib/alink/ota/createOta';
import type { Emulator, EmulatorEvent } from '../../lib/emulator';
import { emulatorDevice, type EmulatorDevice } from '../support/emulatorDevice';
import { gatewayEmulator, SENSOR, type GatewayEmulator } from '../support/gatewayEmulator';
import { imageBytes, tempDir, type TempDir } from '../support/tempDir';

const image = imageBytes(60_000, 11);

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const downloadEvents = (cloud: Emulator) =>
  cloud.events$.pipe(
    filter((e): e is Extract<EmulatorEvent, { type: 'file-download' }> => e.type === 'file-download'),
  );

/** Subscribes upgrades$, waits until the push topic is subscribed at the broker; then the next upgrade. */
async function offered(cloud: Emulator, ota: Ota, topic: string): Promise<{ next: Promise<OtaUpgrade> }> {
  const upgrade = firstValueFrom(
    ota.upgrades$.pipe(
      filter(E.isRight),
      map((u) => u.right),
    ),
  );
  await firstValueFrom(
    cloud.events$.pipe(filter((e) => e.type === 'subscribe' && e.filters.includes(topic))),
  );
  return { next: upgrade };
}

describe('downloadFile against the emulator', () => {
  let rig: EmulatorDevice;
  let dir: TempDir;
  beforeEach(async () => {
    rig = await emulatorDevice();
    dir = await tempDir();
  });
  afterEach(async () => {
    await rig.close();
    await dir.remove();
  });

  it('should upgrade over MQTT all the way: push, blocks into a file, verified, progress reported', async () => {
    const { cloud, device } = rig;
    const ota = createOta(device, { progressIntervalMs: 0 });
    const { next } = await offered(cloud, ota, device.topics.otaUpgrade);
    await cloud.pushOta(device, { version: '3.0.0', image, mqtt: true, signMethod: 'SHA256' });
    const upgrade = await next;
    expect(upgrade).toMatchObject({
      dProtocol: 'mqtt',
      streamFileId: 1,
      size: image.length,
      signMethod: 'SHA256',
    });
    expect(upgrade.url).toBeUndefined();
    const requests: number[] = [];
    const counting = cloud.received$
      .pipe(filter((m) => m.topic === device.topics.fileDownload))
      .subscribe(() => requests.push(1));
    const reports = firstValueFrom(
      cloud.otaProgress$.pipe(
        filter((r) => r.type === 'progress'),
        map((r) => (r.type === 'progress' ? r.step : NaN)),
        filter((step) => step === 100),
      ),
    );
    const target = dir.file('fw.bin');
    const progress = await lastValueFrom(
      ota.download(upgrade, target).pipe(ota.reportProgress(upgrade), toArray()),
    );
    counting.unsubscribe();
    expect(progress[0]).toEqual({ receivedBytes: 0, totalBytes: image.length, percent: 0 });
    expect(progress.at(-1)).toEqual({ receivedBytes: image.length, totalBytes: image.length, percent: 100 });
    expect((await readFile(target)).equals(image)).toBe(true);
    expect(requests).toHaveLength(Math.ceil(image.length / 5120));
    expect(await reports).toBe(100);
  });

  it('should ask again for a block the emulator sent with a bad CRC, the file intact', async () => {
    const { cloud, device } = rig;
    const announced = await cloud.pushOta(device, {
      version: '3.0.1',
      image,
      mqtt: true,
      blockFaults: { badChecksumAt: 30_000 },
    });
    const offsets: number[] = [];
    const watching = cloud.received$
      .pipe(filter((m) => m.topic === device.topics.fileDownload))
      .subscribe((m) =>
        offsets.push(
          (JSON.parse(m.payload.toString()) as { params: { fileBlock: { offset: number } } }).params.fileBlock
            .offset,
        ),
      );
    const faults = firstValueFrom(downloadEvents(cloud).pipe(filter((e) => e.fault !== undefined)));
    const blocks = await lastValueFrom(
      downloadFile(device, { streamId: announced.streamId!, fileId: 1, size: image.length }).pipe(toArray()),
    );
    watching.unsubscribe();
    expect(blocks.every(E.isRight)).toBe(true);
    const bytes = Buffer.concat(blocks.map((b) => (E.isRight(b) ? b.right.bytes : new Uint8Array())));
    expect(bytes.equals(image)).toBe(true);
    expect(await faults).toMatchObject({ fault: 'bad-checksum', offset: 25_600 });
    expect(offsets.filter((o) => o === 25_600)).toHaveLength(2);
    expect(offsets.length).toBe(Math.ceil(image.length / 5120) + 1);
  });

  it('should finish a download whose connection drops mid-way, the block asked for again', async () => {
    const { cloud, device } = rig;
    const ota = createOta(device, { mqttDownload: { timeoutMs: 500 } });
    // The fourth block's reply is never sent, and the connection goes with its request: only a request sent
    // again (the QoS 1 PUBLISH after the reconnect, or a new one after the timeout) can finish the file.
    const announced = await cloud.pushOta(device, {
      version: '3.0.2',
      image,
      mqtt: true,
      blockFaults: { dropReplyAt: 15_360 },
    });
    let asked = 0;
    const dropping = cloud.received$
      .pipe(filter((m) => m.topic === device.topics.fileDownload))
      .subscribe(() => {
        if (++asked === 4) void cloud.disconnect(device);
      });
    const disconnected = firstValueFrom(cloud.events$.pipe(filter((e) => e.type === 'disconnect')));
    const target = dir.file('fw.bin');
    const upgrade = {
      ...announced,
      id: '1',
      source: 'push' as const,
      isDiff: false,
      signMethod: 'MD5' as const,
    };
    try {
      await lastValueFrom(ota.download(upgrade as OtaUpgrade, target));
    } finally {
      dropping.unsubscribe();
    }
    await disconnected;
    expect(asked).toBeGreaterThan(Math.ceil(image.length / 5120));
    expect((await readFile(target)).equals(image)).toBe(true);
  });

  it('should fail a corrupt image with DigestMismatchError, and leave no file', async () => {
    const { cloud, device } = rig;
    const ota = createOta(device);
    const { next } = await offered(cloud, ota, device.topics.otaUpgrade);
    await cloud.pushOta(device, { version: '3.0.3', image, mqtt: true, faults: { corrupt: true } });
    const target = dir.file('fw.bin');
    await expect(lastValueFrom(ota.download(await next, target))).rejects.toBeInstanceOf(DigestMismatchError);
    expect(await exists(target)).toBe(false);
  });

  it('should fail with DownloadFailedError, its cause the refusal, for a stream the emulator does not know', async () => {
    const { device } = rig;
    const ota = createOta(device);
    const unknown: OtaUpgrade = {
      id: '1',
      source: 'pull',
      version: '9',
      dProtocol: 'mqtt',
      streamId: 1,
      streamFileId: 1,
      size: 10,
      signMethod: 'MD5',
      sign: '0'.repeat(32),
      isDiff: false,
    };
    const target = dir.file('fw.bin');
    const failed = lastValueFrom(ota.download(unknown, target));
    await expect(failed).rejects.toBeInstanceOf(DownloadFailedError);
    await expect(failed).rejects.toMatchObject({
      message: expect.stringMatching(/mqtt stream 1 file 1 failed: the platform refused a block: 400/),
      cause: { _tag: 'ReplyFailure', code: 400 },
    });
    expect(await exists(target)).toBe(false);
  });

  it.each<[string, Parameters<typeof createOta>[1], number]>([
    ['blocks over 128 KiB', { mqttDownload: { blockBytes: 200_000 } }, 1000],
    ['an announced size over 16 MiB', {}, 16 * 1024 * 1024 + 1],
  ])(
    'should fail a download it cannot make (%s) with DownloadFailedError, and leave no file',
    async (_, options, size) => {
      const ota = createOta(rig.device, options);
      const upgrade: OtaUpgrade = {
        id: '1',
        source: 'push',
        version: '9',
        dProtocol: 'mqtt',
        streamId: 1397345,
        streamFileId: 1,
        size,
        signMethod: 'MD5',
        sign: '0'.repeat(32),
        isDiff: false,
      };
      const target = dir.file('fw.bin');
      await expect(lastValueFrom(ota.download(upgrade, target))).rejects.toMatchObject({
        name: 'DownloadFailedError',
        cause: expect.any(RangeError),
      });
      expect(await exists(target)).toBe(false);
    },
  );
});

describe("downloadFile for a gateway's sub-device, against the emulator", () => {
  let rig: GatewayEmulator;
  let dir: TempDir;
  beforeEach(async () => {
    rig = await gatewayEmulator();
    dir = await tempDir();
  });
  afterEach(async () => {
    await rig.close();
    await dir.remove();
  });

  it("should upgrade the sub-device over MQTT, on its own topics over the gateway's connection", async () => {
    const sub = await rig.loggedIn();
    const ota = createOta(sub);
    const { next } = await offered(rig.cloud, ota, sub.topics.otaUpgrade);
    await rig.cloud.pushOta(SENSOR, { version: '1.1.0', image, mqtt: true });
    const topics = new Set<string>();
    const watching = rig.cloud.received$
      .pipe(filter((m) => m.topic.endsWith('/thing/file/download')))
      .subscribe((m) => topics.add(`${m.productKey}/${m.deviceName} ${m.topic}`));
    const target = dir.file('sensor.bin');
    await lastValueFrom(ota.download(await next, target));
    watching.unsubscribe();
    expect((await readFile(target)).equals(image)).toBe(true);
    expect([...topics]).toEqual([`${SENSOR.productKey}/${SENSOR.deviceName} ${sub.topics.fileDownload}`]);
  });
});
