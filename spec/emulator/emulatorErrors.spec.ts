import {
  DeviceOfflineError,
  EmulatorClosedError,
  PayloadTooLargeError,
  RrpcTimeoutError,
} from '../../lib/emulator/emulatorErrors';

const dev = { productKey: 'pk', deviceName: 'dn' };

describe('emulator errors', () => {
  it.each([
    [new EmulatorClosedError(), 'EmulatorClosedError', {}],
    [new DeviceOfflineError(dev), 'DeviceOfflineError', { device: dev }],
    [
      new RrpcTimeoutError(dev, '42', 8000),
      'RrpcTimeoutError',
      { device: dev, messageId: '42', timeoutMs: 8000 },
    ],
    [new PayloadTooLargeError('/t', 10, 4), 'PayloadTooLargeError', { topic: '/t', bytes: 10, maxBytes: 4 }],
  ])('%s should be an Error named %s with its data', (error, name, data) => {
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error).toMatchObject(data);
    expect(error.message).not.toBe('');
  });
});
