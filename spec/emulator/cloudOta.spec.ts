import { firmwareFields, firmwarePush } from '../../lib/emulator/cloudOta';

const dev = { productKey: 'pk', deviceName: 'dn' };

describe('firmwarePush', () => {
  it("should carry every given field on the device's upgrade topic", () => {
    const firmware = { version: '2.0.0', url: 'https://x/fw.bin', size: 432945, md5: 'abc', module: 'MCU' };
    expect(firmwarePush(dev, firmwareFields(dev, firmware), '7')).toEqual({
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
    expect(firmwarePush(dev, firmwareFields(dev, { version: '1.1' }), '8').payload).toEqual({
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
