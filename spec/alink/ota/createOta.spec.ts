// OTA from both ends: the emulator pushes, serves and records; the device downloads, verifies and reports.
import * as E from 'fp-ts/Either';
import { createHash } from 'node:crypto';
import { access, readFile, writeFile } from 'node:fs/promises';
import { filter, firstValueFrom, lastValueFrom, map, take, takeWhile, toArray } from 'rxjs';
import { DigestMismatchError } from '../../../lib/alink/downloadErrors';
import { createOta, type Ota, type OtaUpgrade } from '../../../lib/alink/ota/createOta';
import { nodeDownloadPort } from '../../../lib/download/nodeDownloadPort';
import type { OtaReport } from '../../../lib/emulator';
import { connected, emulatorDevice, PRODUCT_KEY, type EmulatorDevice } from '../../support/emulatorDevice';
import { imageBytes, tempDir, type TempDir } from '../../support/tempDir';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
const fast = { initialDelayMs: 1, maxDelayMs: 5, jitter: 'none', maxRetries: 3 } as const;

/** Resolves once the cloud has seen the device subscribe `filter`. */
const subscribed = (rig: EmulatorDevice, topic: string) =>
  firstValueFrom(rig.cloud.events$.pipe(filter((e) => e.type === 'subscribe' && e.filters.includes(topic))));

