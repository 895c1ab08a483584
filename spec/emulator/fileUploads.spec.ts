// The platform's rules of an upload over MQTT, without a broker: what each init, send and cancel is answered.
import * as E from 'fp-ts/Either';
import {
  crc64,
  decodeUploadChunk,
  encodeUploadChunk,
  FILE_UPLOAD_CODES,
  type ReadChunk,
} from '../../lib/protocol';
import { fileUploads } from '../../lib/emulator/fileUploads';

const DEV = 'pk/dev01';
const bytes = (n: number, fill = 1) => Buffer.alloc(n, fill);

/** A chunk as the platform reads it from a frame (so that the CRC-16 is the real one). */
function chunk(uploadId: string, offset: number, data: Buffer, isComplete?: boolean): ReadChunk {
  const read = decodeUploadChunk(encodeUploadChunk({ id: '1', uploadId, offset, bytes: data, isComplete }));
  if (E.isLeft(read)) throw new Error(read.left.reason);
  return read.right;
}

function rig(start = Date.UTC(2026, 11, 4)) {
  let now = start;
  const uploads = fileUploads(() => now);
  const open = (params: Parameters<typeof uploads.init>[1], device = DEV) => {
    const answer = uploads.init(device, params);
    return { answer, uploadId: (answer.data as { uploadId?: string } | undefined)?.uploadId ?? '' };
  };
  return { uploads, open, advance: (ms: number) => (now += ms) };
}

