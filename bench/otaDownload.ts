// OTA download benchmark: a 256 MB image pushed by the emulator and downloaded from its HTTP server by
// `createOta(device).download` (digest computed and size checked as the bytes arrive, into a file), beside a
// plain Node `http.get` piped into a file and into `crypto.createHash` (and the same hashing from a 'data'
// listener), in the same run. MB/s and their ratio,
// peak RSS growth during each download, and, after a cut at half the image, the bytes fetched in all. Files in
// a temporary folder, removed after. Run alone with `npm run bench -- --only ota`.
import * as E from 'fp-ts/Either';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom, lastValueFrom, map } from 'rxjs';
import { createOta, type OtaUpgrade } from '../lib/alink/ota/createOta';
import { createDevice } from '../lib/device';
import { startEmulator, type FileDownload } from '../lib/emulator';
import { testDevice } from '../spec/support/testBrokers';

export interface OtaDownloadConfig {
  /** Default: 256 MiB. */
  readonly imageBytes?: number;
  /** Measured runs of each client, after one warm-up each. Default: 5 (the median is reported). */
  readonly rounds?: number;
}

export interface DownloadRun {
  readonly mbPerSecond: number;
  /**
   * CPU time of the process (user + system) per MiB: the client's and the in-process server's, the same
   * server for every client; steadier than MB/s on a busy machine.
   */
  readonly cpuMsPerMb: number;
  /** Peak RSS during the download, less the RSS just before it, in MB. */
  readonly rssGrowthMb: number;
}

/**
 * `ours`: `createOta(device).download(upgrade, path)`. `raw`: `http.get`, the body piped into the file and
 * into `crypto.createHash` (a writable); `rawData`: the same with the hash fed from a `'data'` listener
 * instead, the cheaper plain way.
 */
export type OtaClient = 'ours' | 'raw' | 'rawData';

export interface OtaDownloadResult {
  readonly imageBytes: number;
  readonly runs: Readonly<Record<OtaClient, readonly DownloadRun[]>>;
  readonly median: Readonly<Record<OtaClient, DownloadRun>>;
  /** After a cut at half the image: bytes the server sent in all, over the image's size. */
  readonly resumedFetchRatio: number;
  /** The responses of the resumed download. */
  readonly resumedResponses: number;
}

const MB = 1024 * 1024;

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Writes `size` random bytes to `path`, 1 MiB at a time. */
async function writeImage(path: string, size: number): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (let written = 0; written < size; written += MB)
      await file.write(randomBytes(Math.min(MB, size - written)));
  } finally {
    await file.close();
  }
}

/** Samples the RSS every 5 ms while `run` runs: the peak growth over the RSS at the start. */
async function measured(size: number, run: () => Promise<void>): Promise<DownloadRun> {
  gc();
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    await run();
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  peak = Math.max(peak, process.memoryUsage.rss());
  return {
    mbPerSecond: size / MB / seconds,
    cpuMsPerMb: (user + system) / 1000 / (size / MB),
    rssGrowthMb: (peak - before) / MB,
  };
}

/**
 * A baseline: `http.get`, the body piped into the file, and into an MD5 hash (`pipe`) or fed to it from a
 * `'data'` listener (`data`); resolves once the file is closed and the digest checked.
 */
function rawDownload(url: string, target: string, md5: string, hashing: 'pipe' | 'data'): Promise<void> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      const hash = createHash('md5');
      const file = createWriteStream(target);
      file.on('close', () => {
        const digest = hash.digest('hex');
        if (digest === md5) resolve();
        else reject(new Error(`raw download: MD5 ${digest}, expected ${md5}`));
      });
      res.on('error', reject);
      if (hashing === 'pipe') res.pipe(hash);
      else res.on('data', (chunk: Buffer) => hash.update(chunk));
      res.pipe(file);
    }).on('error', reject);
  });
}

const median = (runs: readonly DownloadRun[]): DownloadRun => {
  const by = (key: keyof DownloadRun) => {
    const sorted = runs.map((r) => r[key]).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? NaN;
  };
  return { mbPerSecond: by('mbPerSecond'), cpuMsPerMb: by('cpuMsPerMb'), rssGrowthMb: by('rssGrowthMb') };
};