describe('createOta', () => {
  let rig: EmulatorDevice;
  let dir: TempDir;
  const image = imageBytes(700_000, 7);

  beforeEach(async () => {
    rig = await emulatorDevice();
    dir = await tempDir();
  });
  afterEach(async () => {
    await rig.close();
    await dir.remove();
  });

  /** The device's reports as the cloud records them, from now until `count` have come. */
  const reports = (count: number): Promise<OtaReport[]> =>
    firstValueFrom(rig.cloud.otaProgress$.pipe(take(count), toArray()));

  /** Subscribes upgrades$ and waits until the push topic is subscribed at the broker; then the next upgrade. */
  async function offered(ota: Ota): Promise<{ next: Promise<OtaUpgrade> }> {
    const upgrade = firstValueFrom(
      ota.upgrades$.pipe(
        filter(E.isRight),
        map((u) => u.right),
      ),
    );
    await subscribed(rig, rig.device.topics.otaUpgrade);
    return { next: upgrade };
  }

  it('should upgrade all the way: push, download, verify, progress reports, the new version reported', async () => {
    const { cloud, device } = rig;
    const ota = createOta(device, { progressIntervalMs: 0 });
    const upgrade = (await offered(ota)).next;
    const announced = await cloud.pushOta(device, { version: '2.0.0', image, module: 'MCU' });
    expect(announced).toMatchObject({
      version: '2.0.0',
      size: image.length,
      signMethod: 'MD5',
      module: 'MCU',
    });
    expect(announced.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);

    const offer = await upgrade;
    expect(offer).toMatchObject({
      source: 'push',
      version: '2.0.0',
      url: announced.url,
      size: image.length,
      sign: announced.sign,
      module: 'MCU',
    });
    const cloudSaw = firstValueFrom(
      cloud.otaProgress$.pipe(
        takeWhile((r) => !(r.type === 'version' && r.version === '2.0.0'), true),
        toArray(),
      ),
    );
    const target = dir.file('fw.bin');
    const progress = await lastValueFrom(
      ota.download(offer, target).pipe(ota.reportProgress(offer), toArray()),
    );
    expect(progress[progress.length - 1]?.percent).toBe(100);
    expect((await readFile(target)).equals(image)).toBe(true);
    // The install step is the application's; then the new version is reported.
    const informed = ota.inform('2.0.0', 'MCU').subscribe();
    const seen = await cloudSaw;
    informed.unsubscribe();
    const steps = seen
      .filter((r) => r.type === 'progress')
      .map((r) => (r.type === 'progress' ? r.step : NaN));
    expect(steps[0]).toBe(0);
    expect(steps[steps.length - 1]).toBe(100);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(
      seen.every((r) => r.productKey === PRODUCT_KEY && r.deviceName === 'dev01' && r.module === 'MCU'),
    ).toBe(true);
    expect(seen[seen.length - 1]).toMatchObject({ type: 'version', version: '2.0.0', module: 'MCU' });
  });

  it('should resume a download the emulator cuts half way, and still verify it', async () => {
    const { cloud, device } = rig;
    const ota = createOta(device, { retry: fast });
    const upgrade = (await offered(ota)).next;
    await cloud.pushOta(device, { version: '2.0.1', image, faults: { cutAfterBytes: 350_000 } });
    const responses = firstValueFrom(cloud.downloads$.pipe(take(2), toArray()));
    const target = dir.file('fw.bin');
    await lastValueFrom(ota.download(await upgrade, target));
    expect((await readFile(target)).equals(image)).toBe(true);
    const [cut, rest] = await responses;
    expect(cut).toMatchObject({ outcome: 'cut', bytesSent: 350_000 });
    expect(rest).toMatchObject({
      outcome: 'complete',
      status: 206,
      range: expect.stringMatching(/^bytes=\d+-$/),
    });
    // Resumed, not restarted: from a byte past 0 (what the device had received of the 350,000 the server wrote
    // before the cut; under load some of those were still in the socket's buffers), and only the rest sent.
    const from = Number(/^bytes=(\d+)-$/.exec(rest?.range ?? '')?.[1]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(350_000);
    expect(rest?.bytesSent).toBe(image.length - from);
  });

  it('should download an image announced over HTTPS, trusting the emulator CA', async () => {
    const { cloud, device } = rig;
    const ota = createOta(device, { download: nodeDownloadPort({ tls: { ca: cloud.ca } }) });
    const upgrade = (await offered(ota)).next;
    const announced = await cloud.pushOta(device, { version: '2.1.0', image, https: true });
    expect(announced.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    const target = dir.file('fw.bin');
    await lastValueFrom(ota.download(await upgrade, target));
    expect((await readFile(target)).equals(image)).toBe(true);
  });

  it('should serve an image given as a file path, its size and SHA-256 filled in, and verify it', async () => {
    const { cloud, device } = rig;
    const ota = createOta(device);
    const upgrade = (await offered(ota)).next;
    const source = dir.file('image-on-disk.bin');
    await writeFile(source, image);
    const announced = await cloud.pushOta(device, { version: '2.2.0', image: source, signMethod: 'SHA256' });
    expect(announced).toMatchObject({
      size: image.length,
      signMethod: 'SHA256',
      sign: createHash('sha256').update(image).digest('hex'),
      md5: createHash('md5').update(image).digest('hex'),
    });
    const offer = await upgrade;
    expect(offer).toMatchObject({ signMethod: 'SHA256', sign: announced.sign, size: image.length });
    const target = dir.file('fw.bin');
    await lastValueFrom(ota.download(offer, target));
    expect((await readFile(target)).equals(image)).toBe(true);
  });

  it('should report -3 for a corrupt image, fail with DigestMismatchError, and leave no partial file', async () => {
    const { cloud, device } = rig;
    const ota = createOta(device, { retry: fast });
    const upgrade = (await offered(ota)).next;
    await cloud.pushOta(device, { version: '2.0.2', image, faults: { corrupt: true } });
    const offer = await upgrade;
    const failed = firstValueFrom(
      cloud.otaProgress$.pipe(filter((r) => r.type === 'progress' && r.step < 0)),
    );
    const target = dir.file('fw.bin');
    await expect(
      lastValueFrom(ota.download(offer, target).pipe(ota.reportProgress(offer))),
    ).rejects.toBeInstanceOf(DigestMismatchError);
    expect(await failed).toMatchObject({
      type: 'progress',
      step: -3,
      desc: expect.stringMatching(/MD5 of .* expected/),
    });
    expect(await exists(target)).toBe(false);
  });

  it('should bound the report rate: one per interval, however many chunks arrive', async () => {
    const { cloud, device } = rig;
    const ota = createOta(device, { progressIntervalMs: 60_000 });
    const upgrade = (await offered(ota)).next;
    await cloud.pushOta(device, { version: '2.0.3', image });
    const offer = await upgrade;
    const seen = reports(2);
    const progress = await lastValueFrom(
      ota.download(offer, dir.file('fw.bin')).pipe(ota.reportProgress(offer), toArray()),
    );
    // Many percents passed (one per 64 KiB chunk, about 11), two were reported: the first and the last.
    expect(progress.length).toBeGreaterThan(5);
    expect((await seen).map((r) => (r.type === 'progress' ? r.step : r.version))).toEqual([0, 100]);
  });

  it('should report the user install step failing with -4', async () => {
    const ota = createOta(rig.device);
    const seen = reports(1);
    await lastValueFrom(ota.report('-4', 'flash write failed', 'MCU'));
    expect(await seen).toEqual([
      {
        type: 'progress',
        productKey: PRODUCT_KEY,
        deviceName: 'dev01',
        step: -4,
        desc: 'flash write failed',
        module: 'MCU',
      },
    ]);
  });

  it('should answer a pull with the firmware waiting, also in upgrades$, and with none after the version is reported', async () => {
    const { cloud, device } = rig;
    const ota = createOta(device);
    const fields = await cloud.pushOta(device, { version: '3.0.0', image, module: 'MCU' });
    const inUpgrades = firstValueFrom(
      ota.upgrades$.pipe(filter((u) => E.isRight(u) && u.right.source === 'pull')),
    );
    await subscribed(rig, device.topics.otaFirmwareGetReply);

    const pulled = await lastValueFrom(ota.pull('MCU'));
    expect(pulled).toEqual(
      E.right(
        expect.objectContaining({
          source: 'pull',
          version: '3.0.0',
          url: fields.url,
          sign: fields.sign,
          module: 'MCU',
        }),
      ),
    );
    expect(await inUpgrades).toEqual(E.right(expect.objectContaining({ version: '3.0.0' })));
    // Another module has nothing waiting.
    expect(await lastValueFrom(ota.pull())).toEqual(E.right(undefined));

    const informed = ota.inform('3.0.0', 'MCU').subscribe();
    await firstValueFrom(cloud.otaProgress$.pipe(filter((r) => r.type === 'version')));
    informed.unsubscribe();
    expect(await lastValueFrom(ota.pull('MCU'))).toEqual(E.right(undefined));
  });

  it('should report the version again after every reconnect, until a newer inform takes over', async () => {
    const { cloud, device } = rig;
    const ota = createOta(device);
    const versions = cloud.otaProgress$.pipe(
      filter((r) => r.type === 'version'),
      map((r) => (r.type === 'version' ? r.version : '')),
    );
    const firstTwo = firstValueFrom(versions.pipe(take(2), toArray()));
    const informs: unknown[] = [];
    const old = ota
      .inform('1.0.0')
      .subscribe({ next: (r) => informs.push(r), complete: () => informs.push('complete') });
    await firstValueFrom(versions);
    await cloud.disconnect(device);
    expect(await firstTwo).toEqual(['1.0.0', '1.0.0']);
    await connected(device);

    const next = firstValueFrom(versions);
    const newer = ota.inform('1.1.0').subscribe();
    expect(await next).toBe('1.1.0');
    expect(informs[informs.length - 1]).toBe('complete');
    // Each send's result, then the end (a send still waiting for its PUBACK is dropped with the takeover).
    expect(E.isRight(informs[0] as E.Either<unknown, unknown>)).toBe(true);
    const afterReconnect = firstValueFrom(versions.pipe(take(1), toArray()));
    await cloud.disconnect(device);
    expect(await afterReconnect).toEqual(['1.1.0']);
    newer.unsubscribe();
    old.unsubscribe();
  });

  it('should decode a push leniently: a number code, signMethod in another case', async () => {
    const { cloud, device } = rig;
    const ota = createOta(device);
    const upgrades = firstValueFrom(ota.upgrades$.pipe(take(2), toArray()));
    await subscribed(rig, device.topics.otaUpgrade);
    const data = {
      version: '4.0.0',
      url: 'https://x/fw.bin',
      size: '10',
      sign: 'AB'.repeat(32),
      signMethod: 'Sha256',
    };
    await cloud.publish(device.topics.otaUpgrade, { code: 1000, id: 77, data }, { qos: 1 });
    await cloud.publish(
      device.topics.otaUpgrade,
      { code: '1000', id: '78', data: { version: '4.0.1' } },
      { qos: 1 },
    );
    const [lenient, bad] = await upgrades;
    expect(lenient).toEqual(
      E.right({
        id: '77',
        source: 'push',
        version: '4.0.0',
        url: 'https://x/fw.bin',
        size: 10,
        sign: 'ab'.repeat(32),
        signMethod: 'SHA256',
        isDiff: false,
      }),
    );
    expect(bad).toEqual(
      E.left(expect.objectContaining({ _tag: 'DecodeError', topic: device.topics.otaUpgrade })),
    );
  });

  it('should push an upgrade job to the online targets that run a source version, and hold it for pulls', async () => {
    const { cloud, device } = rig;
    const ota = createOta(device);
    const informed = ota.inform('1.0.0').subscribe();
    await firstValueFrom(cloud.otaProgress$.pipe(filter((r) => r.type === 'version')));
    const upgrade = (await offered(ota)).next;
    const job = await cloud.createOtaStaticUpgradeJob({
      productKey: PRODUCT_KEY,
      firmware: { version: '1.1.0', image },
      srcVersions: ['1.0.0'],
    });
    expect(job).toMatchObject({
      targets: ['dev01'],
      pushed: ['dev01'],
      firmware: { version: '1.1.0', size: image.length },
    });
    expect((await upgrade).version).toBe('1.1.0');

    const everyone = await cloud.createOtaStaticUpgradeJob({
      productKey: PRODUCT_KEY,
      firmware: { version: '1.2.0', image },
    });
    expect(everyone.targets).toEqual(['dev01', 'dev02', 'dev03']);
    expect(everyone.pushed).toEqual(['dev01']);
    const dev02 = rig.other('dev02');
    dev02.start();
    await connected(dev02);
    expect(await lastValueFrom(createOta(dev02).pull())).toEqual(
      E.right(expect.objectContaining({ version: '1.2.0' })),
    );
    informed.unsubscribe();
  });
});
