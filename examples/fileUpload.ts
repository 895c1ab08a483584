/**
 * A device uploads files over MQTT to the embedded emulator, which keeps them as the platform does:
 *
 *   npx tsx examples/fileUpload.ts
 *
 * First a log file whose bytes it has, in 2 KiB chunks with the whole file's CRC-64 checked at the end; then
 * a recording of unknown size, sent as it is made. The cloud lists the device's files and downloads one
 * through the URL that queryDeviceFile (the server API's QueryDeviceFile) gives.
 */
import { randomBytes } from 'node:crypto';
import * as E from 'fp-ts/Either';
import { interval, lastValueFrom, map, take, tap } from 'rxjs';
import { createDevice, uploadFile, type UploadFailure, type UploadProgress } from '../lib';
import { startEmulator } from '../lib/emulator';

const identity = { productKey: 'a1File00001', deviceName: 'camera1', deviceSecret: 'file-demo-secret' };
const log = (who: string, text: string) => console.log(`${who.padEnd(7)} ${text}`);

const logLine = (result: E.Either<UploadFailure, UploadProgress>) => {
  if (E.isLeft(result)) return log('device', `upload failed: ${result.left._tag}`);
  const { fileName, uploadedBytes, fileSize, complete } = result.right;
  log('device', `${fileName}: ${uploadedBytes} of ${fileSize ?? '?'} bytes${complete ? ', complete' : ''}`);
};

async function main() {
  const cloud = await startEmulator({ products: [{ productKey: identity.productKey, devices: [identity] }] });
  const device = createDevice({ ...identity, endpoint: { url: cloud.url } });
  device.start();

  const bootLog = Buffer.from(Array.from({ length: 120 }, (_, n) => `line ${n}: all well\n`).join(''));
  await lastValueFrom(uploadFile(device, { fileName: 'boot.log', content: bootLog }).pipe(tap(logLine)));

  // Three pieces of 1,000 bytes, 10 ms apart: the size is known only at the end.
  const recording = interval(10).pipe(
    take(3),
    map(() => randomBytes(1000)),
  );
  await lastValueFrom(
    uploadFile(device, { fileName: 'clip.pcm', content: recording, chunkBytes: 1024 }).pipe(tap(logLine)),
  );

  for (const file of cloud.queryDeviceFileList(identity))
    log('cloud', `has ${file.name}, ${file.size} bytes`);
  const [first] = cloud.queryDeviceFileList(identity);
  const { downloadUrl } = await cloud.queryDeviceFile(identity, first!.fileId);
  const downloaded = Buffer.from(await (await fetch(downloadUrl)).arrayBuffer());
  log(
    'cloud',
    `downloaded ${first!.name}: ${downloaded.equals(bootLog) ? 'the same bytes' : 'different bytes'}`,
  );

  await device.close();
  await cloud.close();
  log('setup', 'done');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
