import * as E from 'fp-ts/Either';
import {
  decodeDownloadBlock,
  encodeDownloadBlock,
  FileDownloadRequest,
  fileDownloadRequest,
} from '../../lib/protocol';

/** A frame put together by hand: the header's length (big-endian), the header, the bytes, a CRC (low byte first). */
function frame(header: string, bytes: Buffer, crc: [number, number]): Buffer {
  const head = Buffer.from(header, 'utf8');
  return Buffer.concat([Buffer.from([head.length >> 8, head.length & 0xff]), head, bytes, Buffer.from(crc)]);
}

const hello = Buffer.from('Hello, IoT!');
// CRC-16/ARC of "Hello, IoT!" is 0x8456, computed apart from the library (filedownload-protocol.md §6).
const HELLO_CRC: [number, number] = [0x56, 0x84];

describe('fileDownloadRequest', () => {
  it('should write the request as the Link SDK does, in strict JSON', () => {
    const request = fileDownloadRequest({
      id: '1',
      streamId: 14267,
      fileId: 1,
      size: 11,
      offset: 0,
      fileToken: 'default',
    });
    expect(JSON.stringify(request)).toBe(
      '{"id":"1","version":"1.0","params":{"fileToken":"default","fileInfo":{"streamId":14267,"fileId":1},"fileBlock":{"size":11,"offset":0}}}',
    );
  });

  it('should leave fileToken out when there is none', () => {
    const request = fileDownloadRequest({ id: '2', streamId: 5, fileId: 1, size: 256, offset: 512 });
    expect(request.params).toEqual({
      fileInfo: { streamId: 5, fileId: 1 },
      fileBlock: { size: 256, offset: 512 },
    });
  });

  it.each<[string, unknown]>([
    [
      'numbers as strings, no version, no token',
      { id: 3, params: { fileInfo: { streamId: '7', fileId: '1' }, fileBlock: { size: '10', offset: 0 } } },
    ],
    [
      'what fileDownloadRequest writes',
      fileDownloadRequest({ id: '3', streamId: 7, fileId: 1, size: 10, offset: 0 }),
    ],
  ])('should read a request with %s', (_, json) => {
    const decoded = FileDownloadRequest.decode(json);
    expect(E.isRight(decoded) && decoded.right.params).toEqual({
      fileInfo: { streamId: 7, fileId: 1 },
      fileBlock: { size: 10, offset: 0 },
    });
  });

  it.each<[string, unknown]>([
    ['no fileInfo', { id: '1', params: { fileBlock: { size: 1, offset: 0 } } }],
    [
      'a negative offset',
      { id: '1', params: { fileInfo: { streamId: 1, fileId: 1 }, fileBlock: { size: 1, offset: -1 } } },
    ],
    [
      'a fractional size',
      { id: '1', params: { fileInfo: { streamId: 1, fileId: 1 }, fileBlock: { size: 1.5, offset: 0 } } },
    ],
    ['no id', { params: { fileInfo: { streamId: 1, fileId: 1 }, fileBlock: { size: 1, offset: 0 } } }],
  ])('should refuse a request with %s', (_, json) => {
    expect(E.isLeft(FileDownloadRequest.decode(json))).toBe(true);
  });
});

describe('encodeDownloadBlock', () => {
  it('should write the length, the header, the bytes and their CRC-16/ARC low byte first', () => {
    const written = encodeDownloadBlock({
      id: '1',
      offset: 0,
      fileLength: 11,
      fileToken: 'default',
      bytes: hello,
    });
    const header =
      '{"id":"1","code":200,"data":{"bSize":11,"bOffset":0,"fileLength":11,"fileToken":"default"},"message":"success"}';
    expect(written.toString('hex')).toBe(frame(header, hello, HELLO_CRC).toString('hex'));
    expect(written.subarray(0, 2)).toEqual(Buffer.from([0x00, 0x6f]));
  });

  it('should write a refusal with no bytes, the CRC of nothing being 0', () => {
    const written = encodeDownloadBlock({ id: '4', code: 460, message: 'bad block', fileLength: 11 });
    expect(written).toEqual(
      frame(
        '{"id":"4","code":460,"data":{"bSize":0,"fileLength":11},"message":"bad block"}',
        Buffer.alloc(0),
        [0, 0],
      ),
    );
  });

  it('should write a CRC it is given instead, for a fault', () => {
    const written = encodeDownloadBlock({ id: '1', offset: 0, fileLength: 11, bytes: hello }, 0x1234);
    expect([...written.subarray(-2)]).toEqual([0x34, 0x12]);
  });
});

