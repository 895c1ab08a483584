// The emulator's side of file upload over MQTT against a raw MQTT.js device: the frames and replies on the
// wire, what is reported, and the files through the emulator's calls and its server API.
import { filter, firstValueFrom, toArray, take } from 'rxjs';
import { DeviceFileNotFoundError, type Emulator, type EmulatorEvent } from '../../lib/emulator';
import { describeEmulatorEvent } from '../../lib/emulator/describeEmulatorEvent';
import { startCloudApi } from '../../lib/emulator/startCloudApi';
import { deviceTopics } from '../../lib/identity';
import { crc64, encodeUploadChunk, FILE_UPLOAD_CODES } from '../../lib/protocol';
import { DEV01, DEV02, deviceHarness, nextMessage, products } from './deviceHarness';

const harness = deviceHarness();
afterEach(() => harness.cleanup());

const topics = deviceTopics(DEV01);
const file = Buffer.concat([Buffer.alloc(300, 'a'), Buffer.from('the end')]);

interface Reply {
  readonly id: string;
  readonly code: number;
  readonly data: Record<string, unknown>;
  readonly message: string;
}

async function device(emulator: Emulator) {
  const client = await harness.connectDevice(emulator);
  await client.subscribeAsync('/sys/a1TestPK001/dev01/thing/file/upload/mqtt/+');
  /** Publishes a request and resolves with the reply on its reply topic. */
  const ask = async (topic: string, payload: string | Buffer): Promise<Reply> => {
    const reply = nextMessage(client);
    await client.publishAsync(topic, payload, { qos: 1 });
    const { topic: replyTopic, payload: body } = await reply;
    expect(replyTopic).toBe(`${topic}_reply`);
    return JSON.parse(body.toString()) as Reply;
  };
  return { client, ask };
}

async function uploaded(emulator: Emulator, ask: Awaited<ReturnType<typeof device>>['ask']) {
  const init = await ask(
    topics.fileUploadInit,
    JSON.stringify({
      id: '1',
      params: { fileName: 'log.txt', fileSize: file.length, ficMode: 'crc64', ficValue: crc64(file) },
    }),
  );
  const uploadId = String(init.data.uploadId);
  const first = await ask(
    topics.fileUploadSend,
    encodeUploadChunk({ id: '2', uploadId, offset: 0, bytes: file.subarray(0, 300) }),
  );
  const last = await ask(
    topics.fileUploadSend,
    encodeUploadChunk({ id: '3', uploadId, offset: 300, bytes: file.subarray(300) }),
  );
  return { init, uploadId, first, last };
}

