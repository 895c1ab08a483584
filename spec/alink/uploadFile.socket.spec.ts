// File upload over MQTT from both ends: a device's uploadFile against the emulator, which keeps the file,
// also through a connection that drops mid-upload, an append that resumes, and a gateway's sub-device.
import { randomBytes } from 'node:crypto';
import * as E from 'fp-ts/Either';
import { filter, firstValueFrom, from, lastValueFrom, map, Subject, toArray } from 'rxjs';
import { cancelUpload, uploadFile, type UploadProgress } from '../../lib/alink/uploadFile';
import type { Emulator, EmulatorEvent } from '../../lib/emulator';
import { crc64, encodeUploadChunk, FILE_UPLOAD_CODES } from '../../lib/protocol';
import { emulatorDevice, type EmulatorDevice } from '../support/emulatorDevice';
import { GATEWAY, gatewayEmulator, SENSOR, type GatewayEmulator } from '../support/gatewayEmulator';

const file = randomBytes(5000);

/** What an upload emitted, once it has ended. */
const uploaded = (upload: ReturnType<typeof uploadFile>) => lastValueFrom(upload.pipe(toArray()));

const progressOf = (results: readonly E.Either<unknown, UploadProgress>[]) =>
  results.map((r) => (E.isRight(r) ? [r.right.uploadedBytes, r.right.complete] : r.left));

const fileUploadEvents = (cloud: Emulator) =>
  cloud.events$.pipe(
    filter((e): e is Extract<EmulatorEvent, { type: 'file-upload' }> => e.type === 'file-upload'),
  );

