import { from, lastValueFrom } from 'rxjs';
import { isDeviceCredential, memorySecretStore } from '../../lib/identity/secretStore';

const dev01 = { productKey: 'a1TestPK001', deviceName: 'dev01' };
const dev02 = { productKey: 'a1TestPK001', deviceName: 'dev02' };

describe('memorySecretStore', () => {
  it('should keep one credential per device, the last saved winning', async () => {
    const store = memorySecretStore();
    const load = (device: typeof dev01) => lastValueFrom(from(store.load(device)));
    await expect(load(dev01)).resolves.toBeUndefined();
    await lastValueFrom(from(store.save(dev01, { deviceSecret: 'first' })));
    await lastValueFrom(from(store.save(dev01, { deviceSecret: 'second' })));
    await lastValueFrom(from(store.save(dev02, { clientId: 'c1', deviceToken: 't1' })));
    await expect(load(dev01)).resolves.toEqual({ deviceSecret: 'second' });
    await expect(load(dev02)).resolves.toEqual({ clientId: 'c1', deviceToken: 't1' });
  });

  it('should not share credentials between two stores', async () => {
    const a = memorySecretStore();
    await lastValueFrom(from(a.save(dev01, { deviceSecret: 's' })));
    await expect(lastValueFrom(from(memorySecretStore().load(dev01)))).resolves.toBeUndefined();
  });
});

describe('isDeviceCredential', () => {
  it.each<[unknown, boolean]>([
    [{ deviceSecret: 's' }, true],
    [{ clientId: 'c', deviceToken: 't' }, true],
    [{ deviceSecret: '' }, false],
    [{ clientId: 'c' }, false],
    [{ deviceToken: 't' }, false],
    [{ deviceSecret: 42 }, false],
    ['secret', false],
    [null, false],
  ])('should take %p as a credential: %p', (value, expected) => {
    expect(isDeviceCredential(value)).toBe(expected);
  });
});
