import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, lastValueFrom } from 'rxjs';
import { fileSecretStore, SecretStoreError } from '../../lib/alink/fileSecretStore';
import type { DeviceCredential, SecretStore } from '../../lib/identity/secretStore';

const dev01 = { productKey: 'a1TestPK001', deviceName: 'dev01' };
const dev02 = { productKey: 'a1TestPK001', deviceName: 'dev02' };
const other = { productKey: 'a1OtherPK', deviceName: 'dev01' };

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'rx-aliyun-iot-secrets-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const load = (store: SecretStore, device: typeof dev01) => lastValueFrom(from(store.load(device)));
const save = (store: SecretStore, device: typeof dev01, credential: DeviceCredential) =>
  lastValueFrom(from(store.save(device, credential)), { defaultValue: undefined });

describe('fileSecretStore', () => {
  it('should have nothing for a device while the file does not exist', async () => {
    await expect(load(fileSecretStore(join(dir, 'none.json')), dev01)).resolves.toBeUndefined();
  });

  it('should keep credentials across stores on the same file, the last one saved winning', async () => {
    const path = join(dir, 'data', 'secret.json');
    const store = fileSecretStore(path);
    await save(store, dev01, { deviceSecret: 'first' });
    await save(store, dev01, { deviceSecret: 'second' });
    await save(store, dev02, { clientId: 'cid', deviceToken: 'tok' });
    await save(store, other, { deviceSecret: 'elsewhere' });
    const again = fileSecretStore(path);
    await expect(load(again, dev01)).resolves.toEqual({ deviceSecret: 'second' });
    await expect(load(again, dev02)).resolves.toEqual({ clientId: 'cid', deviceToken: 'tok' });
    await expect(load(again, other)).resolves.toEqual({ deviceSecret: 'elsewhere' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      a1TestPK001: { dev01: { deviceSecret: 'second' }, dev02: { clientId: 'cid', deviceToken: 'tok' } },
      a1OtherPK: { dev01: { deviceSecret: 'elsewhere' } },
    });
  });

  it('should make the file readable by its owner only, and its folder too', async () => {
    const path = join(dir, 'private', 'secret.json');
    await save(fileSecretStore(path), dev01, { deviceSecret: 's' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'private')).mode & 0o777).toBe(0o700);
  });

  it('should replace a file others could read with one they cannot', async () => {
    const path = join(dir, 'secret.json');
    writeFileSync(path, '{}', { mode: 0o644 });
    await save(fileSecretStore(path), dev01, { deviceSecret: 's' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('should keep every one of many saves made at once, and leave no temporary file', async () => {
    const path = join(dir, 'secret.json');
    const store = fileSecretStore(path);
    const names = Array.from({ length: 20 }, (_, i) => `dev${String(i).padStart(2, '0')}`);
    await Promise.all(
      names.map((deviceName) => save(store, { productKey: 'pk', deviceName }, { deviceSecret: deviceName })),
    );
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { pk: Record<string, unknown> };
    expect(Object.keys(saved.pk).sort()).toEqual(names);
    expect(readdirSync(dir)).toEqual(['secret.json']);
  });

  it.each<[string, string]>([
    ['not JSON', 'deviceSecret=s3cr3t-in-file'],
    ['not an object of products', '["s3cr3t-in-file"]'],
  ])(
    'should refuse a file that is %s with a SecretStoreError, without showing it, and keep it',
    async (_, text) => {
      const path = join(dir, 'secret.json');
      writeFileSync(path, text);
      const store = fileSecretStore(path);
      const error = await load(store, dev01).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SecretStoreError);
      expect((error as Error).message).toMatch(/^secret store .*secret\.json: is not/);
      expect((error as Error).message).not.toContain('s3cr3t');
      await expect(save(store, dev01, { deviceSecret: 'x' })).rejects.toBeInstanceOf(SecretStoreError);
      expect(readFileSync(path, 'utf8')).toBe(text);
    },
  );

  it('should take a credential of another shape in the file as none', async () => {
    const path = join(dir, 'secret.json');
    writeFileSync(path, JSON.stringify({ a1TestPK001: { dev01: { deviceSecret: '' } } }));
    await expect(load(fileSecretStore(path), dev01)).resolves.toBeUndefined();
  });
});