describe('uploadFile against the emulator', () => {
  let rig: EmulatorDevice;
  beforeEach(async () => (rig = await emulatorDevice()));
  afterEach(() => rig.close());

  it('should upload the bytes in chunks, and the emulator keep them with the CRC-64 it computed', async () => {
    const { cloud, device } = rig;
    const results = await uploaded(uploadFile(device, { fileName: 'boot.log', content: file }));
    expect(progressOf(results)).toEqual([
      [0, false],
      [2048, false],
      [4096, false],
      [5000, true],
    ]);
    expect(results.at(-1)).toEqual(
      E.right(expect.objectContaining({ fileSize: 5000, complete: true, ficValueServer: crc64(file) })),
    );
    const [kept] = cloud.queryDeviceFileList(device);
    expect(kept).toMatchObject({ name: 'boot.log', size: 5000 });
    expect((await cloud.queryDeviceFile(device, kept!.fileId)).content).toEqual(file);
  });

  it('should upload a stream of unknown size, whatever the pieces it comes in', async () => {
    const { cloud, device } = rig;
    const pieces = [file.subarray(0, 10), file.subarray(10, 3000), file.subarray(3000)];
    const results = await uploaded(
      uploadFile(device, { fileName: 'rec.wav', content: from(pieces), chunkBytes: 1024 }),
    );
    expect(results.at(-1)).toEqual(E.right(expect.objectContaining({ fileSize: 5000, complete: true })));
    const [kept] = cloud.queryDeviceFileList(device);
    expect((await cloud.queryDeviceFile(device, kept!.fileId)).content).toEqual(file);
  });

  it('should finish an upload whose connection drops between two chunks, the file intact', async () => {
    const { cloud, device } = rig;
    // The connection goes when the emulator has the second chunk: its reply is lost with it, and the chunk
    // sent again (the same PUBLISH after the reconnect, or a new request after the timeout) is one it has.
    let chunks = 0;
    const dropping = cloud.received$
      .pipe(filter((m) => m.topic === device.topics.fileUploadSend))
      .subscribe(() => {
        if (++chunks === 2) cloud.disconnect(device);
      });
    const duplicates: number[] = [];
    const events = fileUploadEvents(cloud).subscribe((e) => e.code === 200 || duplicates.push(e.code));
    try {
      const results = await uploaded(
        uploadFile(device, { fileName: 'boot.log', content: file, timeoutMs: 1000 }),
      );
      expect(results.at(-1)).toEqual(E.right(expect.objectContaining({ complete: true })));
    } finally {
      dropping.unsubscribe();
      events.unsubscribe();
    }
    expect(duplicates).toEqual([FILE_UPLOAD_CODES.duplicateChunk]);
    const [kept] = cloud.queryDeviceFileList(device);
    expect((await cloud.queryDeviceFile(device, kept!.fileId)).content).toEqual(file);
  });

  it('should finish an upload whose connection drops as the emulator takes the last chunk', async () => {
    const { cloud, device } = rig;
    let chunks = 0;
    const dropping = cloud.received$
      .pipe(filter((m) => m.topic === device.topics.fileUploadSend))
      .subscribe(() => {
        if (++chunks === 3) cloud.disconnect(device);
      });
    try {
      const results = await uploaded(
        uploadFile(device, { fileName: 'boot.log', content: file, timeoutMs: 1000 }),
      );
      expect(results.at(-1)).toEqual(
        E.right(expect.objectContaining({ uploadedBytes: 5000, complete: true })),
      );
    } finally {
      dropping.unsubscribe();
    }
    expect(cloud.queryDeviceFileList(device).map((f) => f.size)).toEqual([5000]);
  });

  it('should resume with append an upload an earlier run left unfinished, from where the emulator is', async () => {
    const { cloud, device } = rig;
    // An earlier run: its init and first chunk went, then it stopped without a cancel.
    const opened = firstValueFrom(fileUploadEvents(cloud));
    device
      .publish({
        topic: device.topics.fileUploadInit,
        payload: JSON.stringify({ id: '1', params: { fileName: 'boot.log', fileSize: 5000 } }),
        qos: 1,
      })
      .subscribe();
    const { uploadId } = await opened;
    const first = firstValueFrom(
      cloud.received$.pipe(
        filter(
          (m) => m.topic === device.topics.fileUploadSendReply || m.topic === device.topics.fileUploadSend,
        ),
      ),
    );
    device
      .publish({
        topic: device.topics.fileUploadSend,
        payload: encodeUploadChunk({
          id: '2',
          uploadId: uploadId!,
          offset: 0,
          bytes: file.subarray(0, 2048),
        }),
        qos: 1,
      })
      .subscribe();
    await first;

    const results = await uploaded(
      uploadFile(device, { fileName: 'boot.log', content: file, conflictStrategy: 'append' }),
    );
    expect(progressOf(results)).toEqual([
      [2048, false],
      [4096, false],
      [5000, true],
    ]);
    expect(results[0]).toEqual(E.right(expect.objectContaining({ uploadId })));
    const [kept] = cloud.queryDeviceFileList(device);
    expect((await cloud.queryDeviceFile(device, kept!.fileId)).content).toEqual(file);
  });

  it('should cancel the upload when unsubscribed, and the emulator keep nothing', async () => {
    const { cloud, device } = rig;
    const cancelled = firstValueFrom(fileUploadEvents(cloud).pipe(filter((e) => e.step === 'cancel')));
    const progress = new Subject<UploadProgress>();
    const upload = uploadFile(device, { fileName: 'big.bin', content: randomBytes(100_000) })
      .pipe(map((r) => (E.isRight(r) ? r.right : undefined)))
      .subscribe((p) => p && progress.next(p));
    await firstValueFrom(progress.pipe(filter((p) => p.uploadedBytes >= 4096)));
    upload.unsubscribe();
    expect(await cancelled).toMatchObject({ code: 200, fileName: 'big.bin' });
    expect(cloud.queryDeviceFileList(device)).toEqual([]);
  });

  it('should fail with the platform’s code when it refuses, and cancelUpload say it knows no such upload', async () => {
    const { device } = rig;
    await uploaded(uploadFile(device, { fileName: 'a.bin', content: file }));
    const refused = await uploaded(
      uploadFile(device, { fileName: 'a.bin', content: file, conflictStrategy: 'reject' }),
    );
    expect(refused).toEqual([
      E.left(expect.objectContaining({ _tag: 'ReplyFailure', code: FILE_UPLOAD_CODES.fileExists })),
    ]);
    expect(await lastValueFrom(cancelUpload(device, 'nope'))).toEqual(
      E.left(expect.objectContaining({ _tag: 'ReplyFailure', code: FILE_UPLOAD_CODES.uploadNotFound })),
    );
  });
});

describe("uploadFile for a gateway's sub-device, against the emulator", () => {
  let rig: GatewayEmulator;
  beforeEach(async () => (rig = await gatewayEmulator()));
  afterEach(() => rig.close());

  it("should keep the file as the sub-device's, uploaded over the gateway's connection", async () => {
    const sub = await rig.loggedIn();
    const results = await uploaded(uploadFile(sub, { fileName: 'sensor.csv', content: file }));
    expect(results.at(-1)).toEqual(E.right(expect.objectContaining({ complete: true })));
    expect(rig.cloud.queryDeviceFileList(SENSOR).map((f) => [f.name, f.size])).toEqual([
      ['sensor.csv', 5000],
    ]);
    expect(rig.cloud.queryDeviceFileList(GATEWAY)).toEqual([]);
  });
});
