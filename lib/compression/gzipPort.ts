import { defer, of } from 'rxjs';
import type { CompressionPort } from './CompressionPort';
import { nodeGzip } from './nodeGzip';

/**
 * The default compression port, on Node's `zlib`: each result is emitted as it is subscribed, so that a
 * compressed publish or message keeps its place among the others. A browser build takes
 * `gzipPort.browser.ts` in its place.
 */
export function gzipPort(): CompressionPort {
  return {
    gzip: (data, level) => defer(() => of(nodeGzip.gzip(data, level))),
    gunzip: (data, maxBytes) => defer(() => of(nodeGzip.gunzip(data, maxBytes))),
  };
}
