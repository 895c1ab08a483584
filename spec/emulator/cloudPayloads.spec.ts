import { encodePayload, firmwarePush } from '../../lib/emulator/cloudPayloads';

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

describe('firmwarePush', () => {
  it("should carry every given field on the device's upgrade topic", () => {
    const firmware = { version: '2.0.0', url: 'https://x/fw.bin', size: 432945, md5: 'abc', module: 'MCU' };
    expect(firmwarePush(dev, firmware, '7')).toEqual({
      topic: '/ota/device/upgrade/pk/dn',
      payload: {
        code: '1000',
        id: '7',
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
      },
    });
  });

  it('should describe an empty image by default and leave the module out', () => {
    expect(firmwarePush(dev, { version: '1.1' }, '8').payload).toEqual({
      code: '1000',
      id: '8',
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
