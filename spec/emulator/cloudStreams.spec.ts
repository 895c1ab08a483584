// The emulator's side of file download over MQTT against a raw MQTT.js device: the push that names the
// stream, the reply frames on the wire, the refusals, the faults, and what is reported.
import * as E from 'fp-ts/Either';
import { createHash } from 'node:crypto';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import type { Emulator, EmulatorEvent } from '../../lib/emulator';
import { describeEmulatorEvent } from '../../lib/emulator/describeEmulatorEvent';
import { deviceTopics } from '../../lib/identity';
import { decodeDownloadBlock, fileDownloadRequest, type BlockRequest } from '../../lib/protocol';
import { imageBytes } from '../support/tempDir';
import { DEV01, deviceHarness, nextMessage, products, SECRET } from './deviceHarness';

const harness = deviceHarness();
afterEach(() => harness.cleanup());

const topics = deviceTopics(DEV01);
const image = imageBytes(300_000, 3);

async function device(emulator: Emulator) {
  const client = await harness.connectDevice(emulator);
  await client.subscribeAsync(topics.fileDownloadReply);
  /** Publishes a request and resolves with the reply read. */
  const ask = async (request: Omit<BlockRequest, 'id'> & { id?: string }) => {
    const reply = nextMessage(client);
    const payload = fileDownloadRequest({ id: '1', ...request });
    await client.publishAsync(topics.fileDownload, JSON.stringify(payload), { qos: 1 });
    const { topic, payload: body } = await reply;
    expect(topic).toBe(topics.fileDownloadReply);
    const read = decodeDownloadBlock(body);
    if (E.isLeft(read)) throw new Error(read.left.reason);
    return read.right;
  };
  return { client, ask };
}

const downloadEvents = (emulator: Emulator) =>
  emulator.events$.pipe(
    filter((e): e is Extract<EmulatorEvent, { type: 'file-download' }> => e.type === 'file-download'),
  );

