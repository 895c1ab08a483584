import * as E from 'fp-ts/Either';
import { ConfigFile, configFileData, configGetParams } from '../../lib/protocol';

describe('config payloads', () => {
  it('should ask for the product configuration as a file', () => {
    expect(configGetParams()).toEqual({ configScope: 'product', getType: 'file' });
  });

  it('should read a file as the platform writes it: Sha256, the size as a string or a number', () => {
    const data = {
      configId: 'c1',
      configSize: '12',
      sign: 'ab'.repeat(32),
      signMethod: 'Sha256',
      url: 'https://x/c',
      getType: 'file',
    };
    expect(ConfigFile.decode(data)).toEqual(E.right({ ...data, configSize: 12, signMethod: 'SHA256' }));
    const written = configFileData({
      configId: 'c1',
      configSize: 12,
      sign: 'ab'.repeat(32),
      url: 'https://x/c',
    });
    expect(written.signMethod).toBe('Sha256');
    expect(E.isRight(ConfigFile.decode(written))).toBe(true);
  });

  it.each<unknown>([{}, { configId: 'c', configSize: 1, sign: 's', signMethod: 'CRC', url: 'u' }])(
    'should refuse %p',
    (data) => {
      expect(E.isLeft(ConfigFile.decode(data))).toBe(true);
    },
  );
});
