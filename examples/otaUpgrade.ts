/**
 * A firmware upgrade from end to end, against the embedded emulator:
 *
 *   npx tsx examples/otaUpgrade.ts
 *
 * The device reports its version, the cloud pushes an image, the device downloads and verifies it (progress
 * reported to the platform as it goes), runs its own install step, and reports the new version. The install
 * step is the application's: here it checks a header and moves the file into place; a failure is reported
 * with step -4 (flashing failed) or -1 (upgrade failed), and the old version stays.
 */
import * as E from 'fp-ts/Either';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatMap, filter, firstValueFrom, from, last, map, tap } from 'rxjs';
import { createDevice, createOta, type OtaUpgrade } from '../lib';
import { startEmulator } from '../lib/emulator';

const productKey = 'a1OtaDemo01';
const deviceName = 'ota_demo';
const deviceSecret = 'ota-demo-secret-0123456789abcdef';
const log = (who: string, text: string) => console.log(`${who.padEnd(6)} ${text}`);

/** The application's install step: verify what the image is, then put it where the bootloader looks. */
async function install(downloaded: string, installed: string): Promise<void> {
  const header = (await readFile(downloaded)).subarray(0, 4).toString('latin1');
  if (header !== 'FWv2') throw new Error(`not a firmware image (header ${JSON.stringify(header)})`);
  await rename(downloaded, installed);
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'ota-example-'));
  const cloud = await startEmulator({ products: [{ productKey, devices: [{ deviceName, deviceSecret }] }] });
  const device = createDevice({ productKey, deviceName, deviceSecret, endpoint: { url: cloud.url } });
  const ota = createOta(device, { progressIntervalMs: 200 });
  const reports = cloud.otaProgress$.subscribe((r) =>
    log(
      'cloud',
      r.type === 'version' ? `version reported: ${r.version}` : `progress ${r.step}: ${r.desc ?? ''}`,
    ),
  );

  // The running version, reported now and after every reconnect for as long as this is subscribed.
  let running = ota.inform('1.0.0').subscribe();

  const upgraded = firstValueFrom(
    ota.upgrades$.pipe(
      filter(E.isRight),
      map(({ right }) => right),
      tap((upgrade) =>
        log('device', `offered ${upgrade.version} (${upgrade.size} bytes, ${upgrade.signMethod})`),
      ),
      concatMap((upgrade: OtaUpgrade) => {
        const downloaded = join(dir, `${upgrade.version}.download`);
        const installed = join(dir, 'firmware.bin');
        return ota.download(upgrade, downloaded).pipe(
          ota.reportProgress(upgrade),
          last(),
          concatMap(() =>
            from(
              install(downloaded, installed).then(
                () => true,
                async (error: unknown) => {
                  await firstValueFrom(ota.report('-4', String(error)));
                  return false;
                },
              ),
            ),
          ),
          map((ok) => ({ upgrade, ok })),
        );
      }),
    ),
  );

  device.start();
  await firstValueFrom(cloud.otaProgress$.pipe(filter((r) => r.type === 'version')));
  const image = Buffer.concat([Buffer.from('FWv2', 'latin1'), randomBytes(512 * 1024)]);
  log('cloud', 'pushing firmware 2.0.0');
  await cloud.pushOta(device, { version: '2.0.0', image });

  const { upgrade, ok } = await upgraded;
  if (ok) {
    log('device', `installed ${upgrade.version}`);
    // The new version takes over from the old report; the platform marks the upgrade done.
    running.unsubscribe();
    running = ota.inform(upgrade.version).subscribe();
    await firstValueFrom(
      cloud.otaProgress$.pipe(filter((r) => r.type === 'version' && r.version === upgrade.version)),
    );
  }
  running.unsubscribe();
  reports.unsubscribe();
  await device.close();
  await cloud.close();
  await rm(dir, { recursive: true, force: true });
  log('setup', ok ? 'upgrade done' : 'upgrade failed');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