describe('cloudStreams', () => {
  it('should push a firmware over MQTT with dProtocol, streamId and streamFileId, and no url', async () => {
    const emulator = await harness.start();
    const { client } = await device(emulator);
    await client.subscribeAsync(topics.otaUpgrade);
    const pushed = nextMessage(client);
    const announced = await emulator.pushOta(DEV01, { version: '2.0.0', image, mqtt: true, module: 'MCU' });
    const md5 = createHash('md5').update(image).digest('hex');
    expect(announced).toEqual({
      version: '2.0.0',
      dProtocol: 'mqtt',
      streamId: expect.any(Number),
      streamFileId: 1,
      size: image.length,
      md5,
      sign: md5,
      signMethod: 'MD5',
      module: 'MCU',
    });
    const push = JSON.parse((await pushed).payload.toString()) as { data: Record<string, unknown> };
    expect(push.data).toEqual({
      size: image.length,
      version: '2.0.0',
      dProtocol: 'mqtt',
      streamId: announced.streamId,
      streamFileId: 1,
      md5,
      sign: md5,
      signMethod: 'MD5',
      module: 'MCU',
    });
  });

  it('should answer each block in the reply frame: the bytes asked for, their CRC, fileLength, the token echoed', async () => {
    const emulator = await harness.start();
    const { ask } = await device(emulator);
    const { streamId } = await emulator.pushOta(DEV01, { version: '2.0.0', image, mqtt: true });
    const fileId = 1;
    const first = await ask({
      id: '7',
      streamId: streamId!,
      fileId,
      size: 5120,
      offset: 0,
      fileToken: 'default',
    });
    expect(first).toEqual({
      _tag: 'ReadBlock',
      id: '7',
      offset: 0,
      fileLength: image.length,
      fileToken: 'default',
      bytes: image.subarray(0, 5120),
      checksumMatches: true,
    });
    // Clamped to the end of the file, and to 128 KiB.
    const last = await ask({ streamId: streamId!, fileId, size: 5120, offset: image.length - 100 });
    expect(last).toMatchObject({
      offset: image.length - 100,
      bytes: image.subarray(-100),
      checksumMatches: true,
    });
    const big = await ask({ streamId: streamId!, fileId, size: 200_000, offset: 0 });
    expect(big).toMatchObject({ bytes: image.subarray(0, 131_072), checksumMatches: true });
  });

  it.each<[string, Partial<BlockRequest>, number, RegExp]>([
    ['an unknown stream', { streamId: 1 }, 400, /no file 1 in stream 1$/],
    ['an unknown file of the stream', { fileId: 2 }, 400, /no file 2 in stream/],
    ['a block of 0 bytes', { size: 0 }, 460, /no block of 0 bytes at 0/],
    ['a block at the end of the file', { offset: 300_000 }, 460, /at 300000 in a file of 300000/],
  ])('should refuse %s, with fileLength when the file is known', async (_, change, code, reason) => {
    const emulator = await harness.start();
    const { ask } = await device(emulator);
    const { streamId } = await emulator.pushOta(DEV01, { version: '2.0.0', image, mqtt: true });
    const events = firstValueFrom(downloadEvents(emulator));
    const refused = await ask({ streamId: streamId!, fileId: 1, size: 10, offset: 0, ...change });
    expect(refused).toEqual({
      _tag: 'DownloadRefusal',
      id: '1',
      code,
      message: expect.stringMatching(reason),
      ...(code === 460 ? { fileLength: image.length } : {}),
    });
    expect(await events).toMatchObject({ type: 'file-download', device: DEV01, code, size: 0 });
  });

  it("should refuse another product's device the stream as one it does not know", async () => {
    const other = { productKey: 'a1OtherPK01', deviceName: 'x1' };
    const emulator = await harness.start({
      products: [
        ...products!,
        { productKey: other.productKey, devices: [{ deviceName: 'x1', deviceSecret: SECRET }] },
      ],
    });
    const { ask } = await device(emulator);
    const { streamId } = await emulator.pushOta(DEV01, { version: '2.0.0', image, mqtt: true });
    const client = await harness.connectDevice(emulator, { ...other, deviceSecret: SECRET });
    const otherTopics = deviceTopics(other);
    await client.subscribeAsync(otherTopics.fileDownloadReply);
    const reply = nextMessage(client);
    const payload = fileDownloadRequest({ id: '3', streamId: streamId!, fileId: 1, size: 100, offset: 0 });
    await client.publishAsync(otherTopics.fileDownload, JSON.stringify(payload), { qos: 1 });
    expect(decodeDownloadBlock((await reply).payload)).toEqual(
      E.right(expect.objectContaining({ _tag: 'DownloadRefusal', code: 400 })),
    );
    // The product's own device gets it.
    expect(await ask({ streamId: streamId!, fileId: 1, size: 100, offset: 0 })).toMatchObject({
      _tag: 'ReadBlock',
    });
  });

  it('should refuse a request that does not decode, by its id, 460 with the reason', async () => {
    const emulator = await harness.start();
    const { client } = await device(emulator);
    const reply = nextMessage(client);
    await client.publishAsync(topics.fileDownload, JSON.stringify({ id: '5', params: { fileInfo: {} } }));
    const read = decodeDownloadBlock((await reply).payload);
    expect(read).toEqual(
      E.right(
        expect.objectContaining({
          _tag: 'DownloadRefusal',
          id: '5',
          code: 460,
          message: expect.stringMatching(/^request parameter error: /),
        }),
      ),
    );
  });

  it('should spoil the CRC of the block holding badChecksumAt once, and leave one request unanswered for dropReplyAt', async () => {
    const emulator = await harness.start();
    const { client, ask } = await device(emulator);
    const { streamId } = await emulator.pushOta(DEV01, {
      version: '2.0.0',
      image,
      mqtt: true,
      blockFaults: { badChecksumAt: 6000, dropReplyAt: 20_000 },
    });
    const reported = firstValueFrom(downloadEvents(emulator).pipe(take(3), toArray()));
    const block = { streamId: streamId!, fileId: 1, size: 5120 };
    expect(await ask({ ...block, offset: 5120 })).toMatchObject({ offset: 5120, checksumMatches: false });
    expect(await ask({ ...block, offset: 5120 })).toMatchObject({ offset: 5120, checksumMatches: true });
    // The first request for the block of byte 20000 is not answered: the next reply is the second one's.
    const reply = nextMessage(client);
    await client.publishAsync(
      topics.fileDownload,
      JSON.stringify(fileDownloadRequest({ id: '8', ...block, offset: 20_480 - 5120 })),
    );
    await client.publishAsync(
      topics.fileDownload,
      JSON.stringify(fileDownloadRequest({ id: '9', ...block, offset: 20_480 - 5120 })),
    );
    expect(decodeDownloadBlock((await reply).payload)).toEqual(E.right(expect.objectContaining({ id: '9' })));
    const last = await ask({ ...block, offset: image.length - 10 });
    expect(last).toMatchObject({ checksumMatches: true });
    const events = await reported;
    expect(events.map((e) => [e.offset, e.fault, e.complete])).toEqual([
      [5120, 'bad-checksum', undefined],
      [15_360, 'dropped', undefined],
      [image.length - 10, undefined, true],
    ]);
    expect(describeEmulatorEvent(events[0]!)).toMatch(
      /file download stream \d+ file 1 at 5120, 5120 bytes: bad-checksum/,
    );
  });

  it('should serve a corrupt image with right CRCs, so that only the digest fails', async () => {
    const emulator = await harness.start();
    const { ask } = await device(emulator);
    const small = imageBytes(1000, 4);
    const { streamId, md5 } = await emulator.pushOta(DEV01, {
      version: '2',
      image: small,
      mqtt: true,
      faults: { corrupt: true },
    });
    const read = await ask({ streamId: streamId!, fileId: 1, size: 1000, offset: 0 });
    expect(read).toMatchObject({ checksumMatches: true });
    const bytes = read._tag === 'ReadBlock' ? read.bytes : new Uint8Array();
    expect(Buffer.from(bytes).equals(small)).toBe(false);
    expect(createHash('md5').update(bytes).digest('hex')).not.toBe(md5);
  });

  it('should refuse a firmware over MQTT that also names a url', async () => {
    const emulator = await harness.start();
    await expect(
      emulator.pushOta(DEV01, { version: '2', mqtt: true, url: 'https://x/fw.bin' }),
    ).rejects.toBeInstanceOf(TypeError);
  });
});
