import { deviceRegistry } from '../../lib/emulator/deviceRegistry';
import { memorySecretStore } from '../../lib/identity/secretStore';

const PK = 'a1TestPK001';
const dev01 = { productKey: PK, deviceName: 'dev01' };
const dev02 = { productKey: PK, deviceName: 'dev02' };
const products = [
  { productKey: PK, devices: [{ deviceName: 'dev01', deviceSecret: 'given' }, { deviceName: 'dev02' }] },
];

describe('deviceRegistry', () => {
  it('should know the devices of the products, with their secrets if any', () => {
    const registry = deviceRegistry(products);
    expect(registry.isKnown(dev01) && registry.isKnown(dev02)).toBe(true);
    expect(registry.isKnown({ productKey: PK, deviceName: 'dev03' })).toBe(false);
    expect(registry.secretOf(dev01)).toBe('given');
    expect(registry.secretOf(dev02)).toBeUndefined();
    expect(registry.product(PK)).toBe(products[0]);
  });

  it('should let the last secret issued win, and forget a token for it', async () => {
    const registry = deviceRegistry(products);
    await registry.issueToken(dev02);
    const first = await registry.issueSecret(dev02);
    const second = await registry.issueSecret(dev02);
    expect(first).not.toBe(second);
    expect(registry.secretOf(dev02)).toBe(second);
    expect(registry.tokenOf(dev02)).toBeUndefined();
  });

  it('should know a device once a token was issued for it', async () => {
    const registry = deviceRegistry(products);
    const device = { productKey: PK, deviceName: 'new01' };
    const token = await registry.issueToken(device);
    expect(registry.isKnown(device)).toBe(true);
    expect(registry.tokenOf(device)).toEqual(token);
    expect(token.clientId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('should keep what it issues in the store, and recall it in a new registry as activated', async () => {
    const store = memorySecretStore();
    const secret = await deviceRegistry(products, store).issueSecret(dev02);
    expect(await store.load(dev02)).toEqual({ deviceSecret: secret });
    const again = deviceRegistry(products, store);
    expect(again.secretOf(dev02)).toBeUndefined();
    await again.recall(dev02);
    expect(again.secretOf(dev02)).toBe(secret);
    expect(again.isActivated(dev02)).toBe(true);
  });

  it('should recall nothing for a product it does not have', async () => {
    const store = memorySecretStore();
    const elsewhere = { productKey: 'a1Other', deviceName: 'dev01' };
    await store.save(elsewhere, { deviceSecret: 's' });
    const registry = deviceRegistry(products, store);
    await registry.recall(elsewhere);
    expect(registry.secretOf(elsewhere)).toBeUndefined();
  });
});
