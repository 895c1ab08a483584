import { encodePayload, messageIds, otaPushPayload } from '../../lib/emulator/cloudPayloads';

const dev = { productKey: 'pk', deviceName: 'dn' };

describe('encodePayload', () => {
  it.each([
    ['a string as UTF-8', 'héllo', Buffer.from('héllo', 'utf8')],
    ['bytes as they are', new Uint8Array([1, 2, 3]), Buffer.from([1, 2, 3])],
    ['a Buffer as it is', Buffer.from('raw'), Buffer.from('raw')],
    ['an object as JSON', { id: '1', params: { a: 1 } }, Buffer.from('{"id":"1","params":{"a":1}}')],
    ['an array as JSON', [1, 'x'], Buffer.from('[1,"x"]')],
  ])('should encode %s', (_, payload, expected) => {
    expect(encodePayload(payload)).toEqual(expected);
  });

  it('should encode only the view of a larger buffer', () => {
    const view = new Uint8Array(new Uint8Array([9, 1, 2, 9]).buffer, 1, 2);
    expect(encodePayload(view)).toEqual(Buffer.from([1, 2]));
  });
});

describe('otaPushPayload', () => {
  it('should carry every given field', () => {
    const firmware = { version: '2.0.0', url: 'https://x/fw.bin', size: 432945, md5: 'abc', module: 'MCU' };
    expect(otaPushPayload(dev, firmware, 7)).toEqual({
      code: '1000',
      id: 7,
      message: 'success',
      data: {
        size: 432945,
        version: '2.0.0',
        url: 'https://x/fw.bin',
        md5: 'abc',
        sign: 'abc',
        signMethod: 'MD5',
        module: 'MCU',
      },
    });
  });

  it('should describe an empty image by default and leave the module out', () => {
    expect(otaPushPayload(dev, { version: '1.1' }, 8)).toEqual({
      code: '1000',
      id: 8,
      message: 'success',
      data: {
        size: 0,
        version: '1.1',
        url: 'https://ota.example.invalid/pk/dn/1.1.bin',
        md5: 'd41d8cd98f00b204e9800998ecf8427e',
        sign: 'd41d8cd98f00b204e9800998ecf8427e',
        signMethod: 'MD5',
      },
    });
  });
});

describe('messageIds', () => {
  it('should count up from the seed, within uint32', () => {
    const next = messageIds(1_700_000_000_123);
    expect([next(), next(), next()]).toEqual([124, 125, 126]);
  });

  it('should stay within 0–4294967295 for a clock seed', () => {
    const id = messageIds()();
    expect(Number.isInteger(id) && id > 0 && id < 4294967295).toBe(true);
  });
});
