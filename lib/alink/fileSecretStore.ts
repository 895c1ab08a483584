import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DeviceIdentity } from '../identity/deviceNamespace';
import { isDeviceCredential, type DeviceCredential, type SecretStore } from '../identity/secretStore';
import { SecretStoreError } from './SecretStoreError';

export { SecretStoreError };

/** `{ [productKey]: { [deviceName]: credential } }`, as the file holds it. */
type Credentials = Record<string, Record<string, DeviceCredential>>;

async function read(path: string): Promise<Credentials> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return {};
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Never say what the file holds: it is secrets.
    throw new SecretStoreError(path, 'is not JSON; move it away to register again');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SecretStoreError(path, 'is not an object of products; move it away to register again');
  }
  return parsed as Credentials;
}

/**
 * A secret store in a JSON file, as QuecPython keeps `/usr/secret.json`: one credential per product and
 * device name. The file is readable by its owner only (mode 600, its folder 700 when this creates it) and
 * written atomically (a temporary file renamed over it), one save at a time. A browser build takes
 * `fileSecretStore.browser.ts` in its place.
 *
 * ```ts
 * createDevice({ productKey, deviceName, productSecret, secretStore: fileSecretStore('data/secrets.json') });
 * ```
 */
export function fileSecretStore(path: string): SecretStore {
  let saving: Promise<unknown> = Promise.resolve();

  const write = async (credentials: Credentials) => {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  };

  return {
    async load({ productKey, deviceName }: DeviceIdentity) {
      const credential = (await read(path))[productKey]?.[deviceName];
      return isDeviceCredential(credential) ? credential : undefined;
    },
    save({ productKey, deviceName }: DeviceIdentity, credential: DeviceCredential) {
      const saved = saving.then(async () => {
        const credentials = await read(path);
        await write({
          ...credentials,
          [productKey]: { ...credentials[productKey], [deviceName]: credential },
        });
      });
      // The next save waits for this one, whether it worked or not.
      saving = saved.catch(() => undefined);
      return saved;
    },
  };
}