export async function runOtaDownloadBench(
  log: (line: string) => void,
  config: OtaDownloadConfig = {},
): Promise<OtaDownloadResult> {
  const { imageBytes = 256 * MB, rounds = 5 } = config;
  const dir = await mkdtemp(join(tmpdir(), 'rx-aliyun-iot-bench-ota-'));
  const { productKey, deviceName, deviceSecret } = testDevice;
  const cloud = await startEmulator({ products: [{ productKey, devices: [{ deviceName, deviceSecret }] }] });
  const device = createDevice({ productKey, deviceName, deviceSecret, endpoint: { url: cloud.url } });
  try {
    const image = join(dir, 'image.bin');
    log(`writing a ${(imageBytes / MB).toFixed(0)} MiB image in ${dir}`);
    await writeImage(image, imageBytes);
    const ota = createOta(device);
    device.start();
    await firstValueFrom(device.state$.pipe(filter((s) => s.status === 'connected')));

    /** Pushes the image; the device's offer, as `upgrades$` decodes it. */
    const offer = async (version: string, faults?: { cutAfterBytes: number }): Promise<OtaUpgrade> => {
      const offered = firstValueFrom(
        ota.upgrades$.pipe(
          filter(E.isRight),
          map((u) => u.right),
        ),
      );
      await firstValueFrom(
        cloud.events$.pipe(
          filter((e) => e.type === 'subscribe' && e.filters.includes(device.topics.otaUpgrade)),
        ),
      );
      await cloud.pushOta(device, { version, image, ...(faults === undefined ? {} : { faults }) });
      return offered;
    };

    const upgrade = await offer('2.0.0');
    log(`offered ${upgrade.version}: ${upgrade.size} bytes, ${upgrade.signMethod} ${upgrade.sign}`);
    const target = join(dir, 'download.bin');
    const { url } = upgrade;
    if (url === undefined) throw new Error('the emulator announced the image over MQTT, not HTTP');
    const clients: Record<OtaClient, () => Promise<void>> = {
      ours: () => lastValueFrom(ota.download(upgrade, target)).then(() => undefined),
      raw: () => rawDownload(url, target, upgrade.sign, 'pipe'),
      rawData: () => rawDownload(url, target, upgrade.sign, 'data'),
    };
    const runs: Record<OtaClient, DownloadRun[]> = { ours: [], raw: [], rawData: [] };
    const names: readonly OtaClient[] = ['ours', 'raw', 'rawData'];
    // One warm-up each, then rounds that each start one client later.
    for (let round = -1; round < rounds; round++) {
      const first = (round + 1) % names.length;
      const order = [...names.slice(first), ...names.slice(0, first)];
      for (const client of order) {
        const run = await measured(imageBytes, clients[client]);
        await rm(target, { force: true });
        if (round < 0) continue;
        runs[client].push(run);
        log(
          `round ${round + 1} ${client.padEnd(7)} ${run.mbPerSecond.toFixed(0)} MB/s, CPU ${run.cpuMsPerMb.toFixed(2)} ms/MiB, RSS +${run.rssGrowthMb.toFixed(1)} MB`,
        );
      }
    }

    // A cut at half the image: the download resumes with Range; count what the server sent for it.
    const cutAt = Math.floor(imageBytes / 2);
    const cut = await offer('2.0.1', { cutAfterBytes: cutAt });
    const responses: FileDownload[] = [];
    const watching = cloud.downloads$
      .pipe(filter((d) => d.url === cut.url))
      .subscribe((d) => responses.push(d));
    await lastValueFrom(ota.download(cut, target));
    watching.unsubscribe();
    await rm(target, { force: true });
    const sent = responses.reduce((sum, d) => sum + d.bytesSent, 0);
    log(
      `cut at ${cutAt} bytes: ${responses.length} responses (${responses.map((d) => `${d.status} ${d.range ?? 'whole'} ${d.outcome} ${d.bytesSent}`).join('; ')})`,
    );
    return {
      imageBytes,
      runs,
      median: { ours: median(runs.ours), raw: median(runs.raw), rawData: median(runs.rawData) },
      resumedFetchRatio: sent / imageBytes,
      resumedResponses: responses.length,
    };
  } finally {
    await device.close();
    await cloud.close();
    await rm(dir, { recursive: true, force: true });
  }
}
