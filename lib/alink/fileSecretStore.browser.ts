import type { SecretStore } from '../identity/secretStore';
import { SecretStoreError } from './SecretStoreError';

export { SecretStoreError };

/**
 * In a browser, in place of `fileSecretStore.ts`: there are no files. Loading and saving fail, saying so; a
 * page keeps its credential with `memorySecretStore()` or a store of its own (e.g. on `localStorage`).
 */
export function fileSecretStore(path: string): SecretStore {
  const unavailable = () =>
    Promise.reject(
      new SecretStoreError(path, 'files need Node.js: in a browser, pass a secret store of your own'),
    );
  return { load: unavailable, save: unavailable };
}