describe('decodeDownloadBlock', () => {
  it('should read the frame of filedownload-protocol.md §6, computed apart from the library', () => {
    const hex =
      '006f7b226964223a2231222c22636f6465223a3230302c226d657373616765223a2273756363657373222c2264617461223a7b2266696c65546f6b656e223a2264656661756c74222c2266696c654c656e677468223a31312c226253697a65223a31312c22624f6666736574223a307d7d48656c6c6f2c20496f54215684';
    expect(decodeDownloadBlock(Buffer.from(hex, 'hex'))).toEqual(
      E.right({
        _tag: 'ReadBlock',
        id: '1',
        offset: 0,
        fileLength: 11,
        fileToken: 'default',
        bytes: hello,
        checksumMatches: true,
      }),
    );
  });

  it('should read the header captured from the platform, no fileToken, the id as sent', () => {
    const bytes = Buffer.alloc(256, 7);
    const header =
      '{"code":200,"data":{"bOffset":0,"fileLength":5092,"bSize":256},"id":"1","message":"success"}';
    // CRC-16/ARC of 256 bytes of 7, by hand with the bitwise algorithm below.
    const crc = arc(bytes);
    const read = decodeDownloadBlock(frame(header, bytes, [crc & 0xff, crc >> 8]));
    expect(read).toEqual(
      E.right({ _tag: 'ReadBlock', id: '1', offset: 0, fileLength: 5092, bytes, checksumMatches: true }),
    );
  });

  it('should read a block whose CRC does not match, saying so', () => {
    const read = decodeDownloadBlock(
      encodeDownloadBlock({ id: '1', offset: 0, fileLength: 11, bytes: hello }, 0),
    );
    expect(E.isRight(read) && read.right._tag === 'ReadBlock' && read.right.checksumMatches).toBe(false);
  });

  it('should write what it reads back', () => {
    const block = { id: '9', offset: 4096, fileLength: 9000, bytes: Buffer.from([0, 1, 2, 3]) };
    expect(decodeDownloadBlock(encodeDownloadBlock(block))).toEqual(
      E.right({ _tag: 'ReadBlock', ...block, checksumMatches: true }),
    );
  });

  it.each<[string, Buffer, object]>([
    [
      'a frame',
      encodeDownloadBlock({ id: '4', code: 460, message: 'bad', fileLength: 11 }),
      { id: '4', code: 460, message: 'bad', fileLength: 11 },
    ],
    [
      'plain JSON',
      Buffer.from('{"id":"5","code":"400","message":"no such stream"}'),
      { id: '5', code: 400, message: 'no such stream' },
    ],
  ])('should read a refusal in %s', (_, payload, expected) => {
    expect(decodeDownloadBlock(payload)).toEqual(E.right({ _tag: 'DownloadRefusal', ...expected }));
  });

  it.each<[string, Buffer, RegExp, string | undefined]>([
    ['too short', Buffer.from([0, 1, 2]), /too short/, undefined],
    ['a header longer than the frame', Buffer.from([0, 200, 1, 2, 3]), /longer than the reply/, undefined],
    ['a header that is no JSON', frame('{nope', hello, HELLO_CRC), /not JSON/, undefined],
    ['a header with no code', frame('{"id":"3","data":{}}', hello, HELLO_CRC), /does not fit/, '3'],
    [
      'a block with no bOffset',
      frame('{"id":"3","code":200,"data":{"bSize":11,"fileLength":11}}', hello, HELLO_CRC),
      /bOffset/,
      '3',
    ],
    [
      'a bSize other than the bytes',
      frame('{"id":"3","code":200,"data":{"bSize":10,"bOffset":0,"fileLength":11}}', hello, HELLO_CRC),
      /bSize is 10 but 11/,
      '3',
    ],
    ['a block of plain JSON', Buffer.from('{"id":"6","code":200,"data":{}}'), /plain JSON/, '6'],
  ])('should not read %s, keeping the id when there is one', (_, payload, reason, id) => {
    const read = decodeDownloadBlock(payload);
    expect(E.isLeft(read) && read.left.reason).toMatch(reason);
    expect(E.isLeft(read) && read.left.id).toBe(id);
  });
});

/** CRC-16/ARC bit by bit (no table): the reference the library's table must agree with. */
function arc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}
