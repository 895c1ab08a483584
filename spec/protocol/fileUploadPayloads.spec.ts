import * as E from 'fp-ts/Either';
import {
  decodeUploadChunk,
  encodeUploadChunk,
  FileUploadInitData,
  FileUploadInitParams,
  isUploadFileName,
  UploadSendData,
} from '../../lib/protocol';

const header = '{"id":"1","params":{"uploadId":"abc","offset":0,"bSize":9,"isComplete":true}}';

describe('encodeUploadChunk', () => {
  it('should write the header length big-endian, the JSON header, the bytes and their CRC-16 low byte first', () => {
    const frame = encodeUploadChunk({
      id: '1',
      uploadId: 'abc',
      offset: 0,
      bytes: Buffer.from('123456789'),
      isComplete: true,
    });
    expect(header.length).toBe(77);
    expect(frame.length).toBe(2 + 77 + 9 + 2);
    expect([...frame.subarray(0, 2)]).toEqual([0x00, 0x4d]);
    expect(frame.subarray(2, 79).toString()).toBe(header);
    expect(frame.subarray(79, 88).toString()).toBe('123456789');
    expect([...frame.subarray(88)]).toEqual([0x3d, 0xbb]);
  });

  it('should leave isComplete out when it is not given', () => {
    const frame = encodeUploadChunk({ id: '7', uploadId: 'u', offset: 256, bytes: new Uint8Array(3) });
    expect(JSON.parse(frame.subarray(2, 2 + frame.readUInt16BE(0)).toString())).toEqual({
      id: '7',
      params: { uploadId: 'u', offset: 256, bSize: 3 },
    });
  });
});

describe('decodeUploadChunk', () => {
  const frame = encodeUploadChunk({ id: '12', uploadId: 'up1', offset: 512, bytes: Buffer.from('hello') });

  it('should read what encodeUploadChunk writes', () => {
    const read = decodeUploadChunk(frame);
    expect(read).toEqual(
      E.right({
        id: '12',
        params: { uploadId: 'up1', offset: 512, bSize: 5 },
        bytes: Buffer.from('hello'),
        checksumMatches: true,
      }),
    );
  });

  it('should read a frame inside a larger buffer, and an empty last chunk', () => {
    const empty = encodeUploadChunk({
      id: '3',
      uploadId: 'u',
      offset: 9,
      bytes: new Uint8Array(0),
      isComplete: true,
    });
    const inside = Buffer.concat([Buffer.from('junk'), empty]).subarray(4);
    const read = decodeUploadChunk(inside);
    expect(E.isRight(read) && read.right.bytes.length).toBe(0);
    expect(E.isRight(read) && read.right.params.isComplete).toBe(true);
    expect(E.isRight(read) && read.right.checksumMatches).toBe(true);
  });

  it('should read a wrong CRC-16 as a chunk whose checksum does not match', () => {
    const broken = Buffer.from(frame);
    broken.writeUInt8(broken.readUInt8(broken.length - 3) ^ 0x01, broken.length - 3);
    const read = decodeUploadChunk(broken);
    expect(E.isRight(read) && read.right.checksumMatches).toBe(false);
  });

  const withHeader = (json: string, bytes = Buffer.alloc(0)) => {
    const text = Buffer.from(json);
    const head = Buffer.alloc(2);
    head.writeUInt16BE(text.length);
    return Buffer.concat([head, text, bytes, Buffer.alloc(2)]);
  };

  it.each<[string, Buffer, RegExp, string | undefined]>([
    ['three bytes', Buffer.from([0, 1, 2]), /too short/, undefined],
    ['a header longer than the frame', Buffer.from([0, 200, 1, 2, 3, 4]), /longer than the frame/, undefined],
    ['a header that is no JSON', withHeader('{"id":'), /not JSON/, undefined],
    ['a header without uploadId', withHeader('{"id":"5","params":{"offset":0,"bSize":0}}'), /uploadId/, '5'],
    [
      'a bSize other than the bytes',
      withHeader('{"id":"6","params":{"uploadId":"u","offset":0,"bSize":4}}', Buffer.from('ab')),
      /bSize is 4 but 2 bytes/,
      '6',
    ],
  ])('should say why it cannot read %s, with the id when the header has one', (_, bytes, reason, id) => {
    const read = decodeUploadChunk(bytes);
    expect(E.isLeft(read)).toBe(true);
    if (E.isLeft(read)) {
      expect(read.left.reason).toMatch(reason);
      expect(read.left.id).toBe(id);
    }
  });
});

describe('isUploadFileName', () => {
  it.each<[string, boolean]>([
    ['abc.bin', true],
    ['9_log.txt', true],
    ['a'.repeat(100), true],
    ['a'.repeat(101), false],
    ['', false],
    ['_x', false],
    ['.hidden', false],
    ['a-b', false],
    ['dir/file', false],
    ['文件', false],
  ])('should take %j: %s', (name, expected) => {
    expect(isUploadFileName(name)).toBe(expected);
  });
});

describe('FileUploadInitParams', () => {
  it('should take the SDK’s params, the size as a number or a string', () => {
    const params = {
      fileName: 'abc.bin',
      fileSize: '123455',
      conflictStrategy: 'append',
      ficMode: 'crc64',
      ficValue: '0205d7aa00000000',
      initUid: 'ab1234',
    };
    expect(FileUploadInitParams.decode(params)).toEqual(E.right({ ...params, fileSize: 123455 }));
  });

  it.each<[string, unknown]>([
    ['a bad name', { fileName: 'a/b', fileSize: 1 }],
    ['no size', { fileName: 'a' }],
    ['an unknown strategy', { fileName: 'a', fileSize: 1, conflictStrategy: 'merge' }],
  ])('should refuse %s', (_, params) => {
    expect(E.isLeft(FileUploadInitParams.decode(params))).toBe(true);
  });
});

describe('reply data', () => {
  it('should read an init reply with or without an offset', () => {
    expect(FileUploadInitData.decode({ fileName: 'a', uploadId: 'u1' })).toEqual(
      E.right({ fileName: 'a', uploadId: 'u1' }),
    );
    expect(FileUploadInitData.decode({ uploadId: 'u1', offset: '512' })).toEqual(
      E.right({ uploadId: 'u1', offset: 512 }),
    );
  });

  it.each<[string, unknown]>([
    ['negative', -100],
    ['fractional', 1.5],
    ['a string of no number', '12a'],
  ])('should refuse an init reply offset that is %s', (_, offset) => {
    expect(E.isLeft(FileUploadInitData.decode({ uploadId: 'u1', offset }))).toBe(true);
  });

  it('should read a last send reply, complete as a boolean or a string', () => {
    const data = {
      uploadId: 'u',
      offset: 0,
      bSize: 9,
      complete: 'true',
      ficMode: 'crc64',
      ficValueClient: 'a',
      ficValueServer: 'a',
    };
    expect(UploadSendData.decode(data)).toEqual(E.right({ ...data, complete: true }));
    // Nothing is required: the reply's id says which chunk it answers.
    expect(UploadSendData.decode({})).toEqual(E.right({}));
    expect(E.isLeft(UploadSendData.decode({ offset: 'x' }))).toBe(true);
  });
});