describe('cloudFiles', () => {
  it('should answer init, each chunk by the id of its header, and the last with complete and both CRC-64s', async () => {
    const emulator = await harness.start();
    const { ask } = await device(emulator);
    const { init, uploadId, first, last } = await uploaded(emulator, ask);
    expect(init).toEqual({
      id: '1',
      code: 200,
      data: {
        fileName: 'log.txt',
        fileSize: 307,
        uploadId: expect.any(String),
        conflictStrategy: 'overwrite',
      },
      message: 'success',
      version: '1.0',
    });
    expect(first).toEqual({
      id: '2',
      code: 200,
      data: { uploadId, offset: 0, bSize: 300 },
      message: 'success',
      version: '1.0',
    });
    expect(last).toEqual({
      id: '3',
      code: 200,
      data: {
        uploadId,
        offset: 300,
        bSize: 7,
        complete: true,
        ficMode: 'crc64',
        ficValueClient: crc64(file),
        ficValueServer: crc64(file),
      },
      message: 'success',
      version: '1.0',
    });
  });

  it('should keep the file for queryDeviceFileList and queryDeviceFile, served over HTTP, until deleteDeviceFile', async () => {
    const emulator = await harness.start({ clock: () => Date.UTC(2026, 11, 4, 8) });
    const { ask } = await device(emulator);
    await uploaded(emulator, ask);
    const [listed] = emulator.queryDeviceFileList(DEV01);
    expect(listed).toEqual({
      fileId: expect.any(String),
      name: 'log.txt',
      size: 307,
      utcCreatedOn: '2026-12-04T08:00:00.000Z',
    });
    expect(emulator.queryDeviceFileList(DEV02)).toEqual([]);
    const found = await emulator.queryDeviceFile(DEV01, listed!.fileId);
    expect(found.content).toEqual(file);
    expect(found.downloadUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(Buffer.from(await (await fetch(found.downloadUrl)).arrayBuffer())).toEqual(file);
    await expect(emulator.queryDeviceFile(DEV02, listed!.fileId)).rejects.toBeInstanceOf(
      DeviceFileNotFoundError,
    );
    emulator.deleteDeviceFile(DEV01, listed!.fileId);
    expect(emulator.queryDeviceFileList(DEV01)).toEqual([]);
    // A file gone is no longer served.
    expect((await fetch(found.downloadUrl)).status).toBe(404);
    expect(() => emulator.deleteDeviceFile(DEV01, listed!.fileId)).toThrow(DeviceFileNotFoundError);
  });

  it('should answer a frame it cannot read 400 with why, and report one without an id it cannot answer', async () => {
    const emulator = await harness.start();
    const { client, ask } = await device(emulator);
    const header = Buffer.from('{"id":"9","params":{"offset":0,"bSize":0}}');
    const frame = Buffer.concat([Buffer.from([0, header.length]), header, Buffer.alloc(2)]);
    expect(await ask(topics.fileUploadSend, frame)).toMatchObject({
      id: '9',
      code: 400,
      message: expect.stringMatching(/uploadId/),
    });
    const reported = firstValueFrom(emulator.events$.pipe(filter((e) => e.type === 'file-upload')));
    await client.publishAsync(topics.fileUploadSend, Buffer.from([0, 9, 1]), { qos: 1 });
    expect(await reported).toMatchObject({
      type: 'file-upload',
      step: 'send',
      code: 400,
      message: expect.stringMatching(/too short/),
    });
  });

  it('should answer an init that does not decode 460 with the reason, and a cancel of an unknown upload 78122', async () => {
    const emulator = await harness.start();
    const { ask } = await device(emulator);
    const bad = await ask(
      topics.fileUploadInit,
      JSON.stringify({ id: '4', params: { fileName: '../x', fileSize: 1 } }),
    );
    expect(bad).toMatchObject({ id: '4', code: 460, message: expect.stringMatching(/fileName/) });
    // One that decodes and is refused is reported with its file name.
    const refused = firstValueFrom(emulator.events$.pipe(filter((e) => e.type === 'file-upload')));
    await ask(
      topics.fileUploadInit,
      JSON.stringify({ id: '6', params: { fileName: 'empty.bin', fileSize: 0 } }),
    );
    const event = await refused;
    expect(event).toMatchObject({ step: 'init', code: 460, fileName: 'empty.bin' });
    expect(describeEmulatorEvent(event)).toMatch(
      /file upload init empty\.bin \(no upload\) refused 460: fileSize/,
    );
    const cancel = await ask(
      topics.fileUploadCancel,
      JSON.stringify({ id: '5', params: { uploadId: 'nope' } }),
    );
    expect(cancel).toMatchObject({ id: '5', code: FILE_UPLOAD_CODES.uploadNotFound });
  });

  it('should report each upload opened, finished and cancelled, with a readable line', async () => {
    const emulator = await harness.start();
    const { ask } = await device(emulator);
    const events = firstValueFrom(
      emulator.events$.pipe(
        filter((e): e is Extract<EmulatorEvent, { type: 'file-upload' }> => e.type === 'file-upload'),
        take(4),
        toArray(),
      ),
    );
    await uploaded(emulator, ask);
    const init = await ask(
      topics.fileUploadInit,
      JSON.stringify({ id: '6', params: { fileName: 'b.bin', fileSize: 900 } }),
    );
    await ask(topics.fileUploadCancel, JSON.stringify({ id: '7', params: { uploadId: init.data.uploadId } }));
    const seen = await events;
    expect(
      seen.map(({ step, code, fileName, size, complete }) => ({ step, code, fileName, size, complete })),
    ).toEqual([
      { step: 'init', code: 200, fileName: 'log.txt', size: 0, complete: undefined },
      { step: 'send', code: 200, fileName: 'log.txt', size: 307, complete: true },
      { step: 'init', code: 200, fileName: 'b.bin', size: 0, complete: undefined },
      { step: 'cancel', code: 200, fileName: 'b.bin', size: 0, complete: undefined },
    ]);
    expect(seen.map(describeEmulatorEvent)).toEqual([
      expect.stringMatching(/^a1TestPK001\/dev01 file upload log\.txt \(\w+\) opened at 0 bytes$/),
      expect.stringMatching(/^a1TestPK001\/dev01 file upload log\.txt \(\w+\) complete, 307 bytes$/),
      expect.stringMatching(/b\.bin .* opened at 0 bytes$/),
      expect.stringMatching(/b\.bin .* cancelled$/),
    ]);
  });

  it('should list, give and delete files through the server API (QueryDeviceFileList, QueryDeviceFile, DeleteDeviceFile)', async () => {
    const emulator = await harness.start();
    const api = await startCloudApi(emulator, { products: products! });
    try {
      const { ask } = await device(emulator);
      await uploaded(emulator, ask);
      const call = async (params: Record<string, string>) => {
        const body = new URLSearchParams({ ProductKey: DEV01.productKey, DeviceName: 'dev01', ...params });
        const response = await fetch(api.url, { method: 'POST', body });
        return (await response.json()) as Record<string, unknown>;
      };
      const list = await call({ Action: 'QueryDeviceFileList' });
      expect(list).toMatchObject({
        Success: true,
        Total: 1,
        PageSize: 10,
        PageCount: 1,
        CurrentPage: 1,
        Data: {
          FileSummary: [
            { FileId: expect.any(String), Name: 'log.txt', Size: '307', UtcCreatedOn: expect.any(String) },
          ],
        },
      });
      const fileId = (list.Data as { FileSummary: { FileId: string }[] }).FileSummary[0]!.FileId;
      const one = await call({ Action: 'QueryDeviceFile', FileId: fileId });
      const url = (one.Data as { DownloadUrl: string }).DownloadUrl;
      expect(Buffer.from(await (await fetch(url)).arrayBuffer())).toEqual(file);
      expect(await call({ Action: 'DeleteDeviceFile', FileId: fileId })).toMatchObject({ Success: true });
      expect(await call({ Action: 'QueryDeviceFile', FileId: fileId })).toMatchObject({
        Success: false,
        Code: 'iot.device.FileNotExist',
      });
    } finally {
      await api.close();
    }
  });
});
