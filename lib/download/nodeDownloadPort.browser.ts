import { throwError } from 'rxjs';
import type { DownloadPort } from './DownloadPort';
import type { NodeDownloadPortOptions } from './nodeDownloadPort';

export type { NodeDownloadPortOptions } from './nodeDownloadPort';

const unavailable = () => new Error('nodeDownloadPort needs Node.js: downloads do not run in a browser');

/** In a browser, in place of `nodeDownloadPort.ts`: a port whose every call fails, saying why. */
export function nodeDownloadPort(_options: NodeDownloadPortOptions = {}): DownloadPort {
  return {
    get: () => throwError(unavailable),
    openFile: () => {
      throw unavailable();
    },
    removeFile: () => throwError(unavailable),
  };
}
