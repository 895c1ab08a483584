import { fileSecretStore, SecretStoreError } from '../../lib/alink/fileSecretStore.browser';

describe('fileSecretStore (browser)', () => {
  it('should fail to load and to save, saying that files need Node.js', async () => {
    const store = fileSecretStore('data/secret.json');
    const device = { productKey: 'pk', deviceName: 'dev01' };
    for (const attempt of [store.load(device), store.save(device, { deviceSecret: 's' })]) {
      await expect(attempt).rejects.toBeInstanceOf(SecretStoreError);
      await expect(attempt).rejects.toThrow('secret store data/secret.json: files need Node.js');
    }
  });
});