describe('fileUploads', () => {
  it('should take a file in chunks at growing offsets and keep it once the last is in, checking its CRC-64', () => {
    const { uploads, open } = rig();
    const file = Buffer.concat([bytes(300, 1), bytes(300, 2), bytes(10, 3)]);
    const { answer, uploadId } = open({
      fileName: 'a.bin',
      fileSize: 610,
      ficMode: 'crc64',
      ficValue: crc64(file),
    });
    expect(answer).toEqual({
      data: {
        fileName: 'a.bin',
        fileSize: 610,
        uploadId: expect.stringMatching(/^[0-9a-f]{24}$/),
        conflictStrategy: 'overwrite',
      },
    });
    expect(uploads.send(DEV, chunk(uploadId, 0, file.subarray(0, 300)))).toEqual({
      data: { uploadId, offset: 0, bSize: 300 },
    });
    expect(uploads.send(DEV, chunk(uploadId, 300, file.subarray(300, 600)))).toEqual({
      data: { uploadId, offset: 300, bSize: 300 },
    });
    expect(uploads.filesOf(DEV)).toEqual([]);
    expect(uploads.send(DEV, chunk(uploadId, 600, file.subarray(600)))).toEqual({
      data: {
        uploadId,
        offset: 600,
        bSize: 10,
        complete: true,
        ficMode: 'crc64',
        ficValueClient: crc64(file),
        ficValueServer: crc64(file),
      },
    });
    expect(uploads.filesOf(DEV)).toEqual([
      {
        fileId: expect.any(String),
        name: 'a.bin',
        size: 610,
        utcCreatedOn: '2026-12-04T00:00:00.000Z',
        content: file,
      },
    ]);
    expect(uploads.send(DEV, chunk(uploadId, 610, bytes(1)))).toMatchObject({
      code: FILE_UPLOAD_CODES.uploadFinished,
    });
  });

  it('should end a file of unknown size at isComplete, an empty last chunk too, and have no CRC-64 to compare', () => {
    const { uploads, open } = rig();
    const { uploadId } = open({ fileName: 'rec.wav', fileSize: -1 });
    expect(uploads.send(DEV, chunk(uploadId, 0, bytes(256), false))).toEqual({
      data: { uploadId, offset: 0, bSize: 256 },
    });
    expect(uploads.send(DEV, chunk(uploadId, 256, bytes(0), true))).toEqual({
      data: { uploadId, offset: 256, bSize: 0, complete: true },
    });
    expect(uploads.filesOf(DEV).map((f) => f.size)).toEqual([256]);
  });

  it.each<[string, (id: string) => ReadChunk, number]>([
    [
      'a wrong CRC-16',
      (id) => ({ ...chunk(id, 0, bytes(300)), checksumMatches: false }),
      FILE_UPLOAD_CODES.chunkChecksumMismatch,
    ],
    ['a chunk at the wrong offset', (id) => chunk(id, 10, bytes(300)), FILE_UPLOAD_CODES.offsetMismatch],
    [
      'a chunk but the last under 256 bytes',
      (id) => chunk(id, 0, bytes(255)),
      FILE_UPLOAD_CODES.chunkTooSmall,
    ],
    ['a chunk over 128 KiB', (id) => chunk(id, 0, bytes(131_073)), FILE_UPLOAD_CODES.chunkTooLarge],
    ['a chunk past fileSize', (id) => chunk(id, 0, bytes(200_000 + 1).subarray(0, 131_072)), 460],
    ['an unknown upload', () => chunk('nope', 0, bytes(300)), FILE_UPLOAD_CODES.uploadNotFound],
  ])('should refuse %s, taking nothing', (_, make, code) => {
    const { uploads, open } = rig();
    const { uploadId } = open({ fileName: 'a.bin', fileSize: 100_000 });
    expect(uploads.send(DEV, make(uploadId))).toMatchObject({ code });
    expect(uploads.describe(DEV, uploadId)).toEqual({ fileName: 'a.bin', size: 0 });
  });

  it('should answer a chunk sent again after a lost reply 78126, and take the next one', () => {
    const { uploads, open } = rig();
    const { uploadId } = open({ fileName: 'a.bin', fileSize: 600 });
    uploads.send(DEV, chunk(uploadId, 0, bytes(300, 7)));
    expect(uploads.send(DEV, chunk(uploadId, 0, bytes(300, 7)))).toMatchObject({
      code: FILE_UPLOAD_CODES.duplicateChunk,
    });
    expect(uploads.send(DEV, chunk(uploadId, 0, bytes(300, 8)))).toMatchObject({
      code: FILE_UPLOAD_CODES.offsetMismatch,
    });
    expect(uploads.send(DEV, chunk(uploadId, 300, bytes(300)))).toMatchObject({ data: { complete: true } });
    expect(uploads.filesOf(DEV)[0]?.content).toEqual(Buffer.concat([bytes(300, 7), bytes(300)]));
  });

  it('should drop an upload whose CRC-64 does not match, keeping no file', () => {
    const { uploads, open } = rig();
    const { uploadId } = open({
      fileName: 'a.bin',
      fileSize: 4,
      ficMode: 'CRC64',
      ficValue: crc64(Buffer.from('abcd')).toUpperCase(),
    });
    expect(uploads.send(DEV, chunk(uploadId, 0, Buffer.from('abce')))).toMatchObject({
      code: FILE_UPLOAD_CODES.fileChecksumMismatch,
      data: { ficValueClient: crc64(Buffer.from('abcd')), ficValueServer: crc64(Buffer.from('abce')) },
    });
    expect(uploads.filesOf(DEV)).toEqual([]);
    expect(uploads.describe(DEV, uploadId)).toBeUndefined();
  });

  it('should drop a file of unknown size once it passes 16 MiB, and an empty one', () => {
    const { uploads, open } = rig();
    const big = open({ fileName: 'big', fileSize: -1 }).uploadId;
    let offset = 0;
    for (; offset < 16 * 1024 * 1024; offset += 131_072) {
      expect(uploads.send(DEV, chunk(big, offset, bytes(131_072)))).not.toHaveProperty('code');
    }
    expect(uploads.send(DEV, chunk(big, offset, bytes(1), true))).toMatchObject({
      code: FILE_UPLOAD_CODES.fileTooLarge,
    });
    expect(uploads.describe(DEV, big)).toBeUndefined();
    const empty = open({ fileName: 'empty', fileSize: -1 }).uploadId;
    expect(uploads.send(DEV, chunk(empty, 0, bytes(0), true))).toMatchObject({ code: 460 });
    expect(uploads.describe(DEV, empty)).toBeUndefined();
  });

  it.each<[string, object, number]>([
    ['a size of 0', { fileSize: 0 }, 460],
    ['a size under -1', { fileSize: -2 }, 460],
    ['a size over 16 MiB', { fileSize: 16 * 1024 * 1024 + 1 }, FILE_UPLOAD_CODES.fileTooLarge],
    ['a ficMode other than crc64', { fileSize: 9, ficMode: 'md5', ficValue: '0'.repeat(16) }, 460],
    ['a ficMode without ficValue', { fileSize: 9, ficMode: 'crc64' }, 460],
    ['a ficValue with a size of -1', { fileSize: -1, ficMode: 'crc64', ficValue: '0'.repeat(16) }, 460],
    ['a ficValue that is not 16 hex digits', { fileSize: 9, ficMode: 'crc64', ficValue: 'xyz' }, 460],
  ])('should refuse an init with %s', (_, params, code) => {
    const { open } = rig();
    expect(open({ fileName: 'a.bin', fileSize: 1, ...params }).answer).toMatchObject({ code });
  });

  describe('a file of the same name', () => {
    function withFile() {
      const r = rig();
      const { uploadId } = r.open({ fileName: 'a.bin', fileSize: 1 });
      r.uploads.send(DEV, chunk(uploadId, 0, Buffer.from('x')));
      return r;
    }

    it('should be deleted by an overwrite init, and the new one kept once it finishes', () => {
      const { uploads, open } = withFile();
      const { uploadId } = open({ fileName: 'a.bin', fileSize: 1, conflictStrategy: 'overwrite' });
      expect(uploads.filesOf(DEV)).toEqual([]);
      uploads.send(DEV, chunk(uploadId, 0, Buffer.from('y')));
      expect(uploads.filesOf(DEV).map((f) => f.content.toString())).toEqual(['y']);
    });

    it('should be refused with reject, and with append once it is complete', () => {
      const { open } = withFile();
      expect(open({ fileName: 'a.bin', fileSize: 1, conflictStrategy: 'reject' }).answer).toMatchObject({
        code: FILE_UPLOAD_CODES.fileExists,
      });
      expect(open({ fileName: 'a.bin', fileSize: 1, conflictStrategy: 'append' }).answer).toMatchObject({
        code: FILE_UPLOAD_CODES.fileExists,
      });
      expect(open({ fileName: 'b.bin', fileSize: 1, conflictStrategy: 'reject' }).answer).not.toHaveProperty(
        'code',
      );
    });

    it('should be resumed with append while unfinished, from the offset it has', () => {
      const { uploads, open } = rig();
      const first = open({ fileName: 'a.bin', fileSize: 600 }).uploadId;
      uploads.send(DEV, chunk(first, 0, bytes(300)));
      const again = open({ fileName: 'a.bin', fileSize: 600, conflictStrategy: 'append' });
      expect(again.answer).toMatchObject({ data: { uploadId: first, offset: 300 } });
      // overwrite starts afresh: the unfinished upload is gone.
      const fresh = open({ fileName: 'a.bin', fileSize: 600 }).uploadId;
      expect(fresh).not.toBe(first);
      expect(uploads.send(DEV, chunk(first, 300, bytes(300)))).toMatchObject({
        code: FILE_UPLOAD_CODES.uploadNotFound,
      });
    });
  });

  it('should answer the last chunk sent again after the file finished 78126, as any chunk it has, and a new one 78124', () => {
    const { uploads, open } = rig();
    const { uploadId } = open({ fileName: 'a.bin', fileSize: 300 });
    expect(uploads.send(DEV, chunk(uploadId, 0, bytes(300)))).toMatchObject({ data: { complete: true } });
    expect(uploads.send(DEV, chunk(uploadId, 0, bytes(300)))).toMatchObject({
      code: FILE_UPLOAD_CODES.duplicateChunk,
    });
    expect(uploads.send(DEV, chunk(uploadId, 0, bytes(300, 9)))).toMatchObject({
      code: FILE_UPLOAD_CODES.uploadFinished,
    });
    const stream = open({ fileName: 's.bin', fileSize: -1 }).uploadId;
    uploads.send(DEV, chunk(stream, 0, bytes(300), false));
    expect(uploads.send(DEV, chunk(stream, 300, bytes(0), true))).toMatchObject({ data: { complete: true } });
    expect(uploads.send(DEV, chunk(stream, 300, bytes(0), true))).toMatchObject({
      code: FILE_UPLOAD_CODES.duplicateChunk,
    });
    expect(uploads.filesOf(DEV).map((f) => f.size)).toEqual([300, 300]);
  });

  it('should refuse an append whose file is not the one left unfinished (size or CRC-64), naming what it has', () => {
    const { uploads, open } = rig();
    const { uploadId } = open({
      fileName: 'a.bin',
      fileSize: 600,
      ficMode: 'crc64',
      ficValue: '1'.repeat(16),
    });
    uploads.send(DEV, chunk(uploadId, 0, bytes(300)));
    expect(open({ fileName: 'a.bin', fileSize: 900, conflictStrategy: 'append' }).answer).toMatchObject({
      code: 460,
      message: expect.stringMatching(/of 600 bytes/),
    });
    const checked = {
      fileName: 'a.bin',
      fileSize: 600,
      conflictStrategy: 'append',
      ficMode: 'crc64',
      ficValue: '0'.repeat(16),
    } as const;
    expect(open(checked).answer).toMatchObject({ code: 460 });
    expect(open({ fileName: 'a.bin', fileSize: 600, conflictStrategy: 'append' }).answer).toMatchObject({
      data: { uploadId, offset: 300 },
    });
  });

  it('should start afresh after 24 hours, whatever the strategy or initUid, the expired upload forgotten', () => {
    const { uploads, open, advance } = rig();
    const first = open({ fileName: 'a.bin', fileSize: 600, initUid: 'u-1' }).uploadId;
    uploads.send(DEV, chunk(first, 0, bytes(300)));
    advance(24 * 60 * 60 * 1000 + 1);
    expect(uploads.describe(DEV, first)).toBeUndefined();
    expect(open({ fileName: 'a.bin', fileSize: 600, conflictStrategy: 'reject' }).answer).not.toHaveProperty(
      'code',
    );
    advance(24 * 60 * 60 * 1000 + 1);
    const resumed = open({ fileName: 'a.bin', fileSize: 600, conflictStrategy: 'append', initUid: 'u-1' });
    expect(resumed.uploadId).not.toBe(first);
    expect(resumed.answer.data).not.toHaveProperty('offset');
  });

  it('should forget finished uploads after 24 hours too, keeping their files', () => {
    const { uploads, open, advance } = rig();
    const { uploadId } = open({ fileName: 'a.bin', fileSize: 1 });
    uploads.send(DEV, chunk(uploadId, 0, Buffer.from('x')));
    expect(uploads.describe(DEV, uploadId)).toEqual({ fileName: 'a.bin', size: 1 });
    advance(24 * 60 * 60 * 1000 + 1);
    expect(uploads.describe(DEV, uploadId)).toBeUndefined();
    expect(uploads.filesOf(DEV).map((f) => f.name)).toEqual(['a.bin']);
  });

  it.each<[string, unknown]>([
    ['no object', 'oss'],
    ['an unknown ossOwnerType', { ossOwnerType: 'nonsense' }],
    ['device-user without serviceId', { ossOwnerType: 'device-user' }],
    [
      'six fileTags',
      { ossOwnerType: 'device-user', serviceId: 's', fileTag: { a: 1, b: 1, c: 1, d: 1, e: 1, f: 1 } },
    ],
    ['a fileTag key from __', { ossOwnerType: 'device-user', serviceId: 's', fileTag: { __k: 'v' } }],
  ])('should refuse extraParams with %s', (_, extraParams) => {
    const { open } = rig();
    expect(open({ fileName: 'a.bin', fileSize: 1, extraParams }).answer).toMatchObject({ code: 460 });
  });

  it("should take a file for the user's own bucket and not list it, and list one for the platform's", () => {
    const { uploads, open } = rig();
    const own = open({
      fileName: 'own.bin',
      fileSize: 1,
      extraParams: { ossOwnerType: 'device-user', serviceId: 'b1', fileTag: { k: 'v' } },
    });
    expect(uploads.send(DEV, chunk(own.uploadId, 0, Buffer.from('x')))).toMatchObject({
      data: { complete: true },
    });
    const platform = open({
      fileName: 'iot.bin',
      fileSize: 1,
      extraParams: { ossOwnerType: 'iot-platform' },
    });
    uploads.send(DEV, chunk(platform.uploadId, 0, Buffer.from('y')));
    expect(uploads.filesOf(DEV).map((f) => f.name)).toEqual(['iot.bin']);
  });

  it('should tell of each file deleted or replaced', () => {
    const forgotten: string[] = [];
    const uploads = fileUploads(
      () => 0,
      (file) => forgotten.push(`${file.name}:${file.content.toString()}`),
    );
    const put = (content: string) => {
      const { uploadId } = uploads.init(DEV, { fileName: 'a.bin', fileSize: content.length }).data as {
        uploadId: string;
      };
      uploads.send(DEV, chunk(uploadId, 0, Buffer.from(content)));
    };
    put('1');
    put('2');
    expect(uploads.deleteFile(DEV, uploads.filesOf(DEV)[0]!.fileId)).toBe(true);
    expect(forgotten).toEqual(['a.bin:1', 'a.bin:2']);
  });

  it('should give the same upload to an init sent again with its initUid', () => {
    const { uploads, open } = rig();
    const first = open({ fileName: 'a.bin', fileSize: 600, initUid: 'u-1' }).uploadId;
    expect(open({ fileName: 'a.bin', fileSize: 600, initUid: 'u-1' }).uploadId).toBe(first);
    uploads.send(DEV, chunk(first, 0, bytes(300)));
    expect(open({ fileName: 'a.bin', fileSize: 600, initUid: 'u-1' }).answer).toMatchObject({
      data: { uploadId: first, offset: 300 },
    });
    expect(open({ fileName: 'a.bin', fileSize: 600, initUid: 'u-2' }).uploadId).not.toBe(first);
  });

  it("should keep one device's uploads and files from another", () => {
    const { uploads, open } = rig();
    const { uploadId } = open({ fileName: 'a.bin', fileSize: 1 });
    expect(uploads.send('pk/dev02', chunk(uploadId, 0, Buffer.from('x')))).toMatchObject({
      code: FILE_UPLOAD_CODES.uploadNotFound,
    });
    expect(uploads.cancel('pk/dev02', uploadId)).toMatchObject({ code: FILE_UPLOAD_CODES.uploadNotFound });
    expect(uploads.describe('pk/dev02', uploadId)).toBeUndefined();
    uploads.send(DEV, chunk(uploadId, 0, Buffer.from('x')));
    expect(uploads.filesOf('pk/dev02')).toEqual([]);
    const [file] = uploads.filesOf(DEV);
    expect(uploads.deleteFile('pk/dev02', file!.fileId)).toBe(false);
    expect(uploads.deleteFile(DEV, file!.fileId)).toBe(true);
    expect(uploads.filesOf(DEV)).toEqual([]);
  });

  it('should cancel an unfinished upload, and not a finished one', () => {
    const { uploads, open } = rig();
    const { uploadId } = open({ fileName: 'a.bin', fileSize: 600 });
    expect(uploads.cancel(DEV, uploadId)).toEqual({ data: { uploadId } });
    expect(uploads.send(DEV, chunk(uploadId, 0, bytes(300)))).toMatchObject({
      code: FILE_UPLOAD_CODES.uploadNotFound,
    });
    const done = open({ fileName: 'b.bin', fileSize: 1 }).uploadId;
    uploads.send(DEV, chunk(done, 0, Buffer.from('x')));
    expect(uploads.cancel(DEV, done)).toMatchObject({ code: FILE_UPLOAD_CODES.uploadFinished });
  });

  it('should forget an unfinished upload after 24 hours', () => {
    const { uploads, open, advance } = rig();
    const { uploadId } = open({ fileName: 'a.bin', fileSize: 600 });
    advance(24 * 60 * 60 * 1000);
    expect(uploads.send(DEV, chunk(uploadId, 0, bytes(300)))).toEqual({
      data: { uploadId, offset: 0, bSize: 300 },
    });
    advance(1);
    expect(uploads.send(DEV, chunk(uploadId, 300, bytes(300)))).toMatchObject({
      code: FILE_UPLOAD_CODES.uploadNotFound,
    });
  });

  it('should keep at most 1,000 files of a device, and still replace one of them', () => {
    const { uploads, open } = rig();
    for (let n = 0; n < 1000; n++) {
      const { uploadId } = open({ fileName: `f${n}`, fileSize: 1 });
      uploads.send(DEV, chunk(uploadId, 0, Buffer.from('x')));
    }
    expect(open({ fileName: 'f1000', fileSize: 1 }).answer).toMatchObject({ code: 460 });
    expect(open({ fileName: 'f0', fileSize: 1 }).answer).not.toHaveProperty('code');
    expect(open({ fileName: 'f0', fileSize: 1 }, 'pk/dev02').answer).not.toHaveProperty('code');
  });
});
