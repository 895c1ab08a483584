import { throwError } from 'rxjs';
import type { DownloadPort } from './DownloadPort';

export type { NodeDownloadPortOptions } from './nodeDownloadPort';

/**
 * In a browser, in place of `nodeDownloadPort.ts`: there is no Node `http` or `fs` to download a file with.
 * A download there needs a `DownloadPort` of its own (the `port` option); this one says so.
 */
export function nodeDownloadPort(): DownloadPort {
  const unavailable = () =>
    new Error(
      'nodeDownloadPort needs Node.js (http, https, fs): in a browser, pass a DownloadPort of your own',
    );
  return {
    get: () => throwError(unavailable),
    openFile: () => {
      throw unavailable();
    },
    removeFile: () => throwError(unavailable),
  };
}
